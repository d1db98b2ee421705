/**
 * `npm run bench -- maintenance`: the calendar's occurrences of 200 plans (store plans, so one
 * target each) over one year through the console's service call (real SQLite in a temp dir),
 * against rrule.js called directly on the same rules in the same run; and the month view's answer
 * (dispatch of `maintenance.occurrences` for one month). Medians of repeated runs, in ms.
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
    const window = { from: '2027-01-01', to: '2027-12-31' };
    let count = 0;
    let direct = 0;
    const serviceRun = () => (count = core.services.maintenance.occurrences(window).occurrences.length);
    const directRun = () => {
      direct = 0;
      for (const p of plans) {
        const [d, t] = p.start.split('T');
        const [y, m, day] = d!.split('-').map(Number);
        const [h, mi] = t!.split(':').map(Number);
        const rule = new RRule({ ...RRule.parseString(p.rule), dtstart: new Date(Date.UTC(y!, m! - 1, day!, h!, mi!)) });
        direct += rule.between(new Date(Date.UTC(2027, 0, 1)), new Date(Date.UTC(2027, 11, 31, 23, 59, 59)), true).length;
      }
    };
    // The first call of each is a cold one (no compiled rules, no JIT); then they alternate, so a
    // busy machine slows both alike and the ratio stays meaningful.
    const coldServiceMs = time(serviceRun, 1);
    const coldDirectMs = time(directRun, 1);
    const serviceSamples: number[] = [];
    const directSamples: number[] = [];
    for (let i = 0; i < 21; i++) {
      serviceSamples.push(time(serviceRun, 1));
      directSamples.push(time(directRun, 1));
    }
    const service = median(serviceSamples);
    const baseline = median(directSamples);
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      const start = performance.now();
      const result = await core.dispatch('maintenance.occurrences', { from: '2027-03-01', to: '2027-04-11' });
      samples.push(performance.now() - start);
      if (!result.ok) throw new Error(JSON.stringify(result.error));
    }
    return {
      plans: plans.length,
      occurrencesPerYear: count,
      rruleDirectOccurrences: direct,
      yearServiceMs: service,
      yearRruleDirectMs: baseline,
      coldServiceMs,
      coldDirectMs,
      ratio: Number((service / baseline).toFixed(2)),
      monthViewDispatchMs: median(samples),
    };
  } finally {
    core.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
