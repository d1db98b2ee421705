/**
 * The backup worker thread (db/backup.ts starts one per process): takes the consistent snapshot
 * of the live database and answers integrity, schema version and row counts of a file, each on
 * a read-only connection of its own, so seconds of SQLite work never stall the event loop.
 *
 * A module of its own, typechecked and linted like the rest, that imports nothing of the app:
 * build/build.mjs emits it to dist/node/backup-worker.cjs, which the built app and CLI run; from
 * sources (tests, tsx) db/backup.ts bundles this file on first use.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** What db/backup.ts hands the worker: the driver's resolved path and how much it may memory-map. */
export interface BackupWorkerData {
  driver: string;
  mmapLimit: number;
}

/** What the worker is asked: a snapshot of `source` into `target`, or the facts of `file`. */
export type BackupWorkerTask = { type: 'snapshot'; source: string; target: string } | { type: 'inspect'; file: string; integrity: boolean };
export type BackupWorkerRequest = { id: number } & BackupWorkerTask;

export type BackupWorkerAnswer = { id: number } & ({ ok: true; facts: unknown } | { ok: false; code: string; message: string });

type Failure = { ok: false; code: string; message: string };

function failure(error: unknown): Failure {
  const e = error as { code?: unknown; message?: unknown };
  return { ok: false, code: typeof e?.code === 'string' ? e.code : '', message: String(e?.message ?? error) };
}

const data = workerData as BackupWorkerData;
// The driver is loaded by its absolute path (resolved in the main thread), so any base will do.
const Database = createRequire(data.driver)(data.driver) as typeof BetterSqlite3;
const port = parentPort;

/**
 * Opens `file` read-only, runs `work` on it and answers its facts (or the failure). The file is
 * closed before the answer: the caller may rename or reopen it as soon as it hears back.
 */
async function answerOn(id: number, file: string, work: (db: BetterSqlite3.Database) => unknown): Promise<void> {
  let db: BetterSqlite3.Database | undefined;
  let answer: { ok: true; facts: unknown } | Failure;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    answer = { ok: true, facts: await work(db) };
  } catch (error) {
    answer = failure(error);
  }
  try {
    db?.close();
  } catch (error) {
    answer = failure(error);
  }
  port?.postMessage({ id, ...answer } satisfies BackupWorkerAnswer);
}

/** The live database copied into `target` (SQLite's online backup API); answers the page count. */
async function snapshot(db: BetterSqlite3.Database, target: string): Promise<{ pages: number }> {
  // One step (the page count is capped at 2^31-1): the whole copy inside one read transaction.
  const result = await db.backup(target, { progress: () => 0x7fffffff });
  return { pages: result.totalPages };
}

/** Integrity (unless skipped), schema version and row counts of a database file. */
function inspect(db: BetterSqlite3.Database, withIntegrity: boolean): { integrity: string; schemaVersion: number; rowCounts: Record<string, number> } {
  // The files checked here are PosCare's own scratch copies (snapshot, restored copy), which
  // nothing else writes or truncates while they are open, so they can be memory-mapped: the
  // check then reads pages without a system call each. Measured on the 444 MB demo database
  // (median of 4): integrity_check 3.49 -> 3.28 s, system time 0.5 -> 0.03 s, user time
  // +0.2 s (a mapped page is parsed again on each fetch); a bigger page cache did not help.
  if (withIntegrity) db.pragma('mmap_size = ' + Math.min(2 ** 31, Math.max(0, data.mmapLimit)));
  const integrity = withIntegrity ? (db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ') : 'skipped';
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  const rowCounts: Record<string, number> = {};
  for (const { name } of tables) rowCounts[name] = (db.prepare('SELECT count(*) AS n FROM "' + name.replace(/"/g, '""') + '"').get() as { n: number }).n;
  return { integrity, schemaVersion, rowCounts };
}

port?.on('message', (request: BackupWorkerRequest) => {
  if (request.type === 'snapshot') void answerOn(request.id, request.source, (db) => snapshot(db, request.target));
  else void answerOn(request.id, request.file, (db) => inspect(db, request.integrity));
});
