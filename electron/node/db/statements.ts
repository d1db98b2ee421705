/** SQL of acquirer statements: remembered mappings, imports, statement lines, hand-entered day totals. */
import type { HandDayTotal, StatementLine, StatementMapping } from '../../../shared/domain/statements';
import type { Db } from './connection';

export function getMapping(db: Db, acquirer: string): StatementMapping | null {
  const row = db.prepare('SELECT mapping_json FROM statement_mappings WHERE acquirer = ?').get(acquirer) as { mapping_json: string } | undefined;
  return row ? (JSON.parse(row.mapping_json) as StatementMapping) : null;
}

export function listMappings(db: Db): StatementMapping[] {
  const rows = db.prepare('SELECT mapping_json FROM statement_mappings ORDER BY acquirer').all() as { mapping_json: string }[];
  return rows.map((r) => JSON.parse(r.mapping_json) as StatementMapping);
}

export function saveMapping(db: Db, mapping: StatementMapping, now: string): void {
  db.prepare('INSERT INTO statement_mappings (acquirer, mapping_json, updated_at) VALUES (?, ?, ?) ON CONFLICT (acquirer) DO UPDATE SET mapping_json = excluded.mapping_json, updated_at = excluded.updated_at').run(
    mapping.acquirer,
    JSON.stringify(mapping),
    now,
  );
}

/** A line to store: the line as read, and which copy of it in its file (1 unless the acquirer listed it twice). */
export type NewLine = StatementLine & { copy: number };

export function importOfHash(db: Db, hash: string): number | null {
  const row = db.prepare('SELECT id FROM statement_imports WHERE file_hash = ?').get(hash) as { id: number } | undefined;
  return row?.id ?? null;
}

export interface ImportRow {
  id: number;
  acquirer: string;
  fileName: string;
  importedAt: string;
  rows: number;
  added: number;
  from: string | null;
  to: string | null;
}

export function insertImport(db: Db, row: Omit<ImportRow, 'id' | 'added'> & { hash: string }): number {
  const result = db
    .prepare('INSERT INTO statement_imports (file_hash, acquirer, file_name, imported_at, rows, added, first_day, last_day) VALUES (?, ?, ?, ?, ?, 0, ?, ?)')
    .run(row.hash, row.acquirer, row.fileName, row.importedAt, row.rows, row.from, row.to);
  return Number(result.lastInsertRowid);
}

export function setImportAdded(db: Db, id: number, added: number): void {
  db.prepare('UPDATE statement_imports SET added = ? WHERE id = ?').run(added, id);
}

/** Stores lines not stored before (by acquirer, key and copy); returns how many were new. */
export function insertLines(db: Db, importId: number, acquirer: string, lines: NewLine[]): number {
  const insert = db.prepare(
    `INSERT INTO statement_lines (import_id, acquirer, base_key, copy, line, terminal, occurred_at, business_day, amount_cents, fee_cents, pay_type, reference, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  let added = 0;
  for (const l of lines) {
    added += insert.run(importId, acquirer, l.baseKey, l.copy, l.line, l.terminal, l.occurredAt, l.businessDay, l.amountCents, l.feeCents, l.payType, l.reference, l.status).changes;
  }
  return added;
}

export type StoredLine = Omit<NewLine, 'payType'> & { acquirer: string };

/** The statement lines of one business day, in file order. */
export function linesOfDay(db: Db, day: string, acquirer?: string): StoredLine[] {
  return db
    .prepare(
      `SELECT acquirer, base_key AS baseKey, copy, line, terminal, occurred_at AS occurredAt, business_day AS businessDay, amount_cents AS amountCents,
              fee_cents AS feeCents, reference, status
       FROM statement_lines WHERE business_day = ? AND (? IS NULL OR acquirer = ?) ORDER BY id`,
    )
    .all(day, acquirer ?? null, acquirer ?? null) as StoredLine[];
}

export function listImports(db: Db, limit = 20): ImportRow[] {
  return db
    .prepare('SELECT id, acquirer, file_name AS fileName, imported_at AS importedAt, rows, added, first_day AS "from", last_day AS "to" FROM statement_imports ORDER BY id DESC LIMIT ?')
    .all(limit) as ImportRow[];
}

export interface CapturedRow {
  id: number;
  terminalId: string;
  occurredAt: string;
  traceNumber: number;
  receiptNumber: number;
  kind: 'payment' | 'reversal' | 'refund' | 'declined';
  amountCents: number;
  businessDay: string;
  originalReceiptNumber: number | null;
}

/** Captured records of the given terminals whose local time falls in [from, to + 1 day 06:00). */
export function capturedBetween(db: Db, terminalIds: string[], from: string, toExclusive: string): CapturedRow[] {
  if (terminalIds.length === 0) return [];
  const query = db.prepare(
    `SELECT id, terminal_id AS terminalId, occurred_at AS occurredAt, trace_number AS traceNumber, receipt_number AS receiptNumber, kind,
            amount_cents AS amountCents, business_day AS businessDay, original_receipt_number AS originalReceiptNumber
     FROM transactions WHERE terminal_id = ? AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at, id`,
  );
  return terminalIds.flatMap((id) => query.all(id, from, toExclusive) as CapturedRow[]);
}

export function upsertHandTotal(db: Db, total: HandDayTotal, now: string): void {
  db.prepare(
    'INSERT INTO hand_day_totals (device_id, business_day, count, amount_cents, entered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, business_day) DO UPDATE SET count = excluded.count, amount_cents = excluded.amount_cents, entered_at = excluded.entered_at',
  ).run(total.deviceId, total.businessDay, total.count, total.amountCents, now);
}

export function handTotalsBetween(db: Db, from: string, to: string): (HandDayTotal & { enteredAt: string })[] {
  return db
    .prepare('SELECT device_id AS deviceId, business_day AS businessDay, count, amount_cents AS amountCents, entered_at AS enteredAt FROM hand_day_totals WHERE business_day BETWEEN ? AND ? ORDER BY business_day, device_id')
    .all(from, to) as (HandDayTotal & { enteredAt: string })[];
}
