/**
 * The SQLite connection: better-sqlite3 only lives in db/. WAL, foreign keys on, a busy timeout,
 * and the schema migrated on open. A database written by a newer PosCare is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../../shared/ipc/result';
import { assertSchemaSupported, migrate } from './migrations/index';

export type Db = Database.Database;

export const DATABASE_FILE = 'poscare.db';

export interface OpenOptions {
  /** Open without running migrations (backup verification, inspection). */
  readonly?: boolean;
}

/** Makes sure the data directory exists and is writable, with a clear error when not. */
export function ensureDataDir(dataDir: string): void {
  try {
    // One level at a time: Node's recursive mkdir loops forever on a folder that answers ENOENT
    // to every create (`/proc/x`), where this fails at once with the reason.
    const missing: string[] = [];
    for (let dir = path.resolve(dataDir); !fs.existsSync(dir); dir = path.dirname(dir)) {
      missing.unshift(dir);
      if (path.dirname(dir) === dir) break;
    }
    for (const dir of missing) fs.mkdirSync(dir);
    if (!fs.statSync(dataDir).isDirectory()) throw new Error('it is not a folder');
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (error) {
    throw new AppError('data_dir_unwritable', `Data directory ${dataDir} is not writable: ${(error as Error).message}`, {
      dataDir,
    });
  }
}

export function databasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma('busy_timeout = 5000');
    // Touch the schema: a file that is not a database fails here, not on the first query.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    // Refuse a newer database before anything (even the journal mode) is written to it.
    assertSchemaSupported(db);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw toAppError(error, file);
  }
}

/** Maps SQLite's failures at open time to errors a manager can act on. */
export function toAppError(error: unknown, file: string): Error {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) {
    return new AppError('database_corrupt', `The database ${file} is damaged (${message})`, { file });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY')) {
    return new AppError('database_locked', `The database ${file} is locked by another program (${message})`, { file });
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY')) {
    return new AppError('data_dir_unwritable', `Cannot open ${file} for writing (${message})`, { file });
  }
  return error instanceof Error ? error : new Error(message);
}
