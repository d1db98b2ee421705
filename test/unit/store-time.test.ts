import { describe, expect, it } from 'vitest';
import { formatStoreTime, isCalendarDate, weekStart, zonedDateTime, zonedDay, zonedDayStart, zonedInstant, zoneOffsetMs } from '../../shared/domain/time';

describe('store-local time', () => {
  it('finds 00:00 of a store day in the store zone, across daylight-saving changes', () => {
    expect(new Date(zonedDayStart('2026-03-20', 'Asia/Shanghai')).toISOString()).toBe('2026-03-19T16:00:00.000Z');
    // New York moves from UTC-5 to UTC-4 on 2026-03-08 at 02:00.
    expect(new Date(zonedDayStart('2026-03-08', 'America/New_York')).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(zonedDayStart('2026-03-09', 'America/New_York')).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // 02:30 does not exist that night: it resolves after the gap.
    expect(new Date(zonedInstant('2026-03-08T02:30:00', 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zoneOffsetMs('Asia/Shanghai', Date.parse('2026-01-01T00:00:00Z'))).toBe(8 * 3_600_000);
  });

  it('reads an instant as the store day and wall clock, not the PC one', () => {
    const instant = Date.parse('2026-03-19T17:30:00Z');
    expect(zonedDay(instant, 'Asia/Shanghai')).toBe('2026-03-20');
    expect(zonedDay(instant, 'America/New_York')).toBe('2026-03-19');
    expect(zonedDateTime(instant, 'Asia/Shanghai')).toBe('2026-03-20T01:30:00');
  });

  it('accepts only real calendar days', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(['2026-02-29', '2026-13-01', '1', '+10000-01-01', '2026-1-1', ''].map(isCalendarDate)).toEqual([false, false, false, false, false, false]);
  });

  it('formats shown times in the store zone and language', () => {
    const iso = '2026-12-04T13:51:00.250Z';
    expect(formatStoreTime(iso, 'zh-CN', 'Asia/Shanghai')).toBe('2026/12/04 21:51');
    expect(formatStoreTime(iso, 'en', 'Europe/Berlin')).toBe('12/04/2026, 14:51');
    expect(formatStoreTime(iso, 'zh-CN', 'Asia/Shanghai', 'time')).toBe('21:51:00');
    expect(formatStoreTime(null, 'zh-CN', 'Asia/Shanghai')).toBe('');
  });

  it('starts the home screen\'s week on Monday, across a month and a year end', () => {
    expect(weekStart('2026-12-04')).toBe('2026-11-30'); // a Friday
    expect(weekStart('2026-11-30')).toBe('2026-11-30'); // the Monday itself
    expect(weekStart('2026-12-06')).toBe('2026-11-30'); // the Sunday closes the week
    expect(weekStart('2027-01-02')).toBe('2026-12-28');
  });
});
