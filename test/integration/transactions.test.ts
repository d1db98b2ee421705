import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bulkInsertTransactions } from '../../electron/node/db/bulk';
import { openDatabase, type Db } from '../../electron/node/db/connection';
import {
  DAY_NUMBERS_SQL,
  DAY_PROBE_CAP,
  DAY_SUMS_SQL,
  DAY_TRANSACTIONS_SQL,
  END_OF_DAY_TOTALS_SQL,
  ORPHAN_REVERSALS_SQL,
  dayProbeSql,
  searchSql,
} from '../../electron/node/db/transactions';
import { createDispatch } from '../../electron/node/api/dispatch';
import type { Handlers } from '../../electron/node/api/handlers';
import { createLogger } from '../../electron/node/log/logger';
import { demoTransactions, type DemoDay } from '../../electron/node/services/transactions/demo-data';
import { TransactionsService } from '../../electron/node/services/transactions/transactions-service';
import { TransactionQuery, type TransactionRecord, type TransactionRecordInput } from '../../shared/domain/transactions';
import { AppError } from '../../shared/ipc/result';
import { FakeClock } from '../helpers/clock';
import { tempDir } from '../helpers/temp';

const logger = createLogger({ sink: { write: () => undefined } });

function payment(overrides: Partial<TransactionRecordInput> = {}): TransactionRecordInput {
  return {
    terminalId: 'T001',
    traceNumber: 1,
    receiptNumber: 1,
    occurredAt: '2026-03-01T10:00:00',
    amountCents: 1250,
    kind: 'payment',
    cardType: '05',
    cardName: 'girocard',
    maskedPan: '672000******1234',
    receiptText: 'girocard\nEUR 12,50',
    ...overrides,
  };
}

let temp: ReturnType<typeof tempDir>;
let db: Db;
let service: TransactionsService;

beforeEach(() => {
  temp = tempDir();
  db = openDatabase(path.join(temp.dir, 'poscare.db'));
  service = new TransactionsService(db, logger, new FakeClock(Date.parse('2026-03-10T12:00:00')));
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

function fill(transactions: number, terminals = 2, days = 5): void {
  const endOfDay: DemoDay[] = [];
  bulkInsertTransactions(db, demoTransactions({ transactions, terminals, days, lastDay: '2026-03-05' }, (d) => endOfDay.push(d)), () => endOfDay, 'x');
}

describe('capture', () => {
  it('stores a Status Information once, however often it is repeated', () => {
    const first = service.capture(payment());
    const again = service.capture(payment({ receiptText: 'changed' }));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const page = service.search({ from: '2026-03-01', to: '2026-03-01' });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ receiptText: 'girocard\nEUR 12,50', businessDay: '2026-03-01', amountCents: 1250 });
  });

  it('never stores a full card number', () => {
    service.capture(payment({ maskedPan: '4111111111111111' }));
    expect(service.search({ from: '2026-03-01', to: '2026-03-01' }).items[0]?.maskedPan).toBe('411111******1111');
    const raw = fs.readFileSync(path.join(temp.dir, 'poscare.db'));
    expect(raw.includes('4111111111111111')).toBe(false);
  });

  it('rejects bad input and stores nothing', () => {
    expect(() => service.capture(payment({ amountCents: -5 }))).toThrow(AppError);
    expect(() => service.capture(payment({ occurredAt: '2026-03-01 10:00' }))).toThrow(AppError);
    expect(service.search({ from: '2026-01-01', to: '2026-12-31' }).items).toHaveLength(0);
  });

  it('replaces the end-of-day totals when the same day is reported again', async () => {
    service.captureEndOfDay('T001', '2026-03-01', [{ cardType: '05', count: 1, amountCents: 999 }]);
    service.captureEndOfDay('T001', '2026-03-01', [{ cardType: '05', count: 1, amountCents: 1250 }]);
    service.capture(payment());
    const { days, anomalies } = await service.reconcile({ from: '2026-03-01', to: '2026-03-01' });
    expect(days[0]).toMatchObject({ status: 'ok', capturedCents: 1250, endOfDayCents: 1250 });
    expect(anomalies).toEqual([]);
  });
});

describe('search', () => {
  it('pages through every matching row exactly once, newest first, with keyset cursors', () => {
    fill(1_000);
    const seen: number[] = [];
    let cursor: string | undefined;
    let previous = '9999';
    for (;;) {
      const page = service.search({ from: '2026-03-01', to: '2026-03-05', limit: 37, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        expect(`${item.occurredAt}|${String(item.id).padStart(9, '0')}` <= previous).toBe(true);
        previous = `${item.occurredAt}|${String(item.id).padStart(9, '0')}`;
        seen.push(item.id);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number }).n);
  });

  it('counts and sums everything the filters match, across pages and days, as the list would add up', async () => {
    fill(800);
    const filters = { from: '2026-03-02', to: '2026-03-04', terminalId: 'T001', minAmountCents: 500 };
    const all: TransactionRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = service.search({ ...filters, limit: 50, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all.length).toBeGreaterThan(50);
    const signed = (r: (typeof all)[number]) => (r.kind === 'payment' ? r.amountCents : r.kind === 'declined' ? 0 : -r.amountCents);
    expect(await service.totals(filters)).toEqual({ count: all.length, netCents: all.reduce((sum, r) => sum + signed(r), 0), declined: all.filter((r) => r.kind === 'declined').length });
  });

  it('refuses an amount range whose lowest amount is above its highest, naming the field', async () => {
    // Input is validated once, by dispatch, before the service sees it.
    const dispatch = createDispatch({ 'transactions.search': (input: TransactionQuery) => service.search(input) } as unknown as Handlers, logger);
    const result = await dispatch('transactions.search', { from: '2026-03-01', to: '2026-03-05', minAmountCents: 5000, maxAmountCents: 100 });
    const refused = result.ok ? undefined : (result.error as { code: string; details: { issues: { path: string; messageKey: string }[] } });
    expect(refused?.code).toBe('validation');
    expect(refused?.details.issues).toEqual([expect.objectContaining({ path: 'maxAmountCents', messageKey: 'transactions.amountReversed' })]);
  });

  it('filters by terminal, card type, amount and receipt number', () => {
    fill(500);
    const page = service.search({ from: '2026-03-01', to: '2026-03-05', terminalId: 'T002', cardType: 'other', minAmountCents: 1000, maxAmountCents: 20_000, limit: 500 });
    expect(page.items.length).toBeGreaterThan(0);
    for (const item of page.items) {
      expect(item).toMatchObject({ terminalId: 'T002', cardType: 'other' });
      expect(item.amountCents).toBeGreaterThanOrEqual(1000);
      expect(item.amountCents).toBeLessThanOrEqual(20_000);
    }
    const one = page.items[0]!;
    const byReceipt = service.search({ from: '2026-03-01', to: '2026-03-05', receiptNumber: one.receiptNumber, limit: 500 });
    expect(byReceipt.items.map((i) => i.id)).toContain(one.id);
  });

  it('answers the same rows through the per-day amount and card indexes as a plain filter would, page after page', () => {
    fill(3_000, 3, 5);
    const all = db.prepare('SELECT id, occurred_at, amount_cents, card_type, terminal_id FROM transactions ORDER BY occurred_at DESC, id DESC').all() as {
      id: number; occurred_at: string; amount_cents: number; card_type: string; terminal_id: string;
    }[];
    const cases: Omit<TransactionQuery, 'from' | 'to'>[] = [
      { minAmountCents: 20_000 }, // selective: read through the day index
      { minAmountCents: 1 }, // matches nearly all: days walked in time order
      { cardType: 'eurocard', minAmountCents: 5_000 },
      { cardType: 'other' },
      { terminalId: 'T002', maxAmountCents: 3_000 },
    ];
    for (const filter of cases) {
      const expected = all
        .filter((r) => r.occurred_at >= '2026-03-02' && r.occurred_at < '2026-03-05')
        .filter((r) => filter.minAmountCents === undefined || r.amount_cents >= filter.minAmountCents)
        .filter((r) => filter.maxAmountCents === undefined || r.amount_cents <= filter.maxAmountCents)
        .filter((r) => filter.cardType === undefined || r.card_type === filter.cardType)
        .filter((r) => filter.terminalId === undefined || r.terminal_id === filter.terminalId)
        .map((r) => r.id);
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = service.search({ from: '2026-03-02', to: '2026-03-04', ...filter, limit: 40, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen, JSON.stringify(filter)).toEqual(expected);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
    }
  });
});

describe('search by amount or card type, one day at a time', () => {
  /** The indexes the page's row statements name (the per-day probes left out). */
  function indexesOf(run: () => unknown): string[] {
    const prepare = db.prepare.bind(db);
    const seen: string[] = [];
    const spy = vi.spyOn(db, 'prepare').mockImplementation((sql: string) => {
      const index = /^SELECT \* FROM transactions INDEXED BY (\w+)/.exec(sql)?.[1];
      if (index) seen.push(index);
      return prepare(sql);
    });
    try {
      run();
    } finally {
      spy.mockRestore();
    }
    return seen;
  }

  it('reads a day with few matches through the per-day amount or card index, and a day with many by walking it in time order', () => {
    fill(3_000, 3, 5);
    const range = { from: '2026-03-02', to: '2026-03-04', limit: 40 };
    const rare = db.prepare("SELECT count(*) AS n FROM transactions WHERE substr(occurred_at, 1, 10) = '2026-03-04' AND amount_cents >= 20000").get() as { n: number };
    expect(rare.n).toBeGreaterThan(0);
    expect(rare.n).toBeLessThan(DAY_PROBE_CAP);
    expect(indexesOf(() => service.search({ ...range, minAmountCents: 20_000 }))[0]).toBe('transactions_date_amount');
    expect(indexesOf(() => service.search({ ...range, cardType: 'eurocard', minAmountCents: 5_000 }))[0]).toBe('transactions_date_card');
    const common = db.prepare("SELECT count(*) AS n FROM transactions WHERE substr(occurred_at, 1, 10) = '2026-03-04' AND amount_cents >= 1").get() as { n: number };
    expect(common.n).toBeGreaterThanOrEqual(DAY_PROBE_CAP);
    expect(indexesOf(() => service.search({ ...range, minAmountCents: 1 }))).toEqual(['transactions_time']);
  });
});

describe('query plans of the screens (10 million rows: no statement may walk a range)', () => {
  /** The plan, as one line, before and after ANALYZE: the screens must not depend on statistics. */
  function plans(statements: Record<string, { sql: string; params: unknown[] }>): Record<string, string>[] {
    const explain = () =>
      Object.fromEntries(
        Object.entries(statements).map(([name, { sql, params }]) => [
          name,
          (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' / '),
        ]),
      );
    const before = explain();
    db.exec('ANALYZE');
    const after = explain();
    db.exec('DROP TABLE IF EXISTS sqlite_stat1');
    return [before, after];
  }

  it('seeks every screen query in its index, with or without ANALYZE statistics', () => {
    fill(2_000);
    const q = (input: TransactionQuery) => TransactionQuery.parse(input);
    const range = { from: '2026-03-01', to: '2026-03-31' };
    const statements = {
      receipt: searchSql(q({ ...range, receiptNumber: 42 })),
      receiptPaged: searchSql(q({ ...range, receiptNumber: 42, cursor: '2026-03-03T10:00:00|500' })),
      time: searchSql(q(range)),
      terminal: searchSql(q({ ...range, terminalId: 'T001' })),
      amountProbe: dayProbeSql(q({ ...range, minAmountCents: 50_000 }), '2026-03-04', DAY_PROBE_CAP),
      amountDay: searchSql(q({ ...range, minAmountCents: 50_000 }), { via: 'day-index', day: '2026-03-04' }),
      amountWalk: searchSql(q({ ...range, minAmountCents: 1 }), { via: 'day-walk', day: '2026-03-04' }),
      cardProbe: dayProbeSql(q({ ...range, cardType: 'eurocard', minAmountCents: 5_000 }), '2026-03-04', DAY_PROBE_CAP),
      cardDay: searchSql(q({ ...range, cardType: 'eurocard', minAmountCents: 5_000 }), { via: 'day-index', day: '2026-03-04' }),
      orphans: { sql: ORPHAN_REVERSALS_SQL, params: ['2026-03-04', '2026-03-04', null, null] },
      dayNumbers: { sql: DAY_NUMBERS_SQL, params: ['T001', '2026-03-04'] },
      dayTransactions: { sql: DAY_TRANSACTIONS_SQL, params: ['T001', '2026-03-04T00:00:00', '2026-03-05T06:00:00', '2026-03-04', 2_001] },
      endOfDay: { sql: END_OF_DAY_TOTALS_SQL, params: ['2026-03-04', '2026-03-04', null, null] },
      daySums: { sql: DAY_SUMS_SQL, params: ['2026-03-04', '2026-03-04', null, null] },
    };
    for (const plan of plans(statements)) {
      for (const [name, detail] of Object.entries(plan)) {
        // Never the table, nor an index walked end to end.
        expect(detail, name).not.toMatch(/SCAN (transactions|end_of_day|r|p|e|t)\b/);
        // Only a day read through the amount index sorts, and that is at most DAY_PROBE_CAP rows.
        if (!/Day$/.test(name)) expect(detail, name).not.toMatch(/TEMP B-TREE/);
      }
      expect(plan.receipt).toMatch(/SEARCH transactions USING INDEX transactions_receipt \(receipt_number=\? AND occurred_at>\? AND occurred_at<\?\)/);
      expect(plan.receiptPaged).toMatch(/USING INDEX transactions_receipt \(receipt_number=\?/);
      expect(plan.time).toMatch(/USING INDEX transactions_time \(occurred_at>\? AND occurred_at<\?\)/);
      expect(plan.terminal).toMatch(/USING INDEX transactions_terminal_time \(terminal_id=\? AND occurred_at>\?/);
      expect(plan.amountProbe).toMatch(/USING COVERING INDEX transactions_date_amount \(<expr>=\? AND amount_cents>\? AND amount_cents<\?\)/);
      expect(plan.amountDay).toMatch(/USING INDEX transactions_date_amount \(<expr>=\? AND amount_cents>\?/);
      expect(plan.amountWalk).toMatch(/USING INDEX transactions_time \(occurred_at>\? AND occurred_at<\?\)/);
      expect(plan.cardProbe).toMatch(/USING COVERING INDEX transactions_date_card \(<expr>=\? AND card_type=\? AND amount_cents>\? AND amount_cents<\?\)/);
      expect(plan.cardDay).toMatch(/USING INDEX transactions_date_card \(<expr>=\? AND card_type=\? AND amount_cents>\?/);
      expect(plan.orphans).toMatch(/SEARCH r USING INDEX transactions_reversals \(business_day>\? AND business_day<\?\)/);
      expect(plan.orphans).toMatch(/SEARCH p USING COVERING INDEX transactions_day_receipt \(terminal_id=\? AND business_day=\? AND receipt_number=\? AND kind=\?\)/);
      expect(plan.dayNumbers).toMatch(/USING COVERING INDEX transactions_identity \(terminal_id=\? AND business_day=\?\)/);
      expect(plan.dayTransactions).toMatch(/USING INDEX transactions_terminal_time \(terminal_id=\? AND occurred_at>\? AND occurred_at<\?\)/);
      expect(plan.endOfDay).toMatch(/SEARCH e USING (COVERING )?INDEX end_of_day_business_day \(business_day>\? AND business_day<\?\)/);
      expect(plan.endOfDay).toMatch(/SEARCH t USING PRIMARY KEY \(terminal_id=\? AND business_day=\?\)/);
      expect(plan.daySums).toMatch(/COVERING INDEX transactions_reconcile/);
    }
  });
});

describe('reconciliation of demo data', () => {
  it('finds nothing wrong in consistent data, and each planted fault', async () => {
    fill(600, 2, 3);
    expect((await service.reconcile({ from: '2026-03-03', to: '2026-03-05' })).anomalies).toEqual([]);
    // Plant: a lost record (gap), a doubled record, a wrong amount and an orphan reversal.
    const victim = db.prepare("SELECT * FROM transactions WHERE terminal_id = 'T001' AND business_day = '2026-03-04' AND kind = 'payment' ORDER BY trace_number LIMIT 1 OFFSET 10").get() as { id: number; trace_number: number };
    db.prepare('DELETE FROM transactions WHERE id = ?').run(victim.id);
    const last = db.prepare("SELECT max(trace_number) AS t, max(receipt_number) AS r FROM transactions WHERE terminal_id = 'T002' AND business_day = '2026-03-05'").get() as { t: number; r: number };
    service.capture(payment({ terminalId: 'T002', occurredAt: '2026-03-05T21:59:00', traceNumber: last.t, receiptNumber: last.r + 1, amountCents: 10 }));
    service.capture(payment({ terminalId: 'T002', occurredAt: '2026-03-05T22:00:00', traceNumber: last.t + 1, receiptNumber: last.r + 2, kind: 'reversal', originalReceiptNumber: 9_999, amountCents: 10 }));
    const { anomalies, days } = await service.reconcile({ from: '2026-03-03', to: '2026-03-05' });
    const kinds = anomalies.map((a) => `${a.terminalId}/${a.businessDay}/${a.kind}`).sort();
    expect(kinds).toEqual([
      'T001/2026-03-04/receipt_gap',
      'T001/2026-03-04/total_mismatch',
      'T001/2026-03-04/trace_gap',
      // The planted payment and reversal cancel out in the amount, not in the count.
      'T002/2026-03-05/count_mismatch',
      'T002/2026-03-05/duplicate_trace',
      'T002/2026-03-05/reversal_without_original',
    ]);
    expect(anomalies.find((a) => a.kind === 'trace_gap')?.numbers).toEqual([victim.trace_number]);
    expect(days.find((d) => d.terminalId === 'T001' && d.businessDay === '2026-03-04')?.status).toBe('anomalies');
    const detail = await service.reconcileDay({ terminalId: 'T001', businessDay: '2026-03-04' });
    expect(detail.transactions.length).toBe(detail.day.transactionCount);
    expect(detail.cardTypes.length).toBeGreaterThan(0);
  });
});

describe('reversals and their originals', () => {
  it('looks for the original only on the same terminal and business day, so a reused receipt number cannot hide an orphan', async () => {
    // Receipt 5 was a payment on 1 March; the numbers restarted after that day's end-of-day.
    service.capture(payment({ occurredAt: '2026-03-01T10:00:00', traceNumber: 1, receiptNumber: 5 }));
    service.capture(payment({ occurredAt: '2026-03-02T09:00:00', traceNumber: 2, receiptNumber: 1, kind: 'reversal', originalReceiptNumber: 5 }));
    // The same receipt number on another terminal is another terminal's payment.
    service.capture(payment({ terminalId: 'T002', occurredAt: '2026-03-01T11:00:00', traceNumber: 1, receiptNumber: 2, kind: 'reversal', originalReceiptNumber: 5 }));
    // A real reversal of the day's own payment.
    service.capture(payment({ occurredAt: '2026-03-02T10:00:00', traceNumber: 3, receiptNumber: 2 }));
    service.capture(payment({ occurredAt: '2026-03-02T10:05:00', traceNumber: 4, receiptNumber: 3, kind: 'reversal', originalReceiptNumber: 2 }));
    const { anomalies } = await service.reconcile({ from: '2026-03-01', to: '2026-03-02' });
    const orphans = anomalies.filter((a) => a.kind === 'reversal_without_original').map((a) => `${a.terminalId}/${a.businessDay}/${a.numbers.join()}`);
    expect(orphans.sort()).toEqual(['T001/2026-03-02/5', 'T002/2026-03-01/5']);
  });
});

describe('end-of-day runs', () => {
  const run = (closedAt: string, totals: { cardType: string; count: number; amountCents: number }[], receiptStart: number | null, receiptEnd: number | null) => ({
    closedAt,
    totals,
    receiptStart,
    receiptEnd,
  });

  it('closes the business day of the sales since the previous end-of-day, also when it runs after midnight', async () => {
    service.capture(payment({ occurredAt: '2026-03-01T21:00:00', traceNumber: 1, receiptNumber: 1, amountCents: 1000 }));
    // Sold after midnight while the day's batch is still open: still 1 March's business.
    service.capture(payment({ occurredAt: '2026-03-02T00:20:00', traceNumber: 2, receiptNumber: 2, amountCents: 500 }));
    const day = service.captureEndOfDayRun('T001', run('2026-03-02T00:40:00', [{ cardType: '05', count: 2, amountCents: 1500 }], 1, 2));
    expect(day).toBe('2026-03-01');
    // After the end-of-day a new batch, and a new business day, begins.
    service.capture(payment({ occurredAt: '2026-03-02T02:00:00', traceNumber: 3, receiptNumber: 3, amountCents: 700 }));
    const { days, anomalies } = await service.reconcile({ from: '2026-03-01', to: '2026-03-02' });
    // 2 March has had no end-of-day yet (the test's clock says 10 March); 1 March matches.
    expect(anomalies.map((a) => `${a.businessDay}/${a.kind}`)).toEqual(['2026-03-02/missing_end_of_day']);
    expect(days.map((d) => `${d.businessDay}:${d.status}:${d.capturedCents}`).sort()).toEqual(['2026-03-01:ok:1500', '2026-03-02:anomalies:700']);
    const detail = await service.reconcileDay({ terminalId: 'T001', businessDay: '2026-03-01' });
    expect(detail.transactions.map((t) => t.occurredAt)).toEqual(['2026-03-01T21:00:00', '2026-03-02T00:20:00']);
  });

  it("counts a day as over by the store's clock, not by this PC's timezone", async () => {
    // 10:00 in Shanghai on 2 March is 02:00 UTC: past the cut-off there, 1 March is over and its
    // missing end-of-day is due; by a PC set to UTC (20:00 on 1 March after the cut-off) it is not.
    const at = Date.parse('2026-03-02T02:00:00Z');
    const inShanghai = new TransactionsService(db, logger, new FakeClock(at), { timeZone: () => 'Asia/Shanghai' });
    const inUtc = new TransactionsService(db, logger, new FakeClock(at), { timeZone: () => 'UTC' });
    inShanghai.capture(payment({ occurredAt: '2026-03-01T15:00:00' }));
    const kinds = async (s: TransactionsService) => (await s.reconcile({ from: '2026-03-01', to: '2026-03-01' })).anomalies.map((a) => `${a.businessDay}/${a.kind}`);
    expect(await kinds(inShanghai)).toEqual(['2026-03-01/missing_end_of_day']);
    expect(await kinds(inUtc)).toEqual([]);
  });

  it('never lets an empty run wipe a day stored before runs were remembered', async () => {
    service.capture(payment({ occurredAt: '2026-03-01T10:00:00', traceNumber: 1, receiptNumber: 1, amountCents: 1000 }));
    service.captureEndOfDay('T001', '2026-03-01', [{ cardType: '05', count: 1, amountCents: 1000 }]);
    // The next morning, before the cut-off, an end-of-day with nothing in the batch.
    expect(service.captureEndOfDayRun('T001', run('2026-03-02T01:00:00', [], null, null))).toBe('2026-03-01');
    const { days, anomalies } = await service.reconcile({ from: '2026-03-01', to: '2026-03-01' });
    expect(anomalies).toEqual([]);
    expect(days[0]).toMatchObject({ status: 'ok', endOfDayCents: 1000 });
  });

  it('attributes a run without sales before the cut-off to the previous day', () => {
    expect(service.captureEndOfDayRun('T009', run('2026-03-02T01:00:00', [], null, null))).toBe('2026-03-01');
    expect(service.captureEndOfDayRun('T009', run('2026-03-02T23:00:00', [], null, null))).toBe('2026-03-02');
  });

  it('adds a second run of the day to the first, and a repeated run replaces itself', async () => {
    service.capture(payment({ occurredAt: '2026-03-01T10:00:00', traceNumber: 1, receiptNumber: 1, amountCents: 1000 }));
    const first = run('2026-03-01T12:00:00', [{ cardType: '05', count: 1, amountCents: 1000 }], 1, 1);
    service.captureEndOfDayRun('T001', first);
    service.capture(payment({ occurredAt: '2026-03-01T15:00:00', traceNumber: 2, receiptNumber: 2, amountCents: 250 }));
    service.captureEndOfDayRun('T001', run('2026-03-01T22:00:00', [{ cardType: '05', count: 1, amountCents: 250 }], 2, 2));
    service.captureEndOfDayRun('T001', run('2026-03-01T22:00:00', [{ cardType: '05', count: 1, amountCents: 250 }], 2, 2));
    const { days, anomalies } = await service.reconcile({ from: '2026-03-01', to: '2026-03-01' });
    expect(anomalies).toEqual([]);
    expect(days[0]).toMatchObject({ status: 'ok', capturedCents: 1250, endOfDayCents: 1250 });
  });

  it('finds receipts of the closed range that were never captured, at both ends of the day', async () => {
    service.capture(payment({ occurredAt: '2026-03-01T10:00:00', traceNumber: 11, receiptNumber: 2, amountCents: 100 }));
    service.capture(payment({ occurredAt: '2026-03-01T11:00:00', traceNumber: 12, receiptNumber: 3, amountCents: 100 }));
    // The terminal closed receipts 1 to 4: the first and the last never reached PosCare.
    service.captureEndOfDayRun('T001', run('2026-03-01T22:00:00', [{ cardType: '05', count: 4, amountCents: 400 }], 1, 4));
    const { anomalies } = await service.reconcile({ from: '2026-03-01', to: '2026-03-01' });
    expect(anomalies.find((a) => a.kind === 'receipt_gap')?.numbers).toEqual([1, 4]);
    expect(anomalies.find((a) => a.kind === 'trace_gap')).toBeUndefined();
  });

  it('finds every receipt of the closed range missing when not one of them was captured, in the order the terminal used them', async () => {
    // The batch ran across the wrap from 9999 to 1; PosCare saw none of its sales.
    const day = service.captureEndOfDayRun('T001', run('2026-03-01T22:00:00', [{ cardType: '05', count: 4, amountCents: 400 }], 9_998, 2));
    expect(day).toBe('2026-03-01');
    const { anomalies } = await service.reconcile({ from: '2026-03-01', to: '2026-03-01' });
    expect(anomalies.find((a) => a.kind === 'receipt_gap')?.numbers).toEqual([9_998, 9_999, 1, 2]);
    expect(anomalies.find((a) => a.kind === 'total_mismatch')).toMatchObject({ expectedCents: 400, actualCents: 0, expectedCount: 4, actualCount: 0 });
  });

  it('refuses a run whose time is not a terminal clock time with a validation error, and stores nothing', () => {
    const bad = () => service.captureEndOfDayRun('T001', run('2026-03-01 22:00', [{ cardType: '05', count: 1, amountCents: 100 }], 1, 1));
    expect(bad).toThrow(AppError);
    expect(bad).toThrow(expect.objectContaining({ code: 'validation' }));
    expect((db.prepare('SELECT count(*) AS n FROM end_of_day').get() as { n: number }).n).toBe(0);
  });
});

describe('export', () => {
  it('writes a date range as CSV and as XLSX with every row', async () => {
    fill(300, 1, 3);
    const expected = (db.prepare("SELECT count(*) AS n FROM transactions WHERE business_day BETWEEN '2026-03-04' AND '2026-03-05'").get() as { n: number }).n;
    // Exports go outside the data folder (the database's folder): a USB drive, the desktop.
    const usb = tempDir();
    const csv = await service.export({ from: '2026-03-04', to: '2026-03-05', format: 'csv', out: path.join(usb.dir, 'tx.csv') });
    expect(csv.rows).toBe(expected);
    const lines = fs.readFileSync(csv.file, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(expected + 1);
    expect(lines[0]).toContain('occurred_at,business_day,terminal_id');

    const xlsx = await service.export({ from: '2026-03-04', to: '2026-03-05', format: 'xlsx', out: path.join(usb.dir, 'tx.xlsx') });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx.file);
    expect(workbook.getWorksheet('transactions')?.rowCount).toBe(expected + 1);
    expect(fs.readdirSync(usb.dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    usb.cleanup();
  });

  it('refuses a folder that does not exist', async () => {
    await expect(service.export({ from: '2026-03-04', to: '2026-03-05', format: 'csv', out: path.join(temp.dir, '..', 'nope-poscare-missing', 'x.csv') })).rejects.toMatchObject({ code: 'folder_missing' });
  });
});
