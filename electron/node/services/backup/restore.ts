/**
 * Restoring: a backup is verified into a candidate copy (decrypted, decompressed, hashed,
 * integrity-checked, row counts against its header), the live backup history and settings are
 * carried into it, and it takes the live file's place; a live database that cannot even be
 * opened is moved aside (kept) first. BackupService.restore runs these steps around the swap of a
 * running app; restoreOverDamaged and verifyWithoutDatabase serve the recovery start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BackupFileInput, BackupHeader, BackupRestoreInput, BackupVerifyResult, RestoreResult } from '../../../../shared/domain/backup';
import { AppError } from '../../../../shared/ipc/result';
import { inspectDatabaseFile, readBackupHistory, replaceBackupHistory, type BackupHistoryRow } from '../../db/backup';
import { databasePath, openDatabase } from '../../db/connection';
import { LATEST_SCHEMA_VERSION } from '../../db/migrations/index';
import { writeSettings } from '../../db/settings';
import type { Logger } from '../../log/logger';
import { readBackupFile, readBackupHeader } from './format';
import { fsyncDir, removeDatabaseFiles, stamp } from './scratch';

/** The settings key of the backup settings (carried into a restored copy: they describe this installation). */
export const BACKUP_SETTINGS_KEY = 'backup';

/** A clear error before any work: a typo'd path or an unplugged drive, or a folder given as the file. */
export async function assertBackupFile(file: string): Promise<void> {
  const stat = await fs.promises.stat(file).catch(() => undefined);
  if (!stat) throw new AppError('not_found', `The file ${file} does not exist (is the drive plugged in?)`, { path: file });
  if (!stat.isFile()) throw new AppError('not_a_backup', `${file} is not a file`, { path: file });
}

/**
 * Decrypts, decompresses and hashes a backup into `copy` and checks it (integrity, row counts
 * against the header); `keep`: the copy that passed stays (a restore's candidate), else it goes.
 */
export async function verifyBackupInto(
  file: string,
  passphrase: string | null,
  copy: string,
  onProgress: (phase: 'verify' | 'integrity', fraction: number) => void,
  keep: boolean,
): Promise<{ header: BackupHeader; rowCounts: Record<string, number>; schemaVersion: number }> {
  let passed = false;
  try {
    const header = await readBackupFile(file, passphrase, copy, (f) => onProgress('verify', f * 0.7));
    onProgress('integrity', 0.7);
    const facts = await inspectDatabaseFile(copy, { integrity: true });
    if (facts.integrity !== 'ok') throw new AppError('backup_damaged', `The database in ${file} fails its integrity check: ${facts.integrity}`, { file });
    if (JSON.stringify(facts.rowCounts) !== JSON.stringify(header.rowCounts)) {
      throw new AppError('backup_damaged', `The row counts in ${file} do not match its header`, { file });
    }
    onProgress('integrity', 1);
    passed = true;
    return { header, rowCounts: facts.rowCounts, schemaVersion: facts.schemaVersion };
  } finally {
    // A candidate that passed stays for the swap; the read-only check's side files do not.
    await removeDatabaseFiles(copy, { sideFilesOnly: passed && keep });
  }
}

/** Thrown inside the safety-snapshot step to skip it (the damaged file itself is kept instead). */
export class SkipSnapshot extends Error {}

/** SQLite's word that a file is not a (whole) database. */
export function isCorruption(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'database_corrupt';
  const code = (error as { code?: string }).code ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || /malformed|not a database/i.test((error as Error).message ?? '');
}

/**
 * Moves the damaged database and its side files aside, kept (never deleted) as
 * `poscare.db.damaged-<stamp>` (+ `-wal`, `-shm`, `-journal`), and answers the kept name. Runs
 * while no connection is open.
 */
export async function setAsideDamaged(dataDir: string): Promise<string> {
  const live = databasePath(dataDir);
  const at = stamp(new Date());
  let kept = `${live}.damaged-${at}`;
  for (let n = 2; fs.existsSync(kept); n++) kept = `${live}.damaged-${at}-${n}`;
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (fs.existsSync(`${live}${suffix}`)) await fs.promises.rename(`${live}${suffix}`, `${kept}${suffix}`);
  }
  await fsyncDir(dataDir);
  return kept;
}

/**
 * Restores a backup when the live database cannot even be opened (random bytes, a truncated or
 * broken first page): the backup is verified into a candidate, the damaged files are moved aside
 * (kept, named) and the candidate takes their place. The caller owns the data folder's lock and
 * has no connection open.
 */
export async function restoreOverDamaged(dataDir: string, request: BackupRestoreInput, logger: Logger): Promise<RestoreResult> {
  const file = path.resolve(request.file);
  await assertBackupFile(file);
  const { header } = await readBackupHeader(file);
  assertSchemaKnown(header);
  const work = path.join(dataDir, 'backup-work');
  await fs.promises.mkdir(work, { recursive: true });
  const candidate = path.join(work, `restore-${process.pid}-${Date.now()}.db`);
  try {
    const verified = await verifyBackupInto(file, request.passphrase ?? null, candidate, () => undefined, true);
    const migrated = openDatabase(candidate);
    const schemaVersion = migrated.pragma('user_version', { simple: true }) as number;
    migrated.pragma('journal_mode = DELETE');
    migrated.close();
    carryHistory(candidate, file, verified.header, { rows: [], settings: undefined });
    const damagedFile = await setAsideDamaged(dataDir);
    await fs.promises.rename(candidate, databasePath(dataDir));
    await fsyncDir(dataDir);
    logger.info('damaged database replaced from a backup', { file, damagedFile });
    return { file, safetySnapshot: null, schemaVersion, migratedFrom: verified.schemaVersion, rowCounts: verified.rowCounts, drill: false, damagedFile };
  } finally {
    await removeDatabaseFiles(candidate);
  }
}

/** Verifies a backup without a database of its own (the recovery start): scratch copy in the data folder's backup-work. */
export async function verifyWithoutDatabase(dataDir: string, request: BackupFileInput): Promise<BackupVerifyResult> {
  const file = path.resolve(request.file);
  await assertBackupFile(file);
  const started = performance.now();
  const work = path.join(dataDir, 'backup-work');
  await fs.promises.mkdir(work, { recursive: true });
  const result = await verifyBackupInto(file, request.passphrase ?? null, path.join(work, `verify-${process.pid}-${Date.now()}.db`), () => undefined, false);
  return { file, header: result.header, rowCounts: result.rowCounts, integrity: 'ok', seconds: Math.round(performance.now() - started) / 1000 };
}

export function assertSchemaKnown(header: BackupHeader): void {
  if (header.schemaVersion > LATEST_SCHEMA_VERSION) {
    throw new AppError(
      'backup_newer',
      `This backup comes from a newer PosCare (schema ${header.schemaVersion}, this version knows up to ${LATEST_SCHEMA_VERSION}). Update PosCare to restore it.`,
      { schemaVersion: header.schemaVersion, latest: LATEST_SCHEMA_VERSION },
    );
  }
}

export interface LiveHistory {
  rows: BackupHistoryRow[];
  settings: unknown;
}

/**
 * The history and the backup settings describe the drive and this installation, not the data
 * in the backup: the copy inside the backup is older (it even holds the backup's own row as
 * 'running', recorded before its snapshot) and would make retention delete the very file
 * restored from and forget the backups made after it. So the live rows and settings go into
 * the candidate before the swap; rows only the backup knows (a fresh PC) are kept, and the
 * restored-from file is recorded as verified, which it just was.
 */
export function carryHistory(candidate: string, restoredFile: string, header: BackupHeader, live: LiveHistory): void {
  const liveRows = live.rows;
  const liveSettings = live.settings;
  const target = openDatabase(candidate);
  try {
    const merged: (Omit<BackupHistoryRow, 'id'> & { id: number | null })[] = liveRows.map((r) => ({ ...r }));
    const known = new Set(liveRows.map((r) => path.resolve(r.file)));
    let ownRow: BackupHistoryRow | undefined;
    for (const r of readBackupHistory(target)) {
      if (r.status === 'running' && r.created_at === header.createdAt) {
        ownRow = r;
        continue;
      }
      if (known.has(path.resolve(r.file))) continue;
      known.add(path.resolve(r.file));
      const interrupted = r.status === 'running';
      merged.push({
        ...r,
        id: null,
        status: interrupted ? 'failed' : r.status,
        error: interrupted ? 'interrupted' : r.error,
        // The backup's rows describe a drive as it was then; only files still there count.
        present: r.present === 1 && fs.existsSync(r.file) ? 1 : 0,
      });
    }
    const restored = {
      status: 'verified' as const,
      error: null,
      present: 1,
      bytes: fs.statSync(restoredFile).size,
      row_counts: JSON.stringify(header.rowCounts),
    };
    const existing = merged.find((r) => path.resolve(r.file) === restoredFile);
    if (existing) Object.assign(existing, restored);
    else {
      merged.push({
        id: null,
        file: restoredFile,
        created_at: header.createdAt,
        trigger: ownRow?.trigger ?? 'manual',
        encrypted: header.encryption ? 1 : 0,
        seconds: ownRow?.seconds ?? null,
        ...restored,
      });
    }
    replaceBackupHistory(target, merged);
    if (liveSettings !== undefined) writeSettings(target, { [BACKUP_SETTINGS_KEY]: liveSettings });
    target.pragma('journal_mode = DELETE');
  } finally {
    target.close();
  }
}
