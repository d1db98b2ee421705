/**
 * Staff training (员工培训): the staff roster, training modules (checklist + self-check),
 * assignments to people or roles, completion records with refreshers, and the pure status
 * computation (done, due, overdue, expired) in the store's timezone.
 */
import { z } from 'zod';
import { addMonths, isCalendarDate, zonedDay } from './time';

export const STAFF_ROLES = ['manager', 'cashier', 'technician'] as const;
export const StaffRole = z.enum(STAFF_ROLES, { error: 'training.invalidRole' });
export type StaffRole = z.infer<typeof StaffRole>;

const CalendarDate = z.string().refine(isCalendarDate, { error: 'training.invalidDate' });

export const StaffFields = z.object({
  name: z.string().trim().min(1, { error: 'training.nameRequired' }).max(100),
  role: StaffRole,
  phone: z.string().trim().max(50).default(''),
  startDate: CalendarDate,
});
export type StaffFieldsInput = z.input<typeof StaffFields>;
export const StaffMember = StaffFields.extend({ id: z.string(), archived: z.boolean(), createdAt: z.string(), updatedAt: z.string() });
export type StaffMember = z.infer<typeof StaffMember>;
export const StaffUpdate = StaffFields.extend({ id: z.string().min(1) }).strict();
/** A new person: the fields and nothing else (an unknown key is refused, as everywhere). */
export const StaffCreate = StaffFields.strict();
export const StaffId = z.object({ id: z.string().min(1) }).strict();
export const StaffList = z.object({ includeArchived: z.boolean().default(false) }).strict().optional().default({ includeArchived: false });

/** Text in both languages; one may be empty (the other is shown). */
export const BiText = (max: number, requiredKey?: string) =>
  z
    .object({ 'zh-CN': z.string().trim().max(max).default(''), en: z.string().trim().max(max).default('') })
    .strict()
    .refine((t) => !requiredKey || t['zh-CN'] !== '' || t.en !== '', { error: requiredKey ?? 'training.textRequired' });
export type BiText = { 'zh-CN': string; en: string };

export function localText(text: BiText, language: string): string {
  return (language === 'en' ? text.en || text['zh-CN'] : text['zh-CN'] || text.en) ?? '';
}

const Picture = z.string().max(1_400_000, { error: 'training.pictureTooLarge' }).regex(/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/, { error: 'training.invalidPicture' });

export const ModuleStep = z.object({
  id: z.string().trim().min(1).max(60),
  title: BiText(200, 'training.stepTitleRequired'),
  explanation: BiText(2000),
  picture: Picture.nullable().optional().transform((v) => v ?? null),
});
export type ModuleStep = z.infer<typeof ModuleStep>;

export const ModuleQuestion = z
  .object({
    id: z.string().trim().min(1).max(60),
    text: BiText(500, 'training.questionTextRequired'),
    options: z.array(BiText(300, 'training.optionRequired')).min(2, { error: 'training.twoOptions' }).max(6),
    /** Index of the right option. */
    answer: z.number({ error: 'training.questionNoAnswer' }).int().nullable(),
  })
  .superRefine((q, ctx) => {
    if (q.answer === null || q.answer < 0 || q.answer >= q.options.length) ctx.addIssue({ code: 'custom', path: ['answer'], message: 'training.questionNoAnswer' });
  });
export type ModuleQuestion = z.infer<typeof ModuleQuestion>;

export const ModuleFields = z.object({
  title: BiText(200, 'training.titleRequired'),
  purpose: BiText(2000),
  minutes: z.number({ error: 'training.invalidMinutes' }).int().min(1, { error: 'training.invalidMinutes' }).max(600, { error: 'training.invalidMinutes' }),
  steps: z.array(ModuleStep).min(1, { error: 'training.stepsRequired' }).max(50),
  questions: z.array(ModuleQuestion).max(20).default([]),
  /** After this many months the record expires and the person is due again; null = never. */
  refresherMonths: z.number({ error: 'training.invalidRefresher' }).int({ error: 'training.invalidRefresher' }).min(1, { error: 'training.invalidRefresher' }).max(120, { error: 'training.invalidRefresher' }).nullable(),
});
export type ModuleFieldsInput = z.input<typeof ModuleFields>;
export const TrainingModule = ModuleFields.extend({ id: z.string(), shipped: z.boolean(), archived: z.boolean(), updatedAt: z.string() });
export type TrainingModule = z.infer<typeof TrainingModule>;
/** Without id: a new module; with id: an update of that module. */
export const ModuleSave = ModuleFields.extend({ id: z.string().min(1).optional() }).strict();
export const ModuleId = z.object({ id: z.string().min(1) }).strict();

export const AssignmentFields = z
  .object({
    moduleId: z.string().min(1),
    staffId: z.string().min(1).nullable().default(null),
    role: StaffRole.nullable().default(null),
    dueDate: CalendarDate,
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((a.staffId === null) === (a.role === null)) ctx.addIssue({ code: 'custom', path: ['staffId'], message: 'training.assignPersonOrRole' });
  });
export type AssignmentInput = z.input<typeof AssignmentFields>;
export const Assignment = z.object({ id: z.string(), moduleId: z.string(), staffId: z.string().nullable(), role: StaffRole.nullable(), dueDate: z.string(), createdAt: z.string() });
export type Assignment = z.infer<typeof Assignment>;
export const AssignmentId = z.object({ id: z.string().min(1) }).strict();

export const RecordItem = z.object({ stepId: z.string().min(1), done: z.boolean(), note: z.string().trim().max(500).default('') }).strict();
export const RecordFields = z
  .object({
    staffId: z.string().min(1),
    moduleId: z.string().min(1),
    completedOn: CalendarDate,
    signedOffBy: z.string().trim().min(1, { error: 'training.signedOffRequired' }).max(100),
    note: z.string().trim().max(2000).default(''),
    items: z.array(RecordItem).max(50).default([]),
    /** The chosen option per question, in order (null = unanswered); the score is computed from them. */
    answers: z.array(z.number().int().nullable()).max(20).default([]),
  })
  .strict();
export type RecordInput = z.input<typeof RecordFields>;
export const TrainingRecord = z.object({
  id: z.string(),
  staffId: z.string(),
  moduleId: z.string(),
  completedOn: z.string(),
  signedOffBy: z.string(),
  note: z.string(),
  items: z.array(z.object({ stepId: z.string(), done: z.boolean(), note: z.string() })),
  /** Right answers out of `questions`. */
  score: z.number().int(),
  questions: z.number().int(),
  createdAt: z.string(),
});
export type TrainingRecord = z.infer<typeof TrainingRecord>;

export const TRAINING_STATUSES = ['done', 'due', 'overdue', 'expired', 'none'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];
export const TrainingCell = z.object({
  staffId: z.string(),
  moduleId: z.string(),
  status: z.enum(TRAINING_STATUSES),
  dueDate: z.string().nullable(),
  completedOn: z.string().nullable(),
  expiresOn: z.string().nullable(),
});
export type TrainingCell = z.infer<typeof TrainingCell>;

export const TrainingOverview = z.object({
  today: z.string(),
  staff: z.array(StaffMember),
  modules: z.array(TrainingModule),
  assignments: z.array(Assignment),
  records: z.array(TrainingRecord),
  cells: z.array(TrainingCell),
  drills: z.array(z.lazy(() => Drill)),
});
export type TrainingOverview = z.infer<typeof TrainingOverview>;

export const TrainingChangedEvent = z.object({ what: z.enum(['staff', 'module', 'assignment', 'record', 'drill']), id: z.string() });

// ---- Practice drills ----

/** The faults a drill can inject (simulator fault names), each with the fault class the trainee should find. */
export const DRILL_FAULTS = ['paper-out', 'printer-jam', 'host-unreachable', 'link-drop', 'overheating'] as const;
export const DrillFault = z.enum(DRILL_FAULTS);
export type DrillFault = z.infer<typeof DrillFault>;
export const DRILL_FAULT_CLASS = {
  'paper-out': 'peripheral',
  'printer-jam': 'peripheral',
  'host-unreachable': 'network',
  'link-drop': 'hardware',
  overheating: 'hardware',
} as const satisfies Record<DrillFault, string>;

export const DrillStart = z.object({ staffId: z.string().min(1, 'training.personRequired'), fault: z.union([DrillFault, z.literal('random')]) }).strict();
export type DrillStart = z.infer<typeof DrillStart>;
export const DrillId = z.object({ id: z.string().min(1) }).strict();

/** What the trainee did, measured when the drill ends: the evidence kept on the training record. */
export const DrillOutcome = z.object({
  /** The first incident on the drill terminal, and how long after the start it was opened (null: never noticed). */
  incidentId: z.string().nullable(),
  noticedMs: z.number().int().nullable(),
  /** How long after the start the incident first carried the right fault class (null: never). */
  classifiedMs: z.number().int().nullable(),
  faultClass: z.string().nullable(),
  fallbackUsed: z.string(),
  steps: z.number().int(),
  escalated: z.boolean(),
  resolved: z.boolean(),
});
export type DrillOutcome = z.infer<typeof DrillOutcome>;

export const Drill = z.object({
  id: z.string(),
  staffId: z.string(),
  deviceId: z.string(),
  fault: DrillFault,
  expectedClass: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: DrillOutcome.nullable(),
});
export type Drill = z.infer<typeof Drill>;

// ---- Pure date and status computations ----

/** The calendar date "YYYY-MM-DD" of an instant in a timezone (time.ts: zonedDay). */
export function dateInZone(instant: Date, timeZone: string): string {
  return zonedDay(instant.getTime(), timeZone);
}

/** A calendar date plus whole months (time.ts). */
export { addMonths };

/**
 * A person's status in one module on `today` (a calendar date in the store's timezone).
 * Assigned (to them or their role, from their start date) and never done: due until the due
 * date, overdue after it. Done: until the refresher interval ends, then expired (due again).
 */
export function trainingStatus(
  person: Pick<StaffMember, 'id' | 'role' | 'startDate'>,
  module: Pick<TrainingModule, 'id' | 'refresherMonths'>,
  assignments: readonly Pick<Assignment, 'moduleId' | 'staffId' | 'role' | 'dueDate'>[],
  records: readonly Pick<TrainingRecord, 'staffId' | 'moduleId' | 'completedOn'>[],
  today: string,
): TrainingCell {
  const mine = assignments.filter((a) => a.moduleId === module.id && (a.staffId === person.id || (a.staffId === null && a.role === person.role)));
  const dueDates = mine.map((a) => (a.staffId === null && a.dueDate < person.startDate ? person.startDate : a.dueDate));
  const dueDate = dueDates.length > 0 ? dueDates.sort()[0]! : null;
  const last = records.filter((r) => r.staffId === person.id && r.moduleId === module.id).map((r) => r.completedOn).sort().at(-1) ?? null;
  const base = { staffId: person.id, moduleId: module.id, dueDate, completedOn: last, expiresOn: null as string | null };
  if (last) {
    const expiresOn = module.refresherMonths ? addMonths(last, module.refresherMonths) : null;
    return { ...base, expiresOn, status: expiresOn && today >= expiresOn ? 'expired' : 'done' };
  }
  if (dueDate === null) return { ...base, status: 'none' };
  // A role's new member gets the module on their start date, not before.
  if (mine.every((a) => a.staffId === null) && today < person.startDate) return { ...base, status: 'none' };
  return { ...base, status: today > dueDate ? 'overdue' : 'due' };
}

/** The score of a self-check: right answers out of the questions. */
export function selfCheckScore(questions: readonly Pick<ModuleQuestion, 'answer'>[], answers: readonly (number | null)[]): number {
  return questions.filter((q, i) => q.answer !== null && answers[i] === q.answer).length;
}
