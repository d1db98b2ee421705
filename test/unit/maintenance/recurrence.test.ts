import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/ipc/result';
import { OCCURRENCE_CAP, addInterval, instantOf, localNow, parseLocal, preview } from '../../../electron/node/services/maintenance/recurrence';

function fieldKey(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return ((error as AppError).details?.issues as { messageKey?: string }[])[0]?.messageKey;
  }
  throw new Error('no error');
}

const days = (r: { occurrences: string[] }) => r.occurrences.map((o) => o.slice(0, 10));

describe('maintenance.preview', () => {
  it('skips the 31st in months without one (RFC 5545) and keeps the time of day', () => {
    const r = preview({ rule: 'FREQ=MONTHLY', start: '2027-01-31T09:30:00', from: '2027-01-01', to: '2027-08-31' });
    expect(r.occurrences).toEqual(['2027-01-31T09:30:00', '2027-03-31T09:30:00', '2027-05-31T09:30:00', '2027-07-31T09:30:00', '2027-08-31T09:30:00']);
    expect(r.truncated).toBe(false);
  });

  it('a leap day comes back only in leap years', () => {
    const r = preview({ rule: 'FREQ=YEARLY', start: '2028-02-29T08:00:00', from: '2028-01-01', to: '2030-12-31' });
    expect(days(r)).toEqual(['2028-02-29']);
    const far = preview({ rule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', start: '2027-01-01T08:00:00', from: '2027-01-01', to: '2029-12-31' });
    expect(days(far)).toEqual(['2028-02-29']);
  });

  it('last Friday of the month', () => {
    const r = preview({ rule: 'FREQ=MONTHLY;BYDAY=-1FR', start: '2027-01-01T18:00:00', from: '2027-01-01', to: '2027-04-30' });
    expect(days(r)).toEqual(['2027-01-29', '2027-02-26', '2027-03-26', '2027-04-30']);
  });

  it('first Monday of each quarter', () => {
    const r = preview({ rule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO', start: '2027-01-01T09:00:00', from: '2027-01-01', to: '2027-12-31' });
    expect(days(r)).toEqual(['2027-01-04', '2027-04-05', '2027-07-05', '2027-10-04']);
  });

  it('every weekday, COUNT and UNTIL (a date-only UNTIL includes its day)', () => {
    const weekdays = preview({ rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '2027-03-05T08:00:00', from: '2027-03-01', to: '2027-03-10' });
    expect(days(weekdays)).toEqual(['2027-03-05', '2027-03-08', '2027-03-09', '2027-03-10']);
    const count = preview({ rule: 'FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3', start: '2027-01-01T09:00:00', from: '2027-01-01', to: '2027-12-31' });
    expect(days(count)).toEqual(['2027-01-01', '2027-02-01', '2027-03-01']);
    const until = preview({ rule: 'FREQ=WEEKLY;UNTIL=20270115', start: '2027-01-01T09:00:00', from: '2027-01-01', to: '2027-12-31' });
    expect(days(until)).toEqual(['2027-01-01', '2027-01-08', '2027-01-15']);
  });

  it('the window is inclusive and a rule starting later shows only from its start', () => {
    const r = preview({ rule: 'RRULE:FREQ=DAILY', start: '2027-03-10T23:59:59', from: '2027-03-08', to: '2027-03-12' });
    expect(r.occurrences).toEqual(['2027-03-10T23:59:59', '2027-03-11T23:59:59', '2027-03-12T23:59:59']);
  });

  it('a DST change in the store does not move the wall time (floating evaluation)', () => {
    const r = preview({ rule: 'FREQ=DAILY', start: '2027-03-13T02:30:00', from: '2027-03-13', to: '2027-03-15' });
    expect(r.occurrences).toEqual(['2027-03-13T02:30:00', '2027-03-14T02:30:00', '2027-03-15T02:30:00']);
  });

  it('answers the cap and truncated for a rule producing too many', () => {
    const r = preview({ rule: 'FREQ=DAILY', start: '2027-01-01T09:00:00', from: '2027-01-01', to: '2029-12-31' });
    expect(r.occurrences).toHaveLength(OCCURRENCE_CAP);
    expect(r.truncated).toBe(true);
    expect(r.occurrences.at(-1)).toBe('2028-05-14T09:00:00');
  });

  it('refuses bad rules and windows with a field error', () => {
    const base = { start: '2027-01-01T09:00:00', from: '2027-01-01', to: '2027-12-31' };
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=SOMETIMES' }))).toBe('maintenance.ruleInvalid');
    expect(fieldKey(() => preview({ ...base, rule: 'garbage' }))).toBe('maintenance.ruleInvalid');
    expect(fieldKey(() => preview({ ...base, rule: 'BYDAY=MO' }))).toBe('maintenance.ruleInvalid');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=MONTHLY;BYDAY=9XX' }))).toBe('maintenance.ruleInvalid');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=HOURLY' }))).toBe('maintenance.ruleFrequency');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' }))).toBe('maintenance.ruleNoOccurrence');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31' }))).toBe('maintenance.ruleNoOccurrence');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=MONTHLY;UNTIL=20261231T000000' }))).toBe('maintenance.untilBeforeStart');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=MONTHLY', to: '2031-01-01' }))).toBe('maintenance.windowTooLong');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=MONTHLY', to: '2026-12-01' }))).toBe('maintenance.windowReversed');
    expect(fieldKey(() => preview({ ...base, rule: 'FREQ=MONTHLY', start: '2027-02-30T09:00:00' }))).toBe('maintenance.invalidDateTime');
  });

  it('refuses rules that never meet, without walking to the year 9999 (rrule alone would block for seconds)', () => {
    const base = { start: '2027-01-01T09:00:00', from: '2027-01-01', to: '2027-12-31' };
    // Each passes the static checks; rrule finds no date and, unbounded, walks every period to 9999.
    for (const rule of ['FREQ=DAILY;BYMONTHDAY=1;BYDAY=MO;BYSETPOS=2', 'FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=2MO', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1;BYDAY=1MO']) {
      expect(fieldKey(() => preview({ ...base, rule }))).toBe('maintenance.ruleNoOccurrence');
    }
    // A rare but real rule is accepted: 29 February every fourth year from a leap year.
    expect(preview({ ...base, start: '2028-02-29T09:00:00', rule: 'FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29', from: '2028-01-01', to: '2030-12-31' }).occurrences).toEqual(['2028-02-29T09:00:00']);
  });

  it('floating intervals: a month after the 31st is the month end', () => {
    expect(addInterval(parseLocal('2027-01-31T09:00:00')!, 1, 'months').toISOString()).toBe('2027-02-28T09:00:00.000Z');
    expect(addInterval(parseLocal('2027-01-31T09:00:00')!, 2, 'weeks').toISOString()).toBe('2027-02-14T09:00:00.000Z');
  });

  it('store wall time and back to the instant, whatever the machine timezone', () => {
    const instant = new Date('2027-07-01T01:30:00Z');
    expect(localNow(instant, 'Asia/Shanghai').toISOString()).toBe('2027-07-01T09:30:00.000Z');
    expect(localNow(instant, 'America/New_York').toISOString()).toBe('2027-06-30T21:30:00.000Z');
    expect(instantOf(parseLocal('2027-07-01T09:30:00')!, 'Asia/Shanghai').toISOString()).toBe(instant.toISOString());
    expect(instantOf(parseLocal('2027-01-15T09:00:00')!, 'America/New_York').toISOString()).toBe('2027-01-15T14:00:00.000Z');
  });

  it('gives the same answers under another machine timezone (child process)', () => {
    const script = `import { preview } from './electron/node/services/maintenance/recurrence.ts';
const rules = [['FREQ=MONTHLY','2027-01-31T09:30:00'],['FREQ=MONTHLY;BYDAY=-1FR','2027-01-01T23:30:00'],['FREQ=DAILY','2027-03-13T00:30:00'],['FREQ=WEEKLY;UNTIL=20271105','2027-10-29T01:00:00']];
process.stdout.write(JSON.stringify(rules.map(([rule, start]) => preview({ rule, start, from: '2027-01-01', to: '2027-12-31' }))));`;
    const run = (tz: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: path.resolve(__dirname, '../../..'), env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    const here = JSON.parse(run('UTC')) as { occurrences: string[] }[];
    expect(here[0]!.occurrences[1]).toBe('2027-03-31T09:30:00');
    expect(here[2]!.occurrences[0]).toBe('2027-03-13T00:30:00');
    expect(run('America/New_York')).toBe(JSON.stringify(here));
    expect(run('Asia/Shanghai')).toBe(JSON.stringify(here));
  });
});
