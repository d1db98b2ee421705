import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import { databasePath, openDatabase, type Db } from '../../../electron/node/db/connection';
import { EventBus } from '../../../electron/node/events/bus';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../electron/node/services/terminals/backoff';
import { openTerminalLink } from '../../../electron/node/services/terminals/link';
import { TerminalManager, type TerminalManagerOptions } from '../../../electron/node/services/terminals/terminal-manager';
import { hexToBytes } from '../../../electron/node/protocol/zvt/index';
import { SimulatedTerminal } from '../../../electron/node/simulator/index';
import type { TerminalConfigInput, TerminalLink } from '../../../shared/domain/terminals';
import { tempDir } from '../../helpers/temp';
import { memoryPair, type MemoryTransport } from './memory-transport';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Lets promise chains and microtasks run (the simulator answers through them). */
async function settle(rounds = 20): Promise<void> {
  for (let index = 0; index < rounds; index++) await new Promise((resolve) => setImmediate(resolve));
}

interface World {
  manager: TerminalManager;
  clock: FakeClock;
  db: Db;
  bus: EventBus;
  terminals: Map<string, SimulatedTerminal>;
  /** ids whose terminal is unreachable (openLink fails) */
  unreachable: Set<string>;
  /** the ECR-side transport of each live link */
  wires: Map<string, MemoryTransport>;
  changes: TerminalLink[];
}

/** `fromTerminal` may rewrite each APDU the simulated terminal sends (to play what a real terminal would). */
function world(options: Partial<TerminalManagerOptions> = {}, fromTerminal?: (apdu: Uint8Array) => Uint8Array): World {
  const temp = tempDir();
  const db = openDatabase(databasePath(temp.dir));
  const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
  const bus = new EventBus();
  const terminals = new Map<string, SimulatedTerminal>();
  const unreachable = new Set<string>();
  const wires = new Map<string, MemoryTransport>();
  const changes: TerminalLink[] = [];
  bus.subscribe((event, payload) => {
    if (event === 'terminals.linkChanged') changes.push(payload as TerminalLink);
  });
  const manager = new TerminalManager({
    db,
    bus,
    clock,
    random: () => 0.5,
    pollIntervalMs: 10_000,
    flushIntervalMs: 100,
    ...options,
    openLink: (config, linkOptions) => {
      if (unreachable.has(config.id)) return Promise.reject(new Error(`cannot connect to ${config.id}`));
      return openTerminalLink(config.connection, {
        ...linkOptions,
        transportFactory: () => {
          const [ecr, pt] = memoryPair(config.id);
          let terminal = terminals.get(config.id);
          if (!terminal) {
            terminal = new SimulatedTerminal({ terminalId: '5250000' + terminals.size });
            terminals.set(config.id, terminal);
          }
          if (fromTerminal) {
            const write = pt.write.bind(pt);
            pt.write = (bytes) => write(fromTerminal(bytes));
          }
          terminal.attach(pt, 'tcp');
          wires.set(config.id, ecr);
          return ecr;
        },
      });
    },
  });
  cleanups.push(() => {
    void manager.dispose();
    db.close();
    temp.cleanup();
  });
  return { manager, clock, db, bus, terminals, unreachable, wires, changes };
}

const tcp = (id: string, extra: Partial<TerminalConfigInput> = {}): TerminalConfigInput => ({ id, name: `Till ${id}`, connection: { type: 'tcp', host: '127.0.0.1', port: 20007 }, ...extra });

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the maximum, spread by the jitter', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, middle))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, DEFAULT_BACKOFF, middle)).toBe(60_000);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(800);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(1200);
  });
});

describe('the terminal connection manager', () => {
  it('connects, registers and reports ready with the terminal status, as snapshot and change events', async () => {
    const { manager, changes } = world();
    await manager.add(tcp('t1'));
    await settle();
    const [link] = manager.list();
    expect(link).toMatchObject({ id: 't1', name: 'Till t1', address: 'tcp:127.0.0.1:20007', link: { state: 'ready', terminalStatus: 0 } });
    expect(link?.lastStatus).toMatchObject({ terminalStatus: 0, textEn: 'Ready', softwareVersion: 'PosCare-SIM 1.0.0' });
    // Consecutive states: what the terminal reports about itself is announced as it arrives, in the same state.
    expect(changes.map((change) => change.link.state).filter((state, index, all) => state !== all[index - 1])).toEqual(['connecting', 'registering', 'ready']);
    expect(link?.reported).toEqual({ terminalId: '52500000', serialNumber: '12345678', softwareVersion: 'PosCare-SIM 1.0.0' });
    expect(changes.at(-1)?.reported).toEqual(link?.reported);
  });

  it('marks a terminal degraded when a health check finds paper out, and ready again when it is fixed', async () => {
    const { manager, clock, terminals } = world();
    await manager.add(tcp('t1'));
    await settle();
    terminals.get('t1')!.setFault('paper-out', true);
    clock.advance(10_000);
    await settle();
    expect(manager.get('t1').link).toMatchObject({ state: 'degraded', terminalStatus: 0xcc, reason: 'Printer not ready' });
    terminals.get('t1')!.setFault('paper-out', false);
    clock.advance(10_000);
    await settle();
    expect(manager.get('t1').link).toMatchObject({ state: 'ready' });
  });

  it('retries an unreachable terminal with growing delays and connects once it answers', async () => {
    const { manager, clock, unreachable } = world();
    unreachable.add('t1');
    await manager.add(tcp('t1'));
    await settle();
    expect(manager.get('t1').link).toMatchObject({ state: 'failed', retryAt: '2026-03-02T09:00:01.000Z' });
    clock.advance(1000);
    await settle();
    expect(manager.get('t1').link).toMatchObject({ state: 'failed', retryAt: '2026-03-02T09:00:03.000Z' });
    unreachable.delete('t1');
    clock.advance(2000);
    await settle();
    expect(manager.get('t1').link.state).toBe('ready');
  });

  it('reconnects after the link is lost, and keeps the other terminals running', async () => {
    const { manager, clock, wires } = world();
    await manager.add(tcp('t1'));
    await manager.add(tcp('t2'));
    await settle();
    wires.get('t1')!.hangUp();
    await settle();
    expect(manager.get('t1').link.state).toBe('failed');
    expect(manager.get('t2').link.state).toBe('ready');
    expect((await manager.run('t2', { command: 'status' })).ok).toBe(true);
    clock.advance(1200);
    await settle();
    expect(manager.get('t1').link.state).toBe('ready');
  });

  it('drops and reconnects a terminal that stops answering health checks', async () => {
    const { manager, clock, terminals } = world({ failedChecksBeforeReconnect: 2 });
    await manager.add(tcp('t1'));
    await settle();
    // The terminal refuses every command (84 9C) although the link itself stays up.
    const terminal = terminals.get('t1')!;
    terminal.setFault('busy', true);
    clock.advance(10_000);
    await settle();
    expect(manager.get('t1').link).toMatchObject({ state: 'degraded' });
    clock.advance(10_000);
    await settle();
    expect(manager.get('t1').link.state).toBe('failed');
    terminal.setFault('busy', false);
    clock.advance(1200);
    await settle();
    expect(manager.get('t1').link.state).toBe('ready');
  });

  it('runs a payment, hands its Status Information to subscribers and logs it without the card number', async () => {
    const { manager } = world();
    const seen: { terminalId: string; amount?: number; maskedPan?: string }[] = [];
    manager.onStatusInformation((terminalId, message) => {
      seen.push({ terminalId, amount: message.amount, maskedPan: message.maskedPan });
    });
    await manager.add(tcp('t1'));
    await settle();
    const result = await manager.run('t1', { command: 'pay', amount: 1234 });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([{ terminalId: 't1', amount: 1234, maskedPan: '621483******0012' }]);
    const events = manager.recentEvents('t1', 500);
    expect(events.some((event) => event.type === 'command' && event.message === 'pay')).toBe(true);
    expect(events.some((event) => event.type === 'result' && event.message === 'pay ok')).toBe(true);
    expect(events.some((event) => event.type === 'frame')).toBe(true);
    const statusFrame = events.find((event) => event.type === 'frame' && event.message.startsWith('in 040F'));
    expect(statusFrame?.message).toBe('in 040F… (card data withheld)');
    expect(statusFrame?.data).toMatchObject({ kind: 'status-information', maskedPan: '621483******0012' });
    expect(statusFrame?.message).not.toMatch(/[0-9A-F]{8}/);
  });

  it('withholds a frame whose card data came only in TLV (track 2 in 1F09, no card BMP) and logs no card number', async () => {
    const PAN = '4761739001010010';
    // What a terminal asked (1F05) to send the card data it cannot process puts in its Status Information (9.4.2).
    const statusWithTrack = hexToBytes(`04 0F 21 27 00 04 00 00 00 00 12 34 0B 00 00 01 87 00 01 06 0F 1F 09 0C ${PAN} D2 51 22 01`)!;
    const { manager } = world({}, (apdu) => (apdu[0] === 0x04 && apdu[1] === 0x0f ? statusWithTrack : apdu));
    await manager.add(tcp('t1'));
    await settle();
    expect((await manager.run('t1', { command: 'pay', amount: 1234 })).ok).toBe(true);
    const events = manager.recentEvents('t1', 500);
    const statusFrame = events.find((event) => event.type === 'frame' && event.message.startsWith('in 040F'));
    expect(statusFrame?.message).toBe('in 040F… (card data withheld)');
    expect(statusFrame?.data).toMatchObject({ kind: 'status-information', tlvFields: { track2: '476173******0010' } });
    expect(JSON.stringify(events)).not.toContain(PAN);
  });

  it('drops and reconnects a link whose stream got out of step, and the next command succeeds', async () => {
    const { manager, clock, terminals } = world({ pollIntervalMs: 0 });
    // Garbage before every answer: over TCP its first bytes read as an APDU header whose length lies.
    const terminal = new SimulatedTerminal({ random: () => 0.42 });
    terminals.set('t1', terminal);
    await manager.add(tcp('t1'));
    await settle();
    expect(manager.get('t1').link.state).toBe('ready');
    terminal.setFault('garbage', true);
    const failing = manager.run('t1', { command: 'diagnosis' });
    await settle();
    clock.advance(5_000); // T3 / 5.2.5 case b
    const failed = await failing;
    expect(failed).toMatchObject({ ok: false, error: { code: 'protocol' } });
    await settle();
    expect(manager.get('t1').link).toMatchObject({ state: 'failed', reason: expect.stringContaining('protocol error') });
    terminal.setFault('garbage', false);
    clock.advance(1_200);
    await settle();
    expect(manager.get('t1').link.state).toBe('ready');
    expect(await manager.run('t1', { command: 'diagnosis' })).toMatchObject({ ok: true });
  });

  it('aborts the running command with 06 B0; nothing to abort when idle; never for a vendor that refuses Abort', async () => {
    const { manager, terminals } = world({ pollIntervalMs: 0, profiles: [{ id: 'no-abort', name: 'Vendor X', noAbortFromEcr: true }] });
    await manager.add(tcp('t1'));
    await manager.add(tcp('t2', { profileId: 'no-abort' }));
    await settle();
    expect(manager.abort('t1')).toEqual({ aborted: false, reason: 'no command is running' });
    const payment = manager.run('t1', { command: 'pay', amount: 700 });
    expect(manager.get('t1').link).toMatchObject({ state: 'busy', command: 'pay' });
    expect(manager.abort('t1')).toEqual({ aborted: true, command: 'pay' });
    expect(await payment).toMatchObject({ ok: false, error: { code: 'aborted' }, result: { code: 0x6c } });
    expect(terminals.get('t1')!.snapshot().turnover).toEqual({ count: 0, amount: 0 });
    expect(manager.recentEvents('t1', 200, ['command']).map((event) => event.message)).toContain('abort pay');
    const other = manager.run('t2', { command: 'pay', amount: 700 });
    expect(manager.abort('t2')).toEqual({ aborted: false, command: 'pay', reason: 'Vendor X does not accept Abort from the ECR' });
    expect(await other).toMatchObject({ ok: true });
    expect(manager.get('t1').link.state).toBe('ready');
  });

  it('refuses to abort a short command (the shared vocabulary), sends nothing and lets it finish', async () => {
    const { manager } = world({ pollIntervalMs: 0 });
    await manager.add(tcp('t1'));
    await settle();
    const printing = manager.run('t1', { command: 'print-config' });
    expect(manager.get('t1').link).toMatchObject({ state: 'busy', command: 'print-config' });
    expect(() => manager.abort('t1')).toThrow(expect.objectContaining({ code: 'command_not_abortable', details: { command: 'print-config' } }));
    expect(await printing).toMatchObject({ ok: true });
    expect(manager.recentEvents('t1', 200, ['command']).map((event) => event.message)).not.toContain('abort print-config');
    const diagnosis = manager.run('t1', { command: 'diagnosis' });
    expect(manager.abort('t1')).toEqual({ aborted: true, command: 'diagnosis' });
    expect(await diagnosis).toMatchObject({ ok: false, error: { code: 'aborted' } });
  });

  it('passes the intermediate status texts of a running command to its caller', async () => {
    const { manager } = world({ pollIntervalMs: 0 });
    await manager.add(tcp('t1'));
    await settle();
    const progress: string[] = [];
    expect(await manager.run('t1', { command: 'software-update' }, { onProgress: (text) => progress.push(text) })).toMatchObject({ ok: true });
    expect(progress).toEqual(['Connecting to host', 'Connected to host', 'Please wait…']);
    expect((await manager.run('t1', { command: 'status' })).softwareVersion).toBe('PosCare-SIM 1.0.1');
    expect(manager.get('t1').reported?.softwareVersion).toBe('PosCare-SIM 1.0.1');
  });

  it('refuses commands for unknown or disconnected terminals with typed errors', async () => {
    const { manager, unreachable } = world();
    await expect(manager.run('nope', { command: 'status' })).rejects.toMatchObject({ code: 'not_found' });
    unreachable.add('t1');
    await manager.add(tcp('t1'));
    await settle();
    await expect(manager.run('t1', { command: 'status' })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('rejects a config with a bad password and changes nothing', async () => {
    const { manager } = world();
    await expect(manager.add(tcp('t1', { password: '12ab' }))).rejects.toThrow();
    expect(manager.list()).toEqual([]);
  });

  it('honours the vendor profile of a terminal: no Print Line means registration asks for none', async () => {
    const { manager } = world({ profiles: [{ id: 'no-print-line', name: 'Terminal without Print Line', noPrintLine: true }] });
    await manager.add(tcp('t1', { profileId: 'no-print-line' }));
    await manager.add(tcp('t2'));
    await settle();
    const registration = (id: string) => manager.recentEvents(id, 200, ['frame']).find((event) => event.message.startsWith('out 0600'))?.message;
    // Config byte (table 1): 8E with bit 7 "print via Print Line", 0E without.
    expect(registration('t1')).toBe('out 0600060000000E0156');
    expect(registration('t2')).toBe('out 0600060000008E0156');
  });

  it('knows the built-in vendor profiles without being given them, and refuses an unknown profile instead of using the generic one', async () => {
    const { manager } = world({ pollIntervalMs: 0 });
    await manager.add(tcp('t1', { profileId: 'no-print-line' }));
    await manager.add(tcp('t2', { profileId: 'no-abort' }));
    await settle();
    const registration = manager.recentEvents('t1', 200, ['frame']).find((event) => event.message.startsWith('out 0600'))?.message;
    expect(registration).toBe('out 0600060000000E0156');
    await manager.add(tcp('t1', { profileId: 'no-print-line' })); // replacing keeps working
    const payment = manager.run('t2', { command: 'pay', amount: 100 });
    expect(manager.abort('t2')).toEqual({ aborted: false, command: 'pay', reason: 'No-abort terminal does not accept Abort from the ECR' });
    expect(await payment).toMatchObject({ ok: true });
    await expect(manager.add(tcp('t3', { profileId: 'vendor-from-the-future' }))).rejects.toMatchObject({
      code: 'validation',
      details: { issues: [{ path: 'profileId', messageKey: 'terminals.unknownProfile' }] },
    });
    expect(manager.list().map((link) => link.id)).toEqual(['t2', 't1']);
  });

  it('keeps raw frames only for the retention window', async () => {
    const { manager, clock } = world({ frameRetentionMs: 60_000, pollIntervalMs: 0 });
    await manager.add(tcp('t1'));
    await settle();
    expect(manager.recentEvents('t1', 100, ['frame']).length).toBeGreaterThan(0);
    clock.advance(61_000);
    manager.prune();
    expect(manager.recentEvents('t1', 100, ['frame'])).toEqual([]);
    expect(manager.recentEvents('t1', 100, ['link']).length).toBeGreaterThan(0);
  });

  it('closes every link on dispose and stops polling', async () => {
    const { manager, clock, wires } = world();
    await manager.add(tcp('t1'));
    await manager.add(tcp('t2'));
    await settle();
    await manager.dispose();
    expect(wires.get('t1')!.isOpen).toBe(false);
    expect(wires.get('t2')!.isOpen).toBe(false);
    expect(manager.list()).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
