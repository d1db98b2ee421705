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
import { nextDay } from '../../../shared/domain/transactions';
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

/** The SQL of one search page, newest first; exposed for the query-plan tests. */
export function searchSql(query: TransactionQueryParsed): { sql: string; params: unknown[] } {
  const { where, params } = searchFilter(query);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after) {
    // Row values compare like the index is ordered: keyset pagination, never OFFSET.
    where.push('(occurred_at, id) < (?, ?)');
    params.push(after.occurredAt, after.id);
  }
  const sql = `SELECT * FROM transactions WHERE ${where.join(' AND ')} ORDER BY occurred_at DESC, id DESC LIMIT ?`;
  return { sql, params: [...params, query.limit + 1] };
}

export function searchTransactions(db: Db, query: TransactionQueryParsed): { items: TransactionRecord[]; nextCursor: string | null } {
  const { sql, params } = searchSql(query);
  const rows = db.prepare(sql).all(...params) as TransactionRow[];
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
  cardType: string | null;
  count: number | null;
  amountCents: number | null;
}

export function endOfDayTotals(db: Db, from: string, to: string, terminalId: string | null): EndOfDayRow[] {
  return db
    .prepare(
      `SELECT e.terminal_id AS terminalId, e.business_day AS businessDay, t.card_type AS cardType, t.count AS count,
          t.amount_cents AS amountCents
        FROM end_of_day e LEFT JOIN end_of_day_totals t ON t.terminal_id = e.terminal_id AND t.business_day = e.business_day
        WHERE e.business_day >= ? AND e.business_day <= ? AND (? IS NULL OR e.terminal_id = ?)`,
    )
    .all(from, to, terminalId, terminalId) as EndOfDayRow[];
}

export interface NumberRow {
  terminalId: string;
  businessDay: string;
  traceNumber: number;
  receiptNumber: number;
}

/**
 * Trace and receipt numbers of one terminal's business day, ordered by trace number (gap and
 * duplicate checks). Answered from the covering index transactions_identity, one day at a time,
 * so reconciling a long range is many short steps.
 */
export function dayNumbers(db: Db, terminalId: string, businessDay: string): NumberRow[] {
  return db
    .prepare(
      `SELECT terminal_id AS terminalId, business_day AS businessDay, trace_number AS traceNumber, receipt_number AS receiptNumber
        FROM transactions WHERE terminal_id = ? AND business_day = ?
        ORDER BY trace_number`,
    )
    .all(terminalId, businessDay) as NumberRow[];
}

/** Reversals and refunds whose original payment is not stored (same terminal, that receipt number). */
export function orphanReversals(db: Db, from: string, to: string, terminalId: string | null): TransactionRecord[] {
  const rows = db
    .prepare(
      `SELECT r.* FROM transactions r
        WHERE r.business_day >= ? AND r.business_day <= ? AND (? IS NULL OR r.terminal_id = ?) AND r.kind = 'reversal'
          AND (r.original_receipt_number IS NULL OR NOT EXISTS (
            SELECT 1 FROM transactions p WHERE p.receipt_number = r.original_receipt_number AND p.terminal_id = r.terminal_id
              AND p.kind = 'payment' AND p.occurred_at <= r.occurred_at))
        ORDER BY r.occurred_at`,
    )
    .all(from, to, terminalId, terminalId) as TransactionRow[];
  return rows.map(toRecord);
}

export function dayTransactions(db: Db, terminalId: string, businessDay: string, limit: number): TransactionRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM transactions WHERE terminal_id = ? AND occurred_at >= ? AND occurred_at < ? AND business_day = ?
        ORDER BY occurred_at, id LIMIT ?`,
    )
    .all(terminalId, `${businessDay}T00:00:00`, `${nextDay(businessDay)}T06:00:00`, businessDay, limit) as TransactionRow[];
  return rows.map(toRecord);
}

/** Row counts of the tables a backup describes. */
export function transactionCount(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number }).n;
}
