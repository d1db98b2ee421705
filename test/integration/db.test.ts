import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, ensureDataDir, openDatabase } from '../../electron/node/db/connection';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion, type Migration } from '../../electron/node/db/migrations/index';
import { AppError } from '../../shared/ipc/result';
import { tempDir } from '../helpers/temp';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function freshDir(): string {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  return temp.dir;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe('the database', () => {
  it('is created in WAL mode with foreign keys on and migrated to the latest schema', () => {
    const file = databasePath(freshDir());
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(LATEST_SCHEMA_VERSION % 10).toBe(0);
    db.close();
    // Opening again runs nothing twice.
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(LATEST_SCHEMA_VERSION);
    again.close();
  });

  it('refuses a database written by a newer PosCare and leaves it untouched', () => {
    const file = databasePath(freshDir());
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(codeOf(() => openDatabase(file))).toBe('database_newer');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('rolls back every pending migration when one of them fails', () => {
    const db = new Database(':memory:');
    const migrations: Migration[] = [
      { version: 10, name: 'a', up: (d) => d.exec('CREATE TABLE a (x INTEGER)') },
      { version: 20, name: 'b', up: () => { throw new Error('broken migration'); } },
    ];
    expect(() => migrate(db, migrations)).toThrow('broken migration');
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'a'").get()).toEqual({ n: 0 });
  });

  it('reports a file that is not a database as corrupt', () => {
    const file = databasePath(freshDir());
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
    expect(codeOf(() => openDatabase(file))).toBe('database_corrupt');
  });

  it('reports a data folder that cannot be created', () => {
    const parent = freshDir();
    const blocker = path.join(parent, 'file');
    fs.writeFileSync(blocker, 'not a folder');
    expect(codeOf(() => ensureDataDir(path.join(blocker, 'data')))).toBe('data_dir_unwritable');
  });
});
