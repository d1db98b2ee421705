/**
 * Reconciliation (对账) as pure functions over what the database answers: end-of-day totals
 * against the captured sums per card type, gaps and duplicates in trace and receipt numbers,
 * and reversals without their original. Each finding is an `Anomaly` of incident class
 * "transaction"; the incident feature opens incidents from them.
 */
import type { Anomaly, ReconciliationDay, TransactionRecord } from '../../../../shared/domain/transactions';
import type { DaySums, EndOfDayRow, NumberRow } from '../../db/transactions';

const MAX_NUMBERS = 50;
/** A jump this large is a counter wrap-around or a reset, not lost records. */
const MAX_GAP_SPAN = 5_000;
/** Receipt numbers run 1..9999 and then start again at 1 (BMP 87, four BCD digits). */
const MAX_RECEIPT_NUMBER = 9_999;

/** The receipt numbers an end-of-day says its batch used (BMP 60 receipt-no start/end). */
export interface ReceiptRange {
  start: number;
  end: number;
}

export function dayKey(terminalId: string, businessDay: string): string {
  return `${terminalId}\u0000${businessDay}`;
}

/** Net effect on the day's total: payments add, reversals and refunds subtract, declines count nothing. */
export function signedAmount(kind: string, amountCents: number): number {
  if (kind === 'payment') return amountCents;
  if (kind === 'reversal' || kind === 'refund') return -amountCents;
  return 0;
}

export interface CardTypeSums {
  capturedCount: number;
  capturedCents: number;
  endOfDayCount: number | null;
  endOfDayCents: number | null;
}

export interface DayFacts {
  terminalId: string;
  businessDay: string;
  transactionCount: number;
  hasEndOfDay: boolean;
  receiptRange: ReceiptRange | null;
  cardTypes: Map<string, CardTypeSums>;
}

export function collectDays(sums: DaySums[], endOfDay: EndOfDayRow[]): Map<string, DayFacts> {
  const days = new Map<string, DayFacts>();
  const dayOf = (terminalId: string, businessDay: string): DayFacts => {
    const key = dayKey(terminalId, businessDay);
    let day = days.get(key);
    if (!day) {
      day = { terminalId, businessDay, transactionCount: 0, hasEndOfDay: false, receiptRange: null, cardTypes: new Map() };
      days.set(key, day);
    }
    return day;
  };
  const cardOf = (day: DayFacts, cardType: string): CardTypeSums => {
    let sums = day.cardTypes.get(cardType);
    if (!sums) {
      sums = { capturedCount: 0, capturedCents: 0, endOfDayCount: null, endOfDayCents: null };
      day.cardTypes.set(cardType, sums);
    }
    return sums;
  };
  for (const row of sums) {
    const day = dayOf(row.terminalId, row.businessDay);
    day.transactionCount += row.count;
    if (row.kind === 'declined') continue;
    const card = cardOf(day, row.cardType);
    card.capturedCount += row.count;
    card.capturedCents += signedAmount(row.kind, row.amountCents);
  }
  for (const row of endOfDay) {
    const day = dayOf(row.terminalId, row.businessDay);
    day.hasEndOfDay = true;
    if (row.receiptStart !== null && row.receiptEnd !== null) day.receiptRange = { start: row.receiptStart, end: row.receiptEnd };
    if (row.cardType === null) continue;
    const card = cardOf(day, row.cardType);
    card.endOfDayCount = row.count;
    card.endOfDayCents = row.amountCents;
  }
  return days;
}

/** An anomaly with every field it does not name empty. */
export function anomaly(partial: Partial<Anomaly> & Pick<Anomaly, 'kind' | 'terminalId' | 'businessDay'>): Anomaly {
  return {
    cardType: null,
    expectedCents: null,
    actualCents: null,
    expectedCount: null,
    actualCount: null,
    numbers: [],
    transactionId: null,
    incidentClass: 'transaction',
    ...partial,
  };
}

/**
 * Total mismatches per card type (and a missing end-of-day for a day that is over). A different
 * count with the same amount is its own finding: records lost or doubled in pairs that cancel
 * out (a payment and its reversal), which the amounts alone never show.
 */
export function totalAnomalies(day: DayFacts, today: string): Anomaly[] {
  const base = { terminalId: day.terminalId, businessDay: day.businessDay };
  if (!day.hasEndOfDay) return day.businessDay < today ? [anomaly({ ...base, kind: 'missing_end_of_day' })] : [];
  const found: Anomaly[] = [];
  for (const [cardType, sums] of [...day.cardTypes].sort(([a], [b]) => a.localeCompare(b))) {
    const expected = sums.endOfDayCents ?? 0;
    const expectedCount = sums.endOfDayCount ?? 0;
    const counts = { expectedCount, actualCount: sums.capturedCount };
    if (expected !== sums.capturedCents) {
      found.push(anomaly({ ...base, kind: 'total_mismatch', cardType, expectedCents: expected, actualCents: sums.capturedCents, ...counts }));
    } else if (expectedCount !== sums.capturedCount) {
      found.push(anomaly({ ...base, kind: 'count_mismatch', cardType, expectedCents: expected, actualCents: sums.capturedCents, ...counts }));
    }
  }
  return found;
}

/** The numbers of a receipt range in order, across the wrap from 9999 to 1. */
function* receiptsOf(range: ReceiptRange): Generator<number> {
  if (range.start < 1 || range.end < 1 || range.start > MAX_RECEIPT_NUMBER || range.end > MAX_RECEIPT_NUMBER) return;
  if (range.start <= range.end) {
    for (let n = range.start; n <= range.end; n++) yield n;
    return;
  }
  for (let n = range.start; n <= MAX_RECEIPT_NUMBER; n++) yield n;
  for (let n = 1; n <= range.end; n++) yield n;
}

/**
 * Receipt numbers the end-of-day closed but PosCare never captured. Unlike the gaps between
 * captured numbers this also finds the first and last receipts of the batch (records lost at
 * the day's boundaries).
 */
export function missingFromRange(range: ReceiptRange, captured: Iterable<number>): number[] {
  const seen = new Set(captured);
  const missing: number[] = [];
  for (const n of receiptsOf(range)) if (!seen.has(n)) missing.push(n);
  return missing;
}

function gapsAndDuplicates(values: number[]): { missing: number[]; doubled: number[] } {
  const sorted = [...values].sort((a, b) => a - b);
  const missing: number[] = [];
  const doubled: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as number;
    const current = sorted[i] as number;
    if (current === previous) {
      if (doubled[doubled.length - 1] !== current && doubled.length < MAX_NUMBERS) doubled.push(current);
    } else if (current - previous > 1 && current - previous <= MAX_GAP_SPAN) {
      for (let n = previous + 1; n < current && missing.length < MAX_NUMBERS; n++) missing.push(n);
    }
  }
  return { missing, doubled };
}

/**
 * Gaps and duplicates per terminal and day; `rows` ordered by terminal and day. `rangeOf` gives
 * a day's end-of-day receipt range, whose numbers missing from the records count as gaps too.
 */
export function numberAnomalies(rows: NumberRow[], rangeOf: (terminalId: string, businessDay: string) => ReceiptRange | null = () => null): Anomaly[] {
  const found: Anomaly[] = [];
  let start = 0;
  while (start < rows.length) {
    const first = rows[start] as NumberRow;
    let end = start;
    while (end < rows.length && rows[end]?.terminalId === first.terminalId && rows[end]?.businessDay === first.businessDay) end++;
    const group = rows.slice(start, end);
    const base = { terminalId: first.terminalId, businessDay: first.businessDay };
    const trace = gapsAndDuplicates(group.map((r) => r.traceNumber));
    const receiptNumbers = group.map((r) => r.receiptNumber);
    const receipt = gapsAndDuplicates(receiptNumbers);
    const range = rangeOf(first.terminalId, first.businessDay);
    if (range) {
      const missing = new Set([...receipt.missing, ...missingFromRange(range, receiptNumbers)]);
      receipt.missing = [...missing].sort((a, b) => a - b).slice(0, MAX_NUMBERS);
    }
    if (trace.missing.length > 0) found.push(anomaly({ ...base, kind: 'trace_gap', numbers: trace.missing }));
    if (trace.doubled.length > 0) found.push(anomaly({ ...base, kind: 'duplicate_trace', numbers: trace.doubled }));
    if (receipt.missing.length > 0) found.push(anomaly({ ...base, kind: 'receipt_gap', numbers: receipt.missing }));
    if (receipt.doubled.length > 0) found.push(anomaly({ ...base, kind: 'duplicate_receipt', numbers: receipt.doubled }));
    start = end;
  }
  return found;
}

/**
 * Number findings of one terminal-day: gaps and duplicates (numberAnomalies), and receipts of its
 * end-of-day range never captured, also when not one of them was: then the whole range is missing,
 * listed in the order the terminal used the numbers.
 */
export function dayNumberAnomalies(day: Pick<DayFacts, 'terminalId' | 'businessDay' | 'receiptRange'>, rows: NumberRow[]): Anomaly[] {
  if (rows.length > 0) return numberAnomalies(rows, () => day.receiptRange);
  if (!day.receiptRange) return [];
  const missing = missingFromRange(day.receiptRange, []).slice(0, MAX_NUMBERS);
  return missing.length > 0 ? [anomaly({ kind: 'receipt_gap', terminalId: day.terminalId, businessDay: day.businessDay, numbers: missing })] : [];
}

export function orphanAnomalies(orphans: TransactionRecord[]): Anomaly[] {
  return orphans.map((r) =>
    anomaly({
      kind: 'reversal_without_original',
      terminalId: r.terminalId,
      businessDay: r.businessDay,
      cardType: r.cardType,
      actualCents: r.amountCents,
      numbers: r.originalReceiptNumber === null ? [] : [r.originalReceiptNumber],
      transactionId: r.id,
    }),
  );
}

export function summarizeDay(day: DayFacts, anomalies: Anomaly[]): ReconciliationDay {
  let capturedCents = 0;
  let endOfDayCents: number | null = day.hasEndOfDay ? 0 : null;
  for (const sums of day.cardTypes.values()) {
    capturedCents += sums.capturedCents;
    if (endOfDayCents !== null) endOfDayCents += sums.endOfDayCents ?? 0;
  }
  const own = anomalies.filter((a) => a.terminalId === day.terminalId && a.businessDay === day.businessDay).length;
  return {
    terminalId: day.terminalId,
    businessDay: day.businessDay,
    transactionCount: day.transactionCount,
    capturedCents,
    endOfDayCents,
    status: own > 0 ? 'anomalies' : day.hasEndOfDay ? 'ok' : 'no_end_of_day',
    anomalyCount: own,
  };
}
