/**
 * Preventive maintenance (保养日历): plans (a task, what it applies to, when), their occurrences
 * computed for any window (never stored as a series) and what happened to one occurrence (done,
 * skipped, moved), stored as an exception of the plan.
 *
 * Times are "local": `YYYY-MM-DDTHH:mm:ss` wall time in the store's timezone (settings.store.timezone),
 * dates `YYYY-MM-DD`. Recurrence is evaluated on floating wall time, so no timezone or DST shift
 * can move an occurrence to another day.
 */
import { z } from 'zod';
import { StaffCheck } from './checks';
import { PhotoDataUrl } from './devices';
import type { GuideCommand } from './terminals';

export const LocalDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: 'maintenance.invalidDate' });
export const LocalDateTime = z
  .string()
  .max(19, { error: 'maintenance.invalidDateTime' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, { error: 'maintenance.invalidDateTime' });

/** The RRULE body (`FREQ=MONTHLY;BYDAY=1MO`), an optional leading `RRULE:` is accepted. */
export const RuleText = z.string().trim().min(1).max(500);

export const PreviewInput = z
  .object({ rule: RuleText, start: LocalDateTime, from: LocalDate, to: LocalDate })
  .strict();
export type PreviewInput = z.infer<typeof PreviewInput>;

export const PreviewResult = z.object({ occurrences: z.array(LocalDateTime), truncated: z.boolean() });
export type PreviewResult = z.infer<typeof PreviewResult>;

/** When a plan falls due: a recurrence rule from a start, or N days/weeks/months after the last completion. */
export const FLOATING_UNITS = ['days', 'weeks', 'months'] as const;
export const PlanSchedule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rule'), rule: RuleText, start: LocalDateTime }).strict(),
  z
    .object({ kind: z.literal('floating'), every: z.number().int().min(1).max(1000), unit: z.enum(FLOATING_UNITS), start: LocalDateTime })
    .strict(),
]);
export type PlanSchedule = z.infer<typeof PlanSchedule>;

/** Steps a terminal can answer by itself (run through the terminal connection). */
export const STEP_COMMANDS = ['statusEnquiry', 'selfTest', 'diagnosis', 'printConfiguration'] as const satisfies readonly GuideCommand[];
export const StepCommand = z.enum(STEP_COMMANDS);
export type StepCommand = z.infer<typeof StepCommand>;

export const ChecklistStep = z
  .object({
    text: z.string().trim().min(1).max(500),
    /** Run on the device and recorded automatically. */
    command: StepCommand.nullable().default(null),
  })
  .strict();
export type ChecklistStep = z.infer<typeof ChecklistStep>;

export const PLAN_TARGETS = ['devices', 'allTerminals', 'store'] as const;
export const PlanTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('devices'), deviceIds: z.array(z.string().min(1)).min(1).max(200) }).strict(),
  z.object({ kind: z.literal('allTerminals') }).strict(),
  z.object({ kind: z.literal('store') }).strict(),
]);
export type PlanTarget = z.infer<typeof PlanTarget>;

export const PlanFields = z
  .object({
    title: z.string().trim().min(1).max(200),
    purpose: z.string().trim().max(2000).default(''),
    steps: z.array(ChecklistStep).min(1, { error: 'maintenance.noSteps' }).max(100),
    estimatedMinutes: z.number().int().min(0).max(24 * 60).default(0),
    parts: z.string().trim().max(1000).default(''),
    target: PlanTarget,
    schedule: PlanSchedule,
    templateId: z.string().max(100).nullable().default(null),
  })
  .strict();
export type PlanFields = z.infer<typeof PlanFields>;
export const PlanCreate = PlanFields;
export const PlanUpdate = PlanFields.partial().extend({ id: z.string().min(1) }).strict();
export type PlanUpdate = z.infer<typeof PlanUpdate>;

export const Plan = z.object({
  id: z.string(),
  title: z.string(),
  purpose: z.string(),
  steps: z.array(ChecklistStep),
  estimatedMinutes: z.number(),
  parts: z.string(),
  target: PlanTarget,
  schedule: PlanSchedule,
  templateId: z.string().nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Plan = z.infer<typeof Plan>;

export const STEP_ANSWERS = ['ok', 'problem', 'na'] as const;
export const StepAnswer = z.enum(STEP_ANSWERS);

export const StepResult = z.object({
  index: z.number().int().min(0),
  answer: StepAnswer.nullable(),
  note: z.string().max(2000),
  /** What the terminal answered to a terminal-driven step ("not reachable" when offline). */
  result: z.string().max(4000).nullable(),
  incidentId: z.string().nullable(),
  /** A photo of what was found (a data: URL), optional; absent in records made before photos. */
  photo: z.string().nullable().optional(),
});
export type StepResult = z.infer<typeof StepResult>;

export const OCCURRENCE_STATES = ['planned', 'dueToday', 'overdue', 'done', 'skipped'] as const;
export const OccurrenceState = z.enum(OCCURRENCE_STATES);
export type OccurrenceState = z.infer<typeof OccurrenceState>;

/**
 * The template of the daily opening check. Its occurrences on a standalone terminal (no link, so
 * nothing to run) are done with the staff check form (shared/domain/checks): the check is the
 * one record, the occurrence is done when the terminal was checked on its day.
 */
export const STAFF_CHECK_TEMPLATE = 'dailyOpening';

/** How an occurrence is done: its checklist, or the staff check form (see STAFF_CHECK_TEMPLATE). */
export const OCCURRENCE_FORMS = ['checklist', 'staffCheck'] as const;

/** One occurrence of a plan for one target (a device, or the store when deviceId is null). */
export const Occurrence = z.object({
  /** `<planId>|<deviceId or store>|<original local date-time>`: stable across moves. */
  key: z.string(),
  planId: z.string(),
  title: z.string(),
  deviceId: z.string().nullable(),
  /** The date-time the rule produced. */
  original: LocalDateTime,
  /** Where it is now (the original, or where it was moved to). */
  at: LocalDateTime,
  state: OccurrenceState,
  moved: z.boolean(),
  skipReason: z.string().nullable(),
  form: z.enum(OCCURRENCE_FORMS),
});
export type Occurrence = z.infer<typeof Occurrence>;

export const OccurrenceRef = z.object({ planId: z.string().min(1), deviceId: z.string().min(1).nullable(), original: LocalDateTime }).strict();
export type OccurrenceRef = z.infer<typeof OccurrenceRef>;

export const OccurrenceQuery = z
  .object({ from: LocalDate, to: LocalDate, deviceId: z.string().min(1).optional(), planId: z.string().min(1).optional() })
  .strict();
export type OccurrenceQuery = z.infer<typeof OccurrenceQuery>;

export const OccurrenceRecord = z.object({
  ref: OccurrenceRef,
  state: z.enum(['open', 'done', 'skipped']),
  movedTo: LocalDateTime.nullable(),
  skipReason: z.string().nullable(),
  steps: z.array(StepResult),
  doneBy: z.string(),
  doneAt: z.string().nullable(),
  minutesSpent: z.number().int().nullable(),
  partsUsed: z.string(),
});
export type OccurrenceRecord = z.infer<typeof OccurrenceRecord>;

/** `staffCheck`: for a staff-check occurrence, the check of its day (the latest), else null. */
export const OccurrenceDetail = z.object({ plan: Plan, occurrence: Occurrence, record: OccurrenceRecord, staffCheck: StaffCheck.nullable() });
export type OccurrenceDetail = z.infer<typeof OccurrenceDetail>;

export const MoveInput = OccurrenceRef.extend({ to: LocalDateTime }).strict();
export const SkipInput = OccurrenceRef.extend({ reason: z.string().trim().min(1).max(500) }).strict();
export const StepInput = OccurrenceRef.extend({
  index: z.number().int().min(0),
  answer: StepAnswer,
  note: z.string().trim().max(2000).default(''),
}).strict();
/** A photo for one checklist step of an open occurrence; null removes it. */
export const StepPhotoInput = OccurrenceRef.extend({ index: z.number().int().min(0), photo: PhotoDataUrl.nullable() }).strict();
export const RunStepInput = OccurrenceRef.extend({ index: z.number().int().min(0) }).strict();
export const StepIncidentInput = OccurrenceRef.extend({ index: z.number().int().min(0) }).strict();
export const CompleteInput = OccurrenceRef.extend({
  doneBy: z.string().trim().min(1).max(100),
  minutesSpent: z.number().int().min(0).max(24 * 60),
  partsUsed: z.string().trim().max(1000).default(''),
}).strict();

export const PlanTemplate = Plan.pick({ id: true, title: true, purpose: true, steps: true, estimatedMinutes: true, parts: true }).extend({
  target: z.enum(PLAN_TARGETS),
  schedule: z.union([z.object({ kind: z.literal('rule'), rule: z.string() }), z.object({ kind: z.literal('floating'), every: z.number(), unit: z.enum(FLOATING_UNITS) })]),
});
export type PlanTemplate = z.infer<typeof PlanTemplate>;

/**
 * A device's estimated next failure (its last failure + its MTBF, from the reliability
 * analytics) against its next open maintenance occurrence: when the estimate comes first (or no
 * inspection is planned), the manager is told to inspect earlier.
 */
export const FailureForecast = z.object({
  deviceId: z.string(),
  expectedFailureAt: z.string(),
  /** The store day of the estimate. */
  expectedDay: LocalDate,
  /** The next open (planned, due or overdue) occurrence of a plan on this device, store wall time. */
  nextInspection: LocalDateTime.nullable(),
  inspectEarlier: z.boolean(),
});
export type FailureForecast = z.infer<typeof FailureForecast>;

/** A file the manager exports to (absolute path); `overwrite` only after the manager confirmed replacing it. */
const ExportTarget = { out: z.string().trim().min(1).max(1000), overwrite: z.boolean().optional() };
/** The schedule (every active plan on every target) as an iCalendar file. */
export const CalendarExportInput = z.object(ExportTarget).strict();
export type CalendarExportInput = z.infer<typeof CalendarExportInput>;
/** The work done (and skipped) between two store days, inclusive, as XLSX. */
export const DoneExportInput = z.object({ from: LocalDate, to: LocalDate, ...ExportTarget }).strict();
export type DoneExportInput = z.infer<typeof DoneExportInput>;
export const ExportResult = z.object({ file: z.string(), rows: z.number().int(), bytes: z.number().int() });
export type ExportResult = z.infer<typeof ExportResult>;

export const MaintenanceChangedEvent = z.object({ planId: z.string(), reason: z.enum(['planCreated', 'planUpdated', 'planArchived', 'occurrence']) });

/** A maintenance occurrence as another section names it (the parts ledger): plan title, device (null: the whole store), local date-time. */
export const OccurrenceLabel = z.object({ title: z.string(), deviceId: z.string().nullable(), at: z.string() });
export type OccurrenceLabel = z.infer<typeof OccurrenceLabel>;
