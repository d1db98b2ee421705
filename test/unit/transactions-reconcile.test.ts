import { describe, expect, it } from 'vitest';
import { ANOMALY_KINDS, anomalyCause, maskPan, TransactionRecordInput } from '../../shared/domain/transactions';
import { FAULT_CAUSES } from '../../shared/domain/incidents';
import { collectDays, missingFromRange, numberAnomalies, totalAnomalies } from '../../electron/node/services/transactions/reconcile';
import { backupsToDelete } from '../../electron/node/services/backup/retention';
import { BackupScheduler, nextRun } from '../../electron/node/services/backup/scheduler';
import { FakeClock } from '../helpers/clock';

describe('card numbers', () => {
  it('keeps only the first six and last four digits of a full card number', () => {
    expect(maskPan('4111111111111111')).toBe('411111******1111');
    expect(maskPan('6214 8300 1234 5678 901')).toBe('621483*********8901');
  });

  it('leaves an already masked number as it is', () => {
    expect(maskPan('621483******5678')).toBe('621483******5678');
    expect(maskPan('XXXX1234')).toBe('****1234');
  });

  it('refuses letters in a card number', () => {
    const parsed = TransactionRecordInput.safeParse({
      terminalId: 'T1', traceNumber: 1, receiptNumber: 1, occurredAt: '2026-01-01T10:00:00', amountCents: 1, kind: 'payment', maskedPan: 'abc',
    });
    expect(parsed.success).toBe(false);
  });
});

describe('reconciliation', () => {
  it('reports a mismatch per card type between end-of-day and captured sums', () => {
    const days = collectDays(
      [
        { terminalId: 'T1', businessDay: '2026-01-01', cardType: '05', kind: 'payment', count: 2, amountCents: 1000 },
        { terminalId: 'T1', businessDay: '2026-01-01', cardType: '05', kind: 'reversal', count: 1, amountCents: 300 },
        { terminalId: 'T1', businessDay: '2026-01-01', cardType: '0A', kind: 'declined', count: 1, amountCents: 999 },
      ],
      [
        { terminalId: 'T1', businessDay: '2026-01-01', receiptStart: null, receiptEnd: null, cardType: '05', count: 3, amountCents: 700 },
        { terminalId: 'T1', businessDay: '2026-01-01', receiptStart: null, receiptEnd: null, cardType: '06', count: 1, amountCents: 50 },
      ],
    );
    const day = [...days.values()][0]!;
    const found = totalAnomalies(day, '2026-01-05');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'total_mismatch', cardType: '06', expectedCents: 50, actualCents: 0, incidentClass: 'transaction' });
  });

  it('reports a different count with the same amount as a finding of its own kind', () => {
    const endOfDay = (count: number, amountCents: number) => ({
      terminalId: 'T1', businessDay: '2026-01-01', receiptStart: null, receiptEnd: null, cardType: '05', count, amountCents,
    });
    const captured = [
      { terminalId: 'T1', businessDay: '2026-01-01', cardType: '05', kind: 'payment' as const, count: 2, amountCents: 1000 },
      { terminalId: 'T1', businessDay: '2026-01-01', cardType: '05', kind: 'reversal' as const, count: 1, amountCents: 300 },
    ];
    // A payment of 3.00 and its reversal, both lost: the amount still agrees, the count does not.
    const lostPair = totalAnomalies([...collectDays(captured, [endOfDay(5, 700)]).values()][0]!, '2026-01-05');
    expect(lostPair).toEqual([expect.objectContaining({ kind: 'count_mismatch', cardType: '05', expectedCount: 5, actualCount: 3, expectedCents: 700, actualCents: 700 })]);
    // A wrong amount stays a total mismatch (with the counts alongside), never both.
    const wrong = totalAnomalies([...collectDays(captured, [endOfDay(4, 900)]).values()][0]!, '2026-01-05');
    expect(wrong).toEqual([expect.objectContaining({ kind: 'total_mismatch', expectedCount: 4, actualCount: 3 })]);
    expect(totalAnomalies([...collectDays(captured, [endOfDay(3, 700)]).values()][0]!, '2026-01-05')).toEqual([]);
  });

  it('files a wrong total as a wrong amount and every other finding, a count mismatch too, as lost records', () => {
    expect(anomalyCause('total_mismatch')).toBe('wrongAmount');
    expect(anomalyCause('count_mismatch')).toBe('lostRecords');
    for (const kind of ANOMALY_KINDS) expect(FAULT_CAUSES.transaction).toContain(anomalyCause(kind));
  });

  it('finds receipts of the end-of-day range that were never captured, at the edges of the day and across the wrap', () => {
    const row = (trace: number, receipt: number) => ({ terminalId: 'T1', businessDay: '2026-01-01', traceNumber: trace, receiptNumber: receipt });
    const rows = [row(2, 2), row(3, 3), row(4, 4)];
    // Without the range, nothing is missing between 2 and 4.
    expect(numberAnomalies(rows).find((a) => a.kind === 'receipt_gap')).toBeUndefined();
    const found = numberAnomalies(rows, () => ({ start: 1, end: 6 }));
    expect(found.find((a) => a.kind === 'receipt_gap')?.numbers).toEqual([1, 5, 6]);
    expect(missingFromRange({ start: 9_998, end: 2 }, [9_999, 1])).toEqual([9_998, 2]);
    expect(missingFromRange({ start: 0, end: 3 }, [])).toEqual([]);
  });

  it('reports a missing end-of-day only for days that are over', () => {
    const days = collectDays([{ terminalId: 'T1', businessDay: '2026-01-01', cardType: '05', kind: 'payment', count: 1, amountCents: 1 }], []);
    const day = [...days.values()][0]!;
    expect(totalAnomalies(day, '2026-01-01')).toEqual([]);
    expect(totalAnomalies(day, '2026-01-02')[0]?.kind).toBe('missing_end_of_day');
  });

  it('finds gaps and duplicates in trace and receipt numbers', () => {
    const row = (trace: number, receipt: number) => ({ terminalId: 'T1', businessDay: '2026-01-01', traceNumber: trace, receiptNumber: receipt });
    const found = numberAnomalies([row(1, 1), row(2, 2), row(5, 3), row(5, 3), row(6, 5)]);
    expect(found.find((a) => a.kind === 'trace_gap')?.numbers).toEqual([3, 4]);
    expect(found.find((a) => a.kind === 'duplicate_trace')?.numbers).toEqual([5]);
    expect(found.find((a) => a.kind === 'receipt_gap')?.numbers).toEqual([4]);
    expect(found.find((a) => a.kind === 'duplicate_receipt')?.numbers).toEqual([3]);
  });
});

describe('retention', () => {
  const at = (id: number, iso: string, verified = true) => ({ id, createdAt: iso, verified });

  it('keeps one backup per day for the configured days and deletes the rest', () => {
    const candidates = Array.from({ length: 10 }, (_, i) => at(i + 1, new Date(Date.UTC(2026, 0, 20 - i, 21)).toISOString()));
    const removed = backupsToDelete(candidates, { daily: 3, weekly: 0, monthly: 0 });
    expect(removed.sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps weekly and monthly backups beyond the daily ones', () => {
    const candidates = Array.from({ length: 60 }, (_, i) => at(i + 1, new Date(Date.UTC(2026, 2, 31 - i, 21)).toISOString()));
    const kept = candidates.length - backupsToDelete(candidates, { daily: 7, weekly: 4, monthly: 3 }).length;
    expect(kept).toBeGreaterThan(7);
    expect(kept).toBeLessThanOrEqual(7 + 4 + 3);
  });

  it('never deletes the only verified backup, even when it is old', () => {
    const removed = backupsToDelete(
      [at(1, '2020-01-01T00:00:00Z', true), at(2, '2026-01-01T00:00:00Z', false), at(3, '2026-01-02T00:00:00Z', false)],
      { daily: 1, weekly: 0, monthly: 0 },
    );
    expect(removed).not.toContain(1);
  });
});

describe('backup schedule', () => {
  function fakeClock(start: Date) {
    const clock = new FakeClock(start.getTime());
    return { clock, advance: (ms: number) => clock.advanceSettling(ms) };
  }

  it('computes the next run at the configured hour', () => {
    expect(nextRun(new Date(2026, 0, 1, 10, 30), 21)).toEqual(new Date(2026, 0, 1, 21, 0));
    expect(nextRun(new Date(2026, 0, 1, 22, 0), 21)).toEqual(new Date(2026, 0, 2, 21, 0));
  });

  it('runs one backup a day at the set hour', async () => {
    const { clock, advance } = fakeClock(new Date(2026, 0, 1, 8, 0));
    let last: Date | undefined;
    const runs: string[] = [];
    const scheduler = new BackupScheduler(clock, () => ({ dailyHour: 21, atQuit: true }), () => last, async (trigger) => {
      const now = new Date(clock.now());
      runs.push(`${now.getDate()}:${now.getHours()}:${trigger}`);
      last = now;
    });
    scheduler.start();
    await advance(3 * 86_400_000);
    scheduler.dispose();
    expect(runs).toEqual(['1:21:scheduled', '2:21:scheduled', '3:21:scheduled']);
  });

  it('backs up at quit only when the last good backup is older than a day', async () => {
    const { clock } = fakeClock(new Date(2026, 0, 2, 12, 0));
    let last: Date | undefined = new Date(2026, 0, 2, 9, 0);
    const scheduler = new BackupScheduler(clock, () => ({ dailyHour: null, atQuit: true }), () => last, async () => undefined);
    expect(scheduler.dueAtQuit()).toBe(false);
    last = new Date(2025, 11, 31, 9, 0);
    expect(scheduler.dueAtQuit()).toBe(true);
  });
});
