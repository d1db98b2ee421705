/**
 * Payments while the data folder's drive is full: each payment the terminal took is held (in
 * memory and in a spill file outside the data folder), the command's answer says "captured but
 * not stored yet", a critical attention item counts them and an incident (class transaction) is
 * opened; once there is space again the periodic retry writes them, exactly once each. Once on
 * a genuinely full filesystem (a small tmpfs, where mounting is allowed) and once with
 * SQLITE_FULL / ENOSPC injected at the database write, which runs everywhere; both against the
 * simulator on loopback TCP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import type * as DbTransactions from '../../../electron/node/db/transactions';
import { silentLogger } from '../../../electron/node/log/logger';
import { startSimulator } from '../../../electron/node/simulator/index';
import { smallFilesystem } from '../../helpers/small-filesystem';
import { tempDir } from '../../helpers/temp';

/** Set by a test: the error the next database writes of a transaction throw (injected failure). */
const inject = vi.hoisted(() => ({ error: undefined as (Error & { code?: string }) | undefined }));
vi.mock('../../../electron/node/db/transactions', async (original) => {
  const actual = await original<typeof DbTransactions>();
  return {
    ...actual,
    insertTransaction: (...args: Parameters<typeof actual.insertTransaction>) => {
      if (inject.error) throw inject.error;
      return actual.insertTransaction(...args);
    },
  };
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  inject.error = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until<T>(probe: () => T | undefined | false, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const full = smallFilesystem('6m', 'the injected SQLITE_FULL/ENOSPC tests cover the same path');
afterAll(() => {
  if ('dir' in full) full.release();
});

async function store(dataDir: string, spillDir: string): Promise<{ core: AppCore; deviceId: string }> {
  const simulator = await startSimulator({ tcp: { port: 0 } });
  cleanups.push(() => simulator.close());
  const core = createAppCore({ dataDir, spillDir, captureRetryMs: 50, mode: 'browser', logger: silentLogger });
  cleanups.push(() => core.dispose());
  const created = await core.dispatch('devices.create', { name: 'Counter 1', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
  if (!created.ok) throw new Error(created.error.message);
  const deviceId = (created.value as { id: string }).id;
  await until(() => core.services.terminals.get(deviceId).link.state === 'ready', 'the link to be ready');
  return { core, deviceId };
}

function stored(core: AppCore, deviceId: string): number[] {
  return core.services.transactions.search({ from: '2000-01-01', to: '2099-12-31', terminalId: deviceId, limit: 100 }).items.map((t) => t.amountCents).sort((a, b) => a - b);
}

/** Ten payments while nothing can be stored: every one answered as held, none in the database, all shown. */
async function payWhileFull(core: AppCore, deviceId: string, spillDir: string): Promise<number[]> {
  const amounts = Array.from({ length: 10 }, (_, i) => 100 + i);
  for (const amount of amounts) {
    const result = await core.services.terminals.run(deviceId, { command: 'pay', amount });
    expect(result.ok, `payment ${amount}`).toBe(true);
    expect(result.capture, `payment ${amount}`).toMatchObject({ state: 'held', message: expect.stringContaining('captured but not stored yet') });
  }
  expect(core.services.transactions.heldCount()).toBe(10);
  const attention = await core.dispatch('transactions.attention', {});
  expect(attention).toMatchObject({ ok: true, value: [{ section: 'transactions', severity: 'critical', count: 10, textKey: 'transactions.attention.captureHeld', link: '/transactions' }] });
  // Held outside the data folder too, so a crash does not lose them.
  const spill = JSON.parse(fs.readFileSync(path.join(spillDir, 'held-captures.json'), 'utf8')) as { record: { amountCents: number } }[];
  expect(spill.map((h) => h.record.amountCents)).toEqual(amounts);
  return amounts;
}

/** After space returns: all written by the periodic retry, once each, the item gone, the incident there. */
async function expectRecovered(core: AppCore, deviceId: string, amounts: number[], spillDir: string): Promise<void> {
  await until(() => core.services.transactions.heldCount() === 0, 'the held captures to be stored');
  expect(stored(core, deviceId)).toEqual(amounts);
  expect(core.services.transactions.attentionItems()).toEqual([]);
  expect(fs.existsSync(path.join(spillDir, 'held-captures.json'))).toBe(false);
  const incident = await until(() => core.services.incidents.list({ deviceId }).find((i) => i.faultClass === 'transaction'), 'the incident');
  expect(incident).toMatchObject({ severity: 'critical', state: 'open' });
  // A retry that finds them stored again changes nothing (idempotent).
  core.services.transactions.retryHeld();
  const again = await core.services.terminals.run(deviceId, { command: 'pay', amount: 999 });
  expect(again.capture).toEqual({ state: 'stored', message: 'stored' });
  expect(stored(core, deviceId)).toEqual([...amounts, 999]);
}

describe('payments on a full disk', () => {
  it.skipIf(!('dir' in full))(`are held, shown and stored once space returns (real full tmpfs)${'reason' in full ? ` — skipped: ${full.reason}` : ''}`, async () => {
    const root = (full as { dir: string }).dir;
    const spill = tempDir();
    cleanups.push(spill.cleanup);
    const dataDir = path.join(root, 'data');
    const { core, deviceId } = await store(dataDir, spill.dir);
    // Fill the drive to the last byte.
    const filler = path.join(root, 'filler');
    const fd = fs.openSync(filler, 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) fs.writeSync(fd, block);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    try {
      for (;;) fs.writeSync(fd, block.subarray(0, 512));
    } catch {
      // the very last bytes
    }
    fs.closeSync(fd);
    cleanups.push(() => fs.rmSync(filler, { force: true }));
    const amounts = await payWhileFull(core, deviceId, spill.dir);
    expect(stored(core, deviceId)).toEqual([]);
    fs.rmSync(filler);
    await expectRecovered(core, deviceId, amounts, spill.dir);
  });

  for (const [name, code] of [['SQLITE_FULL', 'SQLITE_FULL'], ['ENOSPC', 'ENOSPC']] as const) {
    it(`are held, shown and stored once space returns (${name} injected at the database write)`, async () => {
      const temp = tempDir();
      cleanups.push(temp.cleanup);
      const spillDir = path.join(temp.dir, 'spill');
      const { core, deviceId } = await store(path.join(temp.dir, 'data'), spillDir);
      inject.error = Object.assign(new Error(code === 'SQLITE_FULL' ? 'database or disk is full' : 'ENOSPC: no space left on device, write'), { code });
      const amounts = await payWhileFull(core, deviceId, spillDir);
      expect(stored(core, deviceId)).toEqual([]);
      inject.error = undefined;
      await expectRecovered(core, deviceId, amounts, spillDir);
    });
  }

  it('keeps held captures across a restart (spill file) and stores them when the app starts again', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const dataDir = path.join(temp.dir, 'data');
    const spillDir = path.join(temp.dir, 'spill');
    const first = await store(dataDir, spillDir);
    inject.error = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const amounts = await payWhileFull(first.core, first.deviceId, spillDir);
    first.core.dispose();
    inject.error = undefined;
    const again = createAppCore({ dataDir, spillDir, captureRetryMs: 50, mode: 'browser', logger: silentLogger });
    cleanups.push(() => again.dispose());
    await until(() => again.services.transactions.heldCount() === 0 && stored(again, first.deviceId).length === 10, 'the spilled captures to be stored');
    expect(stored(again, first.deviceId)).toEqual(amounts);
    expect(fs.existsSync(path.join(spillDir, 'held-captures.json'))).toBe(false);
  });
});
