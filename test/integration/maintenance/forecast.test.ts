/**
 * Issue 12, item 6: beyond the anchors. Each device's estimated next failure (the reliability
 * analytics: last failure + MTBF) against its next open inspection; "inspect earlier" when the
 * estimate comes first or no inspection is planned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import { PlanCreate, type FailureForecast } from '../../../shared/domain/maintenance';
import { zonedDay } from '../../../shared/domain/time';
import { FakeClock } from '../../helpers/clock';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../devices/fakes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const DAY = 86_400_000;
const plusDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

describe('the failure forecast on the maintenance calendar', () => {
  it('flags a device whose estimated next failure comes before its next inspection, and not once an inspection comes first', async () => {
    const temp = tempDir();
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00.000Z'));
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
    cleanups.push(temp.cleanup, () => core.dispose());
    const a = (await core.services.devices.create(DeviceCreate.parse({ name: 'A', connection: { type: 'serial', path: 'COM1' } }))).id;
    const b = (await core.services.devices.create(DeviceCreate.parse({ name: 'B', connection: { type: 'serial', path: 'COM2' } }))).id;
    clock.time = Date.parse('2026-03-31T00:00:00.000Z');
    const incidents = core.services.incidents;
    for (const [opened, closed] of [['2026-01-10T02:00:00.000Z', '2026-01-10T04:00:00.000Z'], ['2026-02-05T13:30:00.000Z', '2026-02-05T14:00:00.000Z']] as const) {
      incidents.update({ id: incidents.open({ deviceId: a, openedAt: opened, faultClass: 'hardware' }).id, closedAt: closed });
    }
    const estimate = core.services.analytics.summary().devices.find((d) => d.deviceId === a)!.expectedNextFailureAt!;
    const expectedDay = zonedDay(Date.parse(estimate), 'Asia/Shanghai');

    // B has never failed: no estimate, not listed. A has no inspection planned: inspect earlier.
    const forecast = async () => {
      const result = await core.dispatch('maintenance.forecast', {});
      if (!result.ok) throw new Error(result.error.message);
      return result.value as FailureForecast[];
    };
    expect(await forecast()).toEqual([{ deviceId: a, expectedFailureAt: estimate, expectedDay, nextInspection: null, inspectEarlier: true }]);

    const yearly = (title: string, day: string, deviceIds: string[]) =>
      core.services.maintenance.createPlan(PlanCreate.parse({ title, steps: [{ text: 'Check' }], target: { kind: 'devices', deviceIds }, schedule: { kind: 'rule', rule: 'FREQ=YEARLY', start: `${day}T09:00:00` } }));
    yearly('Late inspection', plusDays(expectedDay, 10), [a, b]);
    expect(await forecast()).toEqual([expect.objectContaining({ deviceId: a, nextInspection: `${plusDays(expectedDay, 10)}T09:00:00`, inspectEarlier: true })]);
    yearly('Early inspection', plusDays(expectedDay, -3), [a]);
    expect(await forecast()).toEqual([expect.objectContaining({ deviceId: a, nextInspection: `${plusDays(expectedDay, -3)}T09:00:00`, inspectEarlier: false })]);

    // Archived devices are not forecast.
    await core.services.devices.archive(a);
    expect(await forecast()).toEqual([]);
  });
});
