import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { loadTemplates } from '../../../electron/node/services/maintenance/maintenance-service';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate, type Device } from '../../../shared/domain/devices';
import { PlanCreate, type PlanFields } from '../../../shared/domain/maintenance';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

// The clock: 2026-03-02 08:00 UTC = Monday 2 March 16:00 in Shanghai.
async function setup(): Promise<{ core: AppCore; links: FakeLinks; clock: FakeClock; device: Device; other: Device }> {
  const temp = tempDir();
  const links = new FakeLinks();
  const clock = new FakeClock();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: links, clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', model: 'VX 520', connection: { type: 'serial', path: 'COM3' } }));
  const other = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 2', model: 'VX 520', connection: { type: 'serial', path: 'COM4' } }));
  links.report({ id: device.id, link: 'ready' });
  links.report({ id: other.id, link: 'ready' });
  return { core, links, clock, device, other };
}

function monthly(deviceIds: string[], extra: Partial<PlanFields> = {}): PlanFields {
  return PlanCreate.parse({
    title: 'Monthly inspection',
    steps: [{ text: 'Self-test', command: 'selfTest' }, { text: 'Cables firm' }],
    target: { kind: 'devices', deviceIds },
    schedule: { kind: 'rule', rule: 'FREQ=MONTHLY;BYMONTHDAY=1', start: '2026-01-01T09:00:00' },
    ...extra,
  });
}

describe('maintenance', () => {
  it('computes occurrences per device with states from the store clock', async () => {
    const { core, device, other } = await setup();
    const plan = core.services.maintenance.createPlan(monthly([device.id, other.id]));
    const { occurrences } = core.services.maintenance.occurrences({ from: '2026-02-01', to: '2026-04-30' });
    expect(occurrences.map((o) => [o.at, o.deviceId === device.id ? 1 : 2, o.state])).toEqual([
      ['2026-02-01T09:00:00', 1, 'overdue'],
      ['2026-02-01T09:00:00', 2, 'overdue'],
      ['2026-03-01T09:00:00', 1, 'overdue'],
      ['2026-03-01T09:00:00', 2, 'overdue'],
      ['2026-04-01T09:00:00', 1, 'planned'],
      ['2026-04-01T09:00:00', 2, 'planned'],
    ]);
    expect(occurrences.every((o) => o.planId === plan.id)).toBe(true);
    // Filter by device.
    expect(core.services.maintenance.occurrences({ from: '2026-02-01', to: '2026-04-30', deviceId: other.id }).occurrences).toHaveLength(3);
    expect(core.services.maintenance.attentionItems()).toEqual([
      // January, February and March for two devices.
      expect.objectContaining({ section: 'maintenance', kind: 'maintenance.overdue', count: 6, textKey: 'maintenance.attention.overdue', link: '/maintenance' }),
    ]);
  });

  it('records moves and skips as exceptions; done history survives a rule change', async () => {
    const { core, device } = await setup();
    const plan = core.services.maintenance.createPlan(monthly([device.id]));
    const ref = (original: string) => ({ planId: plan.id, deviceId: device.id, original });
    core.services.maintenance.complete(ref('2026-02-01T09:00:00'), { doneBy: 'Li', minutesSpent: 12, partsUsed: '' });
    core.services.maintenance.skip(ref('2026-03-01T09:00:00'), 'Store closed');
    core.services.maintenance.move(ref('2026-04-01T09:00:00'), '2026-04-03T10:00:00');
    let list = core.services.maintenance.occurrences({ from: '2026-02-01', to: '2026-04-30' }).occurrences;
    expect(list.map((o) => [o.at, o.state, o.moved])).toEqual([
      ['2026-02-01T09:00:00', 'done', false],
      ['2026-03-01T09:00:00', 'skipped', false],
      ['2026-04-03T10:00:00', 'planned', true],
    ]);
    // A move out of the window takes the occurrence with it.
    expect(core.services.maintenance.occurrences({ from: '2026-04-01', to: '2026-04-02' }).occurrences).toEqual([]);
    // The rule changes to the 15th: the done and skipped ones stay, the moved open one goes with the old rule.
    core.services.maintenance.updatePlan({ id: plan.id, schedule: { kind: 'rule', rule: 'FREQ=MONTHLY;BYMONTHDAY=15', start: '2026-01-15T09:00:00' } });
    list = core.services.maintenance.occurrences({ from: '2026-02-01', to: '2026-04-30' }).occurrences;
    expect(list.map((o) => [o.at, o.state])).toEqual([
      ['2026-02-01T09:00:00', 'done'],
      ['2026-02-15T09:00:00', 'overdue'],
      ['2026-03-01T09:00:00', 'skipped'],
      ['2026-03-15T09:00:00', 'planned'],
      ['2026-04-15T09:00:00', 'planned'],
    ]);
    // Completing twice is refused.
    const again = await core.dispatch('maintenance.complete', { ...ref('2026-02-01T09:00:00'), doneBy: 'Li', minutesSpent: 1 });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('floating plans fall due N units after the last completion', async () => {
    const { core, clock, device } = await setup();
    const plan = core.services.maintenance.createPlan(monthly([device.id], { schedule: { kind: 'floating', every: 10, unit: 'days', start: '2026-03-01T09:00:00' } }));
    const window = { from: '2026-02-01', to: '2026-05-31' };
    expect(core.services.maintenance.occurrences(window).occurrences.map((o) => [o.at, o.state])).toEqual([['2026-03-01T09:00:00', 'overdue']]);
    clock.advanceMinutes(24 * 60); // done on 3 March (Shanghai)
    core.services.maintenance.complete({ planId: plan.id, deviceId: device.id, original: '2026-03-01T09:00:00' }, { doneBy: 'Wang', minutesSpent: 5, partsUsed: '' });
    expect(core.services.maintenance.occurrences(window).occurrences.map((o) => [o.at, o.state])).toEqual([
      ['2026-03-01T09:00:00', 'done'],
      ['2026-03-13T09:00:00', 'planned'],
    ]);
  });

  it('runs terminal-driven steps, records "not reachable" when offline, and opens an incident from a problem', async () => {
    const { core, links, device } = await setup();
    const plan = core.services.maintenance.createPlan(monthly([device.id]));
    const ref = { planId: plan.id, deviceId: device.id, original: '2026-03-01T09:00:00' };
    links.answers.set('selfTest', { ok: false, summary: 'Self-test: printer fault', terminalStatus: 0 });
    let detail = await core.services.maintenance.runStep(ref, 0);
    expect(detail.record.steps[0]).toMatchObject({ answer: 'problem', result: expect.stringContaining('printer fault') });
    links.report({ id: device.id, link: 'disconnected' });
    detail = await core.services.maintenance.runStep(ref, 0);
    expect(detail.record.steps[0]).toMatchObject({ result: 'notReachable' });
    detail = core.services.maintenance.answerStep(ref, 1, 'ok', 'tight');
    expect(detail.record.steps[1]).toMatchObject({ answer: 'ok', note: 'tight' });
    const { incident, detail: after } = core.services.maintenance.openIncident(ref, 0);
    expect(incident.deviceId).toBe(device.id);
    expect(incident.symptoms).toContain('Monthly inspection: Self-test');
    expect(after.record.steps[0]!.incidentId).toBe(incident.id);
    // A step that is not terminal-driven cannot run.
    expect(await core.dispatch('maintenance.runStep', { ...ref, index: 1 })).toMatchObject({ ok: false, error: { code: 'validation', details: { issues: [{ messageKey: 'maintenance.stepNotTerminal' }] } } });
    const done = core.services.maintenance.complete(ref, { doneBy: 'Li', minutesSpent: 20, partsUsed: 'cleaning card' });
    expect(done.occurrence.state).toBe('done');
    expect(done.record).toMatchObject({ doneBy: 'Li', minutesSpent: 20, partsUsed: 'cleaning card' });
  });

  it('refuses bad plans with field errors and saves nothing', async () => {
    const { core, device } = await setup();
    const archived = await core.services.devices.create(DeviceCreate.parse({ name: 'Old', connection: { type: 'serial', path: 'COM9' } }));
    await core.services.devices.archive(archived.id);
    const base = monthly([device.id]);
    const cases: [unknown, string, string][] = [
      [{ ...base, steps: [] }, 'steps', 'maintenance.noSteps'],
      [{ ...base, target: { kind: 'devices', deviceIds: ['nope'] } }, 'target.deviceIds', 'maintenance.unknownDevice'],
      [{ ...base, target: { kind: 'devices', deviceIds: [archived.id] } }, 'target.deviceIds', 'maintenance.unknownDevice'],
      [{ ...base, schedule: { kind: 'rule', rule: 'FREQ=NEVER', start: '2026-01-01T09:00:00' } }, 'schedule.rule', 'maintenance.ruleInvalid'],
      [{ ...base, schedule: { kind: 'rule', rule: 'FREQ=MONTHLY;UNTIL=20251201', start: '2026-01-01T09:00:00' } }, 'schedule.rule', 'maintenance.untilBeforeStart'],
      [{ ...base, schedule: { kind: 'rule', rule: 'FREQ=MONTHLY', start: '2026-13-01T09:00:00' } }, 'schedule.start', 'maintenance.invalidDateTime'],
    ];
    for (const [input, path, key] of cases) {
      const result = await core.dispatch('maintenance.createPlan', input);
      expect(result, key).toMatchObject({ ok: false, error: { code: 'validation', details: { issues: [expect.objectContaining({ path, messageKey: key })] } } });
    }
    expect(core.services.maintenance.listPlans(true)).toEqual([]);
    const preview = await core.dispatch('maintenance.preview', { rule: 'FREQ=MONTHLY;BYDAY=1MO', start: '2026-01-01T09:00:00', from: '2026-01-01', to: '2026-03-31' });
    expect(preview).toEqual({ ok: true, value: { occurrences: ['2026-01-05T09:00:00', '2026-02-02T09:00:00', '2026-03-02T09:00:00'], truncated: false } });
  });

  it('ships templates in both languages that make valid plans', async () => {
    const { core, device } = await setup();
    const zh = loadTemplates('zh-CN');
    const en = loadTemplates('en');
    expect(zh.map((t) => t.id)).toEqual(en.map((t) => t.id));
    expect(en.length).toBeGreaterThanOrEqual(8);
    for (const template of zh) {
      const target = template.target === 'devices' ? { kind: 'devices' as const, deviceIds: [device.id] } : { kind: template.target };
      const schedule = template.schedule.kind === 'rule' ? { ...template.schedule, start: '2026-03-01T09:00:00' } : { ...template.schedule, start: '2026-03-01T09:00:00' };
      const result = await core.dispatch('maintenance.createPlan', { title: template.title, purpose: template.purpose, steps: template.steps, estimatedMinutes: template.estimatedMinutes, parts: template.parts, target, schedule, templateId: template.id });
      expect(result.ok, template.id).toBe(true);
    }
  });
});
