/**
 * The composition root of the plain-Node side: opens the database and wires every service by
 * hand. Electron's main, the browser-mode host and the CLI all start here; nothing else
 * constructs services.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, PickFolderInput } from '../../shared/domain/app';
import type { BackupFileInput, BackupProgress, BackupRestoreInput } from '../../shared/domain/backup';
import { AppError } from '../../shared/ipc/result';
import { createDispatch, type Dispatch } from './api/dispatch';
import { createHandlers, type Handlers } from './api/handlers';
import type { NativeShell, Services } from './api/services';
import { swappableDatabase } from './db/backup';
import { databasePath, ensureDataDir, openDatabase, type Db } from './db/connection';
import { schemaVersion } from './db/migrations/index';
import { isDrillDevice } from './db/devices';
import { startSimulator } from './simulator/index';
import { EventBus } from './events/bus';
import { acquireDataLock, type DataLock } from './files/data-lock';
import { createLogger, type Logger } from './log/logger';
import { AnalyticsService } from './services/analytics/analytics-service';
import { AttentionService } from './services/attention/attention-service';
import { MaintenanceService } from './services/maintenance/maintenance-service';
import { PartsService } from './services/parts/parts-service';
import { DrillService } from './services/training/drill-service';
import { TrainingService } from './services/training/training-service';
import { ChecksService } from './services/checks/checks-service';
import { ContingencyService } from './services/contingency/contingency-service';
import { StatementsService } from './services/statements/statements-service';
import { loadStarterParts } from './services/parts/starter';
import { attentionText } from './services/attention/texts';
import { systemClock, type Clock } from './clock';
import { DevicesService, type HostResolver } from './services/devices/devices-service';
import { ManagerLinks } from './services/devices/manager-links';
import type { TerminalLinks } from './services/devices/terminal-links';
import { BackupService, isCorruption, restoreOverDamaged, verifyWithoutDatabase } from './services/backup/backup-service';
import { readBackupHeader } from './services/backup/format';
import { IncidentsService } from './services/incidents/incidents-service';
import { SettingsService } from './services/settings/settings-service';
import { TerminalManager } from './services/terminals/terminal-manager';
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
  /** A terminal manager, host resolver and clock (every service's) other than the real ones (tests). */
  terminalLinks?: TerminalLinks;
  resolveHost?: HostResolver;
  clock?: Clock;
  /** electron-updater's updater (installed desktop app only); without it `updates.*` answer `unavailable`. */
  updater?: SelfUpdater;
  /** Time between background update checks (tests). */
  updateIntervalMs?: number;
  /** The caller already owns the data folder's lock (a recovery start hands it over); else it is taken here. */
  lock?: DataLock;
  /** Events go to this bus (kept by the caller across a recovery restart); else a bus of its own. */
  bus?: EventBus;
  /** Where captures that cannot be stored are spilled (default: a folder under the OS temp folder, outside the data folder). */
  spillDir?: string;
  /** First retry of held captures after this many ms (default 5 s, doubling to 60 s). */
  captureRetryMs?: number;
  /**
   * A CLI command's core: the same services and dispatch, but no terminal links, no backup
   * schedule, no update checks and no background ticks. `command` names the process in the lock file.
   */
  headless?: { command: string };
}

/** The spill folder of a data folder: under the OS temp folder, one per data folder. */
export function defaultSpillDir(dataDir: string): string {
  return path.join(os.tmpdir(), 'poscare-held-captures', crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16));
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

/** Whether a data folder holds a PosCare database (the CLI refuses to back up or export an empty folder). */
export function databaseExists(dataDir: string): boolean {
  return fs.existsSync(databasePath(dataDir));
}

/** How the lock file names this process to a second one. */
export function lockCommand(mode: AppInfo['mode']): string {
  return mode === 'electron' ? 'PosCare desktop app' : 'poscare serve';
}

export function createAppCore(options: AppOptions): AppCore {
  const logger = options.logger ?? createLogger();
  ensureDataDir(options.dataDir);
  // One process owns a data folder: a second serve, app or writing CLI command is refused.
  const lock = options.lock ?? acquireDataLock(options.dataDir, options.headless?.command ?? lockCommand(options.mode));
  let database: ReturnType<typeof swappableDatabase>;
  try {
    database = swappableDatabase(() => openDatabase(databasePath(options.dataDir)));
  } catch (error) {
    if (!options.lock) lock.release();
    throw error;
  }
  // A database that opens but fails on first use (damaged pages) must not stay open.
  let built = false;
  try {
    const db = database.db;
    const bus = options.bus ?? new EventBus();
    // The one real clock (tests pass their fake): every service that reads the time or sets a timer gets it.
    const clock = options.clock ?? systemClock;
    // Background work (ticks, schedule, links, updates) runs in the app and serve, never in a CLI command.
    const background = !options.headless;
    const settings = new SettingsService(db, bus);
    const devices = new DevicesService(db, bus, {
      logger,
      ...(options.terminalLinks ? { links: options.terminalLinks } : {}),
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
      clock,
    });
    const incidents = new IncidentsService(db, bus, devices, settings, { guides: loadGuides(), clock, tickMs: options.clock || !background ? 0 : 15_000, logger });
    const analytics = new AnalyticsService(db, settings, clock);
    const checks = new ChecksService(db, devices, incidents, settings, clock);
    // A standalone terminal's daily opening check is its staff check (one record, kept by the checks service).
    const maintenance = new MaintenanceService(db, bus, devices, incidents, settings, clock, () => analytics.summary().devices, (id, from, until) => checks.between(id, from, until));
    const training = new TrainingService(db, bus, settings, clock);
    // Practice drills run a simulated terminal in-process; it stops with the core.
    const drills = new DrillService(db, bus, devices, incidents, { clock, logger, person: (id) => training.person(id), start: startSimulator });
    // A check may be the day's opening check of a plan: the calendar and its counts change with it.
    checks.onRecorded(() => bus.emit('maintenance.changed', { planId: '', reason: 'occurrence' }));
    // The contingency plan owns the backup devices; "terminal down" opens by itself from the live statuses (not in a CLI command).
    const contingency = new ContingencyService(db, bus, devices, incidents, settings, { clock, logger, tickMs: options.clock || !background ? 0 : 5_000 });
    const parts = new PartsService(db, bus, devices, incidents, settings, { clock, logger, starter: loadStarterParts, backupDeviceIds: () => contingency.plan().backupDeviceIds, maintenanceOccurrence: (key) => maintenance.hasOccurrence(key), describeOccurrence: (key) => maintenance.describeOccurrence(key) });

    const transactions = new TransactionsService(db, logger, clock, {
      // Held captures spill outside the data folder: its drive is the one that is full.
      hold: { spillDir: options.spillDir ?? defaultSpillDir(options.dataDir), ...(options.captureRetryMs === undefined ? {} : { retryMs: options.captureRetryMs }) },
      openIncident: (terminalId, held) => incidents.openCaptureHeld(terminalId, held),
      onAttention: (items) => bus.emit('transactions.attention', items),
      timeZone: () => settings.get().store.timezone,
    });
    // Statements are read in the transactions section: their differences and missing hand totals show there (attention, below).
    const statements = new StatementsService(db, () => devices.list(), clock, { timeZone: () => settings.get().store.timezone, onChanged: () => attention.refresh('transactions') });
    const backup = new BackupService(database, options.dataDir, bus, logger, clock);
    const terminals = new TerminalManager({ db, bus, logger, clock });
    // Every transaction and end-of-day total a terminal reports is captured (idempotently).
    // A capture the database cannot take is held (never lost, never answered as stored).
    const stopStored = transactions.onStored((record, created) => {
      if (created) devices.recordTransaction(record.terminalId, record.occurredAt, record.kind === 'payment' && record.maskedPan !== '');
    });
    const stopCapture = terminals.onStatusInformation((terminalId, message, context) => {
      // A practice drill's simulated sales are not the store's: never captured, never reconciled.
      if (isDrillDevice(db, terminalId)) return undefined;
      const record = transactionFromStatusInformation(terminalId, message, context);
      const outcome = record ? transactions.captureOrHold(record) : undefined;
      const endOfDay = endOfDayFromStatusInformation(message, context);
      if (endOfDay) transactions.captureEndOfDayRun(terminalId, endOfDay);
      return outcome === undefined ? undefined : outcome.stored ? 'stored' : 'held';
    });
    // The registry owns the list of terminals: it adds every active device to the manager now and on each change.
    const links = options.terminalLinks ?? (background ? new ManagerLinks(terminals) : undefined);
    if (links && !options.terminalLinks) devices.attach(links);
    // A restore swaps the database under the services. The terminal links go quiet before the swap
    // (their event log belongs in the old file and its safety snapshot) and are attached again from
    // the restored device registry after it; parts and statements forget what they keep; the other services
    // read the database on every call.
    const stopRestoreHooks = backup.onRestore({
      beforeSwap: async () => {
        for (const link of terminals.list()) await terminals.remove(link.id);
        terminals.flush();
      },
      afterSwap: () => {
        if (links) devices.attach(links);
        parts.forgetKept();
        statements.forgetKept();
      },
    });
    if (background) backup.scheduler.start();
    // What needs the manager: each section registers its items (attention-service.ts says how).
    // Desktop notifications here; browser mode shows the event's notices in the renderer.
    const native = options.native;
    const attention = new AttentionService(() => db, bus, {
      clock,
      logger,
      tick: !options.clock && background,
      ...(native ? { notify: (notice) => native.notify('PosCare', attentionText(settings.get().language, notice.textKey, notice.params)) } : {}),
    });
    attention.register('devices', () => [...devices.attentionItems(), ...checks.attentionItems()], { cleared: (item) => devices.attentionCleared(item) });
    attention.register('backup', () => backup.attentionItems());
    attention.register('transactions', () => [...transactions.attentionItems(), ...statements.attentionItems()]);
    attention.register('maintenance', () => maintenance.attentionItems());
    attention.register('parts', () => parts.attentionItems());
    attention.register('training', () => training.attentionItems());
    attention.register('contingency', () => contingency.attentionItems());
    const stopAttention = bus.subscribe((name, payload) => {
      if (name === 'devices.changed' || name === 'devices.statusChanged') attention.refresh('devices');
      else if (name === 'backup.progress' && ['done', 'failed'].includes((payload as BackupProgress).phase)) attention.refresh('backup');
      else if (name === 'transactions.attention') attention.refresh('transactions');
      else if (name === 'maintenance.changed') attention.refresh('maintenance');
      else if (name === 'parts.changed') attention.refresh('parts');
      else if (name === 'training.changed') attention.refresh('training');
      else if (name === 'contingency.changed') attention.refresh('contingency');
      else if (name === 'backup.restored') attention.refresh();
    });
    // Update checks are the desktop app's (a CLI command never has an updater to check with).
    const updates = options.updater && background
      ? new UpdatesService(options.updater, bus, logger, {
          currentVersion: APP_VERSION,
          clock,
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
      checks,
      incidents,
      maintenance,
      parts,
      training,
      drills,
      contingency,
      analytics,
      transactions,
      statements,
      backup,
      terminals,
      updates,
      attention,
    };
    const handlers = createHandlers(services);
    const dispatch = createDispatch(handlers, logger);

    built = true;
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
        stopStored();
        stopRestoreHooks();
        void drills.dispose();
        void terminals.dispose();
        backup.dispose();
        transactions.dispose();
        stopAttention();
        attention.dispose();
        analytics.dispose();
        contingency.dispose();
        incidents.dispose();
        devices.dispose();
        settings.dispose();
        if (!options.bus) bus.dispose();
        database.close();
        lock.release();
      },
    };
  } finally {
    if (!built) {
      database.close();
      if (!options.lock) lock.release();
    }
  }
}

/**
 * What serve and the desktop app run: the app core, or, when the database cannot be opened
 * (damaged), a recovery state that keeps the data folder's lock and answers only what "restore
 * from a backup" needs (app.info with `recovery`, the file dialog, backup.inspect, backup.restore);
 * every other method answers `database_corrupt`. A successful restore starts the full core on the
 * restored database, on the same bus and dispatch, so the open page carries on.
 */
export interface AppRuntime {
  readonly dataDir: string;
  readonly bus: EventBus;
  readonly dispatch: Dispatch;
  /** The running core; undefined while in recovery. */
  core(): AppCore | undefined;
  dispose(): void;
}

export function startApp(options: AppOptions): AppRuntime {
  const logger = options.logger ?? createLogger();
  ensureDataDir(options.dataDir);
  const lock = acquireDataLock(options.dataDir, options.headless?.command ?? lockCommand(options.mode));
  const bus = new EventBus();
  let core: AppCore | undefined;
  let recovery: { file: string; message: string } | undefined;
  try {
    core = createAppCore({ ...options, logger, lock, bus });
  } catch (error) {
    if (!isCorruption(error)) {
      lock.release();
      throw error;
    }
    recovery = { file: databasePath(options.dataDir), message: (error as Error).message };
    // A headless start is a CLI restore: replacing the damaged file is what it is for, no error of its own.
    (options.headless ? logger.info : logger.error)('the database cannot be opened; starting in recovery', { error: recovery.message });
  }
  const damaged = (): never => {
    throw new AppError('database_corrupt', `The database ${recovery?.file ?? ''} is damaged; restore it from a backup`, { file: recovery?.file ?? '' });
  };
  const recoveryHandlers = new Proxy(
    {
      'app.info': () => ({
        name: APP_NAME,
        version: APP_VERSION,
        dataDir: options.dataDir,
        mode: options.mode,
        schemaVersion: 0,
        platform: process.platform,
        nativeDialogs: options.native !== undefined,
        ...(recovery ? { recovery } : {}),
      }),
      'native.pickFile': (input: PickFolderInput) => {
        if (!options.native) throw new AppError('unavailable', 'The file dialog exists only in the desktop app');
        return options.native.pickFile(input);
      },
      'backup.inspect': async (input: { file: string }) => {
        const file = path.resolve(input.file);
        const { header, bytes } = await readBackupHeader(file);
        return { file, bytes, header };
      },
      'backup.verify': (input: BackupFileInput) => verifyWithoutDatabase(options.dataDir, input),
      'backup.restore': async (input: BackupRestoreInput) => {
        const result = await restoreOverDamaged(options.dataDir, input, logger);
        core = createAppCore({ ...options, logger, lock, bus });
        recovery = undefined;
        logger.info('recovered from a backup', { file: result.file, damagedFile: result.damagedFile });
        bus.emit('backup.restored', result);
        return result;
      },
    } as Partial<Handlers>,
    { get: (target, method: string) => target[method as keyof Handlers] ?? damaged },
  ) as Handlers;
  const inRecovery = createDispatch(recoveryHandlers, logger);
  return {
    dataDir: options.dataDir,
    bus,
    dispatch: (method, input) => (core ? core.dispatch(method, input) : inRecovery(method, input)),
    core: () => core,
    dispose() {
      core?.dispose();
      bus.dispose();
      lock.release();
    },
  };
}
