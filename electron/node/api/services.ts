/**
 * The services the handlers call, as app.ts (the composition root) wires them. Here, not in
 * app.ts, so the handlers can name them without importing the composition root that imports them.
 */
import type { AppInfo, PickFolderInput, PickFolderOutput } from '../../../shared/domain/app';
import type { AttentionService } from '../services/attention/attention-service';
import type { AnalyticsService } from '../services/analytics/analytics-service';
import type { BackupService } from '../services/backup/backup-service';
import type { DevicesService } from '../services/devices/devices-service';
import type { ChecksService } from '../services/checks/checks-service';
import type { MaintenanceService } from '../services/maintenance/maintenance-service';
import type { PartsService } from '../services/parts/parts-service';
import type { DrillService } from '../services/training/drill-service';
import type { TrainingService } from '../services/training/training-service';
import type { ContingencyService } from '../services/contingency/contingency-service';
import type { IncidentsService } from '../services/incidents/incidents-service';
import type { SettingsService } from '../services/settings/settings-service';
import type { TerminalManager } from '../services/terminals/terminal-manager';
import type { TransactionsService } from '../services/transactions/transactions-service';
import type { StatementsService } from '../services/statements/statements-service';
import type { UpdatesService } from '../services/updates/updates-service';

/** Implemented by electron/main/native; the services reach the OS only through it. */
export interface NativeShell {
  pickFolder(input: PickFolderInput): Promise<PickFolderOutput>;
  /** Asks for one existing backup file (PosCare backups first in the filter). */
  pickFile(input: PickFolderInput): Promise<PickFolderOutput>;
  /**
   * Renders the HTML to PDF and asks where to save it; `path` is null when cancelled. `check`
   * (checkWriteFile) refuses a place PosCare must not write before anything is written.
   */
  savePdf(html: string, defaultName: string, check: (file: string) => string): Promise<PickFolderOutput>;
  notify(title: string, body: string): void;
}

export interface Services {
  info(): AppInfo;
  native: NativeShell | undefined;
  settings: SettingsService;
  devices: DevicesService;
  /** Staff checks of standalone terminals. */
  checks: ChecksService;
  incidents: IncidentsService;
  maintenance: MaintenanceService;
  parts: PartsService;
  /** Staff roster and training. */
  training: TrainingService;
  drills: DrillService;
  /** The contingency plan and "terminal down" mode. */
  contingency: ContingencyService;
  analytics: AnalyticsService;
  transactions: TransactionsService;
  statements: StatementsService;
  backup: BackupService;
  /** Terminal links (ZVT over serial/TCP); the device registry adds and removes terminals. */
  terminals: TerminalManager;
  /** Self-update; undefined in browser mode, the CLI and an unpackaged desktop app. */
  updates: UpdatesService | undefined;
  /** What needs the manager: badges, status-board cards, one notification per crossing. */
  attention: AttentionService;
}
