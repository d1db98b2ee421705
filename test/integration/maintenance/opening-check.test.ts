import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { loadTemplates } from '../../../electron/node/services/maintenance/maintenance-service';
import type { CheckAnswers, StaffCheck } from '../../../shared/domain/checks';
import type { Device } from '../../../shared/domain/devices';
import type { Occurrence, OccurrenceDetail, Plan } from '../../../shared/domain/maintenance';
import type { EventName } from '../../../shared/ipc/contract';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

// The daily opening check of a standalone terminal is done with the staff check form: the check
// is its one record (nothing is stored as a maintenance occurrence).

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const allGood: CheckAnswers = { powersOn: true, screen: true, network: true, testSlip: true, payment: true, paper: 'plenty' };
const day = 86_400_000;

async function ok<T>(core: AppCore, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method as never, input as never);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

/** A standalone Lakala and a linked terminal, a daily opening check plan on all terminals; the store (Asia/Shanghai) at 16:00 on 2 March. */
async function setup() {
  const temp = tempDir();
  const clock = new FakeClock();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  const events: EventName[] = [];
  core.bus.subscribe((name) => events.push(name));
  const lakala = await ok<Device>(core, 'devices.create', { name: '前台拉卡拉', model: '拉卡拉 电签 K2', connection: { type: 'none' }, network: '4g' });
  const linked = await ok<Device>(core, 'devices.create', { name: 'Counter 1', connection: { type: 'tcp', host: '10.0.0.5', port: 20007 } });
  const template = loadTemplates('zh-CN').find((t) => t.id === 'dailyOpening')!;
  const plan = await ok<Plan>(core, 'maintenance.createPlan', {
    title: template.title, purpose: template.purpose, steps: template.steps, estimatedMinutes: template.estimatedMinutes, parts: template.parts,
    target: { kind: 'allTerminals' }, schedule: { kind: 'rule', rule: 'FREQ=DAILY', start: '2026-03-01T09:00:00' }, templateId: template.id,
  });
  const on = async (date: string): Promise<Occurrence[]> => (await ok<{ occurrences: Occurrence[] }>(core, 'maintenance.occurrences', { from: date, to: date })).occurrences;
  const occurrenceRows = () => (core.db.prepare('SELECT COUNT(*) AS n FROM maintenance_occurrences').get() as { n: number }).n;
  return { core, clock, events, lakala, linked, plan, on, occurrenceRows };
}

describe('the daily opening check of a standalone terminal', () => {
  it('is done by the staff check form: one check record, no checklist record, and the occurrence shows the check', async () => {
    const { core, events, lakala, linked, plan, on, occurrenceRows } = await setup();
    const today = await on('2026-03-02');
    expect(today.find((o) => o.deviceId === lakala.id)).toMatchObject({ form: 'staffCheck', state: 'dueToday' });
    expect(today.find((o) => o.deviceId === linked.id)).toMatchObject({ form: 'checklist', state: 'dueToday' });

    const ref = { planId: plan.id, deviceId: lakala.id, original: '2026-03-02T09:00:00' };
    const before = await ok<OccurrenceDetail>(core, 'maintenance.occurrence', ref);
    expect(before).toMatchObject({ occurrence: { form: 'staffCheck', state: 'dueToday' }, staffCheck: null });

    const check = await ok<StaffCheck>(core, 'checks.record', { deviceId: lakala.id, answers: allGood, checkedBy: '小王' });
    expect(events).toContain('maintenance.changed');
    const after = await ok<OccurrenceDetail>(core, 'maintenance.occurrence', ref);
    expect(after).toMatchObject({ occurrence: { state: 'done', form: 'staffCheck' }, staffCheck: { id: check.id, checkedBy: '小王', overall: 'ok' } });
    expect((await on('2026-03-02')).find((o) => o.deviceId === lakala.id)?.state).toBe('done');
    // The check is the one record: the maintenance calendar stored nothing of its own.
    expect(occurrenceRows()).toBe(0);
    expect(core.services.checks.list(lakala.id)).toHaveLength(1);
  });

  it('refuses the checklist, its steps and completion, with a translated reason, and stores nothing', async () => {
    const { core, lakala, plan, occurrenceRows } = await setup();
    const ref = { planId: plan.id, deviceId: lakala.id, original: '2026-03-02T09:00:00' };
    const attempts: [string, Record<string, unknown>][] = [
      ['maintenance.answerStep', { ...ref, index: 1, answer: 'ok' }],
      ['maintenance.runStep', { ...ref, index: 0 }],
      ['maintenance.openIncident', { ...ref, index: 1 }],
      ['maintenance.complete', { ...ref, doneBy: '小王', minutesSpent: 2 }],
    ];
    for (const [method, input] of attempts) {
      const result = await core.dispatch(method as never, input as never);
      expect(result, method).toMatchObject({ ok: false, error: { code: 'conflict', details: { issues: [{ messageKey: 'maintenance.useStaffCheck' }] } } });
    }
    expect(occurrenceRows()).toBe(0);
    expect(core.services.incidents.list({ deviceId: lakala.id, openOnly: false, limit: 10 })).toEqual([]);
    expect((await ok<OccurrenceDetail>(core, 'maintenance.occurrence', ref)).occurrence.state).toBe('dueToday');
  });

  it('counts a failed check as the day\'s check (it opened its incident), a missed day as overdue, and leaves the reminder to the checks section', async () => {
    const { core, clock, lakala, linked, plan, on } = await setup();
    const failed = await ok<StaffCheck>(core, 'checks.record', { deviceId: lakala.id, answers: { ...allGood, payment: false } });
    expect(failed.incidentId).not.toBeNull();
    const detail = await ok<OccurrenceDetail>(core, 'maintenance.occurrence', { planId: plan.id, deviceId: lakala.id, original: '2026-03-02T09:00:00' });
    expect(detail).toMatchObject({ occurrence: { state: 'done' }, staffCheck: { id: failed.id, overall: 'fault', incidentId: failed.incidentId } });
    // Two days later, nothing checked on the 3rd: that occurrence is overdue; a check now counts for the 4th only.
    clock.time += 2 * day;
    await ok<StaffCheck>(core, 'checks.record', { deviceId: lakala.id, answers: allGood });
    const states = Object.fromEntries((await ok<{ occurrences: Occurrence[] }>(core, 'maintenance.occurrences', { from: '2026-03-02', to: '2026-03-04' })).occurrences
      .filter((o) => o.deviceId === lakala.id).map((o) => [o.original.slice(0, 10), o.state]));
    expect(states).toEqual({ '2026-03-02': 'done', '2026-03-03': 'overdue', '2026-03-04': 'done' });
    // Maintenance counts only the linked terminal's checklists (overdue from the 1st to the 3rd, due on the 4th; the standalone's missed 1st and 3rd are not counted); "not checked today" is the checks section's item.
    const attention = core.services.maintenance.attentionItems();
    expect(attention.find((i) => i.kind === 'maintenance.overdue')?.count).toBe(3);
    expect(attention.find((i) => i.kind === 'maintenance.dueToday')?.count).toBe(1);
    expect((await on('2026-03-04')).find((o) => o.deviceId === linked.id)?.form).toBe('checklist');
  });

  it('is an ordinary checklist again once the terminal is linked', async () => {
    const { core, lakala, plan } = await setup();
    await ok<Device>(core, 'devices.update', { id: lakala.id, name: lakala.name, model: lakala.model, connection: { type: 'tcp', host: '10.0.0.9', port: 20007 } });
    const ref = { planId: plan.id, deviceId: lakala.id, original: '2026-03-02T09:00:00' };
    expect((await ok<OccurrenceDetail>(core, 'maintenance.occurrence', ref)).occurrence.form).toBe('checklist');
    expect((await core.dispatch('maintenance.answerStep', { ...ref, index: 1, answer: 'ok' })).ok).toBe(true);
  });
});
