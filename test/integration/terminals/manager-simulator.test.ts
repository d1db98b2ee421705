import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase } from '../../../electron/node/db/connection';
import { TerminalManager, type TerminalManagerOptions } from '../../../electron/node/services/terminals/terminal-manager';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import type { TerminalConfigInput, TerminalConnection } from '../../../shared/domain/terminals';
import { tempDir } from '../../helpers/temp';

// The connection manager as the app runs it (real clock, real transports) against the simulator.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** T3 short enough for a test: the garbage fault's lying length is noticed in 300 ms. */
const QUICK = { id: 'quick', name: 'Quick timeouts', timeouts: { responseMs: 300, acknowledgeMs: 300 } };

function manager(options: Partial<TerminalManagerOptions> = {}): TerminalManager {
  const temp = tempDir();
  const db = openDatabase(databasePath(temp.dir));
  const created = new TerminalManager({ db, pollIntervalMs: 0, backoff: { initialMs: 50, maximumMs: 400, jitter: 0 }, profiles: [QUICK], ...options });
  cleanups.push(async () => {
    await created.dispose();
    db.close();
    temp.cleanup();
  });
  return created;
}

async function simulatorOverTcp(options: Parameters<typeof startSimulator>[0] = {}): Promise<RunningSimulator> {
  const simulator = await startSimulator({ tcp: { port: 0 }, ...options });
  cleanups.push(() => simulator.close());
  return simulator;
}

function config(connection: TerminalConnection, extra: Partial<TerminalConfigInput> = {}): TerminalConfigInput {
  return { id: 't1', name: 'Till 1', connection, profileId: 'quick', ...extra };
}

async function until(manager: TerminalManager, state: string, timeout = 5000): Promise<void> {
  await expect.poll(() => manager.get('t1').link.state, { timeout, interval: 20 }).toBe(state);
}

describe('the terminal manager against the simulator over TCP', () => {
  it('recovers from garbage whose length lies: drops the link, reconnects, and the next command succeeds', async () => {
    // random 0.42: six bytes 6B before every answer, read as an APDU announcing 107 data bytes.
    const simulator = await simulatorOverTcp({ random: () => 0.42 });
    const terminals = manager();
    await terminals.add(config({ type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! }));
    await until(terminals, 'ready');
    simulator.terminal.setFault('garbage', true);
    const broken = await terminals.run('t1', { command: 'status' });
    expect(broken).toMatchObject({ ok: false, error: { code: 'protocol' } });
    expect(terminals.get('t1').link).toMatchObject({ state: 'failed', reason: expect.stringContaining('protocol error') });
    simulator.terminal.setFault('garbage', false);
    await until(terminals, 'ready');
    expect(await terminals.run('t1', { command: 'status' })).toMatchObject({ ok: true, terminalStatus: { code: 0, ready: true } });
    expect(await terminals.run('t1', { command: 'pay', amount: 500 })).toMatchObject({ ok: true });
    const log = terminals.recentEvents('t1', 500, ['link']).map((event) => event.message);
    expect(log.some((message) => message.includes('-> failed: protocol error'))).toBe(true);
  });
});
