/**
 * SQL of the transaction records and end-of-day totals. Statements are prepared per call (cheap
 * in better-sqlite3) so a connection reopened after a restore is always the one used.
 */
import type {
  CardTypeTotal,
  TransactionKind,
  TransactionQueryParsed,
  TransactionRecord,
  TransactionRecordParsed,
} from '../../../shared/domain/transactions';
import { BUSINESS_DAY_CUTOFF_HOUR, nextDay, previousDay } from '../../../shared/domain/transactions';
import type { Db } from './connection';

interface TransactionRow {
  id: number;
  terminal_id: string;
  business_day: string;
  occurred_at: string;
  trace_number: number;
  receipt_number: number;
  kind: TransactionKind;
  amount_cents: number;
  card_type: string;
  card_name: string;
  masked_pan: string;
  tid: string;
  vu: string;
  aid: string;
  result_code: number | null;
  original_receipt_number: number | null;
  receipt_text: string;
  captured_at: string;
}

export function toRecord(row: TransactionRow): TransactionRecord {
  return {
    id: row.id,
    terminalId: row.terminal_id,
    businessDay: row.business_day,
    occurredAt: row.occurred_at,
    traceNumber: row.trace_number,
    receiptNumber: row.receipt_number,
    kind: row.kind,
    amountCents: row.amount_cents,
    cardType: row.card_type,
    cardName: row.card_name,
    maskedPan: row.masked_pan,
    tid: row.tid,
    vu: row.vu,
    aid: row.aid,
    resultCode: row.result_code,
    originalReceiptNumber: row.original_receipt_number,
    receiptText: row.receipt_text,
    capturedAt: row.captured_at,
  };
}

export type StoredTransaction = TransactionRecordParsed & { businessDay: string };

const INSERT_SQL = `INSERT INTO transactions (
    terminal_id, business_day, occurred_at, trace_number, receipt_number, kind, amount_cents, card_type, card_name,
    masked_pan, tid, vu, aid, result_code, original_receipt_number, receipt_text, captured_at)
  VALUES (@terminalId, @businessDay, @occurredAt, @traceNumber, @receiptNumber, @kind, @amountCents, @cardType, @cardName,
    @maskedPan, @tid, @vu, @aid, @resultCode, @originalReceiptNumber, @receiptText, @capturedAt)
  ON CONFLICT (terminal_id, business_day, trace_number, receipt_number) DO NOTHING`;

/** Inserts one record unless the same terminal/day/trace/receipt is stored; answers the row id. */
export function insertTransaction(db: Db, record: StoredTransaction, capturedAt: string): { id: number; created: boolean } {
  const info = db.prepare(INSERT_SQL).run({ ...record, capturedAt });
  if (info.changes === 1) return { id: Number(info.lastInsertRowid), created: true };
  const existing = db
    .prepare(
      'SELECT id FROM transactions WHERE terminal_id = ? AND business_day = ? AND trace_number = ? AND receipt_number = ?',
    )
    .get(record.terminalId, record.businessDay, record.traceNumber, record.receiptNumber) as { id: number };
  return { id: existing.id, created: false };
}

/** Many records in one transaction (demo data, benchmarks); answers how many were new. */
export function insertTransactions(db: Db, records: Iterable<StoredTransaction>, capturedAt: string): number {
  const insert = db.prepare(INSERT_SQL);
  let created = 0;
  db.transaction(() => {
    for (const record of records) created += insert.run({ ...record, capturedAt }).changes;
  })();
  return created;
}

export function replaceEndOfDay(db: Db, terminalId: string, businessDay: string, totals: CardTypeTotal[], capturedAt: string): void {
  db.transaction(() => {
    db.prepare('DELETE FROM end_of_day_totals WHERE terminal_id = ? AND business_day = ?').run(terminalId, businessDay);
    const insert = db.prepare(
      'INSERT INTO end_of_day_totals (terminal_id, business_day, card_type, count, amount_cents, captured_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const total of totals) insert.run(terminalId, businessDay, total.cardType, total.count, total.amountCents, capturedAt);
    db.prepare(
      'INSERT INTO end_of_day (terminal_id, business_day, captured_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET captured_at = excluded.captured_at',
    ).run(terminalId, businessDay, capturedAt);
  })();
}

/** One End-of-Day run as the terminal reported it (see recordEndOfDayRun). */
export interface EndOfDayRunInput {
  closedAt: string;
  totals: CardTypeTotal[];
  receiptStart: number | null;
  receiptEnd: number | null;
}

/**
 * Stores an End-of-Day run under the business day it closes. Each run reports only the batch
 * since the previous run, so a further run of the same day (a second end-of-day after more
 * sales) adds its totals to the day's and extends the receipt range; the same run delivered
 * again changes nothing.
 */
export function recordEndOfDay(db: Db, terminalId: string, businessDay: string, run: EndOfDayRunInput, capturedAt: string): void {
  db.transaction(() => {
    const fresh = db
      .prepare('INSERT INTO end_of_day_runs (terminal_id, closed_at, business_day, captured_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(terminalId, run.closedAt, businessDay, capturedAt);
    if (fresh.changes === 0) return;
    const existing = db
      .prepare('SELECT closed_at AS closedAt, receipt_start AS receiptStart FROM end_of_day WHERE terminal_id = ? AND business_day = ?')
      .get(terminalId, businessDay) as { closedAt: string | null; receiptStart: number | null } | undefined;
    // An empty batch adds nothing to a day already stored, and must not wipe one stored before
    // runs were remembered (closed_at NULL): that day's totals would be lost.
    if (existing !== undefined && run.totals.every((total) => total.count === 0 && total.amountCents === 0)) return;
    // A day stored by an earlier run (closed_at set) accumulates; one stored otherwise is replaced.
    const another = existing !== undefined && existing.closedAt !== null;
    if (!another) db.prepare('DELETE FROM end_of_day_totals WHERE terminal_id = ? AND business_day = ?').run(terminalId, businessDay);
    const insert = db.prepare(
      `INSERT INTO end_of_day_totals (terminal_id, business_day, card_type, count, amount_cents, captured_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (terminal_id, business_day, card_type) DO UPDATE SET count = count + excluded.count,
          amount_cents = amount_cents + excluded.amount_cents, captured_at = excluded.captured_at`,
    );
    for (const total of run.totals) insert.run(terminalId, businessDay, total.cardType, total.count, total.amountCents, capturedAt);
    const receiptStart = another ? (existing.receiptStart ?? run.receiptStart) : run.receiptStart;
    const closedAt = another && existing.closedAt !== null && existing.closedAt > run.closedAt ? existing.closedAt : run.closedAt;
    db.prepare(
      `INSERT INTO end_of_day (terminal_id, business_day, captured_at, closed_at, receipt_start, receipt_end) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET captured_at = excluded.captured_at, closed_at = excluded.closed_at,
          receipt_start = excluded.receipt_start, receipt_end = coalesce(excluded.receipt_end, receipt_end)`,
    ).run(terminalId, businessDay, capturedAt, closedAt, receiptStart, run.receiptEnd);
  })();
}

/** The terminal's last End-of-Day run before a moment of its clock (index end_of_day_terminal_closed). */
export function previousEndOfDay(db: Db, terminalId: string, before: string): { businessDay: string; closedAt: string } | undefined {
  return db
    .prepare(
      `SELECT business_day AS businessDay, closed_at AS closedAt FROM end_of_day
        WHERE terminal_id = ? AND closed_at < ? ORDER BY closed_at DESC LIMIT 1`,
    )
    .get(terminalId, before) as { businessDay: string; closedAt: string } | undefined;
}

/** Whether the terminal ran an End-of-Day in (after, until] of its clock. */
export function endOfDayBetween(db: Db, terminalId: string, after: string, until: string): boolean {
  return (
    db.prepare('SELECT 1 FROM end_of_day WHERE terminal_id = ? AND closed_at > ? AND closed_at <= ? LIMIT 1').get(terminalId, after, until) !==
    undefined
  );
}

/** The terminal's last transaction before a moment (index transactions_terminal_time). */
export function previousTransaction(db: Db, terminalId: string, before: string): { businessDay: string; occurredAt: string } | undefined {
  return db
    .prepare(
      `SELECT business_day AS businessDay, occurred_at AS occurredAt FROM transactions INDEXED BY transactions_terminal_time
        WHERE terminal_id = ? AND occurred_at < ? ORDER BY occurred_at DESC LIMIT 1`,
    )
    .get(terminalId, before) as { businessDay: string; occurredAt: string } | undefined;
}

/** The business day of the terminal's last transaction in (after, until] (index transactions_terminal_time). */
export function lastBusinessDayBetween(db: Db, terminalId: string, after: string, until: string): string | undefined {
  const row = db
    .prepare(
      `SELECT business_day AS businessDay FROM transactions INDEXED BY transactions_terminal_time
        WHERE terminal_id = ? AND occurred_at > ? AND occurred_at <= ? ORDER BY occurred_at DESC LIMIT 1`,
    )
    .get(terminalId, after, until) as { businessDay: string } | undefined;
  return row?.businessDay;
}

export function getTransaction(db: Db, id: number): TransactionRecord | undefined {
  const row = db.prepare('SELECT * FROM transactions WHERE id = ?').get(id) as TransactionRow | undefined;
  return row && toRecord(row);
}

/** Cursor of keyset pagination: the (occurred_at, id) of the last row shown. */
export function encodeCursor(record: { occurredAt: string; id: number }): string {
  return `${record.occurredAt}|${record.id}`;
}

export function decodeCursor(cursor: string): { occurredAt: string; id: number } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\|(\d{1,15})$/.exec(cursor);
  if (!match?.[1] || !match[2]) return undefined;
  return { occurredAt: match[1], id: Number(match[2]) };
}

/** The WHERE clause and parameters of a search (without the cursor). */
export function searchFilter(query: Omit<TransactionQueryParsed, 'limit' | 'cursor'>): { where: string[]; params: unknown[] } {
  const where = ['occurred_at >= ?', 'occurred_at < ?'];
  const params: unknown[] = [`${query.from}T00:00:00`, `${nextDay(query.to)}T00:00:00`];
  if (query.terminalId) {
    where.push('terminal_id = ?');
    params.push(query.terminalId);
  }
  if (query.cardType) {
    where.push('card_type = ?');
    params.push(query.cardType);
  }
  if (query.kind) {
    where.push('kind = ?');
    params.push(query.kind);
  }
  if (query.minAmountCents !== undefined) {
    where.push('amount_cents >= ?');
    params.push(query.minAmountCents);
  }
  if (query.maxAmountCents !== undefined) {
    where.push('amount_cents <= ?');
    params.push(query.maxAmountCents);
  }
  if (query.receiptNumber !== undefined) {
    where.push('receipt_number = ?');
    params.push(query.receiptNumber);
  }
  return { where, params };
}

/** Count and net amount of the rows a search filter matches (callers keep the range to a day). */
export function transactionTotals(db: Db, query: Omit<TransactionQueryParsed, 'limit' | 'cursor'>): { count: number; netCents: number; declined: number } {
  const { where, params } = searchFilter(query);
  const row = db
    .prepare(
      `SELECT count(*) AS count,
         COALESCE(SUM(CASE kind WHEN 'payment' THEN amount_cents WHEN 'reversal' THEN -amount_cents WHEN 'refund' THEN -amount_cents ELSE 0 END), 0) AS netCents,
         COALESCE(SUM(kind = 'declined'), 0) AS declined
       FROM transactions WHERE ${where.join(' AND ')}`,
    )
    .get(...params) as { count: number; netCents: number; declined: number };
  return row;
}

/** How one search statement finds its rows (see searchTransactions). */
export type SearchAccess =
  | { via: 'time' }
  | { via: 'receipt' }
  /** One calendar day through the amount (and card type) ordered index. */
  | { via: 'day-index'; day: string }
  /** One calendar day walked in time order (a day where the filter matches many rows). */
  | { via: 'day-walk'; day: string };

type SearchFilter = Omit<TransactionQueryParsed, 'limit' | 'cursor'>;

/** Amount or card type filters: without an index of their own they would walk the whole range. */
function hasValueFilter(query: SearchFilter): boolean {
  return query.minAmountCents !== undefined || query.maxAmountCents !== undefined || Boolean(query.cardType);
}

function dayIndexOf(query: SearchFilter): string {
  return query.cardType ? 'transactions_date_card' : 'transactions_date_amount';
}

function defaultAccess(query: TransactionQueryParsed): SearchAccess {
  return query.receiptNumber !== undefined ? { via: 'receipt' } : { via: 'time' };
}

/**
 * The SQL of one search statement, newest first; exposed for the query-plan tests. Every
 * statement names its index: the plans must not depend on ANALYZE statistics, which PosCare
 * does not keep, nor change when somebody runs ANALYZE.
 */
export function searchSql(query: TransactionQueryParsed, access: SearchAccess = defaultAccess(query)): { sql: string; params: unknown[] } {
  const { where, params } = searchFilter(query);
  let index: string;
  if (access.via === 'receipt') index = 'transactions_receipt';
  else if (access.via === 'day-index') index = dayIndexOf(query);
  else index = query.terminalId ? 'transactions_terminal_time' : 'transactions_time';
  if (access.via === 'day-index' || access.via === 'day-walk') {
    where.push('occurred_at >= ?', 'occurred_at < ?');
    params.push(`${access.day}T00:00:00`, `${nextDay(access.day)}T00:00:00`);
  }
  if (access.via === 'day-index') {
    // The index's own expression, written as in its definition, so SQLite seeks on it.
    where.push('substr(occurred_at, 1, 10) = ?');
    params.push(access.day);
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after) {
    // Row values compare like the index is ordered: keyset pagination, never OFFSET.
    where.push('(occurred_at, id) < (?, ?)');
    params.push(after.occurredAt, after.id);
  }
  const sql = `SELECT * FROM transactions INDEXED BY ${index} WHERE ${where.join(' AND ')} ORDER BY occurred_at DESC, id DESC LIMIT ?`;
  return { sql, params: [...params, query.limit + 1] };
}

/** Counts a day's index entries within the amount (and card type) filter, up to `cap`. */
export function dayProbeSql(query: SearchFilter, day: string, cap: number): { sql: string; params: unknown[] } {
  const card = query.cardType ? ' AND card_type = ?' : '';
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM transactions INDEXED BY ${dayIndexOf(query)}
    WHERE substr(occurred_at, 1, 10) = ?${card} AND amount_cents >= ? AND amount_cents <= ? LIMIT ?)`;
  const bounds = [query.minAmountCents ?? 0, query.maxAmountCents ?? Number.MAX_SAFE_INTEGER];
  return { sql, params: [day, ...(query.cardType ? [query.cardType] : []), ...bounds, cap] };
}

/**
 * A day with fewer index entries than this in the filter is read through the day index (at most
 * this many rows, sorted); a day with more is walked in time order, where a match turns up at
 * least every few hundred rows. Either way a day costs a few hundred rows at most.
 */
export const DAY_PROBE_CAP = 300;

/**
 * One page of a search. A receipt number seeks its own index; a plain range walks the time
 * index. An amount or card type filter goes one calendar day at a time, newest first: each day is
 * probed in the per-day amount index and read either through it (few matches) or by walking the
 * day in time order (many matches), so a selective filter over a month never walks the month.
 */
export function searchTransactions(db: Db, query: TransactionQueryParsed): { items: TransactionRecord[]; nextCursor: string | null } {
  let rows: TransactionRow[];
  if (query.receiptNumber !== undefined || !hasValueFilter(query)) {
    const { sql, params } = searchSql(query);
    rows = db.prepare(sql).all(...params) as TransactionRow[];
  } else {
    rows = [];
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const cursorDay = after?.occurredAt.slice(0, 10);
    const newest = cursorDay !== undefined && cursorDay < query.to ? cursorDay : query.to;
    // One row more than the page tells whether there is a next page.
    for (let day = newest; day >= query.from && rows.length <= query.limit; day = previousDay(day)) {
      const probe = dayProbeSql(query, day, DAY_PROBE_CAP);
      const found = (db.prepare(probe.sql).get(...probe.params) as { n: number }).n;
      if (found === 0) continue;
      const access: SearchAccess = found < DAY_PROBE_CAP ? { via: 'day-index', day } : { via: 'day-walk', day };
      const { sql, params } = searchSql({ ...query, limit: query.limit - rows.length }, access);
      rows.push(...(db.prepare(sql).all(...params) as TransactionRow[]));
    }
  }
  const items = rows.slice(0, query.limit).map(toRecord);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/** All rows of a range in time order, one at a time (exports of any size). */
export function* iterateTransactions(
  db: Db,
  query: Omit<TransactionQueryParsed, 'limit' | 'cursor'>,
): Generator<TransactionRecord> {
  const { where, params } = searchFilter(query);
  const statement = db.prepare(`SELECT * FROM transactions WHERE ${where.join(' AND ')} ORDER BY occurred_at, id`);
  for (const row of statement.iterate(...params) as IterableIterator<TransactionRow>) yield toRecord(row);
}

/** Batches of rows in time order, resumed by keyset: no statement stays open between batches. */
export function transactionBatch(
  db: Db,
  query: Omit<TransactionQueryParsed, 'limit' | 'cursor'>,
  after: { occurredAt: string; id: number } | undefined,
  size: number,
): TransactionRecord[] {
  const { where, params } = searchFilter(query);
  if (after) {
    where.push('(occurred_at, id) > (?, ?)');
    params.push(after.occurredAt, after.id);
  }
  const rows = db
    .prepare(`SELECT * FROM transactions WHERE ${where.join(' AND ')} ORDER BY occurred_at, id LIMIT ?`)
    .all(...params, size) as TransactionRow[];
  return rows.map(toRecord);
}

export interface DaySums {
  terminalId: string;
  businessDay: string;
  cardType: string;
  kind: TransactionKind;
  count: number;
  amountCents: number;
}

export const DAY_SUMS_SQL = `SELECT terminal_id AS terminalId, business_day AS businessDay, card_type AS cardType, kind,
    count(*) AS count, sum(amount_cents) AS amountCents
  FROM transactions WHERE business_day >= ? AND business_day <= ? AND (? IS NULL OR terminal_id = ?)
  GROUP BY business_day, terminal_id, card_type, kind`;

export function daySums(db: Db, from: string, to: string, terminalId: string | null): DaySums[] {
  return db.prepare(DAY_SUMS_SQL).all(from, to, terminalId, terminalId) as DaySums[];
}

export interface EndOfDayRow {
  terminalId: string;
  businessDay: string;
  receiptStart: number | null;
  receiptEnd: number | null;
  cardType: string | null;
  count: number | null;
  amountCents: number | null;
}

/** Exposed for the query-plan tests: end_of_day by day (named: the OR on the terminal misleads the planner), totals by key. */
export const END_OF_DAY_TOTALS_SQL = `SELECT e.terminal_id AS terminalId, e.business_day AS businessDay, e.receipt_start AS receiptStart,
    e.receipt_end AS receiptEnd, t.card_type AS cardType, t.count AS count, t.amount_cents AS amountCents
  FROM end_of_day e INDEXED BY end_of_day_business_day
    LEFT JOIN end_of_day_totals t ON t.terminal_id = e.terminal_id AND t.business_day = e.business_day
  WHERE e.business_day >= ? AND e.business_day <= ? AND (? IS NULL OR e.terminal_id = ?)`;

export function endOfDayTotals(db: Db, from: string, to: string, terminalId: string | null): EndOfDayRow[] {
  return db.prepare(END_OF_DAY_TOTALS_SQL).all(from, to, terminalId, terminalId) as EndOfDayRow[];
}

export interface NumberRow {
  terminalId: string;
  businessDay: string;
  traceNumber: number;
  receiptNumber: number;
}

export const DAY_NUMBERS_SQL = `SELECT terminal_id AS terminalId, business_day AS businessDay, trace_number AS traceNumber,
    receipt_number AS receiptNumber
  FROM transactions WHERE terminal_id = ? AND business_day = ?
  ORDER BY trace_number`;

/**
 * Trace and receipt numbers of one terminal's business day, ordered by trace number (gap and
 * duplicate checks). Answered from the covering index transactions_identity, one day at a time,
 * so reconciling a long range is many short steps.
 */
export function dayNumbers(db: Db, terminalId: string, businessDay: string): NumberRow[] {
  return db.prepare(DAY_NUMBERS_SQL).all(terminalId, businessDay) as NumberRow[];
}

/**
 * Reversals whose original payment is not stored. The original is looked for on the same
 * terminal and business day only (index transactions_day_receipt): receipt numbers wrap at
 * 9999 and often restart after an end-of-day, and a reversal is only possible within the open
 * batch, so a payment with that number on another day is a different payment and must not hide
 * a real orphan. The day's reversals come from the partial index transactions_reversals.
 */
export const ORPHAN_REVERSALS_SQL = `SELECT r.* FROM transactions r INDEXED BY transactions_reversals
  WHERE r.business_day >= ? AND r.business_day <= ? AND (? IS NULL OR r.terminal_id = ?) AND r.kind = 'reversal'
    AND (r.original_receipt_number IS NULL OR NOT EXISTS (
      SELECT 1 FROM transactions p INDEXED BY transactions_day_receipt
        WHERE p.terminal_id = r.terminal_id AND p.business_day = r.business_day
          AND p.receipt_number = r.original_receipt_number AND p.kind = 'payment'))
  ORDER BY r.business_day, r.terminal_id, r.id`;

export function orphanReversals(db: Db, from: string, to: string, terminalId: string | null): TransactionRecord[] {
  const rows = db.prepare(ORPHAN_REVERSALS_SQL).all(from, to, terminalId, terminalId) as TransactionRow[];
  return rows.map(toRecord);
}

/**
 * A business day's transactions of one terminal in time order: they occur from that date's
 * midnight until the cut-off of the next morning (a batch closed after midnight).
 */
export const DAY_TRANSACTIONS_SQL = `SELECT * FROM transactions INDEXED BY transactions_terminal_time
  WHERE terminal_id = ? AND occurred_at >= ? AND occurred_at < ? AND business_day = ?
  ORDER BY occurred_at, id LIMIT ?`;

export function dayTransactions(db: Db, terminalId: string, businessDay: string, limit: number): TransactionRecord[] {
  const rows = db
    .prepare(DAY_TRANSACTIONS_SQL)
    .all(terminalId, `${businessDay}T00:00:00`, `${nextDay(businessDay)}T${String(BUSINESS_DAY_CUTOFF_HOUR).padStart(2, '0')}:00:00`, businessDay, limit) as TransactionRow[];
  return rows.map(toRecord);
}

/** Row counts of the tables a backup describes. */
export function transactionCount(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number }).n;
}
