/**
 * Realistic demo transactions for demos and benchmarks: per terminal a running trace and receipt
 * number, store hours, a mix of card types and amounts, a few reversals, refunds and declines,
 * receipt text, and an end-of-day result per terminal and day that matches the captured sums.
 * Deterministic for a given seed.
 */
import { randomUUID } from 'node:crypto';
import { DeviceFields } from '../../../../shared/domain/devices';
import type { CardTypeTotal, TransactionKind } from '../../../../shared/domain/transactions';
import { bulkInsertTransactions } from '../../db/bulk';
import type { Db } from '../../db/connection';
import { insertDevice, listDevices } from '../../db/devices';
import type { StoredTransaction } from '../../db/transactions';
import { signedAmount } from './reconcile';

export interface DemoOptions {
  transactions: number;
  terminals: number;
  /**
   * The terminals to write for, in order (registry device ids and their TIDs): the demo data then
   * lines up with the devices the manager registered. Terminals past this list get T001, T002, ...
   */
  terminalIds?: readonly { id: string; tid?: string | null }[];
  days: number;
  /** The last business day (YYYY-MM-DD); the data ends there. */
  lastDay: string;
  seed?: number;
}

/**
 * The payment mix of a Chinese counter: UnionPay debit and credit cards and 云闪付 (ZVT card type
 * 198, CUP), 微信支付 and 支付宝 QR codes taken on the terminal (Alipay is card type 97; WeChat Pay
 * has no ZVT id), and rare foreign cards. `cardType` is the end-of-day totals group the capture
 * stores (totalsGroupOfCardType: UnionPay, Alipay and WeChat Pay count as 'other', as the BMP 60
 * groups have none of their own). QR payments have no card number.
 */
const CARDS = [
  { cardType: 'other', cardName: '银联借记卡', aid: 'A000000333010101', weight: 36, pan: '621483' },
  { cardType: 'other', cardName: '银联贷记卡', aid: 'A000000333010102', weight: 18, pan: '625907' },
  { cardType: 'other', cardName: '云闪付', aid: 'A000000333010108', weight: 8, pan: '623456' },
  { cardType: 'other', cardName: '微信支付', aid: '', weight: 20, pan: '' },
  { cardType: 'other', cardName: '支付宝', aid: '', weight: 15, pan: '' },
  { cardType: 'visa', cardName: 'Visa', aid: 'A0000000031010', weight: 2, pan: '427020' },
  { cardType: 'eurocard', cardName: 'Mastercard', aid: 'A0000000041010', weight: 1, pan: '520000' },
] as const;

/** The receipt's words for each kind (a Chinese 签购单). */
const RECEIPT_KIND: Record<TransactionKind, string> = { payment: '消费', reversal: '消费撤销', refund: '退货', declined: '交易失败' };

/** A small fast PRNG (mulberry32): reproducible demo data without Math.random. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dayBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export interface DemoDay {
  terminalId: string;
  businessDay: string;
  totals: CardTypeTotal[];
}

/** Yields the transactions in time order; `onDayDone` gets each terminal-day's end-of-day totals. */
export function* demoTransactions(options: DemoOptions, onDayDone: (day: DemoDay) => void): Generator<StoredTransaction> {
  const random = prng(options.seed ?? 20_240_501);
  const perDay = Math.max(1, options.transactions / (options.terminals * options.days));
  const trace = new Array<number>(options.terminals).fill(0).map(() => Math.floor(random() * 1000));
  const receipt = new Array<number>(options.terminals).fill(0).map(() => Math.floor(random() * 100));
  let produced = 0;
  for (let d = options.days - 1; d >= 0; d--) {
    const businessDay = dayBefore(options.lastDay, d);
    for (let t = 0; t < options.terminals; t++) {
      const known = options.terminalIds?.[t];
      const terminalId = known?.id ?? `T${pad(t + 1, 3)}`;
      const tid = known?.tid ?? pad(52_000_000 + t + 1, 8);
      const dayIndex = options.days - 1 - d;
      const quota = Math.min(
        Math.round(perDay * (dayIndex * options.terminals + t + 1)) - Math.round(perDay * (dayIndex * options.terminals + t)),
        options.transactions - produced,
      );
      const totals = new Map<string, CardTypeTotal>();
      const payments: { receipt: number; amount: number }[] = [];
      const secondsStep = Math.max(1, Math.floor((13 * 3600) / Math.max(1, quota)));
      for (let i = 0; i < quota; i++) {
        const seconds = 9 * 3600 + i * secondsStep + Math.floor(random() * secondsStep);
        const occurredAt = `${businessDay}T${pad(Math.floor(seconds / 3600) % 24, 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
        let pick = random() * 100;
        const card = CARDS.find((c) => (pick -= c.weight) < 0) ?? CARDS[0];
        const roll = random();
        let kind: TransactionKind = roll < 0.94 ? 'payment' : roll < 0.97 ? 'declined' : roll < 0.99 ? 'reversal' : 'refund';
        const original = kind === 'reversal' || kind === 'refund' ? payments[Math.floor(random() * payments.length)] : undefined;
        if ((kind === 'reversal' || kind === 'refund') && !original) kind = 'payment';
        const amountCents = original ? original.amount : 100 + Math.floor(random() * random() * 50_000);
        trace[t] = ((trace[t] ?? 0) % 999_999) + 1;
        receipt[t] = ((receipt[t] ?? 0) % 9_999) + 1;
        const receiptNumber = receipt[t] ?? 0;
        if (kind === 'payment') payments.push({ receipt: receiptNumber, amount: amountCents });
        if (kind !== 'declined') {
          const total = totals.get(card.cardType) ?? { cardType: card.cardType, count: 0, amountCents: 0 };
          total.count += 1;
          total.amountCents += signedAmount(kind, amountCents);
          totals.set(card.cardType, total);
        }
        const last4 = pad(Math.floor(random() * 10_000), 4);
        const maskedPan = card.pan ? `${card.pan}******${last4}` : '';
        const yuan = (amountCents / 100).toFixed(2);
        produced++;
        yield {
          terminalId,
          businessDay,
          occurredAt,
          traceNumber: trace[t] ?? 0,
          receiptNumber,
          kind,
          amountCents,
          cardType: card.cardType,
          cardName: card.cardName,
          maskedPan,
          tid,
          vu: `45530000${pad(t + 1, 4)}`,
          aid: card.aid,
          resultCode: kind === 'declined' ? 5 : 0,
          originalReceiptNumber: original ? original.receipt : null,
          receiptText: `POS签购单\n终端号 ${tid}  流水号 ${pad(trace[t] ?? 0, 6)}  凭证号 ${pad(receiptNumber, 4)}\n日期时间 ${occurredAt.replace('T', ' ')}\n${maskedPan ? `卡种 ${card.cardName}  卡号 ${maskedPan}` : `支付方式 ${card.cardName}（扫码）`}\n交易类型 ${RECEIPT_KIND[kind]}\n金额 RMB ${yuan}\n${kind === 'declined' ? '交易失败' : '交易成功'}`,
        };
      }
      onDayDone({ terminalId, businessDay, totals: [...totals.values()] });
    }
  }
}

export interface DemoFillRequest {
  transactions: number;
  /** Default: the registered terminals, else 3. */
  terminals?: number;
  days: number;
  seed: number;
}

export interface DemoFillResult {
  transactions: number;
  created: number;
  terminals: number;
  registered: number;
  days: number;
  seconds: number;
  rowsPerSecond: number;
}

/** The demo shop's standalone terminal, added to an empty registry: a Lakala on 4G, checked by staff. */
const DEMO_STANDALONE = DeviceFields.parse({
  name: '前台拉卡拉',
  model: '拉卡拉 电签 K2',
  vendor: '拉卡拉 Lakala',
  tid: '52010001',
  location: '前台',
  connection: { type: 'none' },
  network: '4g',
  acquirer: '拉卡拉',
  acquirerHotline: '95016',
});

/**
 * Fills a database with demo transactions ending `lastDay` (yesterday in the store's timezone;
 * `poscare demo-data`). The terminals the manager registered come first: the data shows under
 * their names; an empty registry gets the demo shop's standalone Lakala terminal first.
 */
export function fillDemoData(db: Db, request: DemoFillRequest & { lastDay: string; capturedAt: string }): DemoFillResult {
  const { transactions, days, seed, lastDay, capturedAt } = request;
  const emptyRegistry = listDevices(db, true).length === 0;
  if (emptyRegistry) insertDevice(db, randomUUID(), DEMO_STANDALONE, capturedAt);
  const registered = listDevices(db).map((device) => ({ id: device.id, tid: device.tid || null }));
  const terminals = request.terminals ?? (emptyRegistry ? 3 : registered.length || 3);
  const terminalIds = registered.slice(0, terminals);
  const endOfDay: DemoDay[] = [];
  const started = performance.now();
  const created = bulkInsertTransactions(
    db,
    demoTransactions({ transactions, terminals, terminalIds, days, lastDay, seed }, (day) => endOfDay.push(day)),
    () => endOfDay,
    capturedAt,
  );
  const seconds = (performance.now() - started) / 1000;
  return { transactions, created, terminals, registered: terminalIds.length, days, seconds: Number(seconds.toFixed(3)), rowsPerSecond: Math.round(transactions / seconds) };
}
