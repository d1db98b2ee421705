/** SQL of spare parts: the catalogue, the stock ledger and the backup terminals' states. */
import type { BackupState, BackupTerminal, Movement, PartFields } from '../../../shared/domain/parts';
import type { Db } from './connection';

interface PartRow {
  id: string;
  name: string;
  part_number: string;
  category: string;
  compatible_models: string;
  location: string;
  supplier: string;
  supplier_contact: string;
  unit_cost_cents: number;
  barcode: string;
  minimum_stock: number;
  reorder_quantity: number;
  notes: string;
  on_hand: number;
  low_since: number | null;
  has_photo: number;
  created_at: string;
  updated_at: string;
}

/** A catalogue record as stored (without the service's derived fields). */
export interface StoredPart extends PartFields {
  id: string;
  onHand: number;
  hasPhoto: boolean;
  /** The movement that took on hand below the minimum (null while at or above it). */
  lowSince: number | null;
  createdAt: string;
  updatedAt: string;
}

function toPart(row: PartRow): StoredPart {
  return {
    id: row.id,
    name: row.name,
    partNumber: row.part_number,
    // Written only through the PartFields schema.
    category: row.category as PartFields['category'],
    compatibleModels: JSON.parse(row.compatible_models) as string[],
    location: row.location,
    supplier: row.supplier,
    supplierContact: row.supplier_contact,
    unitCost: row.unit_cost_cents / 100,
    barcode: row.barcode,
    minimumStock: row.minimum_stock,
    reorderQuantity: row.reorder_quantity,
    notes: row.notes,
    onHand: row.on_hand,
    hasPhoto: row.has_photo === 1,
    lowSince: row.low_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function params(fields: PartFields) {
  return {
    name: fields.name,
    part_number: fields.partNumber,
    category: fields.category,
    compatible_models: JSON.stringify(fields.compatibleModels),
    location: fields.location,
    supplier: fields.supplier,
    supplier_contact: fields.supplierContact,
    unit_cost_cents: Math.round(fields.unitCost * 100),
    barcode: fields.barcode,
    minimum_stock: fields.minimumStock,
    reorder_quantity: fields.reorderQuantity,
    notes: fields.notes,
  };
}

const WITH_PHOTO_FLAG = 'SELECT p.*, EXISTS (SELECT 1 FROM part_photos f WHERE f.part_id = p.id) AS has_photo FROM parts p';

export function listParts(db: Db): StoredPart[] {
  return (db.prepare(`${WITH_PHOTO_FLAG} ORDER BY p.name COLLATE NOCASE, p.id`).all() as PartRow[]).map(toPart);
}

export function getPart(db: Db, id: string): StoredPart | undefined {
  const row = db.prepare(`${WITH_PHOTO_FLAG} WHERE p.id = ?`).get(id) as PartRow | undefined;
  return row ? toPart(row) : undefined;
}

/** The other part (not `exceptId`) that already has this part number or barcode. */
export function partClashing(db: Db, field: 'partNumber' | 'barcode', value: string, exceptId?: string): StoredPart | undefined {
  const column = field === 'partNumber' ? 'part_number' : 'barcode';
  const row = db.prepare(`${WITH_PHOTO_FLAG} WHERE p.${column} = ? COLLATE NOCASE AND p.id IS NOT ? LIMIT 1`).get(value, exceptId ?? null) as PartRow | undefined;
  return row ? toPart(row) : undefined;
}

/** The part whose barcode or part number is exactly `code` (barcode first). */
export function partByCode(db: Db, code: string): StoredPart | undefined {
  const row = (db.prepare(`${WITH_PHOTO_FLAG} WHERE p.barcode = ? AND p.barcode <> ''`).get(code) ??
    db.prepare(`${WITH_PHOTO_FLAG} WHERE p.part_number = ? COLLATE NOCASE`).get(code)) as PartRow | undefined;
  return row ? toPart(row) : undefined;
}

/** A new part has nothing on hand: with a minimum above zero it starts below it (`lowSince` marks that crossing). */
export function insertPart(db: Db, id: string, fields: PartFields, now: string, lowSince: number | null): void {
  db.prepare(
    `INSERT INTO parts (id, name, part_number, category, compatible_models, location, supplier, supplier_contact, unit_cost_cents, barcode, minimum_stock, reorder_quantity, notes, low_since, created_at, updated_at)
     VALUES (@id, @name, @part_number, @category, @compatible_models, @location, @supplier, @supplier_contact, @unit_cost_cents, @barcode, @minimum_stock, @reorder_quantity, @notes, @low_since, @now, @now)`,
  ).run({ id, now, low_since: lowSince, ...params(fields) });
}

/** Updates the catalogue fields; `lowSince` follows the (possibly new) minimum. */
export function updatePart(db: Db, id: string, fields: PartFields, now: string, lowSince: number | null): void {
  db.prepare(
    `UPDATE parts SET name = @name, part_number = @part_number, category = @category, compatible_models = @compatible_models, location = @location,
       supplier = @supplier, supplier_contact = @supplier_contact, unit_cost_cents = @unit_cost_cents, barcode = @barcode, minimum_stock = @minimum_stock,
       reorder_quantity = @reorder_quantity, notes = @notes, low_since = @low_since, updated_at = @now WHERE id = @id`,
  ).run({ id, now, low_since: lowSince, ...params(fields) });
}

export function getPartPhoto(db: Db, partId: string): string | null {
  const row = db.prepare('SELECT photo FROM part_photos WHERE part_id = ?').get(partId) as { photo: string } | undefined;
  return row?.photo ?? null;
}

/** Sets or (null) removes a part's photo. */
export function setPartPhoto(db: Db, partId: string, photo: string | null, now: string): void {
  if (photo === null) db.prepare('DELETE FROM part_photos WHERE part_id = ?').run(partId);
  else db.prepare('INSERT INTO part_photos (part_id, photo, updated_at) VALUES (?, ?, ?) ON CONFLICT (part_id) DO UPDATE SET photo = excluded.photo, updated_at = excluded.updated_at').run(partId, photo, now);
}

interface MovementRow {
  id: number;
  part_id: string;
  at: string;
  kind: Movement['kind'];
  delta: number;
  balance_after: number;
  unit_cost_cents: number;
  reason: string;
  incident_id: string | null;
  maintenance: string | null;
  override: number;
  reverses_id: number | null;
  reversed_by_id: number | null;
}

const MOVEMENT_SELECT = `SELECT m.*, r.id AS reversed_by_id FROM part_movements m LEFT JOIN part_movements r ON r.reverses_id = m.id`;

function toMovement(row: MovementRow): Movement {
  return {
    id: row.id,
    partId: row.part_id,
    at: row.at,
    kind: row.kind,
    delta: row.delta,
    balanceAfter: row.balance_after,
    unitCost: row.unit_cost_cents / 100,
    reason: row.reason,
    incidentId: row.incident_id,
    maintenance: row.maintenance,
    override: row.override === 1,
    reversesId: row.reverses_id,
    reversedById: row.reversed_by_id,
  };
}

export function getMovement(db: Db, id: number): Movement | undefined {
  const row = db.prepare(`${MOVEMENT_SELECT} WHERE m.id = ?`).get(id) as MovementRow | undefined;
  return row ? toMovement(row) : undefined;
}

/** The newest movements first: of one part, or of one incident. */
export function listMovements(db: Db, filter: { partId?: string; incidentId?: string; maintenance?: string }, limit = 500): Movement[] {
  const [where, value] =
    filter.partId !== undefined ? ['m.part_id = ?', filter.partId] : filter.incidentId !== undefined ? ['m.incident_id = ?', filter.incidentId] : ['m.maintenance = ?', filter.maintenance];
  return (db.prepare(`${MOVEMENT_SELECT} WHERE ${where} ORDER BY m.id DESC LIMIT ?`).all(value, limit) as MovementRow[]).map(toMovement);
}

export interface NewMovement {
  partId: string;
  at: string;
  kind: Movement['kind'];
  delta: number;
  unitCostCents: number;
  reason: string;
  incidentId: string | null;
  maintenance: string | null;
  override: boolean;
  reversesId: number | null;
}

/**
 * Adds one movement and moves the balance in one IMMEDIATE transaction (a write lock from the
 * start, so two writers, in-process or not, cannot both read the same balance). `check` sees
 * the part as it is inside the transaction and throws to refuse; nothing is then written.
 */
export function recordMovement(db: Db, movement: NewMovement, check: (part: StoredPart) => void): number {
  return db
    .transaction(() => {
      const part = getPart(db, movement.partId);
      if (!part) throw new Error(`No part ${movement.partId}`);
      check(part);
      const balance = part.onHand + movement.delta;
      const id = Number(
        db
          .prepare(
            `INSERT INTO part_movements (part_id, at, kind, delta, balance_after, unit_cost_cents, reason, incident_id, maintenance, override, reverses_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(movement.partId, movement.at, movement.kind, movement.delta, balance, movement.unitCostCents, movement.reason, movement.incidentId, movement.maintenance, movement.override ? 1 : 0, movement.reversesId)
          .lastInsertRowid,
      );
      const low = balance < part.minimumStock;
      const lowSince = low ? (part.lowSince ?? id) : null;
      db.prepare('UPDATE parts SET on_hand = ?, low_since = ? WHERE id = ?').run(balance, lowSince, movement.partId);
      return id;
    })
    .immediate();
}

/** The ledger's sum per part (the balance kept in `parts.on_hand` must always equal it). */
export function ledgerSums(db: Db): Map<string, number> {
  const rows = db.prepare('SELECT p.id AS id, COALESCE(SUM(m.delta), 0) AS total FROM parts p LEFT JOIN part_movements m ON m.part_id = p.id GROUP BY p.id').all() as { id: string; total: number }[];
  return new Map(rows.map((r) => [r.id, r.total]));
}

/**
 * Pieces consumed per part since `since` (consumptions less their reversals). The time index is
 * named: left to itself SQLite walks the part index for the GROUP BY, the whole ledger (3.8 s
 * against 0.1 s at a million movements, two years of them).
 */
export function consumedSince(db: Db, since: string): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT m.part_id AS id, -SUM(m.delta) AS used FROM part_movements m INDEXED BY part_movements_at LEFT JOIN part_movements o ON o.id = m.reverses_id
       WHERE m.at >= ? AND (m.kind = 'consume' OR (m.kind = 'reversal' AND o.kind = 'consume')) GROUP BY m.part_id`,
    )
    .all(since) as { id: string; used: number }[];
  return new Map(rows.map((r) => [r.id, r.used]));
}

interface BackupRow {
  device_id: string;
  state: BackupState;
  replaces_device_id: string | null;
  updated_at: string;
}

export function backupStates(db: Db): Map<string, BackupTerminal> {
  const rows = db.prepare('SELECT * FROM backup_terminals').all() as BackupRow[];
  return new Map(rows.map((r) => [r.device_id, { deviceId: r.device_id, state: r.state, replacesDeviceId: r.replaces_device_id, updatedAt: r.updated_at }]));
}

export function setBackupState(db: Db, deviceId: string, state: BackupState, replacesDeviceId: string | null, now: string): void {
  db.prepare(
    `INSERT INTO backup_terminals (device_id, state, replaces_device_id, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET state = excluded.state, replaces_device_id = excluded.replaces_device_id, updated_at = excluded.updated_at`,
  ).run(deviceId, state, replacesDeviceId, now);
}

export function clearBackupState(db: Db, deviceId: string): void {
  db.prepare('DELETE FROM backup_terminals WHERE device_id = ?').run(deviceId);
}
