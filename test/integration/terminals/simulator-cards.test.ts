import { afterEach, describe, expect, it } from 'vitest';
import { tlv, type EcrCommand } from '../../../electron/node/protocol/zvt/index';
import type { OpenTerminalLink } from '../../../electron/node/services/terminals/link';
import { startSimulator, type SimulatorServerOptions } from '../../../electron/node/simulator/index';
import { openLink, runCommand } from '../../helpers/simulator';

// The simulator's default shop is a Chinese counter; the German demo stays an option.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function overTcp(options: Omit<SimulatorServerOptions, 'tcp'> = {}): Promise<OpenTerminalLink> {
  const simulator = await startSimulator({ tcp: { port: 0 }, ...options });
  cleanups.push(() => simulator.close());
  return openLink(cleanups, { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! });
}

/** Registration as the console sends it (config 8E, CNY), optionally asking for UTF-8 text (tag 14 = FE). */
const register = (utf8: boolean): EcrCommand => ({ kind: 'registration', password: '000000', config: 0x8e, currency: 156, ...(utf8 ? { tlv: [tlv(0x14, [0xfe])] } : {}) });

describe('the simulator as a Chinese counter (the default)', () => {
  it('pays with UnionPay cards (card type 198) in CNY and counts them in the "other" totals group', async () => {
    const link = await overTcp();
    expect((await link.session.execute(register(false))).ok).toBe(true);
    const payments = [];
    for (const amount of [1000, 2500, 330]) payments.push(await runCommand(link, { command: 'pay', amount }));
    const cards = payments.map((p) => p.statusInformation[0] as { cardType: number; cardName: string; maskedPan: string; currency?: number });
    expect(cards.map((c) => c.cardType)).toEqual([198, 198, 198]);
    // CP437 cannot carry Chinese: the names come in ASCII.
    expect(cards.map((c) => c.cardName)).toEqual(['UnionPay Debit', 'UnionPay Credit', 'UnionPay QuickPass']);
    expect(cards.every((c) => /^62\d{4}\*{6}\d{4}$/.test(c.maskedPan))).toBe(true);
    expect(payments[0]!.receipt[0]).toBe('LEJIA BIANLIDIAN (DEMO)');
    expect(payments[0]!.receipt).toContain('AMOUNT 10.00 CNY');
    const endOfDay = await runCommand(link, { command: 'end-of-day' });
    const totals = endOfDay.statusInformation[0] as { amount: number; singleTotals: { groups: { group: string; count: number; amount: number }[] } };
    expect(totals.singleTotals.groups.filter((g) => g.count > 0)).toEqual([{ group: 'other', count: 3, amount: 3830 }]);
  });

  it('writes the merchant and card names in Chinese once the console registers for UTF-8, and the console reads them back', async () => {
    const link = await overTcp();
    expect((await link.session.execute(register(true))).ok).toBe(true);
    expect(link.session.charset).toBe('utf8');
    const payment = await runCommand(link, { command: 'pay', amount: 1888 });
    expect(payment.statusInformation[0]).toMatchObject({ cardType: 198, cardName: '银联借记卡', currency: 156 });
    expect(payment.receipt[0]).toBe('乐家便利店（演示）');
    expect(payment.receipt).toContain('银联借记卡 621483******0012');
  });

  it('keeps the German demo as an option: girocard, Visa, Mastercard and no merchant line', async () => {
    const link = await overTcp({ cardSet: 'germany' });
    expect((await link.session.execute(register(true))).ok).toBe(true);
    const payment = await runCommand(link, { command: 'pay', amount: 500 });
    expect(payment.statusInformation[0]).toMatchObject({ cardType: 0x05, cardName: 'girocard', maskedPan: '672559******1234' });
    expect(payment.receipt[0]).toBe('PAYMENT');
  });
});
