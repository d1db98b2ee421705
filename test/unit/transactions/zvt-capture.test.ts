import { describe, expect, it } from 'vitest';
import { tlv, type StatusInformationMessage } from '../../../electron/node/protocol/zvt/index';
import { endOfDayFromStatusInformation, localDateTime, transactionFromStatusInformation } from '../../../electron/node/services/transactions/zvt-capture';
import { attentionText } from '../../../electron/node/services/attention/texts';

const payment: StatusInformationMessage = {
  kind: 'status-information',
  amount: 1234,
  trace: 17,
  receiptNumber: 9,
  date: '1121',
  time: '143005',
  cardType: 10,
  cardName: 'VISA',
  maskedPan: '476173******0010',
  terminalId: '52500038',
  contractNumber: '4711',
  authorisationAttribute: '20833917',
  resultCode: 0,
};

const at = (iso: string) => new Date(iso).getTime();

describe('capturing what a terminal reports', () => {
  it('turns a Status Information into a payment in the terminal group end-of-day totals use', () => {
    expect(transactionFromStatusInformation('counter-1', payment, { command: 'pay', at: at('2026-11-21T15:00:00') })).toEqual({
      terminalId: 'counter-1',
      traceNumber: 17,
      receiptNumber: 9,
      occurredAt: '2026-11-21T14:30:05',
      amountCents: 1234,
      kind: 'payment',
      cardType: 'visa',
      cardName: 'VISA',
      maskedPan: '476173******0010',
      tid: '52500038',
      vu: '4711',
      aid: '20833917',
      resultCode: 0,
      originalReceiptNumber: null,
      receiptText: '',
    });
  });

  it('takes a trace number longer than 6 digits from TLV 1F2B when BMP 0B is 000000 (3.1.1)', () => {
    const long = { ...payment, trace: 0, tlv: [tlv(0x1f2b, [0x12, 0x34, 0x56, 0x78, 0x90])] };
    expect(transactionFromStatusInformation('t', long, { command: 'pay', at: at('2026-11-21T15:00:00') })).toMatchObject({ traceNumber: 1234567890 });
    // 0B wins when it carries the trace itself.
    expect(transactionFromStatusInformation('t', { ...long, trace: 17 }, { command: 'pay', at: at('2026-11-21T15:00:00') })).toMatchObject({ traceNumber: 17 });
  });

  it('keeps the receipt the terminal printed and, for a reversal, the receipt number it undid', () => {
    const context = { command: 'pay', at: at('2026-11-21T15:00:00'), ecrCommand: 'authorization', receipt: ['PAYMENT  ', 'VISA 476173******0010', 'AMOUNT 12.34 CNY', ''] };
    expect(transactionFromStatusInformation('t', payment, context)).toMatchObject({
      kind: 'payment',
      receiptText: 'PAYMENT\nVISA 476173******0010\nAMOUNT 12.34 CNY',
      originalReceiptNumber: null,
    });
    // The reversal's own Status Information has its new receipt number; the original is the command's BMP 87.
    const reversal = transactionFromStatusInformation('t', { ...payment, receiptNumber: 10 }, { ...context, command: 'x', ecrCommand: 'reversal', originalReceiptNumber: 9 });
    expect(reversal).toMatchObject({ kind: 'reversal', receiptNumber: 10, originalReceiptNumber: 9 });
    const huge = transactionFromStatusInformation('t', payment, { ...context, receipt: Array.from({ length: 2_000 }, () => 'x'.repeat(40)) });
    expect(huge?.receiptText?.length).toBe(20_000);
  });

  it('records a refused payment as declined and a reversal or refund by its command', () => {
    const context = { command: 'pay', at: at('2026-11-21T15:00:00') };
    expect(transactionFromStatusInformation('t', { ...payment, resultCode: 0x05 }, context)?.kind).toBe('declined');
    expect(transactionFromStatusInformation('t', payment, { ...context, command: 'reversal' })?.kind).toBe('reversal');
    expect(transactionFromStatusInformation('t', payment, { ...context, command: 'refund' })?.kind).toBe('refund');
    expect(transactionFromStatusInformation('t', { ...payment, cardType: 200 }, context)?.cardType).toBe('other');
  });

  it('ignores reports without a trace, receipt number, amount or readable date', () => {
    const context = { command: 'pay', at: at('2026-11-21T15:00:00') };
    expect(transactionFromStatusInformation('t', { ...payment, trace: undefined }, context)).toBeUndefined();
    expect(transactionFromStatusInformation('t', { ...payment, receiptNumber: undefined }, context)).toBeUndefined();
    expect(transactionFromStatusInformation('t', { ...payment, date: '0231' }, context)).toBeUndefined();
    expect(transactionFromStatusInformation('t', payment, { ...context, command: 'end-of-day' })).toBeUndefined();
  });

  it('dates a receipt of 31 December read on 1 January in the old year', () => {
    expect(localDateTime({ ...payment, date: '1231', time: '235959' }, at('2027-01-01T00:05:00'))).toBe('2026-12-31T23:59:59');
    expect(localDateTime({ ...payment, fullDate: '250301', date: undefined }, at('2027-01-01T00:05:00'))).toBe('2025-03-01T14:30:05');
  });

  it('reads end-of-day single totals per card group, skipping empty groups', () => {
    const endOfDay: StatusInformationMessage = {
      kind: 'status-information',
      date: '1121',
      time: '220000',
      singleTotals: {
        receiptStart: 1,
        receiptEnd: 9,
        groups: [
          { group: 'girocard', count: 3, amount: 4500 },
          { group: 'visa', count: 0, amount: 0 },
          { group: 'eurocard', count: 1, amount: 99 },
        ],
      },
    };
    expect(endOfDayFromStatusInformation(endOfDay, { command: 'end-of-day', at: at('2026-11-21T22:00:01') })).toEqual({
      closedAt: '2026-11-21T22:00:00',
      receiptStart: 1,
      receiptEnd: 9,
      totals: [
        { cardType: 'girocard', count: 3, amountCents: 4500 },
        { cardType: 'eurocard', count: 1, amountCents: 99 },
      ],
    });
    // An empty batch names a range all the same; it closed no receipt.
    const empty = { ...endOfDay, singleTotals: { receiptStart: 10, receiptEnd: 10, groups: [{ group: 'girocard' as const, count: 0, amount: 0 }] } };
    expect(endOfDayFromStatusInformation(empty, { command: 'end-of-day', at: at('2026-11-21T22:00:01') })).toMatchObject({ receiptStart: null, receiptEnd: null, totals: [] });
    expect(endOfDayFromStatusInformation(endOfDay, { command: 'status', at: 0 })).toBeUndefined();
  });
});

describe('status notifications', () => {
  // When they fire (down, back; not for other changes) is the attention service's: test/integration/attention.
  it('tell when a terminal goes down and when it comes back, in the chosen language', () => {
    expect(attentionText('zh-CN', 'status.bannerDown', { name: '1号收银台', stateKey: 'status.overall.offline' })).toBe('1号收银台：离线');
    expect(attentionText('en', 'status.bannerRecovered', { name: 'Counter 1', stateKey: 'status.overall.ok' })).toBe('Counter 1 is back (OK)');
  });
});
