/**
 * `npm run bench -- maintenance`: the calendar's occurrences of 200 plans (store plans, so one
 * target each) over one year through the console's service call (real SQLite in a temp dir),
 * against rrule.js called directly on the same rules in the same run (each run a window not asked
 * before, so the service's kept expansions do not help it; `ratio` compares these), the same
 * window asked again (kept), and the month view's answer (dispatch of `maintenance.occurrences`
 * for six weeks: one window asked again, and new windows). Medians of repeated runs, in ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as rruleModule from 'rrule';
import { createAppCore } from '../../electron/node/app';
import { createLogger } from '../../electron/node/log/logger';

const { RRule } = ('RRule' in rruleModule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default);
const RULES = ['FREQ=MONTHLY;BYMONTHDAY=1', 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'FREQ=WEEKLY;BYDAY=MO', 'FREQ=DAILY', 'FREQ=YEARLY', 'FREQ=MONTHLY;BYMONTHDAY=15'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(2));
}

function time(run: () => unknown, repeat: number): number {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function run(): Promise<unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-bench-maintenance-'));
  const core = createAppCore({ dataDir: dir, mode: 'browser', logger: createLogger({ sink: { write: () => undefined } }) });
  try {
    const plans = Array.from({ length: 200 }, (_, i) => ({ rule: RULES[i % RULES.length]!, start: `2027-01-${String((i % 28) + 1).padStart(2, '0')}T09:00:00` }));
    for (const [i, p] of plans.entries()) {
      core.services.maintenance.createPlan({ title: `Plan ${i}`, purpose: '', steps: [{ text: 'Check', command: null }], estimatedMinutes: 10, parts: '', target: { kind: 'store' }, schedule: { kind: 'rule', ...p }, templateId: null });
    }
    // Window i: one year from 2027-01-01 plus i days. A new window is never in the service's kept
    // expansions, so "fresh" calls pay rrule's whole walk, as the baseline does.
    const DAY = 86_400_000;
    const yearWindow = (i: number) => ({ from: new Date(Date.UTC(2027, 0, 1) + i * DAY), to: new Date(Date.UTC(2027, 0, 1) + (i + 364) * DAY) });
    const text = (d: Date) => d.toISOString().slice(0, 10);
    let count = 0;
    let direct = 0;
    const serviceRun = (i: number) => () => {
      const w = yearWindow(i);
      count = core.services.maintenance.occurrences({ from: text(w.from), to: text(w.to) }).occurrences.length;
    };
    const directRun = (i: number) => () => {
      const w = yearWindow(i);
      direct = 0;
      for (const p of plans) {
        const [d, t] = p.start.split('T');
        const [y, m, day] = d!.split('-').map(Number);
        const [h, mi] = t!.split(':').map(Number);
        const rule = new RRule({ ...RRule.parseString(p.rule), dtstart: new Date(Date.UTC(y!, m! - 1, day!, h!, mi!)) });
        direct += rule.between(w.from, new Date(w.to.getTime() + DAY - 1000), true).length;
      }
    };
    // The first call of each is a cold one (no compiled rules, no JIT); then they alternate, so a
    // busy machine slows both alike and the ratio stays meaningful.
    const coldServiceMs = time(serviceRun(0), 1);
    const coldDirectMs = time(directRun(0), 1);
    const serviceSamples: number[] = [];
    const directSamples: number[] = [];
    const repeatSamples: number[] = [];
    for (let i = 1; i <= 21; i++) {
      serviceSamples.push(time(serviceRun(i), 1));
      directSamples.push(time(directRun(i), 1));
      // The same window again, as the calendar asks after each change it shows.
      repeatSamples.push(time(serviceRun(i), 1));
    }
    const service = median(serviceSamples);
    const baseline = median(directSamples);
    const samples: number[] = [];
    const freshMonthSamples: number[] = [];
    for (let i = 0; i < 15; i++) {
      const month = async (from: string, to: string) => {
        const start = performance.now();
        const result = await core.dispatch('maintenance.occurrences', { from, to });
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        return performance.now() - start;
      };
      samples.push(await month('2027-03-01', '2027-04-11'));
      const w = yearWindow(60 + i * 7);
      freshMonthSamples.push(await month(text(w.from), text(new Date(w.from.getTime() + 41 * DAY))));
    }
    return {
      plans: plans.length,
      occurrencesPerYear: count,
      rruleDirectOccurrences: direct,
      yearServiceMs: service,
      yearRruleDirectMs: baseline,
      ratio: Number((service / baseline).toFixed(2)),
      yearServiceSameWindowAgainMs: median(repeatSamples),
      coldServiceMs,
      coldDirectMs,
      monthViewDispatchMs: median(samples),
      monthViewNewWindowDispatchMs: median(freshMonthSamples),
    };
  } finally {
    core.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
