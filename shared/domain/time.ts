/**
 * The one rule for dates and times in the contract: ISO 8601 with a four-digit year, a real
 * calendar date (2026-02-30 is refused), a year in a sane range, and instants compared as
 * instants (milliseconds), never as strings ("+010000-…" sorts before "2999-…").
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
