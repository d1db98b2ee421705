import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import type { CheckAnswers, StaffCheck } from '../../../shared/domain/checks';
import type { Device } from '../../../shared/domain/devices';
import type { AnalyticsSummary } from '../../../shared/domain/analytics';
import type { EscalationPack, Incident } from '../../../shared/domain/incidents';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function app(): { core: AppCore; links: FakeLinks; clock: FakeClock } {
  const temp = tempDir();
  const links = new FakeLinks();
  const clock = new FakeClock();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: links, clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  return { core, links, clock };
}

const lakala = {
  name: '前台拉卡拉',
  model: '拉卡拉 电签 K2',
  vendor: '拉卡拉 Lakala',
  connection: { type: 'none' },
  network: '4g',
  acquirer: '拉卡拉',
  acquirerHotline: '95016',
};
const allGood: CheckAnswers = { powersOn: true, screen: true, network: true, testSlip: true, payment: true, paper: 'plenty' };

async function ok<T>(core: AppCore, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method as never, input as never);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

describe('a standalone terminal', () => {
  it('is registered without a link, never polled, and keeps its acquirer, hotline and network', async () => {
    const { core, links } = app();
    const device = await ok<Device>(core, 'devices.create', lakala);
    expect(device.connection).toEqual({ type: 'none' });
    expect(device).toMatchObject({ network: '4g', acquirer: '拉卡拉', acquirerHotline: '95016' });
    // A second standalone terminal does not "use the same connection".
    await ok<Device>(core, 'devices.create', { ...lakala, name: '二号台美团' });
    expect(links.added).toEqual([]);
    expect(core.services.devices.status(device.id).overall).toBe('unknown');
  });

  it('moved from TCP to standalone loses its link and its link status', async () => {
    const { core, links } = app();
    const tcp = await ok<Device>(core, 'devices.create', { name: 'T', connection: { type: 'tcp', host: '10.0.0.5', port: 20007 } });
    links.report({ id: tcp.id, link: 'ready', terminalStatus: 0 });
    expect(core.services.devices.status(tcp.id).overall).toBe('ok');
    const { id: _id, createdAt: _c, updatedAt: _u, archived: _a, ...fields } = tcp;
    await ok<Device>(core, 'devices.update', { ...fields, id: tcp.id, connection: { type: 'none' } });
    expect(links.removed).toContain(tcp.id);
    expect(core.services.devices.status(tcp.id)).toMatchObject({ overall: 'unknown', link: 'standalone' });
  });

  it('carries the new fields through CSV export and import', async () => {
    const { core } = app();
    await ok<Device>(core, 'devices.create', lakala);
    const { csv } = await ok<{ csv: string }>(core, 'devices.exportCsv', {});
    expect(csv.split('\r\n')[0]).toContain('network,acquirer,acquirerHotline');
    const target = app();
    const imported = await ok<{ created: number; errors: unknown[] }>(target.core, 'devices.importCsv', { csv: csv.replace(/^[^,]*,/m, 'id,').replace(/\r\n[^,]+,/, '\r\n,') });
    expect(imported).toMatchObject({ created: 1, errors: [] });
    expect(target.core.services.devices.list()[0]).toMatchObject({ connection: { type: 'none' }, network: '4g', acquirer: '拉卡拉', acquirerHotline: '95016' });
    const bad = await ok<{ created: number; errors: { issues: { path: string; messageKey: string }[] }[] }>(target.core, 'devices.importCsv', {
      csv: 'name,connectionType,network,acquirerHotline\r\nX,none,5g,abc\r\n',
    });
    expect(bad.created).toBe(0);
    expect(bad.errors[0]?.issues.map((i) => i.messageKey).sort()).toEqual(['devices.invalidHotline', 'devices.invalidNetwork']);
  });
});

describe('staff checks', () => {
  it('a passed check makes the terminal ok; a failed one is a fault with an incident, the right guide and the acquirer in the escalation pack', async () => {
    const { core, clock } = app();
    const device = await ok<Device>(core, 'devices.create', lakala);
    const passed = await ok<StaffCheck>(core, 'checks.record', { deviceId: device.id, answers: allGood, checkedBy: '小王' });
    expect(passed).toMatchObject({ overall: 'ok', failed: [], incidentId: null });
    expect(core.services.devices.status(device.id)).toMatchObject({ overall: 'ok', link: 'standalone', staffCheck: { at: passed.at, failed: [] } });

    clock.advanceMinutes(60 * 24 * 3);
    const failed = await ok<StaffCheck>(core, 'checks.record', { deviceId: device.id, answers: { ...allGood, testSlip: false } });
    expect(failed).toMatchObject({ overall: 'fault', failed: ['testSlip'] });
    expect(failed.incidentId).not.toBeNull();
    const incident = await ok<Incident>(core, 'incidents.get', { id: failed.incidentId });
    expect(incident.guideId).toBe('printer');
    expect(incident.symptoms).toContain('check:testSlip');
    // A second failed check joins the open incident.
    const again = await ok<StaffCheck>(core, 'checks.record', { deviceId: device.id, answers: { ...allGood, testSlip: false } });
    expect(again.incidentId).toBe(failed.incidentId);
    expect(await ok<Incident[]>(core, 'incidents.list', { deviceId: device.id })).toHaveLength(1);

    const pack = await ok<EscalationPack>(core, 'incidents.escalate', { id: failed.incidentId, language: 'zh-CN' });
    expect(pack.text).toContain('拉卡拉');
    expect(pack.text).toContain('95016');

    // A passing check two hours later is the recovery: the incident closes by itself, and MTBF/MTTR count it.
    clock.advanceMinutes(120);
    await ok<StaffCheck>(core, 'checks.record', { deviceId: device.id, answers: allGood });
    expect((await ok<Incident>(core, 'incidents.get', { id: failed.incidentId })).closedAt).not.toBeNull();
    const summary = await ok<AnalyticsSummary>(core, 'analytics.summary', {});
    const mine = summary.devices.find((d) => d.deviceId === device.id);
    expect(mine).toMatchObject({ failures: 1, repairs: 1 });
    expect(mine?.mttrMs).toBeCloseTo(120 * 60_000, -3);
    expect(mine?.downtimeMs).toBeCloseTo(120 * 60_000, -3);
    expect((await ok<StaffCheck[]>(core, 'checks.list', { deviceId: device.id })).map((c) => c.overall)).toEqual(['ok', 'fault', 'fault', 'ok']);
  });

  it('paper running low is degraded, not a fault: no incident', async () => {
    const { core } = app();
    const device = await ok<Device>(core, 'devices.create', lakala);
    const check = await ok<StaffCheck>(core, 'checks.record', { deviceId: device.id, answers: { ...allGood, paper: 'low' } });
    expect(check).toMatchObject({ overall: 'degraded', failed: ['paper'], incidentId: null });
    expect(core.services.devices.status(device.id).printer).toBe('paperLow');
  });

  it('refuses a check of an archived or a linked terminal with a translated error and stores nothing', async () => {
    const { core } = app();
    const device = await ok<Device>(core, 'devices.create', lakala);
    const linked = await ok<Device>(core, 'devices.create', { name: 'L', connection: { type: 'serial', path: 'COM3' } });
    await ok<Device>(core, 'devices.archive', { id: device.id });
    const archived = await core.dispatch('checks.record', { deviceId: device.id, answers: { ...allGood, powersOn: false } });
    expect(archived.ok).toBe(false);
    if (!archived.ok) expect(archived.error.details?.issues?.[0]?.messageKey).toBe('checks.archivedDevice');
    const notStandalone = await core.dispatch('checks.record', { deviceId: linked.id, answers: allGood });
    expect(!notStandalone.ok && notStandalone.error.details?.issues?.[0]?.messageKey).toBe('checks.notStandalone');
    const malformed = await core.dispatch('checks.record', { deviceId: device.id, answers: { ...allGood, paper: 'some' } });
    expect(malformed.ok).toBe(false);
    expect(core.db.prepare('SELECT COUNT(*) AS n FROM device_checks').get()).toEqual({ n: 0 });
    expect(await ok<Incident[]>(core, 'incidents.list', {})).toEqual([]);
    expect(core.services.devices.history(device.id)).toEqual([]);
  });

  it('lists a standalone terminal not checked since the store opened as an attention item', async () => {
    const { core, clock } = app();
    await ok(core, 'settings.update', { store: { name: '', address: '', timezone: 'Asia/Shanghai', businessHours: { opens: '09:00', closes: '21:00' } } });
    clock.time = Date.parse('2026-03-02T02:00:00Z'); // 10:00 in Shanghai
    const device = await ok<Device>(core, 'devices.create', lakala);
    const due = () => core.services.checks.attentionItems().map((i) => i.id);
    expect(due()).toEqual([`checks.due:${device.id}`]);
    await ok<StaffCheck>(core, 'checks.record', { deviceId: device.id, answers: allGood });
    expect(due()).toEqual([]);
    clock.time = Date.parse('2026-03-02T23:30:00Z'); // 07:30 next day, before opening: yesterday's check still counts
    expect(due()).toEqual([]);
    clock.time = Date.parse('2026-03-03T01:30:00Z'); // 09:30, open
    expect(due()).toEqual([`checks.due:${device.id}`]);
  });
});
