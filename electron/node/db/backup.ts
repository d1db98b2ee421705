/**
 * The database side of backups: the consistent snapshot through SQLite's online backup API (in
 * steps, so the event loop keeps running), integrity checks and row counts in a worker thread
 * (PRAGMA integrity_check on a big file takes seconds), the backup history, and a connection
 * that can be closed and reopened under the services when a restore swaps the file.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { BackupEntry, BackupStatus, BackupTrigger } from '../../../shared/domain/backup';
import { AppError } from '../../../shared/ipc/result';
import type { Db } from './connection';

/** Pages per backup step: 1 MiB at the default page size, a few milliseconds of work. */
const PAGES_PER_STEP = 256;

/** Copies the live database into `file` with the online backup API; answers the page count. */
export async function snapshotDatabase(db: Db, file: string, onProgress?: (fraction: number) => void): Promise<number> {
  const result = await db.backup(file, {
    progress({ totalPages, remainingPages }) {
      onProgress?.(totalPages === 0 ? 1 : (totalPages - remainingPages) / totalPages);
      return PAGES_PER_STEP;
    },
  });
  return result.totalPages;
}

export interface DatabaseFacts {
  integrity: string;
  schemaVersion: number;
  rowCounts: Record<string, number>;
}

/**
 * Runs in the worker: for each request opens the file read-only and answers integrity, schema
 * version and row counts, closing the file before it answers.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
parentPort.on('message', ({ id, file, integrity: withIntegrity }) => {
  let db;
  let answer;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = withIntegrity
      ? db.pragma('integrity_check', { simple: false }).map((r) => r.integrity_check).join('; ')
      : 'skipped';
    const schemaVersion = db.pragma('user_version', { simple: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const rowCounts = {};
    for (const { name } of tables) rowCounts[name] = db.prepare('SELECT count(*) AS n FROM "' + name.replace(/"/g, '""') + '"').get().n;
    answer = { ok: true, facts: { integrity, schemaVersion, rowCounts } };
  } catch (error) {
    answer = { ok: false, code: error.code || '', message: String(error.message || error) };
  }
  // Close before answering: the caller may rename or reopen the file as soon as it hears back.
  try { if (db) db.close(); } catch (error) { answer = { ok: false, code: error.code || '', message: String(error.message || error) }; }
  parentPort.postMessage({ id, ...answer });
});
`;

type WorkerAnswer = { id: number } & ({ ok: true; facts: DatabaseFacts } | { ok: false; code: string; message: string });

interface Inspector {
  worker: Worker;
  next: number;
  pending: Map<number, { resolve(facts: DatabaseFacts): void; reject(error: Error): void }>;
}

let inspector: Inspector | undefined;

/** One worker per process, started on first use and kept (unref'd) so later checks start at once. */
function sharedInspector(): Inspector {
  if (inspector) return inspector;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Plain JavaScript: no loader hooks (tsx under tests and benches) to boot in the worker.
    execArgv: [],
    workerData: { driver },
  });
  const created: Inspector = { worker, next: 1, pending: new Map() };
  const failAll = (error: Error) => {
    if (inspector === created) inspector = undefined;
    for (const { reject } of created.pending.values()) reject(error);
    created.pending.clear();
  };
  worker.on('message', (message: WorkerAnswer) => {
    const waiting = created.pending.get(message.id);
    if (!waiting) return;
    created.pending.delete(message.id);
    if (created.pending.size === 0) worker.unref();
    if (message.ok) waiting.resolve(message.facts);
    else waiting.reject(new AppError('backup_damaged', `The database inside the backup cannot be read: ${message.message}`, { sqlite: message.code }));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`integrity worker exited with ${code}`)));
  // After the listeners (adding one refs the port again): an idle worker never keeps the process alive.
  worker.unref();
  inspector = created;
  return created;
}

/** Integrity check (optional), schema version and row counts of a database file, off the main thread. */
export function inspectDatabaseFile(file: string, options: { integrity: boolean }): Promise<DatabaseFacts> {
  const shared = sharedInspector();
  const id = shared.next++;
  return new Promise((resolve, reject) => {
    shared.pending.set(id, { resolve, reject });
    // Referenced while a check is pending (the caller awaits it), unreferenced when idle.
    shared.worker.ref();
    shared.worker.postMessage({ id, file, integrity: options.integrity });
  });
}

/* ---- history ---- */

interface BackupRow {
  id: number;
  file: string;
  created_at: string;
  trigger: BackupTrigger;
  status: BackupStatus;
  encrypted: number;
  bytes: number;
  row_counts: string;
  seconds: number | null;
  error: string | null;
  present: number;
}

function toEntry(row: BackupRow): BackupEntry {
  return {
    id: row.id,
    file: row.file,
    createdAt: row.created_at,
    trigger: row.trigger,
    status: row.status,
    encrypted: row.encrypted === 1,
    bytes: row.bytes,
    rowCounts: JSON.parse(row.row_counts) as Record<string, number>,
    seconds: row.seconds,
    error: row.error,
    present: row.present === 1,
  };
}

export function insertBackupEntry(db: Db, entry: { file: string; createdAt: string; trigger: BackupTrigger; encrypted: boolean }): number {
  const info = db
    .prepare("INSERT INTO backups (file, created_at, trigger, status, encrypted) VALUES (?, ?, ?, 'running', ?)")
    .run(entry.file, entry.createdAt, entry.trigger, entry.encrypted ? 1 : 0);
  return Number(info.lastInsertRowid);
}

export function finishBackupEntry(
  db: Db,
  id: number,
  result: { status: BackupStatus; bytes: number; rowCounts: Record<string, number>; seconds: number; error: string | null; file?: string },
): void {
  db.prepare('UPDATE backups SET status = ?, bytes = ?, row_counts = ?, seconds = ?, error = ?, file = coalesce(?, file) WHERE id = ?').run(
    result.status,
    result.bytes,
    JSON.stringify(result.rowCounts),
    result.seconds,
    result.error,
    result.file ?? null,
    id,
  );
}

export function markBackupRemoved(db: Db, id: number): void {
  db.prepare('UPDATE backups SET present = 0 WHERE id = ?').run(id);
}

export function listBackupEntries(db: Db, limit = 200): BackupEntry[] {
  return (db.prepare('SELECT * FROM backups ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as BackupRow[]).map(toEntry);
}

/** A backup left 'running' by a crash is failed: its file was never renamed into place. */
export function failInterruptedBackups(db: Db): number {
  return db.prepare("UPDATE backups SET status = 'failed', error = 'interrupted' WHERE status = 'running'").run().changes;
}

/* ---- a connection that can be swapped ---- */

export interface SwappableDb {
  /** Hand this to services: every call goes to the currently open connection. */
  readonly db: Db;
  current(): Db;
  /** Closes the connection, runs `swap` while no connection is open, and opens again. */
  reopen(swap: () => void | Promise<void>): Promise<void>;
  close(): void;
}

export function swappableDatabase(open: () => Db): SwappableDb {
  let connection: Db | undefined = open();
  const live = (): Db => {
    if (!connection) throw new AppError('unavailable', 'The database is being replaced; try again in a moment');
    return connection;
  };
  const db = new Proxy({} as Db, {
    get(_target, property) {
      const target = live();
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    db,
    current: live,
    async reopen(swap) {
      const old = live();
      connection = undefined;
      old.close();
      try {
        await swap();
      } finally {
        connection = open();
      }
    },
    close() {
      connection?.close();
      connection = undefined;
    },
  };
}
