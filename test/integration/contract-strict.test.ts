/**
 * Every input of the contract is strict and every date in it follows the one time rule
 * (shared/domain/time.ts): an unknown key is a validation error, never silently dropped, and a
 * date is a real ISO date in 2000..2100 compared as an instant.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { silentLogger } from '../../electron/node/log/logger';
import { DeviceCreate, type Device } from '../../shared/domain/devices';
import { isCalendarDate, isInstant, isLocalDateTime } from '../../shared/domain/time';
import { contract, METHOD_NAMES } from '../../shared/ipc/contract';
import { tempDir } from '../helpers/temp';
import { FakeClock } from '../helpers/clock';
import { FakeLinks } from '../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

async function setup(): Promise<{ core: AppCore; device: Device }> {
  const temp = tempDir();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock: new FakeClock(), resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'tcp', host: '127.0.0.1', port: 20007 } }));
  return { core, device };
}

function hasUnrecognizedKey(issues: readonly { code: string; errors?: unknown }[]): boolean {
  return JSON.stringify(issues).includes('unrecognized_keys');
}

describe('every method of the contract', () => {
  it('refuses an unknown extra key in its input', () => {
    const accepting: string[] = [];
    for (const name of METHOD_NAMES) {
      const parsed = contract[name].input.safeParse({ unknownExtraKey: 1 });
      if (parsed.success || !hasUnrecognizedKey(parsed.error.issues)) accepting.push(name);
    }
    expect(accepting).toEqual([]);
  });

  it('devices.update refuses an unknown key like the others, changing nothing', async () => {
    const { core, device } = await setup();
    const { id, name, connection } = device;
    const result = await core.dispatch('devices.update', { id, name: 'Renamed', connection, unknownExtraKey: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('validation');
    expect(core.services.devices.get(id).name).toBe(name);
    expect((await core.dispatch('devices.update', { id, name: 'Renamed', connection })).ok).toBe(true);
  });
});

describe('dates and times', () => {
  it('accept real ISO dates of 2000..2100 only', () => {
    for (const ok of ['2026-03-02', '2000-01-01', '2100-12-31', '2024-02-29']) expect(isCalendarDate(ok), ok).toBe(true);
    for (const bad of ['1', '2026', '26-03-02', '2026-02-30', '2025-02-29', '2026-13-01', '1999-12-31', '2101-01-01', '+010000-01-01', '2026-3-2', ' 2026-03-02']) {
      expect(isCalendarDate(bad), bad).toBe(false);
    }
    for (const ok of ['2026-03-02T08:00:00Z', '2026-03-02T08:00:00.123Z', '2026-03-02T16:00:00.000+08:00', '2026-03-02T08:00Z']) expect(isInstant(ok), ok).toBe(true);
    for (const bad of ['1', '2026-03-02', '+010000-01-01T00:00:00Z', '2999-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2026-02-30T08:00:00Z', '2026-03-02T24:00:00Z', '2026-03-02T08:60:00Z', '2026-03-02T08:00:00', '2026-03-02T08:00:00+25:00', 'March 2, 2026', '2026-03-02T08:00:00ZZ']) {
      expect(isInstant(bad), bad).toBe(false);
    }
    expect(isLocalDateTime('2026-03-02T08:00:00')).toBe(true);
    expect(isLocalDateTime('2026-02-31T08:00:00')).toBe(false);
  });

  it('incidents.open refuses a five-digit year, a far future, "1" and an unreal date as validation errors, and stores nothing', async () => {
    const { core, device } = await setup();
    for (const openedAt of ['+010000-01-01T00:00:00Z', '2999-01-01T00:00:00Z', '1', '2026-02-30T08:00:00Z', '-000001-01-01T00:00:00Z']) {
      const result = await core.dispatch('incidents.open', { deviceId: device.id, openedAt });
      expect(result.ok, openedAt).toBe(false);
      if (!result.ok) expect(result.error.code, openedAt).toBe('validation');
    }
    expect(core.services.incidents.list({})).toEqual([]);
    const opened = await core.dispatch('incidents.open', { deviceId: device.id, openedAt: '2026-03-02T15:00:00.000+08:00' });
    expect(opened.ok).toBe(true);
    if (opened.ok) expect((opened.value as { openedAt: string }).openedAt).toBe('2026-03-02T07:00:00.000Z');
  });

  it('analytics and transactions refuse dates outside the rule', async () => {
    const { core } = await setup();
    for (const query of [{ from: '1' }, { to: '+010000-01-01T00:00:00Z' }, { from: '2026-02-30' }]) {
      const result = await core.dispatch('analytics.summary', query);
      expect(result.ok, JSON.stringify(query)).toBe(false);
    }
    expect((await core.dispatch('analytics.summary', { from: '2026-01-01', to: '2026-03-01' })).ok).toBe(true);
    const search = await core.dispatch('transactions.reconcile', { from: '2026-02-30', to: '2026-03-01' });
    expect(search.ok).toBe(false);
  });
});
