/**
 * Backups and restores of the whole database (数据备份/恢复). A backup is a consistent snapshot
 * (SQLite online backup API), compressed and (unless the manager explicitly declines) encrypted,
 * written under a temporary name, fsynced, renamed, then verified end to end. A restore verifies
 * first, migrates an older schema on the copy, takes a safety snapshot of the live database and
 * swaps the file while no connection is open, so a crash leaves either the old or the new file.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  BACKUP_EXTENSION,
  BackupSettings,
  DEFAULT_BACKUP_SETTINGS,
  failureText,
  missedAutomaticRun,
  skipReasonOf,
  type BackupCreateInput,
  type BackupEntry,
  type BackupFileInput,
  type BackupRestoreInput,
  type BackupSettingsUpdate,
  type BackupFailureReason,
  type BackupHeader,
  type BackupInspectResult,
  type BackupList,
  type BackupProgress,
  type BackupSkipReason,
  type BackupTrigger,
  type BackupVerifyResult,
  type RestoreResult,
} from '../../../../shared/domain/backup';
import type { AttentionItem } from '../../../../shared/domain/attention';
import { AppError } from '../../../../shared/ipc/result';
import {
  failInterruptedBackups,
  finishBackupEntry,
  insertBackupEntry,
  insertSkippedBackup,
  inspectDatabaseFile,
  lastVerifiedBackup,
  listBackupEntries,
  markBackupRemoved,
  readBackupHistory,
  replaceBackupHistory,
  snapshotDatabase,
  type BackupHistoryRow,
} from '../../db/backup';
import { databasePath, openDatabase, type Db } from '../../db/connection';
import { LATEST_SCHEMA_VERSION } from '../../db/migrations/index';
import { domainSettings, readSettings, writeSettings, type DomainSettings } from '../../db/settings';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import { APP_VERSION } from '../../version';
import { processAlive } from '../../files/data-lock';
import { checkWriteFile, checkWriteFolder } from '../../files/write-target';
import { readBackupFile, readBackupHeader, writeBackupFile } from './format';
import { backupsToDelete } from './retention';
import { systemClock, type Clock } from '../../clock';
import { BackupScheduler } from './scheduler';

export interface DatabaseHandle {
  readonly db: Db;
  reopen(swap: () => void | Promise<void>): Promise<void>;
}

/**
 * What the rest of the app does around a restore: `beforeSwap` quiets whatever writes to the
 * database on its own (terminal links and their event log) so nothing lands between the safety
 * snapshot and the swap; `afterSwap` (also after a failed swap, on whichever file is live)
 * re-reads everything the services hold in memory from the database now open.
 */
export interface RestoreHooks {
  beforeSwap(): void | Promise<void>;
  afterSwap(): void | Promise<void>;
}

/** Scratch files a backup, verify or restore names `<kind>-<pid>-<ms>.db` (see scratchDir users). */
const SCRATCH_FILE = /^(snapshot|verify|restore)-(\d+)-\d+\.db(-journal|-wal|-shm)?$/;
/** The temporary name a backup is written under before its rename: `.poscare-<stamp>.pcbak.partial`. */
const PARTIAL_FILE = /^\.poscare-[0-9_-]+\.pcbak\.partial$/;
/** A partial file untouched this long belongs to no running backup (writes touch it continuously). */
const STALE_PARTIAL_MS = 15 * 60_000;
/** A drill's temporary folder (`drill-XXXXXX`, no pid in the name) this old belongs to no running drill. */
const DRILL_DIR = /^drill-[A-Za-z0-9]{6}$/;
const STALE_DRILL_MS = 6 * 3_600_000;

/**
 * Removes a scratch database and its side files: opening a WAL-mode copy read-only (the
 * integrity worker) leaves -wal and -shm behind, which would otherwise pile up per backup.
 */
async function removeDatabaseFiles(file: string, options: { sideFilesOnly?: boolean } = {}): Promise<void> {
  const suffixes = options.sideFilesOnly ? ['-wal', '-shm'] : ['', '-wal', '-shm', '-journal'];
  await Promise.all(suffixes.map((suffix) => fs.promises.rm(`${file}${suffix}`, { force: true }).catch(() => undefined)));
}

/** A clear error before any work: a typo'd path or an unplugged drive, or a folder given as the file. */
async function assertBackupFile(file: string): Promise<void> {
  const stat = await fs.promises.stat(file).catch(() => undefined);
  if (!stat) throw new AppError('not_found', `The file ${file} does not exist (is the drive plugged in?)`, { path: file });
  if (!stat.isFile()) throw new AppError('not_a_backup', `${file} is not a file`, { path: file });
}

/**
 * A failed write named for the manager: a full destination (ENOSPC; EDQUOT: over quota) or one
 * that cannot be written (removed mid-write, read-only, no permission), with the reason in
 * `details.reason` for the translated text; other errors as they are.
 */
function destinationError(error: unknown, folder: string): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('data_dir_unwritable', `The backup folder ${folder} is full: ${error.message}`, { path: folder, reason: 'destination_full' satisfies BackupFailureReason });
  }
  if (code === 'ENOENT' || code === 'EIO' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new AppError('data_dir_unwritable', `The backup could not be written to ${folder}: ${error.message}`, {
      path: folder,
      reason: 'destination_unwritable' satisfies BackupFailureReason,
    });
  }
  return error;
}

/**
 * Decrypts, decompresses and hashes a backup into `copy` and checks it (integrity, row counts
 * against the header); `keep`: the copy that passed stays (a restore's candidate), else it goes.
 */
async function verifyBackupInto(
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

const SETTINGS_KEY = 'backup';

/** Thrown inside the safety-snapshot step to skip it (the damaged file itself is kept instead). */
class SkipSnapshot extends Error {}

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

function assertSchemaKnown(header: BackupHeader): void {
  if (header.schemaVersion > LATEST_SCHEMA_VERSION) {
    throw new AppError(
      'backup_newer',
      `This backup comes from a newer PosCare (schema ${header.schemaVersion}, this version knows up to ${LATEST_SCHEMA_VERSION}). Update PosCare to restore it.`,
      { schemaVersion: header.schemaVersion, latest: LATEST_SCHEMA_VERSION },
    );
  }
}

interface LiveHistory {
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
function carryHistory(candidate: string, restoredFile: string, header: BackupHeader, live: LiveHistory): void {
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
    if (liveSettings !== undefined) writeSettings(target, { [SETTINGS_KEY]: liveSettings });
    target.pragma('journal_mode = DELETE');
  } finally {
    target.close();
  }
}



/** "2026-11-22_012347" (UTC): sorts by time, and never looks like a card number to the log masking. */
function stamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)}_${iso.slice(11, 19).replace(/:/g, '')}`;
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable; Windows cannot open a folder for fsync, and does not need it.
  if (process.platform === 'win32') return;
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class BackupService {
  private busy = false;
  /** The passphrase of this session's last manual backup, kept in memory only, for the schedule. */
  private sessionPassphrase: string | undefined;
  private restoreHooks: RestoreHooks[] = [];
  /** While a restore carries the settings into the restored copy, a change would be lost. */
  private restoring = false;
  readonly scheduler: BackupScheduler;
  private readonly stored: DomainSettings<BackupSettings>;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly dataDir: string,
    private readonly bus: EventBus | undefined,
    private readonly logger: Logger,
    clock: Clock = systemClock,
  ) {
    this.stored = domainSettings(() => this.db, SETTINGS_KEY, BackupSettings, DEFAULT_BACKUP_SETTINGS, () => clock.now());
    failInterruptedBackups(handle.db);
    this.sweepScratch();
    this.scheduler = new BackupScheduler(
      clock,
      () => this.settings(),
      () => this.lastGoodBackup(),
      (trigger) => this.runScheduled(trigger),
    );
  }

  private get db(): Db {
    return this.handle.db;
  }

  /** Registers what the app does around a restore's swap; answers the unregister function. */
  onRestore(hooks: RestoreHooks): () => void {
    this.restoreHooks.push(hooks);
    return () => {
      this.restoreHooks = this.restoreHooks.filter((h) => h !== hooks);
    };
  }

  /**
   * Removes scratch files a killed backup, verify or restore left in the data folder: only names
   * PosCare gives, and only those of processes that are gone (or of this one while it runs
   * nothing), so a CLI run never pulls the snapshot from under the desktop app's backup.
   */
  sweepScratch(): string[] {
    const dir = path.join(this.dataDir, 'backup-work');
    const removed: string[] = [];
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return removed;
    }
    for (const name of names) {
      if (DRILL_DIR.test(name)) {
        const drill = path.join(dir, name);
        try {
          if (Date.now() - fs.statSync(drill).mtimeMs < STALE_DRILL_MS) continue;
          fs.rmSync(drill, { recursive: true, force: true });
          removed.push(name);
        } catch (error) {
          this.logger.warn('cannot remove a leftover drill folder', { name, error: (error as Error).message });
        }
        continue;
      }
      const match = SCRATCH_FILE.exec(name);
      if (!match) continue;
      const pid = Number(match[2]);
      if (pid === process.pid ? this.busy : processAlive(pid)) continue;
      try {
        fs.rmSync(path.join(dir, name), { force: true });
        removed.push(name);
      } catch (error) {
        this.logger.warn('cannot remove a leftover scratch file', { name, error: (error as Error).message });
      }
    }
    if (removed.length > 0) this.logger.info('removed leftover backup scratch files', { count: removed.length });
    return removed;
  }

  /** Removes `.poscare-*.pcbak.partial` files a killed or unplugged backup left in `folder`. */
  async sweepPartials(folder: string): Promise<string[]> {
    const removed: string[] = [];
    const now = Date.now();
    for (const name of await fs.promises.readdir(folder).catch(() => [] as string[])) {
      if (!PARTIAL_FILE.test(name)) continue;
      const file = path.join(folder, name);
      try {
        if (now - (await fs.promises.stat(file)).mtimeMs < STALE_PARTIAL_MS) continue;
        await fs.promises.rm(file, { force: true });
        removed.push(name);
      } catch (error) {
        this.logger.warn('cannot remove a leftover partial backup', { file, error: (error as Error).message });
      }
    }
    return removed;
  }

  settings(): BackupSettings {
    return this.stored.get();
  }

  updateSettings(update: BackupSettingsUpdate): BackupList {
    if (this.restoring) throw new AppError('backup_busy', 'A restore is running; change the backup settings after it');
    // A drive that is not plugged in now may still be chosen; the data folder never.
    this.stored.update(update, (next) =>
      next.folder ? { ...next, folder: checkWriteFolder(next.folder, { dataDir: this.dataDir, field: 'folder', mustExist: false }) } : next,
    );
    this.scheduler.start();
    return this.list();
  }

  list(): BackupList {
    // Present means a copy that can be restored: a backup that completed, verified, and whose file is there.
    const entries = listBackupEntries(this.db).map((e) => ({ ...e, present: e.present && e.status === 'verified' && fs.existsSync(e.file) }));
    return { settings: this.settings(), entries, running: this.busy };
  }

  /** The missed automatic backup the Backup page warns about, as one attention item (a newer miss is a new item). */
  attentionItems(): AttentionItem[] {
    const missed = missedAutomaticRun(listBackupEntries(this.db));
    if (!missed) return [];
    const reason = skipReasonOf(missed) ?? 'failed';
    return [{ id: `backup.missed:${missed.id}`, section: 'backup', kind: 'backup.missed', severity: 'warning', count: 1, textKey: 'attention.backupMissed', params: { reasonKey: `attention.backupReason.${reason}` }, link: '/backup' }];
  }

  private lastGoodBackup(): Date | undefined {
    // Not among the last N rows: a month of skipped runs must not hide the last good backup.
    const entry = lastVerifiedBackup(this.db);
    return entry ? new Date(entry.createdAt) : undefined;
  }

  private progress(progress: Omit<BackupProgress, 'error'> & { error?: string | null }): void {
    this.bus?.emit('backup.progress', { ...progress, error: progress.error ?? null });
  }

  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy) throw new AppError('backup_busy', 'Another backup or restore is running');
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  private scratchDir(): string {
    const dir = path.join(this.dataDir, 'backup-work');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /**
   * A scheduled or at-quit run. When it cannot write a file it says so where the manager looks:
   * a history row with the reason (translated by the Backup page) and a failed progress event.
   * The passphrase is only ever in memory (from this session's manual backup), so after a
   * restart an encrypted schedule waits for the manager to enter it.
   */
  async runScheduled(trigger: 'scheduled' | 'quit'): Promise<BackupEntry | undefined> {
    const settings = this.settings();
    // No folder chosen: backups were never set up; nothing to miss.
    if (!settings.folder) return undefined;
    const folder = path.resolve(settings.folder);
    if (settings.encrypted && !this.sessionPassphrase) return this.recordSkip(trigger, folder, 'passphrase_needed', settings.encrypted);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) return this.recordSkip(trigger, folder, 'folder_missing', settings.encrypted);
    try {
      return await this.createBackup(
        settings.encrypted ? { folder, passphrase: this.sessionPassphrase } : { folder, noEncryption: true },
        trigger,
      );
    } catch (error) {
      // createBackup recorded the failed row and emitted the failure; the drive may also have
      // gone between the check above and the write.
      if (error instanceof AppError && error.code === 'folder_missing') return this.recordSkip(trigger, folder, 'folder_missing', settings.encrypted);
      this.logger.error('scheduled backup failed', { trigger, error: (error as Error).message });
      return undefined;
    }
  }

  private recordSkip(trigger: 'scheduled' | 'quit', folder: string, reason: BackupSkipReason, encrypted: boolean): BackupEntry | undefined {
    if (this.busy) return undefined;
    const id = insertSkippedBackup(this.db, { folder, createdAt: new Date().toISOString(), trigger, encrypted, reason });
    this.logger.warn('scheduled backup skipped', { trigger, reason, folder });
    this.progress({ operation: 'create', phase: 'failed', fraction: 1, file: null, error: reason });
    return listBackupEntries(this.db).find((e) => e.id === id);
  }

  /** Writes, verifies and records one backup; applies retention in its folder. */
  create(input: BackupCreateInput): Promise<BackupEntry> {
    const { fileName, ...request } = input;
    return this.createBackup(request, 'manual', fileName === undefined ? {} : { fileName });
  }

  /** `options.fileName`: the CLI's `--out FILE` name, recorded as written (no rename afterwards). */
  async createBackup(request: Omit<BackupCreateInput, 'fileName'>, trigger: BackupTrigger, options: { fileName?: string } = {}): Promise<BackupEntry> {
    if (!request.folder && !this.settings().folder) throw new AppError('not_found', 'No backup folder is set');
    const folder = checkWriteFolder(request.folder ?? this.settings().folder, { dataDir: this.dataDir, field: 'folder' });
    // The CLI's --out FILE: a new file outside the data folder, never over an existing one.
    if (options.fileName) checkWriteFile(path.join(folder, options.fileName), { dataDir: this.dataDir, field: 'out' });
    const passphrase = request.noEncryption ? null : (request.passphrase ?? null);
    return this.exclusive(async () => {
      const started = performance.now();
      const createdAt = new Date();
      let file = path.join(folder, options.fileName ?? `poscare-${stamp(createdAt)}${BACKUP_EXTENSION}`);
      // Two backups within one second (a manual one, then the schedule) must not share a file.
      for (let n = 2; !options.fileName && fs.existsSync(file); n++) file = path.join(folder, `poscare-${stamp(createdAt)}-${n}${BACKUP_EXTENSION}`);
      // Leftovers of a killed backup would otherwise pile up on the drive and in the data folder.
      this.sweepScratch();
      await this.sweepPartials(folder);
      const partial = path.join(folder, `.${path.basename(file)}.partial`);
      const snapshot = path.join(this.scratchDir(), `snapshot-${process.pid}-${Date.now()}.db`);
      const id = insertBackupEntry(this.db, { file, createdAt: createdAt.toISOString(), trigger, encrypted: passphrase !== null });
      const report = (phase: BackupProgress['phase'], fraction: number) =>
        this.progress({ operation: 'create', phase, fraction, file });
      try {
        report('snapshot', 0);
        await snapshotDatabase(this.db, snapshot, (f) => report('snapshot', f * 0.3));
        const facts = await inspectDatabaseFile(snapshot, { integrity: false });
        // The integrity check of the snapshot runs in its worker while the file is written: the
        // verification below proves the file reproduces these exact bytes (SHA-256), so the
        // check holds for what a restore gets back.
        const integrity = inspectDatabaseFile(snapshot, { integrity: true });
        integrity.catch(() => undefined);
        const { bytes } = await writeBackupFile({
          snapshotFile: snapshot,
          out: partial,
          passphrase,
          header: {
            appVersion: APP_VERSION,
            schemaVersion: facts.schemaVersion,
            createdAt: createdAt.toISOString(),
            rowCounts: facts.rowCounts,
          },
          onProgress: (f) => report('compress', 0.3 + f * 0.4),
        });
        await fs.promises.rename(partial, file);
        await fsyncDir(folder);
        // Verify what is on the drive: decrypt, decompress, hash against the header.
        await readBackupFile(file, passphrase, null, (f) => report('verify', 0.7 + f * 0.25));
        report('integrity', 0.95);
        const checked = await integrity;
        if (checked.integrity !== 'ok') throw new AppError('backup_damaged', `The database fails its integrity check: ${checked.integrity}`);
        if (JSON.stringify(checked.rowCounts) !== JSON.stringify(facts.rowCounts)) throw new AppError('backup_damaged', 'The row counts changed during the backup');
        const seconds = Math.round(performance.now() - started) / 1000;
        finishBackupEntry(this.db, id, { status: 'verified', bytes, rowCounts: facts.rowCounts, seconds, error: null });
        if (passphrase !== null && trigger === 'manual') this.sessionPassphrase = passphrase;
        report('done', 1);
        this.logger.info('backup written and verified', { file, bytes, seconds });
        await this.applyRetention(folder);
      } catch (caught) {
        const error = destinationError(caught, folder);
        const message = error.message;
        // The history keeps the code, so the Backup page shows the reason in the manager's language.
        const code = error instanceof AppError ? (typeof error.details?.reason === 'string' ? error.details.reason : error.code) : 'internal';
        finishBackupEntry(this.db, id, { status: 'failed', bytes: 0, rowCounts: {}, seconds: Math.round(performance.now() - started) / 1000, error: failureText(code, message) });
        this.progress({ operation: 'create', phase: 'failed', fraction: 1, file, error: message });
        this.logger.error('backup failed', { file, error: message });
        await fs.promises.rm(partial, { force: true }).catch(() => undefined);
        throw error;
      } finally {
        await removeDatabaseFiles(snapshot);
      }
      return listBackupEntries(this.db).find((e) => e.id === id) as BackupEntry;
    });
  }

  /** Decrypts, decompresses and hashes a backup into a scratch copy and checks it; removes the copy. */
  private verifyFile(
    file: string,
    passphrase: string | null,
    onProgress: (phase: 'verify' | 'integrity', fraction: number) => void,
    keepAs?: string,
  ): Promise<{ header: BackupHeader; rowCounts: Record<string, number>; schemaVersion: number }> {
    return verifyBackupInto(file, passphrase, keepAs ?? path.join(this.scratchDir(), `verify-${process.pid}-${Date.now()}.db`), onProgress, keepAs !== undefined);
  }

  async verify(request: BackupFileInput): Promise<BackupVerifyResult> {
    const file = path.resolve(request.file);
    await assertBackupFile(file);
    return this.exclusive(async () => {
      const started = performance.now();
      try {
        const result = await this.verifyFile(file, request.passphrase ?? null, (phase, f) =>
          this.progress({ operation: 'verify', phase, fraction: f, file }),
        );
        this.progress({ operation: 'verify', phase: 'done', fraction: 1, file });
        return { file, header: result.header, rowCounts: result.rowCounts, integrity: 'ok' as const, seconds: Math.round(performance.now() - started) / 1000 };
      } catch (error) {
        this.progress({ operation: 'verify', phase: 'failed', fraction: 1, file, error: (error as Error).message });
        throw error;
      }
    });
  }

  /** The header of a backup: what it contains, readable without the passphrase. */
  async inspect(input: { file: string }): Promise<BackupInspectResult> {
    const file = path.resolve(input.file);
    await assertBackupFile(file);
    const { header, bytes } = await readBackupHeader(file);
    return { file, bytes, header };
  }

  /** The backups in a folder (newest first) and the files there that are not readable backups. */
  async folder(input: { folder: string }): Promise<{ files: BackupInspectResult[]; unreadable: string[] }> {
    const dir = path.resolve(input.folder);
    if (!fs.existsSync(dir)) throw new AppError('not_found', `The folder ${dir} does not exist`, { path: dir });
    const names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith(BACKUP_EXTENSION) && !n.startsWith('.')).sort().reverse();
    const files: BackupInspectResult[] = [];
    const unreadable: string[] = [];
    for (const name of names) {
      try {
        files.push(await this.inspect({ file: path.join(dir, name) }));
      } catch {
        unreadable.push(path.join(dir, name));
      }
    }
    return { files, unreadable };
  }

  /** Restores a backup over the live database (or, as a drill, into a temporary folder only). */
  /** `request` was validated by dispatch: a restore (not a drill) carries `confirm: true`. */
  async restore(request: BackupFileInput | BackupRestoreInput, options: { drill: boolean }): Promise<RestoreResult> {
    const file = path.resolve(request.file);
    await assertBackupFile(file);
    const operation = options.drill ? 'drill' : 'restore';
    return this.exclusive(async () => {
      const work = options.drill
        ? await fs.promises.mkdtemp(path.join(this.scratchDir(), 'drill-'))
        : this.scratchDir();
      const candidate = path.join(work, `restore-${process.pid}-${Date.now()}.db`);
      try {
        const { header } = await readBackupHeader(file);
        assertSchemaKnown(header);
        const verified = await this.verifyFile(
          file,
          request.passphrase ?? null,
          (phase, f) => this.progress({ operation, phase, fraction: f * 0.8, file }),
          candidate,
        );
        // Older schemas are migrated on the copy; the live database is not touched yet.
        const migrated = openDatabase(candidate);
        const schemaVersion = migrated.pragma('user_version', { simple: true }) as number;
        migrated.pragma('journal_mode = DELETE');
        migrated.close();
        this.progress({ operation, phase: 'restore', fraction: 0.9, file });
        let safetySnapshot: string | null = null;
        let damagedFile: string | undefined;
        if (!options.drill) {
          this.restoring = true;
          try {
            for (const hooks of this.restoreHooks) await hooks.beforeSwap();
            const safetyDir = path.join(this.dataDir, 'safety');
            await fs.promises.mkdir(safetyDir, { recursive: true });
            // Written under a scratch name and renamed when whole: a restore killed during the
            // snapshot must not leave a half-written copy (with a hot journal) that looks like a
            // safety snapshot; the next start sweeps the scratch file (kill test).
            const safetyScratch = path.join(this.scratchDir(), `snapshot-${process.pid}-${Date.now()}.db`);
            let damaged = false;
            try {
              try {
                await snapshotDatabase(this.db, safetyScratch);
              } catch (error) {
                // A damaged live database cannot be copied page by page: it is kept whole instead
                // (moved aside under its own name at the swap), which is what the restore is for.
                if (!isCorruption(error)) throw error;
                damaged = true;
                this.logger.warn('the live database is damaged; it is kept aside and replaced', { error: (error as Error).message });
              }
              if (damaged) throw new SkipSnapshot();
              const at = stamp(new Date());
              safetySnapshot = path.join(safetyDir, `poscare-before-restore-${at}.db`);
              // Two restores within a second must not replace the first one's safety snapshot.
              for (let n = 2; fs.existsSync(safetySnapshot); n++) safetySnapshot = path.join(safetyDir, `poscare-before-restore-${at}-${n}.db`);
              await fs.promises.rename(safetyScratch, safetySnapshot);
            } catch (error) {
              if (!(error instanceof SkipSnapshot)) throw error;
            } finally {
              await removeDatabaseFiles(safetyScratch);
            }
            carryHistory(candidate, file, verified.header, this.liveHistory());
            const live = databasePath(this.dataDir);
            await this.handle.reopen(async () => {
              if (damaged) {
                damagedFile = await setAsideDamaged(this.dataDir);
                await fs.promises.rename(candidate, live);
                await fsyncDir(this.dataDir);
                return;
              }
              // With the connection closed SQLite has checkpointed and removed the WAL; if it is
              // still there another program holds the database, and swapping would mix files.
              for (const suffix of ['-wal', '-journal']) {
                const side = `${live}${suffix}`;
                if (fs.existsSync(side) && fs.statSync(side).size > 0) {
                  throw new AppError('database_locked', 'The database is still open in another program; close it and try again');
                }
              }
              await fs.promises.rm(`${live}-shm`, { force: true });
              await fs.promises.rename(candidate, live);
              await fsyncDir(this.dataDir);
            });
            this.logger.info('database restored', { file, safetySnapshot });
          } finally {
            this.restoring = false;
            // On whichever file is live now (the restored one, or the old one if the swap failed);
            // a failure here must not hide the restore's own error.
            try {
              failInterruptedBackups(this.db);
              this.scheduler.start();
            } catch (error) {
              this.logger.error('cannot re-arm backups after a restore', { error: (error as Error).message });
            }
            for (const hooks of this.restoreHooks) {
              try {
                await hooks.afterSwap();
              } catch (error) {
                this.logger.error('reloading after a restore failed', { error: (error as Error).message });
              }
            }
          }
        }
        this.progress({ operation, phase: 'done', fraction: 1, file });
        const result: RestoreResult = {
          file,
          safetySnapshot,
          schemaVersion,
          migratedFrom: verified.schemaVersion,
          rowCounts: verified.rowCounts,
          drill: options.drill,
          ...(damagedFile ? { damagedFile } : {}),
        };
        if (!options.drill) this.bus?.emit('backup.restored', result);
        return result;
      } catch (error) {
        this.progress({ operation, phase: 'failed', fraction: 1, file, error: (error as Error).message });
        throw error;
      } finally {
        await removeDatabaseFiles(candidate);
        if (options.drill) await fs.promises.rm(work, { recursive: true, force: true }).catch(() => undefined);
      }
    });
  }

  private liveHistory(): LiveHistory {
    try {
      return { rows: readBackupHistory(this.db), settings: readSettings(this.db).get(SETTINGS_KEY) };
    } catch (error) {
      // A damaged database: the history comes from the backup alone (only files still there count).
      this.logger.warn('the backup history of the damaged database cannot be read', { error: (error as Error).message });
      return { rows: [], settings: undefined };
    }
  }

  /** Restores into a temporary folder only, to prove the backup works; live data is untouched. */
  drill(input: BackupFileInput): Promise<RestoreResult> {
    return this.restore(input, { drill: true });
  }

  /** Deletes backups of `folder` the retention policy no longer keeps (never the newest verified one). */
  async applyRetention(folder: string): Promise<number[]> {
    const inFolder = listBackupEntries(this.db, 10_000).filter(
      (e) => e.present && path.dirname(e.file) === folder && e.status !== 'running' && e.trigger !== 'safety',
    );
    const remove = backupsToDelete(
      inFolder.map((e) => ({ id: e.id, createdAt: e.createdAt, verified: e.status === 'verified' })),
      this.settings().retention,
    );
    const removed: number[] = [];
    for (const id of remove) {
      const entry = inFolder.find((e) => e.id === id);
      if (!entry) continue;
      // The history may come from a restored (even crafted) backup: a row is only a claim, and a
      // file is deleted only when it proves to be the PosCare backup the row describes.
      if (await this.provenBackup(entry)) {
        await fs.promises.rm(entry.file, { force: true });
        removed.push(id);
      } else {
        this.logger.warn('retention kept a file that is not the backup its history row names', { file: entry.file });
      }
      markBackupRemoved(this.db, id);
    }
    return removed;
  }

  /**
   * A file retention may delete: named like a backup (`*.pcbak`, not hidden), a regular file (not
   * a link to something else), with a readable PosCare header whose creation time is the one the
   * history row recorded when the backup was written (the backup's identity).
   */
  private async provenBackup(entry: BackupEntry): Promise<boolean> {
    const name = path.basename(entry.file);
    if (!name.toLowerCase().endsWith(BACKUP_EXTENSION) || name.startsWith('.')) return false;
    try {
      if (!(await fs.promises.lstat(entry.file)).isFile()) return false;
      const { header } = await readBackupHeader(entry.file);
      return header.createdAt === entry.createdAt;
    } catch {
      return false;
    }
  }

  dispose(): void {
    this.scheduler.dispose();
  }
}
