import { afterEach, describe, expect, it } from 'vitest';
import { openTerminalLink, type OpenTerminalLink } from '../../../electron/node/services/terminals/link';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import type { TerminalConnection } from '../../../shared/domain/terminals';
import { openLink, runCommand, simulatorControl as control, simulatorOnPtyPair } from '../../helpers/simulator';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulatorOverTcp(options: Parameters<typeof startSimulator>[0] = {}): Promise<RunningSimulator> {
  const simulator = await startSimulator({ tcp: { port: 0 }, controlPort: 0, ...options });
  cleanups.push(() => simulator.close());
  return simulator;
}

const link = (connection: TerminalConnection): Promise<OpenTerminalLink> => openLink(cleanups, connection);
const run = runCommand;


describe('the simulated terminal over loopback TCP', () => {
  it('answers a status enquiry with its status and software version', async () => {
    const simulator = await simulatorOverTcp();
    const opened = await link({ type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! });
    const summary = await run(opened, { command: 'status' });
    expect(summary).toMatchObject({ ok: true, terminalStatus: { code: 0, ready: true }, softwareVersion: 'PosCare-SIM 1.0.0' });
  });

  it('runs every management command and pays with totals that add up at end-of-day', async () => {
    const simulator = await simulatorOverTcp();
    const opened = await link({ type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! });
    for (const command of ['register', 'diagnosis', 'selftest', 'print-config'] as const) {
      const summary = await run(opened, { command });
      expect(summary.ok, command).toBe(true);
      expect(summary.receipt.length > 0 || command === 'register', command).toBe(true);
    }
    const first = await run(opened, { command: 'pay', amount: 1234 });
    const second = await run(opened, { command: 'pay', amount: 766 });
    expect(first.statusInformation[0]).toMatchObject({ amount: 1234, trace: 1, receiptNumber: 1 });
    expect(second.statusInformation[0]).toMatchObject({ amount: 766, trace: 2, receiptNumber: 2 });
    expect(String(first.statusInformation[0]?.maskedPan)).toMatch(/\*{6}/);
    const repeat = await run(opened, { command: 'repeat-receipt' });
    expect(repeat.statusInformation[0]).toMatchObject({ amount: 766, receiptNumber: 2 });
    const endOfDay = await run(opened, { command: 'end-of-day' });
    expect(endOfDay.ok).toBe(true);
    const totals = endOfDay.statusInformation[0] as { amount: number; singleTotals: { groups: { amount: number; count: number }[] } };
    expect(totals.amount).toBe(2000);
    expect(totals.singleTotals.groups.reduce((sum, group) => sum + group.amount, 0)).toBe(2000);
    expect(totals.singleTotals.groups.reduce((sum, group) => sum + group.count, 0)).toBe(2);
    expect((await run(opened, { command: 'log-off' })).ok).toBe(true);
  });

  it('reports injected faults: paper out in the status, host unreachable as a typed abort, busy as a negative ack', async () => {
    const simulator = await simulatorOverTcp();
    const opened = await link({ type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! });
    expect(await control(simulator.controlPort!, 'fault paper-out on')).toBe('ok paper-out on');
    expect((await run(opened, { command: 'status' })).terminalStatus).toMatchObject({ code: 0xcc, ready: false });
    expect(await control(simulator.controlPort!, 'fault paper-out off')).toBe('ok paper-out off');
    expect(await control(simulator.controlPort!, 'fault host-unreachable')).toBe('ok host-unreachable on');
    const payment = await run(opened, { command: 'pay', amount: 100 });
    expect(payment).toMatchObject({ ok: false, result: { code: 0xa3 }, error: { code: 'aborted' } });
    expect(await control(simulator.controlPort!, 'fault busy')).toBe('ok busy on');
    expect(await run(opened, { command: 'diagnosis' })).toMatchObject({ ok: false, error: { code: 'negative-ack' }, result: { code: 0x9c } });
    expect(await control(simulator.controlPort!, 'clear')).toBe('ok cleared');
    expect((await run(opened, { command: 'status' })).terminalStatus).toMatchObject({ code: 0, ready: true });
    expect(await control(simulator.controlPort!, 'fault meltdown')).toMatch(/^error unknown fault/);
  });

  it('drops the link on power loss and accepts a new one when power returns', async () => {
    const simulator = await simulatorOverTcp();
    const opened = await openTerminalLink({ type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! });
    const lost = new Promise((resolve) => opened.transport.onClose(resolve));
    simulator.terminal.setFault('link-drop', true, 200);
    expect(await lost).toMatchObject({ kind: 'lost' });
    await opened.close();
    await expect.poll(() => simulator.terminal.powered, { timeout: 3000 }).toBe(true);
    const again = await (async () => {
      for (;;) {
        try {
          return await link({ type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! });
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    })();
    expect((await run(again, { command: 'status' })).ok).toBe(true);
  });
});

describe('the simulated terminal over a pty pair', () => {
  it('answers status and a payment through serial framing with ACKs', async () => {
    const { connection } = await simulatorOnPtyPair(cleanups);
    const opened = await link(connection);
    expect(await run(opened, { command: 'status' })).toMatchObject({ ok: true, terminalStatus: { code: 0 } });
    expect((await run(opened, { command: 'pay', amount: 1234 })).statusInformation[0]).toMatchObject({ amount: 1234 });
  });

  it('survives garbage bytes and corrupted CRCs on the line', async () => {
    const { simulator, connection } = await simulatorOnPtyPair(cleanups, { random: () => 0.42 });
    const opened = await link(connection);
    simulator.terminal.setFault('garbage', true);
    expect((await run(opened, { command: 'status' })).ok).toBe(true);
    simulator.terminal.setFault('garbage', false);
    simulator.terminal.setFault('corrupt-crc', true);
    const corrupted = await run(opened, { command: 'status' });
    expect(corrupted.ok).toBe(false);
    simulator.terminal.setFault('corrupt-crc', false);
    expect((await run(opened, { command: 'status' })).ok).toBe(true);
  }, 30_000);
});
