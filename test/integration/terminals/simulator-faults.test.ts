import { afterEach, describe, expect, it } from 'vitest';
import { tlv, type EcrCommand, type VendorProfile } from '../../../electron/node/protocol/zvt/index';
import { toEcrCommand } from '../../../electron/node/services/terminals/commands';
import type { OpenTerminalLink } from '../../../electron/node/services/terminals/link';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import type { TerminalCommand, TerminalConnection } from '../../../shared/domain/terminals';
import { openLink, runCommand, simulatorOnPtyPair } from '../../helpers/simulator';

// The simulator's faults and registration settings as the console sees them over a real link.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function overTcp(options: Parameters<typeof startSimulator>[0] = {}, profile?: VendorProfile): Promise<{ simulator: RunningSimulator; link: OpenTerminalLink }> {
  const simulator = await startSimulator({ tcp: { port: 0 }, ...options });
  cleanups.push(() => simulator.close());
  const link = await open({ type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! }, profile);
  return { simulator, link };
}

const open = (connection: TerminalConnection, profile?: VendorProfile): Promise<OpenTerminalLink> => openLink(cleanups, connection, profile ? { profile } : {});
const run = runCommand;

const register = (config: number, extra: Partial<Extract<EcrCommand, { kind: 'registration' }>> = {}): EcrCommand => ({ kind: 'registration', password: '000000', config, currency: 156, ...extra });

describe('simulator faults', () => {
  it('printer jam: status 0xCC, and every command that prints aborts with 0xCC "printer jam"', async () => {
    const { simulator, link } = await overTcp();
    expect((await run(link, { command: 'register' })).ok).toBe(true);
    expect((await run(link, { command: 'pay', amount: 1000 })).ok).toBe(true);
    simulator.terminal.setFault('printer-jam', true);
    expect((await run(link, { command: 'status' })).terminalStatus).toMatchObject({ code: 0xcc, ready: false });
    const printing: TerminalCommand[] = [
      { command: 'pay', amount: 500 },
      { command: 'refund', amount: 100 },
      { command: 'reversal', receiptNumber: 1 },
      { command: 'print-config' },
      { command: 'diagnosis' },
      { command: 'selftest' },
      { command: 'end-of-day' },
      { command: 'turnover-totals' },
      { command: 'repeat-receipt' },
    ];
    for (const command of printing) {
      const result = await run(link, command);
      expect(result, command.command).toMatchObject({ ok: false, result: { code: 0xcc }, error: { code: 'aborted', message: expect.stringContaining('printer jam') } });
      expect(result.receipt, command.command).toEqual([]);
    }
    // Nothing was booked while the printer was jammed, and commands that do not print still run.
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 1, amount: 1000 });
    expect((await run(link, { command: 'register' })).ok).toBe(true);
    simulator.terminal.setFault('printer-jam', false);
    simulator.terminal.setFault('paper-out', true);
    expect(await run(link, { command: 'end-of-day' })).toMatchObject({ ok: false, result: { code: 0xcc }, error: { message: expect.stringContaining('paper out') } });
    simulator.terminal.setFault('paper-out', false);
    expect(await run(link, { command: 'end-of-day' })).toMatchObject({ ok: true, statusInformation: [{ amount: 1000 }] });
  });

  it('overheating: status 0xDF, diagnosis still runs, log-off refused 84 FF, everything else aborts with 0xFF', async () => {
    const { simulator, link } = await overTcp();
    expect((await run(link, { command: 'register' })).ok).toBe(true);
    simulator.terminal.setFault('overheating', true);
    expect((await run(link, { command: 'status' })).terminalStatus).toMatchObject({ code: 0xdf, ready: false });
    const diagnosis = await run(link, { command: 'diagnosis' });
    expect(diagnosis).toMatchObject({ ok: true });
    expect(diagnosis.receipt).toContain('TEMPERATURE TOO HIGH');
    for (const command of [{ command: 'pay', amount: 100 }, { command: 'register' }, { command: 'end-of-day' }, { command: 'software-update' }, { command: 'print-config' }] as TerminalCommand[]) {
      expect(await run(link, command), command.command).toMatchObject({ ok: false, error: { code: 'aborted' }, result: { code: 0xff } });
    }
    expect(await run(link, { command: 'log-off' })).toMatchObject({ ok: false, error: { code: 'negative-ack' }, result: { code: 0xff } });
    simulator.terminal.setFault('overheating', false);
    expect((await run(link, { command: 'pay', amount: 100 })).ok).toBe(true);
  });

  it('slow: answers come late but complete; slower than T3 is a timeout, and the link works again after', async () => {
    const { simulator, link } = await overTcp({}, { id: 'quick', name: 'T3 300 ms', timeouts: { responseMs: 300 } });
    simulator.terminal.setFault('slow', true, 120);
    const late = await run(link, { command: 'status' });
    expect(late).toMatchObject({ ok: true, terminalStatus: { code: 0 } });
    expect(late.durationMs).toBeGreaterThanOrEqual(230);
    simulator.terminal.setFault('slow', true, 500);
    expect(await run(link, { command: 'status' })).toMatchObject({ ok: false, error: { code: 'timeout', message: expect.stringContaining('T3') } });
    simulator.terminal.setFault('slow', false);
    // Let the late answers of the timed-out command arrive and be answered.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await run(link, { command: 'status' })).toMatchObject({ ok: true, terminalStatus: { code: 0 } });
  });

  it('nak storm on a serial line: the console gives up after three transmissions, and recovers when it stops', async () => {
    const { simulator, connection } = await simulatorOnPtyPair(cleanups);
    const link = await open(connection);
    const outgoing: number[] = [];
    link.session.observe((event) => {
      if (event.type === 'apdu-out') outgoing.push(event.attempt);
    });
    simulator.terminal.setFault('nak-storm', true);
    expect(await run(link, { command: 'status' })).toMatchObject({ ok: false, error: { code: 'nak', message: 'terminal refused the block 3 times (NAK)' } });
    expect(outgoing).toEqual([1, 2, 3]);
    simulator.terminal.setFault('nak-storm', false);
    expect(await run(link, { command: 'status' })).toMatchObject({ ok: true, terminalStatus: { code: 0 } });
  });
});

describe('simulator registration settings', () => {
  it('sends Print Lines only when the config byte asks for them (table 1 bits 1, 2 and 7)', async () => {
    const { link } = await overTcp();
    const receiptOf = async (config: number) => {
      expect((await link.session.execute(register(config))).ok).toBe(true);
      const payment = await run(link, { command: 'pay', amount: 250 });
      const configuration = await run(link, { command: 'print-config' });
      expect(payment.statusInformation, config.toString(16)).toHaveLength(1);
      return { payment: payment.receipt.length, admin: configuration.receipt.length };
    };
    // Six lines of the receipt under the merchant's line (the default Chinese shop's, in ASCII: CP437 cannot carry Chinese).
    expect(await receiptOf(0x8e)).toEqual({ payment: 7, admin: 7 });
    // Bit 7 clear: the ECR builds receipts from Status-Information, no Print Lines.
    expect(await receiptOf(0x0e)).toEqual({ payment: 0, admin: 0 });
    // Only payment receipts on the ECR; administration receipts come out of the terminal.
    expect(await receiptOf(0x82)).toEqual({ payment: 7, admin: 0 });
    // Neither: the terminal prints everything itself.
    expect(await receiptOf(0x80)).toEqual({ payment: 0, admin: 0 });
  });

  it('sends intermediate status only when registration asked for it (bit 3)', async () => {
    const { link } = await overTcp();
    await link.session.execute(register(0x86));
    const without = await link.session.execute(toEcrCommand({ command: 'pay', amount: 100 }));
    expect(without.ok && without.value.intermediateStatus).toEqual([]);
    await link.session.execute(register(0x8e));
    const withStatus = await link.session.execute(toEcrCommand({ command: 'pay', amount: 100 }));
    expect(withStatus.ok && withStatus.value.intermediateStatus.map((message) => message.status)).toEqual([0x0a, 0x04]);
  });

  it('echoes a character set it can use (tag 14) and the console switches to it; one it cannot use is not echoed', async () => {
    const { link } = await overTcp();
    const utf8 = await link.session.execute(register(0x8e, { tlv: [tlv(0x14, [0xfe])] }));
    // Echoed inside tag 27, as 9.4.2 has it (and as ecrterm's capture of a real terminal shows: 27 03 14 01 FF).
    const echoed = utf8.ok ? utf8.value.completion?.tlv?.find((node) => node.tag === 0x27) : undefined;
    expect(echoed?.children?.map((node) => [node.tag, Array.from(node.value)])).toEqual([[0x14, [0xfe]]]);
    expect(link.session.charset).toBe('utf8');
    const unknown = await link.session.execute(register(0x8e, { tlv: [tlv(0x14, [0x42])] }));
    expect(unknown.ok && unknown.value.completion?.tlv).toBeUndefined();
    // Registered again without a charset echo: the terminal is back on its default, and so is the console.
    expect(link.session.charset).toBe('auto');
    // A list (27 with several 14): the sets both sides have come back, and the terminal stays with CP437.
    const list = await link.session.execute(register(0x8e, { tlv: [tlv(0x27, [tlv(0x14, [0x01]), tlv(0x14, [0x42]), tlv(0x14, [0xfe])])] }));
    const common = list.ok ? list.value.completion?.tlv?.find((node) => node.tag === 0x27) : undefined;
    expect(common?.children?.map((node) => node.value[0])).toEqual([0x01, 0xfe]);
    expect(link.session.charset).toBe('auto');
    const paid = await link.session.execute(toEcrCommand({ command: 'pay', amount: 100 }));
    expect(paid.ok).toBe(true);
  });

  it('keeps end-of-day totals adding up over payments, a refund and a reversal', async () => {
    const { simulator, link } = await overTcp();
    await run(link, { command: 'register' });
    for (const amount of [1000, 2000, 500]) expect((await run(link, { command: 'pay', amount })).ok).toBe(true);
    expect((await run(link, { command: 'refund', amount: 300 })).ok).toBe(true);
    expect((await run(link, { command: 'reversal', receiptNumber: 2 })).ok).toBe(true);
    // A refund larger than any card's turnover would take a BCD total below zero: refused.
    expect(await run(link, { command: 'refund', amount: 5000 })).toMatchObject({ ok: false, result: { code: 0xc3 } });
    const endOfDay = await run(link, { command: 'end-of-day' });
    const totals = endOfDay.statusInformation[0] as { amount: number; singleTotals: { receiptStart: number; receiptEnd: number; groups: { group: string; amount: number; count: number }[] } };
    expect(totals.amount).toBe(1000 + 2000 + 500 - 300 - 2000);
    expect(totals.singleTotals.groups.reduce((sum, group) => sum + group.amount, 0)).toBe(totals.amount);
    expect(totals.singleTotals.groups.reduce((sum, group) => sum + group.count, 0)).toBe(5);
    expect(totals.singleTotals.groups.every((group) => group.amount >= 0)).toBe(true);
    expect(totals.singleTotals).toMatchObject({ receiptStart: 1, receiptEnd: 5 });
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 0, amount: 0 });
    // The closed batch cannot be reversed any more.
    expect(await run(link, { command: 'reversal', receiptNumber: 1 })).toMatchObject({ ok: false, result: { code: 0xb5 } });
  });
});
