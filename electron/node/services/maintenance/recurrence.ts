/**
 * Recurrence of maintenance plans, without I/O. rrule.js computes in "floating" time here: the
 * store's local wall time is carried in the UTC fields of a Date (2027-03-01T09:00 local is
 * Date.UTC(2027, 2, 1, 9)), so neither the machine's timezone nor a DST change can move an
 * occurrence; the store's timezone only decides what "today" is.
 *
 * Every evaluation is bounded: at most `cap` occurrences, and rules that could never produce an
 * occurrence are refused before rrule would search up to the year 9999 for one.
 */
import * as rruleModule from 'rrule';
import type { Options, RRule as RRuleType } from 'rrule';
import type { FieldIssue } from '../../../../shared/ipc/result';
import { AppError } from '../../../../shared/ipc/result';
import { addMonths, zonedDateTime, zonedInstant } from '../../../../shared/domain/time';

// rrule ships CommonJS (UMD): Node's ESM loader (the CLI, `serve`) sees only its default export.
const { RRule } = ('RRule' in rruleModule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default);
type RRule = RRuleType;

/** The most occurrences one answer holds (one plan, one window). */
export const OCCURRENCE_CAP = 500;
/** The longest window asked for at once, in days (three years and a leap day). */
const MAX_WINDOW_DAYS = 3 * 366;
const DAY_MS = 86_400_000;
/** Frequencies a maintenance plan may have: at most daily. */
const ALLOWED_FREQS = [RRule.YEARLY, RRule.MONTHLY, RRule.WEEKLY, RRule.DAILY];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function fieldError(path: string, messageKey: string, message: string): AppError {
  const issue: FieldIssue = { path, code: 'custom', messageKey };
  return new AppError('validation', message, { issues: [issue] });
}

/** `YYYY-MM-DDTHH:mm:ss` or `YYYY-MM-DD` (midnight) as a floating Date; null when not a real date. */
export function parseLocal(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d) return null;
  return date;
}

export function formatLocal(date: Date): string {
  return date.toISOString().slice(0, 19);
}

export function formatLocalDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The store's wall time at an instant, as a floating Date (time.ts: zonedDateTime). */
export function localNow(now: Date, timeZone: string): Date {
  return new Date(`${zonedDateTime(now.getTime(), timeZone)}Z`);
}

/** A floating local date-time as the UTC instant it is in `timeZone` (time.ts: zonedInstant). */
export function instantOf(local: Date, timeZone: string): Date {
  return new Date(zonedInstant(formatLocal(local), timeZone));
}

/**
 * The rule's options with DTSTART = `start`, or a field error (path `rule` or `start`):
 * not a rule, a frequency below daily, UNTIL before the start, or a rule without any occurrence.
 */
export function compileRule(ruleText: string, start: Date): RRule {
  const key = `${ruleText}\u0000${start.getTime()}`;
  const known = COMPILED.get(key);
  if (known) return known;
  const rule = compileRuleOnce(ruleText, start);
  if (COMPILED.size >= COMPILED_MAX) COMPILED.delete(COMPILED.keys().next().value!);
  COMPILED.set(key, rule);
  return rule;
}

/**
 * Compiled rules by text and start: the calendar asks for the same plans again and again (every
 * month it shows, every change, the attention counts), and a kept RRule also keeps rrule's own
 * cache of the windows it has answered. Only rules that compiled are kept; a refusal is thrown anew.
 */
const COMPILED = new Map<string, RRule>();
const COMPILED_MAX = 2_000;

function compileRuleOnce(ruleText: string, start: Date): RRule {
  const body = ruleText.trim().replace(/^RRULE:/i, '');
  if (/(^|;)\s*(DTSTART|TZID)\s*=/i.test(body) || /[\r\n]/.test(body)) {
    throw fieldError('rule', 'maintenance.ruleInvalid', 'The rule holds DTSTART or TZID; the start is given separately');
  }
  let options: Partial<Options>;
  try {
    options = RRule.parseString(body);
  } catch (error) {
    throw fieldError('rule', 'maintenance.ruleInvalid', `The rule does not parse: ${(error as Error).message}`);
  }
  if (options.freq === undefined || options.freq === null) throw fieldError('rule', 'maintenance.ruleInvalid', 'The rule has no FREQ');
  if (!ALLOWED_FREQS.includes(options.freq)) throw fieldError('rule', 'maintenance.ruleFrequency', 'Maintenance repeats at most daily');
  if (options.interval !== undefined && (options.interval < 1 || options.interval > 1000)) {
    throw fieldError('rule', 'maintenance.ruleInvalid', 'INTERVAL must be 1 to 1000');
  }
  if (options.count !== undefined && options.count !== null && (options.count < 1 || options.count > 100_000)) {
    throw fieldError('rule', 'maintenance.ruleInvalid', 'COUNT must be 1 to 100000');
  }
  if (options.until) {
    // A date-only UNTIL (20270131) includes that whole day.
    if (/UNTIL=\d{8}(;|$)/i.test(body)) options.until = new Date(options.until.getTime() + DAY_MS - 1000);
    if (options.until < start) throw fieldError('rule', 'maintenance.untilBeforeStart', 'UNTIL is before the start');
  }
  if (!datesPossible(options)) throw fieldError('rule', 'maintenance.ruleNoOccurrence', 'The rule names no day that exists');
  let rule: RRule;
  try {
    rule = new RRule({ ...options, dtstart: start, tzid: null });
    // Checks that rrule can evaluate it (bad BYxxx values throw here).
    if (rule.after(start, true) === null) throw fieldError('rule', 'maintenance.ruleNoOccurrence', 'The rule produces no occurrence');
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fieldError('rule', 'maintenance.ruleInvalid', `The rule cannot be evaluated: ${(error as Error).message}`);
  }
  return rule;
}

/**
 * The RRULE line of a plan's rule for an iCalendar file, re-serialised by rrule from the compiled
 * options (so nothing but a valid rule is written), with UNTIL as the UTC instant it is in the
 * store's timezone, as RFC 5545 asks when DTSTART carries a TZID.
 */
export function ruleLine(ruleText: string, start: string, timeZone: string): string {
  const compiled = compileRule(ruleText, parseLocal(start)!);
  const { dtstart: _dtstart, tzid: _tzid, until, ...options } = compiled.origOptions;
  const line = RRule.optionsToString({ ...options, ...(until ? { until: instantOf(until, timeZone) } : {}) });
  return line.startsWith('RRULE:') ? line : `RRULE:${line}`;
}

/**
 * Whether the rule's day filters name a day that exists: a month day no chosen month has
 * (BYMONTH=2;BYMONTHDAY=30), or a year day no chosen month holds, would send rrule searching to
 * the year 9999. Other filters (weekdays, week numbers) always meet some year.
 */
function datesPossible(options: Partial<Options>): boolean {
  const months = toArray(options.bymonth);
  const monthDays = toArray(options.bymonthday);
  const chosen = months.length > 0 ? months : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  if (chosen.some((m) => m < 1 || m > 12)) return false;
  if (monthDays.length > 0) {
    const longest = Math.max(...chosen.map((m) => DAYS_IN_MONTH[m - 1]!));
    if (!monthDays.some((d) => d !== 0 && Math.abs(d) <= longest)) return false;
  }
  const yearDays = toArray(options.byyearday);
  if (yearDays.length > 0 && !yearDays.some((d) => d !== 0 && Math.abs(d) <= 366)) return false;
  if (yearDays.length > 0 && months.length > 0) {
    // Day n of the year falls in a month between its earliest (leap or not) and latest placement.
    const starts = [1, 32, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 367];
    const fits = yearDays.some((d) => {
      const n = d > 0 ? d : 366 + d + 1;
      return months.some((m) => n >= starts[m - 1]! - 1 && n <= starts[m]!);
    });
    if (!fits) return false;
  }
  return true;
}

function toArray(value: number | number[] | null | undefined): number[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export interface Window {
  from: Date;
  /** Exclusive end (midnight after the last day). */
  until: Date;
}

/** A window of whole local days, `from` to `to` inclusive, or a field error (path `to`). */
export function dayWindow(from: string, to: string): Window {
  const start = parseLocal(from);
  const end = parseLocal(to);
  if (!start) throw fieldError('from', 'maintenance.invalidDate', 'from is not a date');
  if (!end) throw fieldError('to', 'maintenance.invalidDate', 'to is not a date');
  if (end < start) throw fieldError('to', 'maintenance.windowReversed', 'to is before from');
  if ((end.getTime() - start.getTime()) / DAY_MS + 1 > MAX_WINDOW_DAYS) throw fieldError('to', 'maintenance.windowTooLong', 'The window is longer than three years');
  return { from: start, until: new Date(end.getTime() + DAY_MS) };
}

/** Occurrences of a compiled rule in the window, at most `cap` (then `truncated`). */
export function occurrencesIn(rule: RRule, window: Window, cap = OCCURRENCE_CAP): { dates: Date[]; truncated: boolean } {
  let truncated = false;
  const dates = rule.between(window.from, new Date(window.until.getTime() - 1), true, (_date, index) => {
    if (index < cap) return true;
    truncated = true;
    return false;
  });
  return { dates, truncated };
}

/** `maintenance.preview`: the rule's occurrences from `start` in the window, in store-local time. */
export function preview(input: { rule: string; start: string; from: string; to: string }, cap = OCCURRENCE_CAP): { occurrences: string[]; truncated: boolean } {
  const start = parseLocal(input.start);
  if (!start || input.start.length !== 19) throw fieldError('start', 'maintenance.invalidDateTime', 'start is not a local date-time');
  const window = dayWindow(input.from, input.to);
  const rule = compileRule(input.rule, start);
  const { dates, truncated } = occurrencesIn(rule, window, cap);
  return { occurrences: dates.map(formatLocal), truncated };
}

/** Adds whole days/weeks/months to a floating date (a month end stays the month's last day). */
export function addInterval(date: Date, every: number, unit: 'days' | 'weeks' | 'months'): Date {
  if (unit === 'days') return new Date(date.getTime() + every * DAY_MS);
  if (unit === 'weeks') return new Date(date.getTime() + every * 7 * DAY_MS);
  const local = formatLocal(date);
  return new Date(`${addMonths(local.slice(0, 10), every)}${local.slice(10)}Z`);
}
