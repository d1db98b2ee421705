/**
 * The database side of backups: the consistent snapshot through SQLite's online backup API (in
 * steps, so the event loop keeps running), integrity checks and row counts in a worker thread
 * (PRAGMA integrity_check on a big file takes seconds), the backup history, and a connection
 * that can be closed and reopened under the services when a restore swaps the file.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackupEntry, BackupStatus, BackupTrigger } from '../../../shared/domain/backup';
import { AppError } from '../../../shared/ipc/result';
import { packageRoot } from '../paths';
import type * as Esbuild from 'esbuild';
import type { BackupWorkerAnswer, BackupWorkerData, BackupWorkerRequest, BackupWorkerTask } from './backup-worker';
import type { Db } from './connection';

/**
 * Copies the live database into `file` with SQLite's online backup API, in the worker thread:
 * its own read-only connection copies every page in one step inside one read transaction (WAL
 * lets the app keep writing meanwhile), so the snapshot is consistent and never restarts, and
 * the final commit and sync of a file of hundreds of megabytes (measured: a 390 ms stall when it
 * ran on the main thread) happen off the event loop. Answers the page count.
 */
export async function snapshotDatabase(db: Db, file: string, onProgress?: (fraction: number) => void): Promise<number> {
  onProgress?.(0);
  const answer = await askInspector<{ pages: number }>({ type: 'snapshot', source: db.name, target: file });
  onProgress?.(1);
  return answer.pages;
}

export interface DatabaseFacts {
  integrity: string;
  schemaVersion: number;
  rowCounts: Record<string, number>;
}

/** Set by build/build.mjs: where the build emitted backup-worker.ts, relative to the package root. */
declare const __POSCARE_BACKUP_WORKER__: string | undefined;

/**
 * The worker's code: in the built app and CLI the file the build emitted (read, not loaded by
 * path: the packaged app keeps dist/ inside app.asar, which only the main thread's fs reads); from
 * sources (vitest, tsx, the tests' own bundles) backup-worker.ts bundled now with esbuild, a dev
 * dependency that is never part of the build.
 */
let workerCode: string | undefined;
function backupWorkerCode(): string {
  if (workerCode !== undefined) return workerCode;
  if (typeof __POSCARE_BACKUP_WORKER__ === 'string') {
    workerCode = fs.readFileSync(path.join(packageRoot(), __POSCARE_BACKUP_WORKER__), 'utf8');
  } else {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof Esbuild;
    const entry = path.join(packageRoot(), 'electron', 'node', 'db', 'backup-worker.ts');
    const built = esbuild.buildSync({ entryPoints: [entry], bundle: true, write: false, format: 'cjs', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' });
    workerCode = built.outputFiles[0]!.text;
  }
  return workerCode;
}

interface Inspector {
  worker: Worker;
  next: number;
  pending: Map<number, { resolve(facts: unknown): void; reject(error: Error): void; snapshot: boolean }>;
}

let inspector: Inspector | undefined;

/** One worker per process, started on first use and kept (unref'd) so later checks start at once. */
function sharedInspector(): Inspector {
  if (inspector) return inspector;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(backupWorkerCode(), {
    eval: true,
    // Built JavaScript: no loader hooks (tsx under tests and benches) to boot in the worker.
    execArgv: [],
    // A 32-bit process cannot map 2 GiB; there, pages are read as before.
    workerData: { driver, mmapLimit: process.arch === 'ia32' || process.arch === 'arm' ? 0 : 2 ** 31 } satisfies BackupWorkerData,
  });
  const created: Inspector = { worker, next: 1, pending: new Map() };
  const failAll = (error: Error) => {
    if (inspector === created) inspector = undefined;
    for (const { reject } of created.pending.values()) reject(error);
    created.pending.clear();
  };
  worker.on('message', (message: BackupWorkerAnswer) => {
    const waiting = created.pending.get(message.id);
    if (!waiting) return;
    created.pending.delete(message.id);
    if (created.pending.size === 0) worker.unref();
    if (message.ok) waiting.resolve(message.facts);
    else if (waiting.snapshot) waiting.reject(Object.assign(new Error(`The snapshot could not be taken: ${message.message}`), { code: message.code }));
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
  return askInspector<DatabaseFacts>({ type: 'inspect', file, integrity: options.integrity });
}

function askInspector<T>(request: BackupWorkerTask): Promise<T> {
  const shared = sharedInspector();
  const id = shared.next++;
  return new Promise<T>((resolve, reject) => {
    shared.pending.set(id, { resolve: (value) => resolve(value as T), reject, snapshot: request.type === 'snapshot' });
    // Referenced while a request is pending (the caller awaits it), unreferenced when idle.
    shared.worker.ref();
    shared.worker.postMessage({ id, ...request } satisfies BackupWorkerRequest);
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
  // A failed backup has no file that counts (the partial one is removed): it is never present.
  db.prepare('UPDATE backups SET status = ?, bytes = ?, row_counts = ?, seconds = ?, error = ?, file = coalesce(?, file), present = ? WHERE id = ?').run(
    result.status,
    result.bytes,
    JSON.stringify(result.rowCounts),
    result.seconds,
    result.error,
    result.file ?? null,
    result.status === 'failed' ? 0 : 1,
    id,
  );
}

export function markBackupRemoved(db: Db, id: number): void {
  db.prepare('UPDATE backups SET present = 0 WHERE id = ?').run(id);
}

export function listBackupEntries(db: Db, limit = 200): BackupEntry[] {
  return (db.prepare('SELECT * FROM backups ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as BackupRow[]).map(toEntry);
}

/** One history row as stored, for carrying the history from one database into another. */
export type BackupHistoryRow = BackupRow;

export function readBackupHistory(db: Db): BackupHistoryRow[] {
  return db.prepare('SELECT * FROM backups ORDER BY id').all() as BackupRow[];
}

/**
 * Replaces the whole history with `rows` in one transaction. Rows keep their ids when they have
 * one (the live history) and get fresh ids when `id` is null (rows merged in from elsewhere).
 */
export function replaceBackupHistory(db: Db, rows: (Omit<BackupHistoryRow, 'id'> & { id: number | null })[]): void {
  const insert = db.prepare(
    'INSERT INTO backups (id, file, created_at, trigger, status, encrypted, bytes, row_counts, seconds, error, present) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    db.prepare('DELETE FROM backups').run();
    for (const r of rows) insert.run(r.id, r.file, r.created_at, r.trigger, r.status, r.encrypted, r.bytes, r.row_counts, r.seconds, r.error, r.present);
  })();
}

/**
 * Records a scheduled run that could not write a file (no passphrase in this session, the drive
 * missing): a failed row whose error is the reason code, and no file (present = 0), so retention
 * and the "last good backup" never count it.
 */
export function insertSkippedBackup(db: Db, entry: { folder: string; createdAt: string; trigger: BackupTrigger; encrypted: boolean; reason: string }): number {
  const info = db
    .prepare("INSERT INTO backups (file, created_at, trigger, status, encrypted, error, present) VALUES (?, ?, ?, 'failed', ?, ?, 0)")
    .run(entry.folder, entry.createdAt, entry.trigger, entry.encrypted ? 1 : 0, entry.reason);
  return Number(info.lastInsertRowid);
}

/** The newest verified backup whose file is still there (safety snapshots do not count). */
export function lastVerifiedBackup(db: Db): BackupEntry | undefined {
  const row = db
    .prepare("SELECT * FROM backups WHERE status = 'verified' AND trigger <> 'safety' AND present = 1 ORDER BY created_at DESC, id DESC LIMIT 1")
    .get() as BackupRow | undefined;
  return row ? toEntry(row) : undefined;
}

/** A backup left 'running' by a crash is failed: its file was never renamed into place. */
export function failInterruptedBackups(db: Db): number {
  return db.prepare("UPDATE backups SET status = 'failed', error = 'interrupted', present = 0 WHERE status = 'running'").run().changes;
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
