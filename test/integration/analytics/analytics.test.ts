import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { DEVICE_RELIABILITY_SQL, STORE_RELIABILITY_SQL } from '../../../electron/node/db/analytics';
import { offsetModifier } from '../../../electron/node/services/analytics/analytics-service';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const H = 3_600_000;
const D = 24 * H;

/**
 * The fixture, computed by hand (store in Asia/Shanghai, UTC+8; window 2026-01-01 .. 2026-03-31, 89 days):
 *   A: 2026-01-10 02:00Z-04:00Z (2 h, hardware), 2026-02-05 13:30Z-14:00Z (30 min, network)
 *   B: 2026-03-01 20:00Z, still open at the end of the window (29 d 4 h, hardware)
 */
async function fixture(): Promise<{ core: AppCore; clock: FakeClock; a: string; b: string }> {
  const temp = tempDir();
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00.000Z'));
  const links = new FakeLinks();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: links, clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  const a = (await core.services.devices.create(DeviceCreate.parse({ name: 'A', connection: { type: 'serial', path: 'COM1' } }))).id;
  const b = (await core.services.devices.create(DeviceCreate.parse({ name: 'B', connection: { type: 'serial', path: 'COM2' } }))).id;
  clock.time = Date.parse('2026-03-10T00:00:00.000Z');
  const observe = core.services.devices.observe.bind(core.services.devices);
  observe({ deviceId: a, link: 'ready', terminalStatus: 0 });
  observe({ deviceId: a, terminalStatus: 0xcc });
  observe({ deviceId: a, terminalStatus: 0x00 });
  observe({ deviceId: a, resultCode: 0x64 });
  observe({ deviceId: a, terminalStatus: 0xcc });
  clock.time = Date.parse('2026-03-31T00:00:00.000Z');
  const incidents = core.services.incidents;
  const i1 = incidents.open({ deviceId: a, openedAt: '2026-01-10T02:00:00.000Z', faultClass: 'hardware' });
  incidents.update({ id: i1.id, closedAt: '2026-01-10T04:00:00.000Z' });
  const i2 = incidents.open({ deviceId: a, openedAt: '2026-02-05T13:30:00.000Z', faultClass: 'network' });
  incidents.update({ id: i2.id, closedAt: '2026-02-05T14:00:00.000Z' });
  incidents.open({ deviceId: b, openedAt: '2026-03-01T20:00:00.000Z', faultClass: 'hardware' });
  return { core, clock, a, b };
}

describe('reliability analytics', () => {
  it('computes failures, downtime, MTTR, MTBF and the expected next failure per device', async () => {
    const { core, a, b } = await fixture();
    const summary = core.services.analytics.summary({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' });
    const [ra, rb] = summary.devices;
    expect(ra).toMatchObject({ deviceId: a, failures: 2, lastFailureAt: '2026-02-05T13:30:00.000Z' });
    expect(ra!.observedMs).toBeCloseTo(89 * D, -1);
    expect(ra!.downtimeMs).toBeCloseTo(2.5 * H, -1);
    expect(ra!.mttrMs).toBeCloseTo(75 * 60_000, -1);
    expect(ra!.mtbfMs).toBeCloseTo((89 * D - 2.5 * H) / 2, -1);
    // 2026-02-05 13:30 + 44 d 10 h 45 min
    expect(Math.abs(Date.parse(ra!.expectedNextFailureAt!) - Date.parse('2026-03-22T00:15:00.000Z'))).toBeLessThan(1000);
    // One failure is no interval between failures: no MTBF and no expected next failure (docs/analytics.md).
    expect(rb).toMatchObject({ deviceId: b, failures: 1, mttrMs: null, mtbfMs: null, expectedNextFailureAt: null });
    expect(rb!.downtimeMs).toBeCloseTo(29 * D + 4 * H, -1);
  });

  it('splits downtime by the local month of the fault start and ranks classes for the Pareto chart', async () => {
    const { core, a, b } = await fixture();
    const summary = core.services.analytics.summary({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' });
    expect(summary.downtimeByMonth.map((m) => [m.deviceId, m.month, m.failures, Math.round(m.downtimeMs / 60_000)])).toEqual([
      [a, '2026-01', 1, 120],
      [a, '2026-02', 1, 30],
      [b, '2026-03', 1, (29 * 24 + 4) * 60],
    ]);
    expect(summary.pareto).toEqual([
      { faultClass: 'hardware', count: 2, cumulativeShare: 2 / 3 },
      { faultClass: 'network', count: 1, cumulativeShare: 1 },
    ]);
  });

  it('counts faults by local hour and weekday', async () => {
    const { core } = await fixture();
    const summary = core.services.analytics.summary({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' });
    const hours = summary.byHour.flatMap((count, hour) => (count ? [[hour, count]] : []));
    expect(hours).toEqual([[4, 1], [10, 1], [21, 1]]);
    // Saturday 10 Jan, Thursday 5 Feb, Monday 2 Mar (local).
    expect(summary.byWeekday).toEqual([0, 1, 0, 0, 1, 0, 1]);
  });

  it('lists error codes that came back, counting appearances not repeats', async () => {
    const { core, a } = await fixture();
    const summary = core.services.analytics.summary({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', deviceId: a });
    expect(summary.recurringErrors).toEqual([{ code: 'terminal:0xCC', text: { zh: '打印机未就绪', en: 'Printer not ready' }, occurrences: 2, devices: 1, lastAt: '2026-03-10T00:00:00.000Z' }]);
  });

  it('weighs the store health score from availability, terminals ok, open incidents and current software', async () => {
    const { core } = await fixture();
    const health = core.services.analytics.health(null);
    const availability = 1 - (29 * D + 4 * H) / (60 * D);
    expect(health.ingredients.map((i) => [i.key, i.weight])).toEqual([['availability', 50], ['terminalsOk', 20], ['openIncidents', 15], ['softwareCurrent', 15]]);
    expect(health.ingredients[0]!.value).toBeCloseTo(availability, 9);
    expect(health.ingredients.slice(1).map((i) => i.value)).toEqual([0, 0.5, 1]);
    expect(health.score).toBe(Math.round(availability * 50 + 7.5 + 15));
  });

  it('refuses a window that ends before it starts, as a field error', async () => {
    const { core } = await fixture();
    const result = await core.dispatch('analytics.summary', { from: '2026-03-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' });
    expect(!result.ok && result.error.code).toBe('validation');
    expect(!result.ok && result.error.details?.issues).toEqual([{ path: 'to', code: 'custom', messageKey: 'analytics.toBeforeFrom' }]);
    // A start after now (the default end) is refused too.
    const future = await core.dispatch('analytics.summary', { from: '2027-01-01T00:00:00.000Z' });
    expect(!future.ok && future.error.details?.issues).toEqual([{ path: 'from', code: 'custom', messageKey: 'analytics.toBeforeFrom' }]);
  });

  it('never counts downtime past now: a custom period up to today ends at the current time', async () => {
    const { core, b } = await fixture();
    // Now is 2026-03-31 00:00Z (08:00 in Shanghai); B's incident has been open since 1 March 20:00Z.
    const today = core.services.analytics.summary({ fromDay: '2026-03-31', toDay: '2026-03-31', deviceId: b });
    expect(today.from).toBe('2026-03-30T16:00:00.000Z');
    expect(today.to).toBe('2026-03-31T00:00:00.000Z');
    // 8 hours of today have passed, not 24: the open incident counts up to now only.
    expect(today.devices[0]!.downtimeMs).toBeCloseTo(8 * H, -1);
    expect(today.store.downtimeMs).toBeCloseTo(8 * H, -1);
    const month = core.services.analytics.summary({ fromDay: '2026-03-01', toDay: '2026-04-30', deviceId: b });
    expect(month.to).toBe('2026-03-31T00:00:00.000Z');
    expect(month.devices[0]!.downtimeMs).toBeCloseTo(29 * D + 4 * H, -1);
    expect(month.downtimeByMonth.reduce((sum, m) => sum + m.downtimeMs, 0)).toBeCloseTo(29 * D + 4 * H, -1);
  });

  it('reads custom days in the store time zone, whatever the PC clock says', async () => {
    const { core } = await fixture();
    expect(core.services.analytics.summary({ fromDay: '2026-02-01', toDay: '2026-02-28' })).toMatchObject({ from: '2026-01-31T16:00:00.000Z', to: '2026-02-28T16:00:00.000Z' });
    core.services.settings.update({ store: { ...core.services.settings.get().store, timezone: 'America/New_York' } });
    expect(core.services.analytics.summary({ fromDay: '2026-02-01', toDay: '2026-02-28' })).toMatchObject({ from: '2026-02-01T05:00:00.000Z', to: '2026-03-01T05:00:00.000Z' });
  });

  it('refuses a custom period that is not a calendar day or starts in the future, naming the field', async () => {
    const { core } = await fixture();
    const bad = await core.dispatch('analytics.summary', { fromDay: '2026-02-30' });
    expect(!bad.ok && bad.error.details?.issues).toEqual([expect.objectContaining({ path: 'fromDay', messageKey: 'analytics.invalidDay' })]);
    const future = await core.dispatch('analytics.summary', { fromDay: '2026-04-02', toDay: '2026-04-03' });
    expect(!future.ok && future.error.details?.issues).toEqual([{ path: 'fromDay', code: 'custom', messageKey: 'analytics.fromInFuture' }]);
    const reversed = await core.dispatch('analytics.summary', { fromDay: '2026-03-10', toDay: '2026-03-01' });
    expect(!reversed.ok && reversed.error.details?.issues).toEqual([{ path: 'toDay', code: 'custom', messageKey: 'analytics.toBeforeFrom' }]);
  });

  it('turns the store time zone into an SQLite offset', () => {
    expect(offsetModifier('Asia/Shanghai', new Date('2026-03-01T00:00:00Z'))).toBe('+480 minutes');
    expect(offsetModifier('America/New_York', new Date('2026-07-01T00:00:00Z'))).toBe('-240 minutes');
  });

  it('filters incidents by start time with the opened_at index', async () => {
    const { core } = await fixture();
    const plan = core.db.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM incidents WHERE opened_at >= ? AND opened_at < ?").all('a', 'b') as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toContain('incidents_opened');
    const history = core.db.prepare('EXPLAIN QUERY PLAN SELECT * FROM device_status_history WHERE device_id = ? AND at >= ? ORDER BY at DESC').all('x', '') as { detail: string }[];
    expect(history.map((p) => p.detail).join()).toContain('device_status_history_device_at');
  });
});

/**
 * Down time at the edges, computed by hand (Asia/Shanghai, UTC+8; window 2026-01-01T00:00Z .. 2026-04-01T00:00Z,
 * 90 days; both devices registered before the window):
 *   C c1 2025-12-31 20:00Z - 2026-01-01 02:00Z  began before the window: 2 h down inside it (local Jan), not a failure of the window
 *     c2 2026-01-31 14:00Z - 2026-02-01 04:00Z  14 h, crosses the local month end (local 31 Jan 22:00 - 1 Feb 12:00): 2 h Jan, 12 h Feb
 *     c3 2026-02-01 00:00Z - 2026-02-01 06:00Z   6 h, overlaps c2: merged c2+c3 = 16 h (2 h Jan, 14 h Feb), not 20 h
 *     c4 2026-03-31 20:00Z - open                still open at the end: 4 h, local 1 Apr 04:00-08:00 (month 2026-04)
 *     => failures 3 (c2, c3, c4), down 2 + 16 + 4 = 22 h, repairs 2 (c2, c3), MTTR (14 + 6) / 2 = 10 h, MTBF (90 d - 22 h) / 3
 *     per local month: 2026-01 1 failure 4 h, 2026-02 1 failure 14 h, 2026-04 1 failure 4 h
 *   D d1 2026-02-10 00:00Z - 01:00Z: 1 failure, 1 h
 *   store: 4 failures, observed 180 d, down 23 h, MTTR (14 + 6 + 1) / 3 = 7 h, MTBF (180 d - 23 h) / 4
 */
describe('reliability analytics at the edges of outages', () => {
  async function edges(): Promise<{ core: AppCore; c: string; d: string }> {
    const temp = tempDir();
    const clock = new FakeClock(Date.parse('2025-12-01T00:00:00.000Z'));
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
    cleanups.push(temp.cleanup, () => core.dispose());
    const c = (await core.services.devices.create(DeviceCreate.parse({ name: 'C', connection: { type: 'serial', path: 'COM1' } }))).id;
    const d = (await core.services.devices.create(DeviceCreate.parse({ name: 'D', connection: { type: 'serial', path: 'COM2' } }))).id;
    clock.time = Date.parse('2026-04-02T00:00:00.000Z');
    const incidents = core.services.incidents;
    const closed = (deviceId: string, openedAt: string, closedAt: string) => incidents.update({ id: incidents.open({ deviceId, openedAt }).id, closedAt });
    closed(c, '2025-12-31T20:00:00.000Z', '2026-01-01T02:00:00.000Z');
    closed(c, '2026-01-31T14:00:00.000Z', '2026-02-01T04:00:00.000Z');
    closed(c, '2026-02-01T00:00:00.000Z', '2026-02-01T06:00:00.000Z');
    incidents.open({ deviceId: c, openedAt: '2026-03-31T20:00:00.000Z' });
    closed(d, '2026-02-10T00:00:00.000Z', '2026-02-10T01:00:00.000Z');
    return { core, c, d };
  }
  const window = { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

  it('clips outages to the window and counts overlapping incidents of a device once', async () => {
    const { core, c, d } = await edges();
    const summary = core.services.analytics.summary(window);
    const [rc, rd] = summary.devices;
    expect(rc).toMatchObject({ deviceId: c, failures: 3, repairs: 2, lastFailureAt: '2026-03-31T20:00:00.000Z' });
    expect(rc!.observedMs).toBeCloseTo(90 * D, -1);
    expect(rc!.downtimeMs).toBeCloseTo(22 * H, -1);
    expect(rc!.mttrMs).toBeCloseTo(10 * H, -1);
    expect(rc!.mtbfMs).toBeCloseTo((90 * D - 22 * H) / 3, -1);
    expect(rd).toMatchObject({ deviceId: d, failures: 1, repairs: 1 });
    expect(rd!.downtimeMs).toBeCloseTo(1 * H, -1);
  });

  it('splits down time at the store-local month boundaries and counts failures in the month they began', async () => {
    const { core, c, d } = await edges();
    const summary = core.services.analytics.summary(window);
    const rows = summary.downtimeByMonth.map((m) => [m.deviceId === c ? 'C' : m.deviceId === d ? 'D' : m.deviceId, m.month, m.failures, Math.round(m.downtimeMs / 60_000)] as const);
    // The query orders by month, then device id (random here): compare by month, then name.
    expect([...rows].sort((x, y) => x[1].localeCompare(y[1]) || x[0].localeCompare(y[0]))).toEqual([
      ['C', '2026-01', 1, 4 * 60],
      ['C', '2026-02', 1, 14 * 60],
      ['D', '2026-02', 1, 60],
      ['C', '2026-04', 1, 4 * 60],
    ]);
    const total = summary.downtimeByMonth.reduce((sum, m) => sum + m.downtimeMs, 0);
    expect(total).toBeCloseTo(summary.devices.reduce((sum, r) => sum + r.downtimeMs, 0), -1);
  });

  it('gives store-wide MTBF over all terminals and MTTR over all closed incidents', async () => {
    const { core } = await edges();
    const { store } = core.services.analytics.summary(window);
    expect(store).toMatchObject({ failures: 4, repairs: 3 });
    expect(store.observedMs).toBeCloseTo(180 * D, -1);
    expect(store.downtimeMs).toBeCloseTo(23 * H, -1);
    expect(store.mttrMs).toBeCloseTo(7 * H, -1);
    expect(store.mtbfMs).toBeCloseTo((180 * D - 23 * H) / 4, -1);
  });

  it('observes a device from its first incident when that was recorded before the device was registered', async () => {
    const temp = tempDir();
    const clock = new FakeClock(Date.parse('2026-03-10T00:00:00.000Z'));
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
    cleanups.push(temp.cleanup, () => core.dispose());
    const late = (await core.services.devices.create(DeviceCreate.parse({ name: 'Late', connection: { type: 'serial', path: 'COM1' } }))).id;
    clock.time = Date.parse('2026-03-11T00:00:00.000Z');
    // Registered on 10 March; the manager records the outage that began on 1 March and is still going on.
    core.services.incidents.open({ deviceId: late, openedAt: '2026-03-01T00:00:00.000Z' });
    const [row] = core.services.analytics.summary({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' }).devices;
    expect(row!.observedMs).toBeCloseTo(10 * D, -1);
    expect(row!.downtimeMs).toBeCloseTo(10 * D, -1);
    // Down for its whole observed time after one fault: not "MTBF 0 s" but no MTBF yet.
    expect(row!.mtbfMs).toBeNull();
  });

  it('answers the same figures from the documented SQL run by hand', async () => {
    const { core } = await edges();
    const params = { ...window, device: null };
    const rows = core.db.prepare(DEVICE_RELIABILITY_SQL).all(params) as { downtimeMs: number }[];
    expect(rows.map((r) => Math.round(r.downtimeMs / 60_000))).toEqual([22 * 60, 60]);
    const store = core.db.prepare(STORE_RELIABILITY_SQL).get(params) as { mttrMs: number };
    expect(Math.round(store.mttrMs / 60_000)).toBe(7 * 60);
  });
});
