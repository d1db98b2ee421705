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
  snapshotDatabase,
} from '../../db/backup';
import { databasePath, openDatabase, type Db } from '../../db/connection';
import { domainSettings, readSettings, type DomainSettings } from '../../db/settings';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import { APP_VERSION } from '../../version';
import { checkWriteFile, checkWriteFolder } from '../../files/write-target';
import { readBackupFile, readBackupHeader, writeBackupFile } from './format';
import { backupsToDelete } from './retention';
import { isoNow, systemClock, type Clock } from '../../clock';
import { BackupScheduler } from './scheduler';
import { assertBackupFile, assertSchemaKnown, BACKUP_SETTINGS_KEY, carryHistory, isCorruption, setAsideDamaged, SkipSnapshot, verifyBackupInto, type LiveHistory } from './restore';
import { fsyncDir, removeDatabaseFiles, scratchDir, stamp, sweepPartials, sweepScratch } from './scratch';

// The recovery start (app.ts) restores and verifies without a service.
export { isCorruption, restoreOverDamaged, verifyWithoutDatabase } from './restore';

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
    private readonly clock: Clock = systemClock,
  ) {
    this.stored = domainSettings(() => this.db, BACKUP_SETTINGS_KEY, BackupSettings, DEFAULT_BACKUP_SETTINGS, () => clock.now());
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
   * Removes scratch files a killed backup, verify or restore left in the data folder (scratch.ts):
   * never those of a running process, nor this one's while it runs a backup.
   */
  sweepScratch(): string[] {
    return sweepScratch(this.dataDir, this.logger, this.busy);
  }

  /** Removes `.poscare-*.pcbak.partial` files a killed or unplugged backup left in `folder`. */
  sweepPartials(folder: string): Promise<string[]> {
    return sweepPartials(folder, this.logger);
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
    return scratchDir(this.dataDir);
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
    const id = insertSkippedBackup(this.db, { folder, createdAt: isoNow(this.clock), trigger, encrypted, reason });
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
      const createdAt = new Date(this.clock.now());
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
              const at = stamp(new Date(this.clock.now()));
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
      return { rows: readBackupHistory(this.db), settings: readSettings(this.db).get(BACKUP_SETTINGS_KEY) };
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
