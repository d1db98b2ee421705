import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase } from '../../../electron/node/db/connection';
import { TerminalManager, type TerminalManagerOptions } from '../../../electron/node/services/terminals/terminal-manager';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import { ManagerLinks } from '../../../electron/node/services/devices/manager-links';
import type { LinkState, TerminalConfigInput, TerminalConnection } from '../../../shared/domain/terminals';
import { simulatorOnPtyPair } from '../../helpers/simulator';
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

describe('the terminal manager against the simulator over a serial pty pair', () => {
  it('goes failed when the cable is pulled and ready again when it is plugged back in', async () => {
    const { ptys, connection } = await simulatorOnPtyPair(cleanups);
    const terminals = manager({ pollIntervalMs: 200 });
    const states: LinkState['state'][] = [];
    terminals.onLinkChange((link) => {
      if (states.at(-1) !== link.link.state) states.push(link.link.state);
    });
    // The real serial transport (serialport binding) on the ECR end, as the app opens it.
    await terminals.add(config(connection, { profileId: 'generic' }));
    await until(terminals, 'ready');
    expect((await terminals.run('t1', { command: 'status' })).ok).toBe(true);

    await ptys.unplug();
    await until(terminals, 'failed');
    expect(terminals.get('t1').link).toMatchObject({ state: 'failed', retryAt: expect.any(String) });
    // Still unplugged: reconnect attempts fail (the port is gone) and the link stays down.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(['failed', 'connecting']).toContain(terminals.get('t1').link.state);
    await expect(terminals.run('t1', { command: 'status' })).rejects.toMatchObject({ code: 'unavailable' });

    await ptys.replug();
    await until(terminals, 'ready', 10_000);
    expect(await terminals.run('t1', { command: 'status' })).toMatchObject({ ok: true, terminalStatus: { code: 0, ready: true } });
    expect(states.slice(0, 3)).toEqual(['connecting', 'registering', 'ready']);
    expect(states).toContain('failed');
    expect(states.at(-1)).toBe('ready');
    const log = terminals.recentEvents('t1', 500, ['error', 'link']).map((event) => event.message);
    expect(log.some((message) => message.startsWith('link lost'))).toBe(true);
  }, 30_000);
});

describe('the device adapter on the real manager', () => {
  it('registers with the terminal password of the device, not the default', async () => {
    const simulator = await simulatorOverTcp();
    const terminals = manager();
    const links = new ManagerLinks(terminals);
    await links.add({ id: 't1', name: 'Till 1', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! }, password: '123456' });
    await until(terminals, 'ready');
    const frames = terminals.recentEvents('t1', 200, ['frame']).map((event) => event.message);
    // 06 00 <password 12 34 56> <config 8E> <currency 01 56> (PA00P015 2.1).
    expect(frames).toContain('out 0600061234568E0156');
    // Reconnect from the board keeps it.
    expect((await links.run('t1', 'reconnect')).ok).toBe(true);
    await until(terminals, 'ready');
    expect(terminals.recentEvents('t1', 500, ['frame']).filter((event) => event.message === 'out 0600061234568E0156')).toHaveLength(2);
  });
});
