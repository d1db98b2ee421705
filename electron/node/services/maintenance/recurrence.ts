/**
 * Recurrence of maintenance plans, without I/O. rrule.js computes in "floating" time here: the
 * store's local wall time is carried in the UTC fields of a Date (2027-03-01T09:00 local is
 * Date.UTC(2027, 2, 1, 9)), so neither the machine's timezone nor a DST change can move an
 * occurrence; the store's timezone only decides what "today" is.
 *
 * Every evaluation is bounded: at most `cap` occurrences, and rules that could never produce an
 * occurrence are refused before rrule would search up to the year 9999 for one.
 */
import vm from 'node:vm';
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
/** A plan's first occurrence must fall within this many years of its start. */
const FIRST_WITHIN_YEARS = 5;
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

/**
 * formatLocal for the calendar's many dates: 200 plans repeat the same few thousand times of a
 * year, so their text is made once and shared (fewer strings to make and to collect).
 */
function formatLocalShared(date: Date): string {
  const time = date.getTime();
  let text = FORMATTED.get(time);
  if (text === undefined) {
    if (FORMATTED.size >= FORMATTED_MAX) FORMATTED.clear();
    text = formatLocal(date);
    FORMATTED.set(time, text);
  }
  return text;
}

const FORMATTED = new Map<number, string>();
/** About three years of four distinct times a day. */
const FORMATTED_MAX = 5_000;

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
 * compileRule, and the rule must have an occurrence within FIRST_WITHIN_YEARS of its start: for
 * rules a manager types (create, change, preview). rrule only stops walking periods when one
 * produces a date, so a rule that never meets (FREQ=DAILY;BYMONTHDAY=1;BYDAY=MO;BYSETPOS=2) would
 * walk to the year 9999, some ten seconds of a blocked main process: the search runs under a time
 * limit, and a search that exceeds it is the same field error. Stored plans passed this on saving.
 */
export function verifyRule(ruleText: string, start: Date): RRule {
  const rule = compileRule(ruleText, start);
  const key = `${ruleText}\u0000${start.getTime()}`;
  if (VERIFIED.has(key)) return rule;
  const searchEnd = new Date(Date.UTC(start.getUTCFullYear() + FIRST_WITHIN_YEARS, start.getUTCMonth(), start.getUTCDate()));
  let found = false;
  try {
    SEARCH_CONTEXT.search = () => rule.between(start, searchEnd, true, (_date, index) => index < 1).length > 0;
    found = SEARCH_SCRIPT.runInContext(SEARCH_CONTEXT, { timeout: SEARCH_LIMIT_MS }) === true;
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Values rrule accepts but cannot evaluate throw here; a search past the limit finds nothing.
    if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw fieldError('rule', 'maintenance.ruleInvalid', `The rule cannot be evaluated: ${(error as Error).message}`);
  } finally {
    SEARCH_CONTEXT.search = null;
  }
  if (!found) throw fieldError('rule', 'maintenance.ruleNoOccurrence', `The rule produces no occurrence within ${FIRST_WITHIN_YEARS} years of its start`);
  if (VERIFIED.size >= COMPILED_MAX) VERIFIED.clear();
  VERIFIED.add(key);
  return rule;
}

/** Five years of a daily rule is some 2,000 steps, a few milliseconds: the limit is far above any real rule. */
const SEARCH_LIMIT_MS = 500;
const SEARCH_CONTEXT = vm.createContext({ search: null as null | (() => boolean) });
const SEARCH_SCRIPT = new vm.Script('search()');
const VERIFIED = new Set<string>();

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

/**
 * A rule's occurrences in a window as local date-time text, kept: the calendar asks for the same
 * window after every change it shows (a step answered, an occurrence moved or done), and the
 * attention counts ask for theirs each minute; what a rule produces in a window never changes, so
 * only the records laid over it are read anew. The first answer for a window costs rrule's walk.
 */
export function ruleOccurrences(ruleText: string, start: Date, window: Window, cap = OCCURRENCE_CAP): { originals: readonly string[]; truncated: boolean } {
  const key = `${ruleText}\u0000${start.getTime()}\u0000${window.from.getTime()}\u0000${window.until.getTime()}\u0000${cap}`;
  let kept = EXPANDED.get(key);
  if (kept) {
    // Most recently used last: the map's order is the eviction order.
    EXPANDED.delete(key);
  } else {
    const { dates, truncated } = occurrencesIn(compileRule(ruleText, start), window, cap);
    kept = { originals: Object.freeze(dates.map(formatLocalShared)), truncated };
    if (EXPANDED.size >= EXPANDED_MAX) EXPANDED.delete(EXPANDED.keys().next().value!);
  }
  EXPANDED.set(key, kept);
  return kept;
}

const EXPANDED = new Map<string, { originals: readonly string[]; truncated: boolean }>();
/** Some 200 plans times a few windows (the month shown, the year around it, the attention window). */
const EXPANDED_MAX = 2_000;

/** Occurrences of a compiled rule in the window, at most `cap` (then `truncated`). */
export function occurrencesIn(rule: RRule, window: Window, cap = OCCURRENCE_CAP): { dates: Date[]; truncated: boolean } {
  let truncated = false;
  const dates = fastForward(rule, window.from).between(window.from, new Date(window.until.getTime() - 1), true, (_date, index) => {
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
  const rule = verifyRule(input.rule, start);
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

/**
 * The same rule started at the last whole period (of INTERVAL days, weeks, months or years) before
 * `from`: rrule walks every period from DTSTART, so without this a daily plan started three years
 * ago costs a thousand steps for one month's view. What rrule would take from DTSTART (time of
 * day, the month day of a monthly rule, the weekday of a weekly one) is written out, so moving
 * DTSTART changes nothing else; rules with COUNT count from their real start and stay as they are.
 * test/unit/maintenance/recurrence-fast-forward.test.ts compares both on random rules.
 */
export function fastForward(rule: RRule, from: Date): RRule {
  const options = rule.origOptions;
  const start = options.dtstart;
  if (!start || (options.count !== undefined && options.count !== null) || from <= start) return rule;
  const freq = options.freq!;
  const interval = options.interval ?? 1;
  const startDay = Math.floor(start.getTime() / DAY_MS);
  const fromDay = Math.floor(from.getTime() / DAY_MS);
  let moved: number | null = null;
  if (freq === RRule.DAILY) {
    const k = Math.floor((fromDay - startDay) / interval);
    if (k > 0) moved = (startDay + k * interval) * DAY_MS;
  } else if (freq === RRule.WEEKLY) {
    const wkst = weekdayNumber(options.wkst ?? 0);
    const weekStart = (day: number) => day - ((mondayBased(day) - wkst + 7) % 7);
    const k = Math.floor((weekStart(fromDay) - weekStart(startDay)) / 7 / interval);
    if (k > 0) moved = (weekStart(startDay) + k * interval * 7) * DAY_MS;
  } else if (freq === RRule.MONTHLY) {
    const months = (from.getUTCFullYear() - start.getUTCFullYear()) * 12 + from.getUTCMonth() - start.getUTCMonth();
    const k = Math.floor(months / interval);
    if (k > 0) moved = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + k * interval, 1);
  } else if (freq === RRule.YEARLY) {
    const k = Math.floor((from.getUTCFullYear() - start.getUTCFullYear()) / interval);
    if (k > 0) moved = Date.UTC(start.getUTCFullYear() + k * interval, 0, 1);
  }
  if (moved === null) return rule;
  // The calendar asks for the same window again (every change, every attention count): keep the last one.
  const last = FORWARDED.get(rule);
  if (last?.moved === moved) return last.rule;
  const forwarded = new RRule({ ...options, ...defaultsFromStart(options, start), dtstart: new Date(moved), tzid: null });
  FORWARDED.set(rule, { moved, rule: forwarded });
  return forwarded;
}

const FORWARDED = new WeakMap<RRule, { moved: number; rule: RRule }>();

/** What rrule derives from DTSTART when the rule does not say it (rrule's initializeOptions). */
function defaultsFromStart(options: Partial<Options>, start: Date): Partial<Options> {
  const present = (value: unknown) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  const out: Partial<Options> = {};
  if (!present(options.byhour)) out.byhour = [start.getUTCHours()];
  if (!present(options.byminute)) out.byminute = [start.getUTCMinutes()];
  if (!present(options.bysecond)) out.bysecond = [start.getUTCSeconds()];
  const dayGiven = [options.byweekno, options.byyearday, options.bymonthday, options.byweekday].some(present);
  if (!dayGiven) {
    if (options.freq === RRule.YEARLY) {
      if (!present(options.bymonth)) out.bymonth = [start.getUTCMonth() + 1];
      out.bymonthday = [start.getUTCDate()];
    } else if (options.freq === RRule.MONTHLY) out.bymonthday = [start.getUTCDate()];
    else if (options.freq === RRule.WEEKLY) out.byweekday = [mondayBased(Math.floor(start.getTime() / DAY_MS))];
  }
  return out;
}

/** Day number (days since 1970-01-01, a Thursday) to weekday, Monday = 0 as rrule counts. */
function mondayBased(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function weekdayNumber(value: number | { weekday: number }): number {
  return typeof value === 'number' ? value : value.weekday;
}
