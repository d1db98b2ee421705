/**
 * Staff checks: the status source of a standalone terminal (no link to this PC). A quick check at
 * the counter answers six questions; the answers map to the same normalized status as a live
 * terminal's (shared/domain/status.ts), stored in the status history, so incidents and analytics
 * treat them alike.
 */
import { z } from 'zod';
import { zonedDay, zonedInstant } from './time';
import { CHECK_FAULTS, type CodeText, type StatusFields } from './status';

/** The yes/no questions, in the order staff answer them. */
export const CHECK_ITEMS = ['powersOn', 'screen', 'network', 'testSlip', 'payment'] as const;
export type CheckItem = (typeof CHECK_ITEMS)[number];
export const PAPER_LEVELS = ['plenty', 'low', 'none'] as const;
export { CHECK_FAULTS };
export type CheckFault = (typeof CHECK_FAULTS)[number];

export const CheckAnswers = z
  .object({
    powersOn: z.boolean(),
    screen: z.boolean(),
    network: z.boolean(),
    testSlip: z.boolean(),
    payment: z.boolean(),
    paper: z.enum(PAPER_LEVELS),
  })
  .strict();
export type CheckAnswers = z.infer<typeof CheckAnswers>;

export const CheckRecordInput = z
  .object({
    deviceId: z.string().min(1),
    answers: CheckAnswers,
    checkedBy: z.string().trim().max(100).default(''),
    note: z.string().trim().max(1000).default(''),
  })
  .strict();
export type CheckRecordInput = z.infer<typeof CheckRecordInput>;

export const StaffCheck = z.object({
  id: z.number().int(),
  deviceId: z.string(),
  at: z.string(),
  answers: CheckAnswers,
  checkedBy: z.string(),
  note: z.string(),
  overall: z.enum(['ok', 'degraded', 'fault']),
  failed: z.array(z.enum(CHECK_FAULTS)),
  /** The incident the failed check opened (or the open one it joined), null when it passed. */
  incidentId: z.string().nullable(),
});
export type StaffCheck = z.infer<typeof StaffCheck>;
export const CheckListQuery = z.object({ deviceId: z.string().min(1), limit: z.number().int().min(1).max(500).default(30) }).strict();

/** The failed parts, most basic first (a terminal that does not power on fails nothing else). */
export function failedParts(answers: CheckAnswers): CheckFault[] {
  if (!answers.powersOn) return ['powersOn'];
  const failed: CheckFault[] = CHECK_ITEMS.filter((item) => !answers[item]);
  if (answers.paper !== 'plenty') failed.push('paper');
  return failed;
}

/** The error texts a check writes to the status ('check:network'), in both languages. */
const CHECK_FAULT_TEXT: Record<CheckFault, CodeText> = {
  powersOn: { zh: '人工检查：不开机', en: 'Staff check: does not power on' },
  screen: { zh: '人工检查：屏幕或指示灯异常', en: 'Staff check: screen or lights abnormal' },
  network: { zh: '人工检查：无网络/信号', en: 'Staff check: no network or signal' },
  testSlip: { zh: '人工检查：打印不出测试单', en: 'Staff check: test slip does not print' },
  payment: { zh: '人工检查：交易失败', en: 'Staff check: payment did not go through' },
  paper: { zh: '人工检查：打印纸不足', en: 'Staff check: paper low or out' },
};

export function describeCheckCode(code: string): CodeText | null {
  const match = /^check:([a-zA-Z]+)$/.exec(code);
  return match && Object.hasOwn(CHECK_FAULT_TEXT, match[1]!) ? CHECK_FAULT_TEXT[match[1] as CheckFault] : null;
}

/**
 * The status fields a check observes: the terminal is 'standalone' (no link), the printer,
 * payment path and network as staff saw them, the failed parts and the first one as error code.
 */
export function statusFromCheck(answers: CheckAnswers, at: string): Partial<StatusFields> & Pick<StatusFields, 'link'> {
  const failed = failedParts(answers);
  const on = answers.powersOn;
  const printer = !on ? 'unknown' : !answers.testSlip ? 'jam' : answers.paper === 'none' ? 'noPaper' : answers.paper === 'low' ? 'paperLow' : 'ok';
  const first = failed[0];
  return {
    link: 'standalone',
    hostReachable: on ? answers.network : null,
    printer,
    cardReader: !on ? 'unknown' : answers.payment ? 'ok' : answers.network ? 'fault' : 'unknown',
    temperature: 'unknown',
    lastErrorCode: first ? `check:${first}` : null,
    lastErrorText: first ? CHECK_FAULT_TEXT[first] : null,
    staffCheck: { at, failed },
  };
}

/** The overall state of a standalone terminal; null when the status is not a standalone one. */
export function standaloneOverall(fields: Pick<StatusFields, 'link' | 'staffCheck'>): 'fault' | 'unknown' | null {
  if (fields.link !== 'standalone') return null;
  if (!fields.staffCheck) return 'unknown';
  return fields.staffCheck.failed.includes('powersOn') || fields.staffCheck.failed.includes('screen') || fields.staffCheck.failed.includes('payment') ? 'fault' : null;
}

/**
 * Whether a standalone terminal was checked since the store opened today (store timezone). Before
 * today's opening time yesterday's check still counts.
 */
export function checkedSinceOpening(lastCheckAt: string | null | undefined, nowMs: number, store: { timezone: string; businessHours: { opens: string } }): boolean {
  const today = zonedDay(nowMs, store.timezone);
  const opening = zonedInstant(`${today}T${store.businessHours.opens}:00`, store.timezone);
  const since = nowMs >= opening ? opening : opening - 86_400_000;
  return lastCheckAt !== null && lastCheckAt !== undefined && Date.parse(lastCheckAt) >= since;
}
