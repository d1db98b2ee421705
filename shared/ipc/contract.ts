/**
 * The one API contract. Every method the renderer, the browser-mode host and the CLI can call
 * is named here as 'domain.verb' with a zod schema for its input and its output; every event
 * the main side pushes is named here with its payload schema. Preload, ipc binding, the HTTP
 * host and the renderer client are all built from these two tables; names live nowhere else.
 */
import { z } from 'zod';
import { AppInfo, PickFolderInput, PickFolderOutput } from '../domain/app';
import { Settings, SettingsUpdate } from '../domain/settings';
import { AnalyticsQuery, AnalyticsSummary } from '../domain/analytics';
import {
  Device,
  DeviceCommandEvent,
  DeviceCommandRecord,
  DeviceCreate,
  DeviceCsvImport,
  DeviceCsvImportResult,
  DeviceId,
  DeviceList,
  DeviceSettings,
  DeviceSettingsUpdate,
  DeviceUpdate,
} from '../domain/devices';
import {
  EscalationPack,
  FaultGuide,
  GuideCommand,
  GuideCommandResult,
  Incident,
  IncidentChangedEvent,
  IncidentId,
  IncidentListQuery,
  IncidentOpen,
  IncidentSettings,
  IncidentSettingsUpdate,
  IncidentStepRecord,
  IncidentUpdate,
} from '../domain/incidents';
import { Language } from '../domain/settings';
import { DeviceStatus, StatusChange, StatusChangedEvent, StatusHistoryQuery } from '../domain/status';
import {
  BackupCreateInput,
  BackupEntry,
  BackupFileInput,
  BackupFolderListing,
  BackupInspectResult,
  BackupList,
  BackupProgress,
  BackupRestoreInput,
  BackupSettingsUpdate,
  BackupVerifyResult,
  RestoreResult,
} from '../domain/backup';
import {
  ReconciliationDayDetail,
  ReconciliationDayQuery,
  ReconciliationList,
  ReconciliationQuery,
  TransactionExportInput,
  TransactionExportResult,
  TransactionPage,
  TransactionTotals,
  TransactionQuery,
} from '../domain/transactions';
import {
  AbortTerminalCommand,
  RunTerminalCommand,
  SerialPortList,
  TerminalAbortResult,
  TerminalCommandResult,
  TerminalEvent,
  TerminalEventsQuery,
  TerminalLink,
} from '../domain/terminals';
import { UpdateInstallResult, UpdateStatus } from '../domain/updates';
import { Assignment, AssignmentFields, AssignmentId, ModuleId, ModuleSave, RecordFields, StaffFields, StaffId, StaffList, StaffMember, StaffUpdate, TrainingChangedEvent, TrainingModule, TrainingOverview, TrainingRecord } from '../domain/training';
import type { EventName, MethodName } from './channels';

export { EVENT_CHANNEL, EVENT_NAMES, ipcChannel, isEventName, isMethodName, METHOD_NAMES } from './channels';
export type { EventName, MethodName } from './channels';

const NoInput = z.object({}).strict().optional().default({});

interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
}

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const contract = {
  'app.info': method(NoInput, AppInfo),
  'native.pickFolder': method(PickFolderInput, PickFolderOutput),
  /** A backup file to restore (desktop only; browser mode types the path). */
  'native.pickFile': method(PickFolderInput, PickFolderOutput),
  'settings.get': method(NoInput, Settings),
  'settings.update': method(SettingsUpdate, Settings),
  'devices.list': method(DeviceList, z.array(Device)),
  'devices.get': method(DeviceId, Device),
  'devices.create': method(DeviceCreate, Device),
  'devices.update': method(DeviceUpdate, Device),
  'devices.archive': method(DeviceId, Device),
  'devices.exportCsv': method(NoInput, z.object({ csv: z.string() })),
  'devices.importCsv': method(DeviceCsvImport, DeviceCsvImportResult),
  'devices.statuses': method(NoInput, z.array(DeviceStatus)),
  'devices.history': method(StatusHistoryQuery, z.array(StatusChange)),
  'devices.commands': method(DeviceId, z.array(DeviceCommandRecord)),
  'devices.runCommand': method(z.object({ id: z.string().min(1), command: GuideCommand }).strict(), DeviceCommandRecord),
  /** The current software version per model ("is the terminal's software current?"). */
  'devices.settings': method(NoInput, DeviceSettings),
  'devices.updateSettings': method(DeviceSettingsUpdate, DeviceSettings),
  'incidents.list': method(IncidentListQuery, z.array(Incident)),
  'incidents.get': method(IncidentId, Incident),
  'incidents.open': method(IncidentOpen, Incident),
  'incidents.update': method(IncidentUpdate, Incident),
  'incidents.recordStep': method(IncidentStepRecord, Incident),
  'incidents.runCommand': method(
    z.object({ id: z.string().min(1), command: GuideCommand, nodeId: z.string().nullable().optional(), prompt: z.string().max(2000).optional() }).strict(),
    GuideCommandResult,
  ),
  'incidents.escalate': method(z.object({ id: z.string().min(1), language: Language.optional() }).strict(), EscalationPack),
  /** Desktop app only: the escalation pack as a PDF the manager saves where they choose. */
  'incidents.exportPdf': method(z.object({ id: z.string().min(1), language: Language.optional() }).strict(), PickFolderOutput),
  'incidents.guides': method(NoInput, z.array(FaultGuide)),
  'incidents.settings': method(NoInput, IncidentSettings),
  'incidents.updateSettings': method(IncidentSettingsUpdate, IncidentSettings),
  'analytics.summary': method(AnalyticsQuery, AnalyticsSummary),
  'transactions.search': method(TransactionQuery, TransactionPage),
  /** Count and net amount of everything the search's filters match (computed a day at a time). */
  'transactions.totals': method(TransactionQuery, TransactionTotals),
  'transactions.reconcile': method(ReconciliationQuery, ReconciliationList),
  'transactions.reconcileDay': method(ReconciliationDayQuery, ReconciliationDayDetail),
  'transactions.export': method(TransactionExportInput, TransactionExportResult),
  'backup.list': method(NoInput, BackupList),
  'backup.updateSettings': method(BackupSettingsUpdate, BackupList),
  'backup.create': method(BackupCreateInput, BackupEntry),
  'backup.verify': method(BackupFileInput, BackupVerifyResult),
  'backup.inspect': method(BackupFileInput, BackupInspectResult),
  'backup.folder': method(z.object({ folder: z.string().trim().min(1).max(1000) }).strict(), BackupFolderListing),
  'backup.restore': method(BackupRestoreInput, RestoreResult),
  'backup.drill': method(BackupFileInput, RestoreResult),
  'terminals.list': method(NoInput, z.array(TerminalLink)),
  'terminals.ports': method(NoInput, SerialPortList),
  'terminals.run': method(RunTerminalCommand, TerminalCommandResult),
  'terminals.abort': method(AbortTerminalCommand, TerminalAbortResult),
  'terminals.events': method(TerminalEventsQuery, z.array(TerminalEvent)),
  /** Desktop app only (browser mode answers `unavailable`): the self-update state, a check now, install now. */
  'updates.get': method(NoInput, UpdateStatus),
  'updates.check': method(NoInput, UpdateStatus),
  'updates.installNow': method(NoInput, UpdateInstallResult),
  /** The staff roster: who is trained, and who "did it" in incidents and maintenance. */
  'staff.list': method(StaffList, z.array(StaffMember)),
  'staff.create': method(StaffFields, StaffMember),
  'staff.update': method(StaffUpdate, StaffMember),
  'staff.setArchived': method(StaffId.extend({ archived: z.boolean() }), StaffMember),
  'training.overview': method(NoInput, TrainingOverview),
  'training.saveModule': method(ModuleSave, TrainingModule),
  'training.setModuleArchived': method(ModuleId.extend({ archived: z.boolean() }), TrainingModule),
  'training.assign': method(AssignmentFields, Assignment),
  'training.unassign': method(AssignmentId, z.object({})),
  'training.record': method(RecordFields, TrainingRecord),
} as const satisfies { [M in MethodName]: MethodSpec };

export const events = {
  /** The settings changed (from another window, the CLI, a restore). */
  'settings.changed': Settings,
  /** A device of the registry was created, changed or archived. */
  'devices.changed': Device,
  /** A terminal's normalized status changed; `notify` says it went down or recovered. */
  'devices.statusChanged': StatusChangedEvent,
  /** Progress of a terminal command (started, progress text, finished). */
  'devices.command': DeviceCommandEvent,
  /** An incident was opened, updated or resolved (by hand or by itself). */
  'incidents.changed': IncidentChangedEvent,
  /** Progress of a backup, verification, restore or drill. */
  'backup.progress': BackupProgress,
  /** The database was replaced by a restore: the renderer reloads. */
  'backup.restored': RestoreResult,
  /** A terminal link changed state (snapshot of that terminal's link). */
  'terminals.linkChanged': TerminalLink,
  /** An entry of a terminal's event log (link, command, result, error; raw frames are not pushed). */
  'terminals.event': TerminalEvent,
  /** The self-update state changed (checking, available, downloading n %, ready, up to date, error). */
  'updates.state': UpdateStatus,
  /** The roster, a training module, an assignment or a record changed. */
  'training.changed': TrainingChangedEvent,
} as const satisfies { [E in EventName]: z.ZodType };

export type Contract = typeof contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;

export type Events = typeof events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
