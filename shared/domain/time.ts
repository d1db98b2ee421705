/**
 * Dates and times, one rule for all of PosCare.
 *
 * Contract values: ISO 8601 with a four-digit year, a real calendar date (2026-02-30 is refused),
 * a year in a sane range, and instants compared as instants (milliseconds), never as strings
 * ("+010000-…" sorts before "2999-…").
 *
 * Store-local time: everything PosCare shows or counts by day uses the store's time zone
 * (Settings → store profile), never the PC's; below are the conversions between an instant (UTC
 * milliseconds) and the store's wall clock. Pure, no I/O; Intl does the zone rules.
 */
import { z } from 'zod';

/** The years PosCare accepts anywhere (a terminal, a backup or a form naming another is wrong). */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

function realDate(year: number, month: number, day: number): boolean {
  if (year < MIN_YEAR || year > MAX_YEAR) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function realTime(hour: number, minute: number, second: number): boolean {
  return hour <= 23 && minute <= 59 && second <= 59;
}

/** A real calendar date "YYYY-MM-DD" between MIN_YEAR and MAX_YEAR. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && realDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** A wall-clock time "YYYY-MM-DDTHH:mm:ss" without a zone (a terminal's local time). */
export function isLocalDateTime(value: string): boolean {
  const match = LOCAL_DATE_TIME.exec(value);
  return match !== null && realDate(Number(match[1]), Number(match[2]), Number(match[3])) && realTime(Number(match[4]), Number(match[5]), Number(match[6]));
}

/** An instant: date, time and a zone (Z or ±HH:MM), e.g. 2026-03-01T08:30:00.000+08:00. */
export function isInstant(value: string): boolean {
  const match = INSTANT.exec(value);
  if (!match || !realDate(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  if (!realTime(Number(match[4]), Number(match[5]), Number(match[6] ?? 0))) return false;
  if (match[7] !== 'Z' && (Number(match[8]) > 14 || Number(match[9]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

/** An instant (see isInstant); `messageKey` is the locale key of the field error. */
export function instant(messageKey: string) {
  return z.string().refine(isInstant, { error: messageKey });
}

/** A calendar date or an instant (a date alone means its start, UTC). */
export function dateOrInstant(messageKey: string) {
  return z.string().refine((v) => isCalendarDate(v) || isInstant(v), { error: messageKey });
}

export function calendarDate(messageKey: string) {
  return z.string().refine(isCalendarDate, { error: messageKey });
}

export function localDateTime(messageKey: string) {
  return z.string().refine(isLocalDateTime, { error: messageKey });
}

/** Milliseconds since the epoch of a value accepted by the schemas above. */
export function instantMs(value: string): number {
  return Date.parse(isCalendarDate(value) ? `${value}T00:00:00Z` : value);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `timeZone` at an instant, as if it were UTC (milliseconds, seconds precision). */
function wallClockMs(timeZone: string, instantMs: number): number {
  const parts = wallClockFormat(timeZone).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  return wallClockMs(timeZone, Math.floor(instantMs / 1000) * 1000) - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which a store-local wall-clock time ("YYYY-MM-DDTHH:mm:ss" or a day) happens.
 * A time that occurs twice (clocks go back) is the first of the two; one that does not occur
 * (clocks go forward) is read with the offset before the gap, as RFC 5545 says (02:30 on the
 * night New York skips to 03:00 is 03:30 EDT).
 */
export function zonedInstant(localDateTime: string, timeZone: string): number {
  const wall = Date.parse(`${localDateTime.length === 10 ? `${localDateTime}T00:00:00` : localDateTime}Z`);
  // No zone changes its offset twice within 28 hours: the offsets half a day either side are the
  // only ones that can be in force at this wall time.
  const before = zoneOffsetMs(timeZone, wall - 14 * 3_600_000);
  const after = zoneOffsetMs(timeZone, wall + 14 * 3_600_000);
  const matches = [wall - before, wall - after].filter((instant) => wallClockMs(timeZone, instant) === wall);
  return matches.length > 0 ? Math.min(...matches) : wall - before;
}

/** 00:00 of a store-local calendar day (YYYY-MM-DD), as an instant. */
export function zonedDayStart(day: string, timeZone: string): number {
  return zonedInstant(day, timeZone);
}

/** The store-local calendar day (YYYY-MM-DD) of an instant. */
export function zonedDay(instantMs: number, timeZone: string): string {
  return new Date(wallClockMs(timeZone, instantMs)).toISOString().slice(0, 10);
}

/** The store-local wall clock of an instant as "YYYY-MM-DDTHH:mm:ss". */
export function zonedDateTime(instantMs: number, timeZone: string): string {
  return new Date(wallClockMs(timeZone, instantMs)).toISOString().slice(0, 19);
}

/** A calendar date (YYYY-MM-DD) plus whole days (negative: back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The Monday of a calendar date's week (weeks start on Monday, as in China): "this week" on the home screen. */
export function weekStart(date: string): string {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/** A calendar date (YYYY-MM-DD) plus whole months; the day is clamped to the month's end (08-31 + 6 = 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export type StoreTimeStyle = 'dateTime' | 'date' | 'time';

const STYLE_OPTIONS: Record<StoreTimeStyle, Intl.DateTimeFormatOptions> = {
  dateTime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
};

/**
 * An ISO time (or epoch ms) as the store's wall clock, written the way `language` writes dates
 * (zh-CN "2026/12/04 21:51", en "12/04/2026, 21:51"); empty or unreadable input gives ''.
 * The console, the escalation pack and exports all format shown times through this.
 */
export function formatStoreTime(value: string | number | null | undefined, language: string, timeZone: string, style: StoreTimeStyle = 'dateTime'): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(language, { ...STYLE_OPTIONS[style], timeZone }).format(date);
}
