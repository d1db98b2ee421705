import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { silentLogger } from '../../electron/node/log/logger';
import { startSimulator } from '../../electron/node/simulator/index';
import { FakeClock } from '../helpers/clock';
import { tempDir } from '../helpers/temp';

// The CLI's core: createAppCore in headless mode, the same services and dispatch as the app and
// serve, without background work (terminal links, backup schedule, ticks).

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function core(dataDir: string, clock: FakeClock, headless: boolean): AppCore {
  const app = createAppCore({ dataDir, mode: 'browser', logger: silentLogger, clock, resolveHost: () => Promise.resolve(true), ...(headless ? { headless: { command: 'poscare test' } } : {}) });
  cleanups.push(() => app.dispose());
  return app;
}

describe('the headless app core (CLI commands)', () => {
  it('opens no terminal link and arms no backup schedule, where the full core does both', async () => {
    const simulator = await startSimulator({ tcp: { port: 0 } });
    cleanups.push(() => simulator.close());
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const full = core(temp.dir, new FakeClock(), false);
    const created = await full.dispatch('devices.create', { name: 'Counter 1', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! } });
    expect(created.ok).toBe(true);
    await full.dispatch('backup.updateSettings', { folder: temp.dir, dailyHour: 21 });
    expect(full.services.terminals.list()).toHaveLength(1);
    full.dispose();
    cleanups.pop();

    const clock = new FakeClock();
    const headless = core(temp.dir, clock, true);
    expect(headless.services.terminals.list()).toEqual([]);
    // The daily backup is set (21:00) but not armed: arming it now adds its timer (start() replaces an armed one).
    const before = clock.pending;
    headless.services.backup.scheduler.start();
    expect(clock.pending).toBe(before + 1);
    // The same registry and settings, through the same dispatch.
    const devices = await headless.dispatch('devices.list', {});
    expect(devices.ok && (devices.value as unknown[]).length).toBe(1);
  });

  it('validates input once, in dispatch: a backup file name with a folder in it is refused before anything is written', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const app = core(temp.dir, new FakeClock(), true);
    const refused = await app.dispatch('backup.create', { folder: temp.dir, noEncryption: true, fileName: '../escape.pcbak' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation', details: { issues: [{ path: 'fileName', messageKey: 'backup.fileNameInvalid' }] } } });
    expect((await app.dispatch('backup.list', {})).ok && app.services.backup.list().entries).toEqual([]);
  });

  it('holds the data folder under the command name it was given', () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    core(temp.dir, new FakeClock(), true);
    expect(() => createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, headless: { command: 'poscare other' } })).toThrow(/poscare test/);
  });
});
