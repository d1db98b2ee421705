import { afterEach, describe, expect, it } from 'vitest';
import { connectionFromArgs } from '../../../electron/node/cli/connection-args';
import type { CliIo } from '../../../electron/node/cli/command';
import { runCli } from '../../../electron/node/cli/index';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import { createPtyPair } from '../../helpers/pty';

// `poscare terminal` and `poscare simulate` run in-process (runCli, as bin/poscare.js does)
// against the simulator: the commands and options a technician types.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

function io(stopped: Promise<void> = new Promise(() => undefined)): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), env: {}, untilStopped: () => stopped };
}

async function poscare(...args: string[]): Promise<Run> {
  const console = io();
  const status = await runCli(args, console);
  const stdout = console.out.join('');
  return { status, stdout, stderr: console.err.join(''), json: stdout.startsWith('{') ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
}

async function simulator(): Promise<{ running: RunningSimulator; address: string }> {
  const running = await startSimulator({ tcp: { port: 0 } });
  cleanups.push(() => running.close());
  return { running, address: `127.0.0.1:${running.tcpPort!}` };
}

describe('poscare simulate --cards', () => {
  it('refuses an unknown card set, naming the known ones, before it listens', async () => {
    const result = await poscare('simulate', '--tcp', '127.0.0.1:0', '--cards', 'france');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown card set "france"; known: china, germany');
    expect(result.stdout).toBe('');
  });
});

describe('poscare terminal reversal and refund', () => {
  it('reverses a payment by its receipt number, and refuses to reverse it twice', async () => {
    const { running, address } = await simulator();
    // Registered as the console does (config 8E): the ECR prints receipts from Print Lines.
    expect((await poscare('terminal', 'register', '--tcp', address)).status).toBe(0);
    const payment = await poscare('terminal', 'pay', '--amount', '12.34', '--tcp', address);
    expect(payment.status).toBe(0);
    const receiptNumber = (payment.json.statusInformation as { receiptNumber: number }[])[0]?.receiptNumber;
    expect(receiptNumber).toBe(1);
    const reversal = await poscare('terminal', 'reversal', '--receipt', String(receiptNumber), '--tcp', address);
    expect(reversal.stderr).toBe('');
    expect(reversal.status).toBe(0);
    expect(reversal.json).toMatchObject({ ok: true, command: 'reversal', statusInformation: [{ amount: 1234, receiptNumber: 2 }] });
    expect(reversal.json.receipt).toContain('AMOUNT 12.34 CNY');
    expect(running.terminal.snapshot().turnover).toEqual({ count: 2, amount: 0 });
    const again = await poscare('terminal', 'reversal', '--receipt', '1', '--tcp', address);
    expect(again.status).toBe(1);
    expect(again.json).toMatchObject({ ok: false, result: { code: 0xb4 } });
    const unknown = await poscare('terminal', 'reversal', '--receipt', '77', '--tcp', address);
    expect(unknown.json).toMatchObject({ ok: false, result: { code: 0xb5 } });
  });

  it('refunds an amount to a card that has the turnover, and refuses a refund beyond it', async () => {
    const { running, address } = await simulator();
    expect((await poscare('terminal', 'refund', '--amount', '5.50', '--tcp', address)).json).toMatchObject({ ok: false, result: { code: 0xc3 } });
    const payment = await poscare('terminal', 'pay', '--amount', '20.00', '--tcp', address);
    expect(payment.status).toBe(0);
    // A Chinese counter's card (UnionPay, ZVT card type 198); the refund goes to a UnionPay card too (its group has the turnover).
    expect(payment.json).toMatchObject({ statusInformation: [{ cardType: 198, cardName: 'UnionPay Debit' }] });
    const refund = await poscare('terminal', 'refund', '--amount', '5.50', '--tcp', address);
    expect(refund.status).toBe(0);
    expect(refund.json).toMatchObject({ ok: true, command: 'refund', statusInformation: [{ amount: 550, cardType: 198 }] });
    expect(running.terminal.snapshot().turnover).toEqual({ count: 2, amount: 1450 });
  });

  it('runs a software update and reports the new version in the next status', async () => {
    const { address } = await simulator();
    expect((await poscare('terminal', 'software-update', '--tcp', address)).json).toMatchObject({ ok: true, command: 'software-update' });
    expect((await poscare('terminal', 'status', '--tcp', address)).json).toMatchObject({ softwareVersion: 'PosCare-SIM 1.0.1', terminalId: '52500001', serialNumber: '12345678' });
  });

  it('explains missing or misplaced arguments with exit code 2', async () => {
    const cases: [string[], string][] = [
      [['terminal', 'reversal', '--tcp', '127.0.0.1:1'], 'reversal needs --receipt N'],
      [['terminal', 'reversal', '--receipt', '12345', '--tcp', '127.0.0.1:1'], 'reversal needs --receipt N'],
      [['terminal', 'refund', '--tcp', '127.0.0.1:1'], 'refund needs --amount like 12.34'],
      [['terminal', 'status', '--receipt', '3', '--tcp', '127.0.0.1:1'], '--receipt only applies to reversal'],
      [['terminal', 'reversal', '--receipt', '3', '--amount', '1.00', '--tcp', '127.0.0.1:1'], '--amount only applies to pay and refund'],
    ];
    for (const [args, message] of cases) {
      const result = await poscare(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });
});

describe('serial line options of poscare terminal and simulate', () => {
  it('default to the ZVT line 9600 8N2 and take data bits, parity and stop bits', () => {
    expect(connectionFromArgs({ serial: '/dev/ttyUSB0' })).toEqual({ type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 2 });
    expect(connectionFromArgs({ serial: 'COM3', baud: '19200', 'data-bits': '7', parity: 'even', 'stop-bits': '1' })).toEqual({ type: 'serial', path: 'COM3', baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 1 });
    expect(connectionFromArgs({ serial: 'COM3', 'stop-bits': '1.5' })).toMatchObject({ stopBits: 1.5 });
  });

  it('refuse bad values and serial options on TCP with a clear error and exit code 2', async () => {
    const cases: [string[], string][] = [
      [['terminal', 'status', '--serial', '/dev/null', '--data-bits', '9'], '--data-bits must be 5, 6, 7 or 8, got "9"'],
      [['terminal', 'status', '--serial', '/dev/null', '--parity', 'sometimes'], '--parity must be one of none, even, odd, mark, space, got "sometimes"'],
      [['terminal', 'status', '--serial', '/dev/null', '--stop-bits', '3'], '--stop-bits must be 1, 1.5 or 2, got "3"'],
      [['terminal', 'status', '--serial', '/dev/null', '--baud', 'fast'], '--baud must be a serial speed'],
      [['terminal', 'status', '--tcp', '127.0.0.1:1', '--parity', 'even'], '--parity applies only to --serial'],
      [['simulate', '--serial', '/dev/null', '--stop-bits', '0'], '--stop-bits must be 1, 1.5 or 2, got "0"'],
      [['simulate', '--tcp', '127.0.0.1:0', '--data-bits', '7', '--parity', 'odd'], '--data-bits, --parity apply only to --serial'],
    ];
    for (const [args, message] of cases) {
      const result = await poscare(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });

  it('run a status enquiry over a pty pair with the line given on both sides', async () => {
    const ptys = await createPtyPair();
    cleanups.push(() => ptys.close());
    let stop: () => void = () => undefined;
    const simulateIo = io(new Promise<void>((resolve) => (stop = resolve)));
    const simulating = runCli(['simulate', '--serial', ptys.b, '--baud', '19200', '--data-bits', '8', '--parity', 'even', '--stop-bits', '1'], simulateIo);
    cleanups.push(async () => {
      stop();
      await simulating;
    });
    await expect.poll(() => simulateIo.out.join(''), { timeout: 5000 }).toContain('"simulator":"ready"');
    const status = await poscare('terminal', 'status', '--serial', ptys.a, '--baud', '19200', '--parity', 'even', '--stop-bits', '1');
    expect(status.stderr).toBe('');
    expect(status.json).toMatchObject({ ok: true, terminalStatus: { code: 0, ready: true } });
  });
});
