/**
 * Store-local time. Everything PosCare shows or counts by day uses the store's time zone
 * (Settings → store profile), never the PC's: these are the conversions between an instant
 * (UTC milliseconds) and the store's wall clock. Pure, no I/O; Intl does the zone rules.
 */

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

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === value;
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
