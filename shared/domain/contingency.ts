/**
 * The contingency plan (应急预案): emergency contacts, backup devices, the fallback payment
 * procedure, who does what; and "terminal down" sessions (the checklist worked through while no
 * counter terminal takes cards). Pure: the schemas, the seed template, when the plan is due for
 * review and when "terminal down" opens by itself.
 */
import { z } from 'zod';
import { calendarDate } from './time';

export const CONTACT_KINDS = ['vendor', 'acquirer', 'it', 'power', 'internet', 'other'] as const;
export const ContactKind = z.enum(CONTACT_KINDS, { error: 'contingency.unknownContactKind' });
export type ContactKind = z.infer<typeof ContactKind>;

/** Digits with the usual separators, an optional leading +, and an optional extension ("转 12", "ext 12"). */
const PHONE = /^\+?[0-9][0-9 ()\-/.]{2,30}(\s*(转|ext\.?|x)\s*[0-9]{1,6})?$/i;

export const Contact = z
  .object({
    kind: ContactKind,
    name: z.string().trim().min(1, { error: 'contingency.contactNameRequired' }).max(100),
    /** What they are for, in the manager's words (e.g. "maintenance contractor"). */
    role: z.string().trim().max(100).default(''),
    phone: z.string().trim().max(50).refine((v) => v === '' || PHONE.test(v), { error: 'contingency.phoneInvalid' }).default(''),
    /** Another way to reach them (e-mail, WeChat, a service portal). */
    other: z.string().trim().max(200).default(''),
    hours: z.string().trim().max(100).default(''),
    /** What to have ready when calling (the device's model, TID, serial, fault time are added for a device call). */
    prepare: z.string().trim().max(500).default(''),
  })
  .strict()
  .refine((c) => c.phone !== '' || c.other !== '', { error: 'contingency.contactUnreachable', path: ['phone'] });
export type Contact = z.infer<typeof Contact>;

export const PLAN_DUTIES = ['decides', 'calls', 'serves'] as const;
export const PlanDuty = z.enum(PLAN_DUTIES, { error: 'contingency.unknownDuty' });
export type PlanDuty = z.infer<typeof PlanDuty>;
export const PlanRole = z.object({ duty: PlanDuty, staffId: z.string().min(1).nullable().default(null), name: z.string().trim().max(100).default('') }).strict();
export type PlanRole = z.infer<typeof PlanRole>;

const Text = (max: number) => z.string().trim().max(max, { error: 'contingency.tooLong' });

/** Every field the manager edits; an update names only the fields it changes (each validated in full). */
export const PlanFields = z.object({
  contacts: z.array(Contact).max(30),
  /** Backup terminals picked from the registry, in the manager's order (their readiness is live). */
  backupDeviceIds: z.array(z.string().min(1)).max(20),
  /** Fallbacks outside the registry in the manager's words, e.g. a phone showing the QR code. */
  backupOther: Text(1000),
  /** Registry devices used for drills or training: never counted as counter terminals. */
  drillDeviceIds: z.array(z.string().min(1)).max(50),
  qrProcedure: Text(4000),
  manualRecord: Text(2000),
  customerWording: Text(1000),
  roles: z.array(PlanRole).max(10),
  reviewIntervalMonths: z.number({ error: 'contingency.reviewIntervalInvalid' }).int({ error: 'contingency.reviewIntervalInvalid' }).min(1, { error: 'contingency.reviewIntervalInvalid' }).max(36, { error: 'contingency.reviewIntervalInvalid' }),
  /** "Terminal down" opens by itself when every counter terminal is down this many minutes; 0 = never by itself. */
  autoOpenAfterMinutes: z.number({ error: 'contingency.autoOpenInvalid' }).min(0, { error: 'contingency.autoOpenInvalid' }).max(240, { error: 'contingency.autoOpenInvalid' }),
});
export type PlanFields = z.infer<typeof PlanFields>;
export const PlanUpdate = PlanFields.partial().strict();
export type PlanUpdate = z.infer<typeof PlanUpdate>;

/**
 * The plan as stored: lenient (data moved from the incident settings may lack a phone), so a
 * stored plan always reads; the strict checks apply to what the manager saves.
 */
export const StoredPlan = z.object({
  contacts: z.array(z.object({ kind: z.string().default('other'), name: z.string().default(''), role: z.string().default(''), phone: z.string().default(''), other: z.string().default(''), hours: z.string().default(''), prepare: z.string().default('') })).default([]),
  backupDeviceIds: z.array(z.string()).default([]),
  backupOther: z.string().default(''),
  drillDeviceIds: z.array(z.string()).default([]),
  qrProcedure: z.string().default(''),
  manualRecord: z.string().default(''),
  customerWording: z.string().default(''),
  roles: z.array(z.object({ duty: z.string(), staffId: z.string().nullable().default(null), name: z.string().default('') })).default([]),
  reviewIntervalMonths: z.number().int().min(1).max(36).catch(6).default(6),
  autoOpenAfterMinutes: z.number().min(0).max(240).catch(3).default(3),
});

/** The plan as read: what is stored (lenient), the day it was last reviewed, when it was saved. */
export const ContingencyPlan = StoredPlan.extend({
  /** The calendar day (store-local) the manager last confirmed the plan; null until then. */
  reviewedOn: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type ContingencyPlan = z.infer<typeof ContingencyPlan>;

export const ReviewInput = z.object({ reviewedOn: calendarDate('contingency.reviewDateInvalid').optional() }).strict().optional().default({});

// ---------------------------------------------------------------- "terminal down" sessions

export const CHECKLIST_STEPS = ['switchBackup', 'startFallback', 'callContacts', 'tellCustomers'] as const;
export const ChecklistStep = z.enum(CHECKLIST_STEPS, { error: 'contingency.unknownStep' });
export type ChecklistStep = z.infer<typeof ChecklistStep>;

export const DownSession = z.object({
  id: z.string(),
  /** When the outage began (the last counter terminal went down), or when the manager opened it. */
  outageStart: z.string(),
  openedAt: z.string(),
  endedAt: z.string().nullable(),
  auto: z.boolean(),
  /** The counter terminals that were down, and the incident recorded on each. */
  deviceIds: z.array(z.string()),
  incidentIds: z.array(z.string()),
  steps: z.array(z.object({ step: ChecklistStep, doneAt: z.string() })),
  cardPaymentBack: z.boolean().nullable(),
  /** Whole minutes without card payment (outage start to end, or to now while open). */
  minutesWithoutCard: z.number().int().nonnegative(),
  /** Not yet written to the database (it was busy): kept in memory and written when it answers. */
  pendingWrite: z.boolean(),
});
export type DownSession = z.infer<typeof DownSession>;

export const SessionStart = z.object({ auto: z.boolean().default(false) }).strict().optional().default({ auto: false });
export const SessionStep = z.object({ step: ChecklistStep, done: z.boolean().default(true) }).strict();
export const SessionEnd = z.object({ cardPaymentBack: z.boolean() }).strict();
export const ContingencyChangedEvent = z.object({ what: z.enum(['plan', 'session']), session: DownSession.nullable(), reason: z.enum(['saved', 'started', 'autoOpened', 'step', 'ended']) });

/** Device readiness shown beside a backup in the plan (live from the status board and the spare pool). */
export const BackupReadiness = z.object({ deviceId: z.string(), name: z.string(), archived: z.boolean(), overall: z.string(), state: z.string() });
export const PlanView = z.object({ plan: ContingencyPlan, reviewDue: z.boolean(), nextReview: z.string().nullable(), session: DownSession.nullable() });
export type PlanView = z.infer<typeof PlanView>;

// ---------------------------------------------------------------- pure rules

/** The day after which the plan is due for review (reviewedOn + interval months), or null when never reviewed. */
export function nextReviewDay(reviewedOn: string | null, months: number): string | null {
  if (!reviewedOn) return null;
  const [y, m, d] = reviewedOn.split('-').map(Number) as [number, number, number];
  const total = (m - 1) + months;
  const year = y + Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Is the plan due for review today (store-local calendar day)? A plan never reviewed is due. */
export function reviewDue(reviewedOn: string | null, months: number, today: string): boolean {
  const next = nextReviewDay(reviewedOn, months);
  return next === null || today >= next;
}

export interface CounterState {
  deviceId: string;
  archived: boolean;
  overall: string;
  /** When `overall` took its value. */
  since: string;
}

export interface AutoOpenInput {
  devices: CounterState[];
  /** Backup and drill devices: not counter terminals. */
  notCounter: ReadonlySet<string>;
  thresholdMinutes: number;
  now: number;
  sessionOpen: boolean;
  /** The outage start of the last session opened (by hand or by itself), so one outage opens the mode once. */
  lastOutageStart: string | null;
}

/**
 * Whether "terminal down" opens by itself now: every counter terminal (not archived, not a backup
 * or drill device; at least one) is offline or in fault, the last of them for longer than the
 * threshold, no session is open, and this outage has not opened one already.
 */
export function autoOpenDecision(input: AutoOpenInput): { open: false } | { open: true; outageStart: string; deviceIds: string[] } {
  if (input.thresholdMinutes <= 0 || input.sessionOpen) return { open: false };
  const counters = input.devices.filter((d) => !d.archived && !input.notCounter.has(d.deviceId));
  if (counters.length === 0 || !counters.every((d) => d.overall === 'offline' || d.overall === 'fault')) return { open: false };
  const startMs = Math.max(...counters.map((d) => Date.parse(d.since)));
  const outageStart = new Date(startMs).toISOString();
  if (input.lastOutageStart !== null && Date.parse(input.lastOutageStart) >= startMs) return { open: false };
  if (input.now - startMs < input.thresholdMinutes * 60_000) return { open: false };
  return { open: true, outageStart, deviceIds: counters.map((d) => d.deviceId) };
}

export function minutesBetween(from: string, to: number): number {
  return Math.max(0, Math.floor((to - Date.parse(from)) / 60_000));
}

// ---------------------------------------------------------------- the seed template

/**
 * The seed template's texts in one language, shipped as resources/contingency-template/<language>.json
 * (contacts to fill in, the usual fallback wording); the rest of a new plan is set here.
 */
export const PlanTemplateText = z
  .object({
    // Whom to call, without number: the manager fills it in (a saved contact needs a phone or another way, Contact).
    contacts: z.array(z.object({ kind: ContactKind, name: z.string().min(1).max(100), role: z.string().max(100), phone: z.string().max(50), other: z.string().max(200), hours: z.string().max(100), prepare: z.string().max(500) }).strict()).max(30),
    qrProcedure: Text(4000),
    manualRecord: Text(2000),
    customerWording: Text(1000),
    backupOther: Text(1000),
  })
  .strict();
export type PlanTemplateText = z.infer<typeof PlanTemplateText>;

/** The plan a store starts from: the template's texts in the manager's language, no terminals, the three duties unassigned. */
export function planTemplate(text: PlanTemplateText): PlanFields {
  return {
    ...text,
    contacts: text.contacts.map((c) => ({ ...c })),
    backupDeviceIds: [],
    drillDeviceIds: [],
    roles: PLAN_DUTIES.map((duty) => ({ duty, staffId: null, name: '' })),
    reviewIntervalMonths: 6,
    autoOpenAfterMinutes: 3,
  };
}
