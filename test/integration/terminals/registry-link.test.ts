import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import type { Device } from '../../../shared/domain/devices';
import type { TerminalAbortResult, TerminalCommandResult } from '../../../shared/domain/terminals';
import { tempDir } from '../../helpers/temp';

// The device registry wired to the real terminal manager through the real adapter (ManagerLinks),
// as app.ts wires them, against the simulator over loopback TCP.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(options: Parameters<typeof startSimulator>[0] = {}): Promise<{ core: AppCore; simulator: RunningSimulator }> {
  const simulator = await startSimulator({ tcp: { port: 0 }, terminalId: '52512345', serialNumber: '20260042', softwareVersion: 'SIM 4.1.7', ...options });
  cleanups.push(() => simulator.close());
  const temp = tempDir();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  return { core, simulator };
}

async function createDevice(core: AppCore, port: number, extra: Record<string, unknown> = {}): Promise<Device> {
  const created = await core.dispatch('devices.create', { name: 'Counter 1', model: 'SIM', connection: { type: 'tcp', host: '127.0.0.1', port }, ...extra });
  if (!created.ok) throw new Error(created.error.message);
  return created.value as Device;
}

function value<T>(result: { ok: true; value: unknown } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

describe('the device registry on a live terminal link', () => {
  it('fills in the TID, serial number and software version the terminal reports on connect', async () => {
    const { core, simulator } = await world();
    const device = await createDevice(core, simulator.tcpPort!);
    expect(device).toMatchObject({ tid: '', serialNumber: '', softwareVersion: '' });
    await expect.poll(() => core.services.devices.get(device.id), { timeout: 5000 }).toMatchObject({ tid: '52512345', serialNumber: '20260042', softwareVersion: 'SIM 4.1.7' });
  });

  it('runs a software update from the board: progress from the intermediate status, the new version in the registry', async () => {
    const { core, simulator } = await world();
    const device = await createDevice(core, simulator.tcpPort!);
    await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 5000 }).toBe('ready');
    const progress: string[] = [];
    core.bus.subscribe((event, payload) => {
      const command = payload as { deviceId?: string; phase?: string; text?: string };
      if (event === 'devices.command' && command.phase === 'progress') progress.push(command.text ?? '');
    });
    const record = value<{ ok: boolean; command: string; summary: string }>(await core.dispatch('devices.runCommand', { id: device.id, command: 'softwareUpdate' }));
    expect(record).toMatchObject({ ok: true, command: 'softwareUpdate', summary: expect.stringContaining('SIM 4.1.8') });
    expect(progress).toEqual(expect.arrayContaining(['software-update', 'Connecting to host', 'Connected to host']));
    expect(core.services.devices.get(device.id).softwareVersion).toBe('SIM 4.1.8');
    expect(core.services.devices.status(device.id).softwareVersion).toBe('SIM 4.1.8');
  });

  it('tests the card reader from the board (Read Card 06 C0): the masked card number, or "card not readable" when the reader is broken', async () => {
    const { core, simulator } = await world();
    const device = await createDevice(core, simulator.tcpPort!);
    await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 5000 }).toBe('ready');
    type Record = { ok: boolean; command: string; summary: string; summaryText: { zh: string; en: string } };
    const words: unknown[] = [];
    core.bus.subscribe((event, payload) => {
      const command = payload as { phase?: string; words?: unknown };
      if (event === 'devices.command' && command.phase === 'progress' && command.words) words.push(command.words);
    });
    const read = value<Record>(await core.dispatch('devices.runCommand', { id: device.id, command: 'cardReaderTest' }));
    // The terminal's "insert card" (intermediate status 0A) reaches the console in both languages.
    expect(words).toContainEqual({ zh: '请插卡', en: 'Insert card' });
    expect(read).toMatchObject({ ok: true, command: 'cardReaderTest', summary: 'card:621483******0012' });
    expect(read.summaryText).toEqual({ zh: '读到卡片：621483******0012', en: 'Card read: 621483******0012' });
    expect(core.services.devices.status(device.id).cardReader).toBe('ok');
    // The link is free again at once: Read Card ends with the Status-Information, no Completion (3.1.2).
    expect(core.services.terminals.get(device.id).link.state).toBe('ready');

    simulator.terminal.setFault('card-unreadable', true);
    const broken = value<Record>(await core.dispatch('devices.runCommand', { id: device.id, command: 'cardReaderTest' }));
    expect(broken).toMatchObject({ ok: false, summary: 'result:0x64' });
    expect(broken.summaryText.zh).toBe('卡片无法读取');
    // The test card cannot be read: the reader is faulty, the terminal down until a test reads a card again.
    expect(core.services.devices.status(device.id)).toMatchObject({ cardReader: 'fault', overall: 'fault', lastErrorCode: 'result:0x64' });
    // A payment cannot read the card either, and nothing is booked.
    const payment = value<TerminalCommandResult>(await core.dispatch('terminals.run', { id: device.id, command: 'pay', amount: 500 }));
    expect(payment).toMatchObject({ ok: false, result: { code: 0x64 } });
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 0, amount: 0 });
    // Repaired: the next card payment proves the reader reads cards again.
    simulator.terminal.setFault('card-unreadable', false);
    expect(value<TerminalCommandResult>(await core.dispatch('terminals.run', { id: device.id, command: 'pay', amount: 500 })).ok).toBe(true);
    await expect.poll(() => core.services.devices.status(device.id), { timeout: 5000 }).toMatchObject({ cardReader: 'ok', overall: 'ok' });
  });

  it('reports a software update the terminal management system refuses as failed', async () => {
    const { core, simulator } = await world();
    const device = await createDevice(core, simulator.tcpPort!);
    await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 5000 }).toBe('ready');
    simulator.terminal.setFault('host-unreachable', true);
    const record = value<{ ok: boolean }>(await core.dispatch('devices.runCommand', { id: device.id, command: 'softwareUpdate' }));
    expect(record.ok).toBe(false);
    expect(core.services.devices.get(device.id).softwareVersion).toBe('SIM 4.1.7');
  });

  it('aborts a running payment with terminals.abort; the terminal ends it with 06 1E', async () => {
    const { core, simulator } = await world();
    const device = await createDevice(core, simulator.tcpPort!);
    await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 5000 }).toBe('ready');
    expect(value<TerminalAbortResult>(await core.dispatch('terminals.abort', { id: device.id }))).toEqual({ aborted: false, reason: 'no command is running' });
    simulator.terminal.setFault('slow', true, 150);
    const payment = core.dispatch('terminals.run', { id: device.id, command: 'pay', amount: 990 });
    await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 2000, interval: 10 }).toBe('busy');
    expect(value<TerminalAbortResult>(await core.dispatch('terminals.abort', { id: device.id }))).toEqual({ aborted: true, command: 'pay' });
    const result = value<TerminalCommandResult>(await payment);
    expect(result).toMatchObject({ ok: false, error: { code: 'aborted' }, result: { code: 0x6c } });
    expect(result.statusInformation).toEqual([]);
    simulator.terminal.setFault('slow', false);
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 0, amount: 0 });
    expect(value<TerminalCommandResult>(await core.dispatch('terminals.run', { id: device.id, command: 'status' })).ok).toBe(true);
  });

  it('aborts an end-of-day started from the device page mid-way; the record says aborted and the link stays usable', async () => {
    const { core, simulator } = await world();
    const device = await createDevice(core, simulator.tcpPort!);
    await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 5000 }).toBe('ready');
    expect(value<TerminalCommandResult>(await core.dispatch('terminals.run', { id: device.id, command: 'pay', amount: 1250 })).ok).toBe(true);
    // Every terminal message 150 ms late: the end-of-day is still running when the Abort goes out.
    simulator.terminal.setFault('slow', true, 150);
    const endOfDay = core.dispatch('devices.runCommand', { id: device.id, command: 'endOfDay' });
    await expect.poll(() => core.services.terminals.get(device.id).link, { timeout: 2000, interval: 10 }).toMatchObject({ state: 'busy', command: 'end-of-day' });
    expect(value<TerminalAbortResult>(await core.dispatch('terminals.abort', { id: device.id }))).toEqual({ aborted: true, command: 'end-of-day' });
    const record = value<{ ok: boolean; command: string; summary: string; summaryText: { en: string }; finishedAt: string | null }>(await endOfDay);
    // The terminal's own reason: 6C aborted by timeout or abort key (chapter 10).
    expect(record).toMatchObject({ ok: false, command: 'endOfDay', summary: 'result:0x6C', summaryText: { en: 'Aborted by timeout or abort key' } });
    expect(record.finishedAt).toEqual(expect.any(String));
    expect(core.services.terminals.recentEvents(device.id, 500, ['frame']).some((event) => event.message.startsWith('out 06B0'))).toBe(true);
    // Nothing was closed: the turnover since the last end-of-day is still there, and a new end-of-day closes it.
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 1, amount: 1250 });
    simulator.terminal.setFault('slow', false);
    expect(core.services.terminals.get(device.id).link.state).toBe('ready');
    expect(value<{ ok: boolean }>(await core.dispatch('devices.runCommand', { id: device.id, command: 'statusEnquiry' })).ok).toBe(true);
    expect(value<{ ok: boolean }>(await core.dispatch('devices.runCommand', { id: device.id, command: 'endOfDay' })).ok).toBe(true);
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 0, amount: 0 });
  });

  it('sends no Abort to a device whose vendor profile refuses it; its command runs to the end', async () => {
    const { core, simulator } = await world();
    const device = await createDevice(core, simulator.tcpPort!, { profileId: 'no-abort' });
    await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 5000 }).toBe('ready');
    simulator.terminal.setFault('slow', true, 100);
    const diagnosis = core.dispatch('devices.runCommand', { id: device.id, command: 'diagnosis' });
    await expect.poll(() => core.services.terminals.get(device.id).link, { timeout: 2000, interval: 10 }).toMatchObject({ state: 'busy', command: 'diagnosis' });
    expect(value<TerminalAbortResult>(await core.dispatch('terminals.abort', { id: device.id }))).toEqual({
      aborted: false,
      command: 'diagnosis',
      reason: 'No-abort terminal does not accept Abort from the ECR',
    });
    expect(value<{ ok: boolean }>(await diagnosis).ok).toBe(true);
    expect(core.services.terminals.recentEvents(device.id, 500, ['frame']).some((event) => event.message.startsWith('out 06B0'))).toBe(false);
  });

  it('reads the receipts of a terminal that writes Latin-1 without saying so only with the latin1 profile; UTF-8 is detected on its own', async () => {
    async function printedHeader(charset: 'latin1' | 'utf8', profileId: string): Promise<string | undefined> {
      const { core, simulator } = await world({ fixedCharset: charset, receiptHeader: 'Bäckerei Müller' });
      const device = await createDevice(core, simulator.tcpPort!, { profileId });
      await expect.poll(() => core.services.terminals.get(device.id).link.state, { timeout: 5000 }).toBe('ready');
      const record = value<{ ok: boolean; printLines: string[] }>(await core.dispatch('devices.runCommand', { id: device.id, command: 'printConfiguration' }));
      expect(record.ok).toBe(true);
      return record.printLines[0];
    }
    expect(await printedHeader('latin1', 'latin1')).toBe('Bäckerei Müller');
    // Read as CP437 (E4 = Σ, FC = ⁿ): what a generic profile shows for Latin-1.
    expect(await printedHeader('latin1', 'generic')).toBe('BΣckerei Mⁿller');
    expect(await printedHeader('utf8', 'generic')).toBe('Bäckerei Müller');
  });

  it('takes the serial number a terminal sends as hex digits into the registry with the serial-hex profile', async () => {
    const { core, simulator } = await world({ serialNumber: '2026A0F2', serialNumberAsHex: true });
    const device = await createDevice(core, simulator.tcpPort!, { profileId: 'serial-hex' });
    await expect.poll(() => core.services.devices.get(device.id).serialNumber, { timeout: 5000 }).toBe('2026A0F2');
  });
});
