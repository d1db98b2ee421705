/**
 * One schema step. Its own module so the numbered migrations import the shape, not the list
 * (index.ts) that imports them.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
