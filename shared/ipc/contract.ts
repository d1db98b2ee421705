/**
 * The one API contract. Every method the renderer, the browser-mode host and the CLI can call
 * is named here as 'domain.verb' with a zod schema for its input and its output; every event
 * the main side pushes is named here with its payload schema. Preload, ipc binding, the HTTP
 * host and the renderer client are all built from these two tables; names live nowhere else.
 */
import { z } from 'zod';
import { AppInfo, PickFolderInput, PickFolderOutput } from '../domain/app';
import { AttentionChangedEvent, AttentionItem, AttentionKind, AttentionState } from '../domain/attention';
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
import { CheckListQuery, CheckRecordInput, StaffCheck } from '../domain/checks';
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
import * as S from '../domain/statements';
import {
  AbortTerminalCommand,
  GuideCommand,
  RunTerminalCommand,
  SerialPortList,
  TerminalAbortResult,
  TerminalCommandResult,
  TerminalEvent,
  TerminalEventsQuery,
  TerminalLink,
} from '../domain/terminals';
import { UpdateInstallResult, UpdateStatus } from '../domain/updates';
import * as M from '../domain/maintenance';
import { CsvImport, CsvImportResult } from '../domain/csv';
import * as P from '../domain/parts';
import * as C from '../domain/contingency';
import { Assignment, AssignmentFields, AssignmentId, Drill, DrillId, DrillStart, ModuleId, ModuleSave, RecordFields, StaffCreate, StaffId, StaffList, StaffMember, StaffUpdate, TrainingChangedEvent, TrainingModule, TrainingOverview, TrainingRecord } from '../domain/training';
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
  'checks.record': method(CheckRecordInput, StaffCheck),
  'checks.list': method(CheckListQuery, z.array(StaffCheck)),
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
  /** What the transactions section needs the manager to see: captures held because the database could not take them. */
  'transactions.attention': method(NoInput, z.array(AttentionItem)),
  /** Acquirer statements: read a file (header, remembered or guessed mapping), import it, reconcile it; hand-entered day totals. */
  'statements.preview': method(S.StatementPreviewInput, S.StatementPreview),
  'statements.import': method(S.StatementImportInput, S.StatementImportResult),
  'statements.findings': method(S.StatementFindingsQuery, S.StatementFindings),
  'statements.saveHandTotal': method(S.HandDayTotal, S.HandDayTotalRecord),
  'statements.handTotals': method(S.HandDayTotalsQuery, z.array(S.HandDayTotalRecord)),
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
  /** What needs the manager (kinds not muted) and the badge total per section. */
  'attention.list': method(NoInput, AttentionState),
  /** Hides a kind of attention item (badge, card, notification) until unmuted; kept in the settings. */
  'attention.mute': method(AttentionKind, AttentionState),
  'attention.unmute': method(AttentionKind, AttentionState),
  /** The occurrences an RRULE body produces from `start` (store-local) in the days from..to. */
  'maintenance.preview': method(M.PreviewInput, M.PreviewResult),
  'maintenance.templates': method(z.object({ language: Language.optional() }).strict().optional().default({}), z.array(M.PlanTemplate)),
  'maintenance.plans': method(z.object({ includeArchived: z.boolean().default(false) }).strict().optional().default({ includeArchived: false }), z.array(M.Plan)),
  'maintenance.getPlan': method(z.object({ id: z.string().min(1) }).strict(), M.Plan),
  'maintenance.createPlan': method(M.PlanCreate, M.Plan),
  'maintenance.updatePlan': method(M.PlanUpdate, M.Plan),
  'maintenance.archivePlan': method(z.object({ id: z.string().min(1) }).strict(), M.Plan),
  'maintenance.occurrences': method(M.OccurrenceQuery, z.object({ occurrences: z.array(M.Occurrence), truncated: z.boolean() })),
  'maintenance.occurrence': method(M.OccurrenceRef, M.OccurrenceDetail),
  'maintenance.move': method(M.MoveInput, M.OccurrenceDetail),
  'maintenance.skip': method(M.SkipInput, M.OccurrenceDetail),
  'maintenance.answerStep': method(M.StepInput, M.OccurrenceDetail),
  'maintenance.stepPhoto': method(M.StepPhotoInput, M.OccurrenceDetail),
  'maintenance.runStep': method(M.RunStepInput, M.OccurrenceDetail),
  /** Opens an incident for the occurrence's device from a step answered "problem". */
  'maintenance.openIncident': method(M.StepIncidentInput, z.object({ detail: M.OccurrenceDetail, incident: Incident })),
  'maintenance.complete': method(M.CompleteInput, M.OccurrenceDetail),
  'maintenance.attention': method(NoInput, z.array(AttentionItem)),
  'maintenance.forecast': method(NoInput, z.array(M.FailureForecast)),
  'maintenance.exportCalendar': method(M.CalendarExportInput, M.ExportResult),
  'maintenance.exportDone': method(M.DoneExportInput, M.ExportResult),
  'parts.list': method(NoInput, z.array(P.Part)),
  'parts.get': method(P.PartId, P.Part),
  'parts.photo': method(P.PartId, P.PartPhoto),
  'parts.setPhoto': method(P.PartSetPhoto, P.Part),
  'parts.create': method(P.PartCreate, P.Part),
  'parts.update': method(P.PartUpdate, P.Part),
  /** Scanner input: the part whose barcode or part number is exactly the code, or null. */
  'parts.lookup': method(P.PartsLookup, P.Part.nullable()),
  'parts.move': method(P.PartMove, P.PartMoveResult),
  'parts.reverse': method(P.PartReverse, P.PartMoveResult),
  'parts.movements': method(P.MovementFilter, z.array(P.Movement)),
  'parts.reorderList': method(NoInput, z.array(P.ReorderLine)),
  'parts.exportReorder': method(P.PartsExportInput, P.PartsExportResult),
  'parts.exportCsv': method(NoInput, z.object({ csv: z.string() })),
  'parts.importCsv': method(CsvImport, CsvImportResult),
  'parts.importStarter': method(P.PartsStarterImport, P.PartsStarterResult),
  'parts.attention': method(NoInput, z.array(AttentionItem)),
  'parts.backups': method(NoInput, z.array(P.BackupTerminal)),
  'parts.setBackupState': method(P.BackupSetState, z.array(P.BackupTerminal)),
  'parts.swap': method(P.BackupSwap, P.BackupSwapResult),
  'parts.swapBack': method(z.object({ backupDeviceId: z.string().min(1) }).strict(), z.array(P.BackupTerminal)),
  /** The staff roster: who is trained, and who "did it" in incidents and maintenance. */
  'staff.list': method(StaffList, z.array(StaffMember)),
  'staff.create': method(StaffCreate, StaffMember),
  'staff.update': method(StaffUpdate, StaffMember),
  'staff.setArchived': method(StaffId.extend({ archived: z.boolean() }), StaffMember),
  'training.overview': method(NoInput, TrainingOverview),
  'training.saveModule': method(ModuleSave, TrainingModule),
  'training.setModuleArchived': method(ModuleId.extend({ archived: z.boolean() }), TrainingModule),
  'training.assign': method(AssignmentFields, Assignment),
  'training.unassign': method(AssignmentId, z.object({})),
  'training.record': method(RecordFields, TrainingRecord),
  /** Starts a practice drill: a simulated terminal on 127.0.0.1 with the fault (or a random one), added as a temporary drill device. */
  'training.startDrill': method(DrillStart, Drill),
  /** Ends the running drill: its outcome is stored on the trainee's record, its device and incident leave every list. */
  'training.endDrill': method(DrillId, Drill),
  /** The trainee did the physical fix: the drill terminal's simulated fault is cleared (the drill keeps running). */
  'training.fixDrill': method(DrillId, Drill),
  'training.drills': method(NoInput, z.array(Drill)),
  // ---- contingency plan (应急预案) and "terminal down"
  /** The plan (the seed template in the store's language until saved), whether it is due for review, the open session. */
  'contingency.get': method(NoInput, C.PlanView),
  /** Saves the fields given, each checked in full. */
  'contingency.save': method(C.PlanUpdate, C.PlanView),
  'contingency.review': method(C.ReviewInput, C.PlanView),
  /** The plan as one A4 page (HTML with its print stylesheet). */
  'contingency.sheet': method(z.object({ language: Language.optional() }).strict().optional().default({}), z.object({ html: z.string() })),
  /** Desktop app only: the one-page plan as a PDF the manager saves where they choose. */
  'contingency.exportPdf': method(z.object({ language: Language.optional() }).strict().optional().default({}), PickFolderOutput),
  'contingency.start': method(NoInput, C.DownSession),
  'contingency.step': method(C.SessionStep, C.DownSession),
  'contingency.end': method(C.SessionEnd, C.DownSession),
  'contingency.sessions': method(NoInput, z.array(C.DownSession)),
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
  /** The transactions section's attention items changed (captures held, or stored at last). */
  'transactions.attention': z.array(AttentionItem),
  /** The attention items changed (a section republished, a kind muted); `notices` are the crossings to announce once. */
  'attention.changed': AttentionChangedEvent,
  /** A maintenance plan or one of its occurrences changed. */
  'maintenance.changed': M.MaintenanceChangedEvent,
  /** A spare part was created, changed or moved (its new on hand). */
  'parts.changed': P.Part,
  /** The roster, a training module, an assignment or a record changed. */
  'training.changed': TrainingChangedEvent,
  /** The contingency plan was saved or reviewed, or a "terminal down" session opened (by hand or by itself), moved or closed. */
  'contingency.changed': C.ContingencyChangedEvent,
} as const satisfies { [E in EventName]: z.ZodType };

export type Contract = typeof contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;

export type Events = typeof events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
