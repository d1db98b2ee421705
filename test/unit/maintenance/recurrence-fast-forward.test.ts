import fc from 'fast-check';
import * as rruleModule from 'rrule';
import { describe, expect, it } from 'vitest';
import { compileRule, fastForward, formatLocal, occurrencesIn, parseLocal, verifyRule } from '../../../electron/node/services/maintenance/recurrence';

const { RRule } = ('RRule' in rruleModule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default);
const DAY_MS = 86_400_000;

/** Rule text of the shapes a maintenance plan may have (daily to yearly, with the usual BYxxx parts). */
const ruleText = fc
  .record({
    freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
    interval: fc.integer({ min: 1, max: 5 }),
    byday: fc.option(fc.subarray(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], { minLength: 1, maxLength: 3 }), { nil: undefined }),
    nth: fc.option(fc.constantFrom(1, 2, -1), { nil: undefined }),
    bymonthday: fc.option(fc.constantFrom(1, 15, 28, 31, -1), { nil: undefined }),
    bymonth: fc.option(fc.constantFrom(1, 2, 6, 12), { nil: undefined }),
    bysetpos: fc.option(fc.constantFrom(1, -1), { nil: undefined }),
    byhour: fc.option(fc.constantFrom(7, 18), { nil: undefined }),
    wkst: fc.option(fc.constantFrom('MO', 'SU', 'WE'), { nil: undefined }),
    untilDays: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
    count: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  })
  .map((r) => {
    const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
    const monthlyOrYearly = r.freq === 'MONTHLY' || r.freq === 'YEARLY';
    if (r.byday) parts.push(`BYDAY=${r.byday.map((d) => (monthlyOrYearly && r.nth !== undefined ? `${r.nth}${d}` : d)).join(',')}`);
    // Month days with weekdays mostly never meet (refused after a timed search): one or the other.
    if (r.bymonthday !== undefined && r.freq !== 'WEEKLY' && !r.byday) parts.push(`BYMONTHDAY=${r.bymonthday}`);
    if (r.bymonth !== undefined) parts.push(`BYMONTH=${r.bymonth}`);
    if (r.bysetpos !== undefined && (r.byday || r.bymonthday !== undefined)) parts.push(`BYSETPOS=${r.bysetpos}`);
    if (r.byhour !== undefined) parts.push(`BYHOUR=${r.byhour}`);
    if (r.wkst) parts.push(`WKST=${r.wkst}`);
    return { text: parts.join(';'), untilDays: r.untilDays, count: r.count };
  });

const start = fc.record({ day: fc.integer({ min: 0, max: 3000 }), minute: fc.integer({ min: 0, max: 24 * 60 - 1 }) }).map(({ day, minute }) => new Date(Date.UTC(2020, 0, 1) + day * DAY_MS + minute * 60_000));

describe('a rule fast-forwarded to the window gives the occurrences rrule gives from the real start', () => {
  it('on random rules, starts and windows (with UNTIL, COUNT, BYSETPOS, WKST, INTERVAL)', () => {
    fc.assert(
      fc.property(ruleText, start, fc.integer({ min: -30, max: 1500 }), fc.integer({ min: 1, max: 100 }), (rule, dtstart, offsetDays, lengthDays) => {
        let text = rule.text;
        if (rule.count !== undefined) text += `;COUNT=${rule.count}`;
        else if (rule.untilDays !== undefined) text += `;UNTIL=${formatLocal(new Date(dtstart.getTime() + rule.untilDays * DAY_MS)).replace(/[-:]/g, '')}Z`;
        let compiled;
        try {
          compiled = verifyRule(text, dtstart);
        } catch {
          return; // a rule the console refuses (no day exists) is not evaluated at all
        }
        const from = new Date(Date.UTC(dtstart.getUTCFullYear(), dtstart.getUTCMonth(), dtstart.getUTCDate()) + offsetDays * DAY_MS);
        const until = new Date(from.getTime() + lengthDays * DAY_MS - 1);
        const plain = new RRule({ ...compiled.origOptions }).between(from, until, true).map(formatLocal);
        const fast = occurrencesIn(compiled, { from, until: new Date(until.getTime() + 1) }, 10_000).dates.map(formatLocal);
        expect(fast).toEqual(plain);
      }),
      // Each case walks rrule from the real start, up to four years of days: 300 cases take seconds.
      { numRuns: 300 },
    );
  }, 120_000);

  it('moves the start of an old daily plan close to the window, and leaves COUNT rules alone', () => {
    const start2024 = parseLocal('2024-01-10T09:30:00')!;
    const daily = compileRule('FREQ=DAILY;INTERVAL=3', start2024);
    const moved = fastForward(daily, parseLocal('2027-03-01')!);
    expect(moved.origOptions.dtstart!.getTime()).toBeLessThanOrEqual(parseLocal('2027-03-01')!.getTime());
    expect(moved.origOptions.dtstart!.getTime()).toBeGreaterThan(parseLocal('2027-02-25')!.getTime());
    expect(formatLocal(moved.after(parseLocal('2027-03-01')!, true)!)).toBe(formatLocal(daily.after(parseLocal('2027-03-01')!, true)!));
    const counted = compileRule('FREQ=DAILY;COUNT=2000', start2024);
    expect(fastForward(counted, parseLocal('2027-03-01')!)).toBe(counted);
  });
});
