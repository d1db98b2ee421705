/**
 * The composition root of the plain-Node side: opens the database and wires every service by
 * hand. Electron's main, the browser-mode host and the CLI all start here; nothing else
 * constructs services.
 */
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, PickFolderInput, PickFolderOutput } from '../../shared/domain/app';
import { createDispatch, type Dispatch } from './api/dispatch';
import { createHandlers, type Handlers } from './api/handlers';
import { swappableDatabase } from './db/backup';
import { databasePath, ensureDataDir, openDatabase, type Db } from './db/connection';
import { schemaVersion } from './db/migrations/index';
import { EventBus } from './events/bus';
import { createLogger, type Logger } from './log/logger';
import { AnalyticsService } from './services/analytics/analytics-service';
import { DevicesService, type Clock, type HostResolver } from './services/devices/devices-service';
import { ManagerLinks } from './services/devices/manager-links';
import { statusNotification } from './services/devices/status-notifier';
import type { TerminalLinks } from './services/devices/terminal-links';
import { BackupService } from './services/backup/backup-service';
import { IncidentsService } from './services/incidents/incidents-service';
import { SettingsService } from './services/settings/settings-service';
import { TerminalManager } from './services/terminals/terminal-manager';
import { TrainingService } from './services/training/training-service';
import { TransactionsService } from './services/transactions/transactions-service';
import { UpdatesService, type SelfUpdater } from './services/updates/updates-service';
import { endOfDayFromStatusInformation, transactionFromStatusInformation } from './services/transactions/zvt-capture';
import { loadGuides } from './services/troubleshooting/guides';
import { APP_NAME, APP_VERSION } from './version';

/**
 * The longest the at-quit backup (when the last good one is older than a day) may hold PosCare
 * open: on quit (desktop app, `poscare serve`) and before the update installer runs. A 300 MB
 * database takes seconds; the cap keeps a hung drive from keeping the app open.
 */
export const QUIT_BACKUP_CAP_MS = 120_000;

export interface AppOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  logger?: Logger;
  /** What only the desktop shell can do (dialogs, OS notifications); absent in browser mode and the CLI. */
  native?: NativeShell;
  /** Devices and incidents: a terminal manager, host resolver and clock other than the real ones (tests). */
  terminalLinks?: TerminalLinks;
  resolveHost?: HostResolver;
  clock?: Clock;
  /** electron-updater's updater (installed desktop app only); without it `updates.*` answer `unavailable`. */
  updater?: SelfUpdater;
  /** Time between background update checks (tests). */
  updateIntervalMs?: number;
}

/** Implemented by electron/main/native; the services reach the OS only through it. */
export interface NativeShell {
  pickFolder(input: PickFolderInput): Promise<PickFolderOutput>;
  /** Asks for one existing backup file (PosCare backups first in the filter). */
  pickFile(input: PickFolderInput): Promise<PickFolderOutput>;
  /** Renders the HTML to PDF and asks where to save it; `path` is null when cancelled. */
  savePdf(html: string, defaultName: string): Promise<PickFolderOutput>;
  notify(title: string, body: string): void;
}

export interface Services {
  info(): AppInfo;
  native: NativeShell | undefined;
  settings: SettingsService;
  devices: DevicesService;
  incidents: IncidentsService;
  analytics: AnalyticsService;
  transactions: TransactionsService;
  backup: BackupService;
  /** Terminal links (ZVT over serial/TCP); the device registry adds and removes terminals. */
  terminals: TerminalManager;
  /** Staff roster and training. */
  training: TrainingService;
  /** Self-update; undefined in browser mode, the CLI and an unpackaged desktop app. */
  updates: UpdatesService | undefined;
}

export interface AppCore {
  dataDir: string;
  db: Db;
  bus: EventBus;
  services: Services;
  handlers: Handlers;
  dispatch: Dispatch;
  logger: Logger;
  /**
   * Closes the database, runs `swap` while no connection is open (a restore renames the restored
   * file into place) and opens it again; services reach the new connection through the same `db`.
   */
  reopenDatabase(swap: () => void | Promise<void>): Promise<void>;
  dispose(): void;
}

/** The data directory: `--data` / POSCARE_DATA_DIR, else ~/.poscare (Electron passes userData). */
export function resolveDataDir(explicit?: string): string {
  const chosen = explicit ?? process.env.POSCARE_DATA_DIR;
  return path.resolve(chosen && chosen.length > 0 ? chosen : path.join(os.homedir(), '.poscare'));
}

export function createAppCore(options: AppOptions): AppCore {
  const logger = options.logger ?? createLogger();
  ensureDataDir(options.dataDir);
  const database = swappableDatabase(() => openDatabase(databasePath(options.dataDir)));
  const db = database.db;
  const bus = new EventBus();
  const settings = new SettingsService(db, bus);
  const devices = new DevicesService(db, bus, {
    logger,
    ...(options.terminalLinks ? { links: options.terminalLinks } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const incidents = new IncidentsService(db, bus, devices, settings, { guides: loadGuides(), tickMs: options.clock ? 0 : 15_000, logger });
  const analytics = new AnalyticsService(db, settings, devices.clock);
  const training = new TrainingService(db, bus, settings, devices.clock);
  // Desktop notification when a terminal goes down or comes back (browser mode: the renderer's Notification API).
  const native = options.native;
  const stopNotifications = native
    ? devices.onStatus((status, previous) => {
        const notice = statusNotification(settings.get().language, devices.get(status.deviceId).name, status.overall, previous);
        if (notice) native.notify(notice.title, notice.body);
      })
    : () => undefined;

  const transactions = new TransactionsService(db, logger);
  const backup = new BackupService(database, options.dataDir, bus, logger);
  const terminals = new TerminalManager({ db, bus, logger });
  // Every transaction and end-of-day total a terminal reports is captured (idempotently).
  const stopCapture = terminals.onStatusInformation((terminalId, message, context) => {
    const record = transactionFromStatusInformation(terminalId, message, context);
    if (record && transactions.capture(record).created) devices.recordTransaction(terminalId, record.occurredAt);
    const endOfDay = endOfDayFromStatusInformation(message, context);
    if (endOfDay) transactions.captureEndOfDayRun(terminalId, endOfDay);
  });
  // The registry owns the list of terminals: it adds every active device to the manager now and on each change.
  const links = options.terminalLinks ?? new ManagerLinks(terminals);
  if (!options.terminalLinks) devices.attach(links);
  // A restore swaps the database under the services. The terminal links go quiet before the swap
  // (their event log belongs in the old file and its safety snapshot) and are attached again from
  // the restored device registry after it; the other services read the database on every call.
  const stopRestoreHooks = backup.onRestore({
    beforeSwap: async () => {
      for (const link of terminals.list()) await terminals.remove(link.id);
      terminals.flush();
    },
    afterSwap: () => devices.attach(links),
  });
  backup.scheduler.start();
  const updates = options.updater
    ? new UpdatesService(options.updater, bus, logger, {
        currentVersion: APP_VERSION,
        ...(options.updateIntervalMs === undefined ? {} : { intervalMs: options.updateIntervalMs }),
        // The installer closes PosCare by force once it runs: the at-quit backup finishes first
        // (with the same cap as an ordinary quit).
        beforeInstall: () => backup.scheduler.beforeQuitWithin(QUIT_BACKUP_CAP_MS),
      })
    : undefined;
  updates?.start();

  const services: Services = {
    info: () => ({
      name: APP_NAME,
      version: APP_VERSION,
      dataDir: options.dataDir,
      mode: options.mode,
      schemaVersion: schemaVersion(db),
      platform: process.platform,
      nativeDialogs: options.native !== undefined,
    }),
    native: options.native,
    settings,
    devices,
    incidents,
    analytics,
    transactions,
    backup,
    terminals,
    training,
    updates,
  };
  const handlers = createHandlers(services);
  const dispatch = createDispatch(handlers, logger);

  return {
    dataDir: options.dataDir,
    db,
    bus,
    services,
    handlers,
    dispatch,
    logger,
    reopenDatabase: (swap) => database.reopen(swap),
    dispose() {
      // Stops polling and writes the event log now; the links finish closing in the background.
      updates?.dispose();
      stopCapture();
      stopRestoreHooks();
      void terminals.dispose();
      backup.dispose();
      transactions.dispose();
      stopNotifications();
      analytics.dispose();
      incidents.dispose();
      devices.dispose();
      settings.dispose();
      bus.dispose();
      database.close();
    },
  };
}
