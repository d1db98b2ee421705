/**
 * Self-update as a state machine (idle -> checking -> available -> downloading -> ready, or
 * upToDate, or error), pushed as `updates.state` on every change. The updater itself
 * (electron-updater's NSIS updater, built by electron/main/updater.ts) is handed in, so this
 * runs and is tested on plain Node. Offline is normal for a shop: a failed check is one log line
 * and a calm `error` state, never a throw and never a crash.
 */
import type { ProgressInfo, UpdateCheckResult } from 'electron-updater';
import { AppError } from '../../../../shared/ipc/result';
import type { UpdateErrorCode, UpdateInstallResult, UpdateState, UpdateStatus } from '../../../../shared/domain/updates';
import { isoNow, systemClock, unrefTimer, type Clock, type TimerHandle } from '../../clock';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';

/** What the service needs of electron-updater's AppUpdater (a fake in unit tests). */
export interface SelfUpdater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  disableWebInstaller: boolean;
  logger: { info(message?: unknown): void; warn(message?: unknown): void; error(message?: unknown): void } | null;
  checkForUpdates(): Promise<UpdateCheckResult | null>;
  downloadUpdate(): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'download-progress', listener: (progress: ProgressInfo) => void): unknown;
  removeListener(event: 'download-progress', listener: (progress: ProgressInfo) => void): unknown;
}

export interface UpdatesOptions {
  currentVersion: string;
  /** Time between background checks; a shop PC runs for days. */
  intervalMs?: number;
  /** The app's one clock (app.ts): `checkedAt` / `at` and the check timer; tests pass the fake. */
  clock?: Clock;
  /**
   * Runs before the installer starts (the at-quit backup): the installer closes PosCare by force
   * once it is running, so anything that must finish before the quit finishes here first.
   */
  beforeInstall?: () => Promise<unknown>;
}

export const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

const OFFLINE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EPIPE']);

/** Maps electron-updater's and Node's errors to the few causes the manager can act on. */
export function classifyUpdateError(error: unknown): UpdateErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  const message = String((error as Error | null)?.message ?? error);
  if (typeof code === 'string') {
    if (OFFLINE_CODES.has(code)) return 'offline';
    if (code === 'ERR_CHECKSUM_MISMATCH' || code === 'ERR_UPDATER_ZIP_FILE_NOT_FOUND') return 'checksum';
    if (code === 'ERR_UPDATER_INVALID_SIGNATURE') return 'signature';
    if (code.startsWith('ERR_UPDATER_')) return 'feed';
  }
  if (/timed out|socket hang up/i.test(message)) return 'offline';
  if (/checksum mismatch/i.test(message)) return 'checksum';
  // builder-util-runtime's HttpError / download errors carry the HTTP status in the text.
  if (typeof (error as { statusCode?: unknown } | null)?.statusCode === 'number' || /status \d{3}/.test(message)) return 'feed';
  return 'unknown';
}

export class UpdatesService {
  private state: UpdateState = { kind: 'idle' };
  private inFlight: Promise<UpdateStatus> | undefined;
  private timer: TimerHandle | undefined;
  private disposed = false;
  private installing: Promise<UpdateInstallResult> | undefined;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly onProgress = (progress: ProgressInfo): void => {
    if (this.state.kind !== 'downloading') return;
    const percent = Math.max(0, Math.min(100, Math.round(progress.percent)));
    if (percent !== this.state.percent) this.set({ kind: 'downloading', version: this.state.version, percent });
  };

  constructor(
    private readonly updater: SelfUpdater,
    private readonly bus: EventBus,
    logger: Logger,
    private readonly options: UpdatesOptions,
  ) {
    this.log = logger.child('updates');
    this.clock = options.clock ?? systemClock;
    // The service decides when to download (right after `available`), so the states stay in order.
    updater.autoDownload = false;
    // A ready update the manager did not install now still installs when PosCare quits.
    updater.autoInstallOnAppQuit = true;
    // PosCare ships one full NSIS installer (plus its blockmap for differential downloads), never a web installer.
    updater.disableWebInstaller = true;
    updater.on('download-progress', this.onProgress);
    // electron-updater writes to the console by default; its lines go through our logger instead,
    // first line only (its errors carry stacks, and the failure is logged once more below with its cause).
    const firstLine = (message: unknown): string => String(message).split('\n')[0] ?? '';
    updater.logger = {
      info: (message) => this.log.debug(firstLine(message)),
      warn: (message) => this.log.debug(firstLine(message)),
      error: (message) => this.log.debug(firstLine(message)),
    };
  }

  status(): UpdateStatus {
    return { currentVersion: this.options.currentVersion, state: this.state };
  }

  /** Checks now, then every `intervalMs`. */
  start(): void {
    if (this.timer !== undefined || this.disposed) return;
    void this.check();
    this.timer = this.clock.setInterval(() => void this.check(), this.options.intervalMs ?? CHECK_EVERY_MS);
    // A pending check must not keep a CLI or test process alive.
    unrefTimer(this.timer);
  }

  /**
   * Checks the feed and, when a newer version exists, downloads it (sha512-verified by
   * electron-updater). Never rejects: failures end in the `error` state. A check while one is
   * running joins it; once an update is ready there is nothing more to check.
   */
  check(): Promise<UpdateStatus> {
    if (this.disposed || this.state.kind === 'ready') return Promise.resolve(this.status());
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Runs `beforeInstall`, then quits and runs the downloaded installer silently, relaunching
   * PosCare after it. A second request while this runs joins the first (one installer only).
   */
  installNow(): Promise<UpdateInstallResult> {
    if (this.state.kind !== 'ready') return Promise.reject(new AppError('conflict', 'No update has been downloaded yet'));
    const version = this.state.version;
    this.installing ??= this.install(version).finally(() => {
      this.installing = undefined;
    });
    return this.installing;
  }

  private async install(version: string): Promise<UpdateInstallResult> {
    this.log.info('installing update now', { version });
    try {
      await this.options.beforeInstall?.();
    } catch (error) {
      // A failed backup is recorded by the backup service; it must not keep the update out.
      this.log.warn('the step before installing failed, installing anyway', { error });
    }
    try {
      this.updater.quitAndInstall(true, true);
    } catch (error) {
      this.log.error('cannot start the installer', { error });
      this.set({ kind: 'error', code: 'install', at: isoNow(this.clock) });
      throw new AppError('unavailable', 'The installer could not be started');
    }
    return { version };
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.timer = undefined;
    this.updater.removeListener('download-progress', this.onProgress);
  }

  private async run(): Promise<UpdateStatus> {
    this.set({ kind: 'checking' });
    try {
      const result = await this.updater.checkForUpdates();
      if (this.disposed) return this.status();
      if (!result) {
        // The updater is inactive (not an installed app): nothing was checked.
        this.set({ kind: 'idle' });
        return this.status();
      }
      if (!result.isUpdateAvailable) {
        this.set({ kind: 'upToDate', checkedAt: isoNow(this.clock) });
        return this.status();
      }
      const version = result.updateInfo.version;
      this.log.info('update available', { version });
      this.set({ kind: 'available', version });
      this.set({ kind: 'downloading', version, percent: 0 });
      await this.updater.downloadUpdate();
      if (this.disposed) return this.status();
      this.log.info('update downloaded, ready to install', { version });
      this.set({ kind: 'ready', version });
    } catch (error) {
      const code = classifyUpdateError(error);
      // Offline is expected in a shop: a warning with the cause, no stack.
      this.log.warn('update check failed', { code, message: (error as Error | null)?.message ?? String(error) });
      if (!this.disposed) this.set({ kind: 'error', code, at: isoNow(this.clock) });
    }
    return this.status();
  }

  private set(state: UpdateState): void {
    this.state = state;
    if (this.disposed) return;
    this.bus.emit('updates.state', this.status());
  }
}
