import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import type { TerminalCommand } from '../../../shared/domain/terminals';
import { until } from '../../helpers/until';
import { tempDir } from '../../helpers/temp';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function storeWithSimulatedTerminal(): Promise<{ core: AppCore; deviceId: string; simulator: RunningSimulator }> {
  const simulator = await startSimulator({ tcp: { port: 0 } });
  cleanups.push(() => simulator.close());
  const temp = tempDir();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger });
  cleanups.push(temp.cleanup, () => core.dispose());
  const created = await core.dispatch('devices.create', { name: 'Counter 1', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
  if (!created.ok) throw new Error(created.error.message);
  const deviceId = (created.value as { id: string }).id;
  await until(() => (core.services.terminals.get(deviceId).link.state === 'ready' ? true : undefined), 'the link to be ready');
  return { core, deviceId, simulator };
}

describe('transaction capture from a real terminal link', () => {
  it('stores each payment the terminal reports once, and the end-of-day totals reconcile with them', async () => {
    const { core, deviceId } = await storeWithSimulatedTerminal();
    const first = await core.services.terminals.run(deviceId, { command: 'pay', amount: 1234 });
    const second = await core.services.terminals.run(deviceId, { command: 'pay', amount: 500 });
    expect(first.ok && second.ok).toBe(true);

    const page = core.services.transactions.search({ from: '2000-01-01', to: '2099-12-31', terminalId: deviceId, limit: 50 });
    expect(page.items.map((t) => t.amountCents).sort((a, b) => a - b)).toEqual([500, 1234]);
    expect(page.items.every((t) => t.kind === 'payment' && /^\d{6}\*+\d{4}$/.test(t.maskedPan))).toBe(true);
    const businessDay = page.items[0]!.businessDay;
    // The board's "last transaction seen" follows the sales; the status history does not grow with them.
    const latest = page.items.map((t) => t.occurredAt).sort().at(-1);
    expect(core.services.devices.status(deviceId).lastTransactionAt).toBe(latest);
    const historyBefore = core.services.devices.history(deviceId).length;
    await core.services.terminals.run(deviceId, { command: 'pay', amount: 1 });
    expect(core.services.devices.history(deviceId).length).toBe(historyBefore);
    expect(core.services.devices.status(deviceId).lastTransactionAt).not.toBeNull();

    const endOfDay = await core.services.terminals.run(deviceId, { command: 'end-of-day' });
    expect(endOfDay.ok).toBe(true);
    const day = await core.services.transactions.reconcile({ from: businessDay, to: businessDay, terminalId: deviceId });
    expect(day.days).toHaveLength(1);
    expect(day.days[0]).toMatchObject({ status: 'ok', capturedCents: 1735, endOfDayCents: 1735, transactionCount: 3 });
    expect(day.anomalies).toEqual([]);
  });

  it('never makes a second row when the same Status Information is delivered again', async () => {
    const { core, deviceId } = await storeWithSimulatedTerminal();
    let delivered: Parameters<Parameters<typeof core.services.terminals.onStatusInformation>[0]> | undefined;
    core.services.terminals.onStatusInformation((...args) => {
      delivered = args;
    });
    await core.services.terminals.run(deviceId, { command: 'pay', amount: 999 });
    const [terminalId, message] = await until(() => delivered, 'a status information');
    const capture = core.services.transactions.capture.bind(core.services.transactions);
    const { transactionFromStatusInformation } = await import('../../../electron/node/services/transactions/zvt-capture');
    const again = capture(transactionFromStatusInformation(terminalId, message, { command: 'pay', at: Date.now() })!);
    expect(again.created).toBe(false);
    expect(core.services.transactions.search({ from: '2000-01-01', to: '2099-12-31', terminalId: deviceId, limit: 50 }).items).toHaveLength(1);
  });

  it('stores the receipt the terminal printed with the payment it belongs to', async () => {
    const { core, deviceId } = await storeWithSimulatedTerminal();
    expect((await core.services.terminals.run(deviceId, { command: 'pay', amount: 1234 })).ok).toBe(true);
    const [stored] = core.services.transactions.search({ from: '2000-01-01', to: '2099-12-31', terminalId: deviceId, limit: 5 }).items;
    expect(stored?.receiptText).toContain('AMOUNT 12.34 CNY');
    expect(stored?.receiptText).toContain(`RECEIPT ${stored?.receiptNumber}`);
    expect(stored?.receiptText.split('\n').length).toBeGreaterThan(3);
  });

  it('captures a payment and its reversal over TCP with the reversal pointing at the payment: no anomaly', async () => {
    // Through the manager's own commands, so its Status Information listener (the context it
    // builds: the ECR command sent, the receipt lines, BMP 87 of a reversal) is what is proven.
    const { core, deviceId } = await storeWithSimulatedTerminal();
    const transactions = core.services.transactions;
    const run = async (command: TerminalCommand) => expect((await core.services.terminals.run(deviceId, command)).ok).toBe(true);
    await run({ command: 'pay', amount: 1999 });
    const payment = transactions.search({ from: '2000-01-01', to: '2099-12-31', limit: 5 }).items[0]!;
    await run({ command: 'reversal', receiptNumber: payment.receiptNumber });
    await run({ command: 'end-of-day' });

    const stored = transactions.search({ from: '2000-01-01', to: '2099-12-31', limit: 5 }).items;
    const reversal = stored.find((t) => t.kind === 'reversal');
    expect(reversal).toMatchObject({ originalReceiptNumber: payment.receiptNumber, amountCents: 1999, businessDay: payment.businessDay });
    expect(reversal?.receiptNumber).not.toBe(payment.receiptNumber);
    expect(reversal?.receiptText).toContain('REFUND / REVERSAL');
    expect(payment.receiptText).toContain('AMOUNT 19.99 CNY');
    const day = await transactions.reconcile({ from: payment.businessDay, to: payment.businessDay });
    expect(day.anomalies).toEqual([]);
    expect(day.days[0]).toMatchObject({ status: 'ok', transactionCount: 2, capturedCents: 0, endOfDayCents: 0 });
  });
});
