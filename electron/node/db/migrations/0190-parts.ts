import type { Migration } from './migration';

/**
 * Spare parts: the catalogue, the stock ledger (movements are only ever added; `on_hand` is the
 * balance kept in the same transaction as each movement) and the state of backup terminals.
 */
export const migration0190: Migration = {
  version: 190,
  name: 'parts',
  up(db) {
    db.exec(`
      CREATE TABLE parts (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        part_number       TEXT NOT NULL COLLATE NOCASE UNIQUE,
        category          TEXT NOT NULL,
        compatible_models TEXT NOT NULL DEFAULT '[]',
        location          TEXT NOT NULL DEFAULT '',
        supplier          TEXT NOT NULL DEFAULT '',
        supplier_contact  TEXT NOT NULL DEFAULT '',
        unit_cost_cents   INTEGER NOT NULL DEFAULT 0 CHECK (unit_cost_cents >= 0),
        barcode           TEXT NOT NULL DEFAULT '',
        minimum_stock     INTEGER NOT NULL DEFAULT 0 CHECK (minimum_stock >= 0),
        reorder_quantity  INTEGER NOT NULL DEFAULT 0 CHECK (reorder_quantity >= 0),
        notes             TEXT NOT NULL DEFAULT '',
        on_hand           INTEGER NOT NULL DEFAULT 0,
        low_since         INTEGER,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX parts_barcode ON parts (barcode) WHERE barcode <> '';

      CREATE TABLE part_movements (
        id              INTEGER PRIMARY KEY,
        part_id         TEXT NOT NULL REFERENCES parts (id),
        at              TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('receive', 'consume', 'adjust', 'return', 'reversal')),
        delta           INTEGER NOT NULL CHECK (delta <> 0),
        balance_after   INTEGER NOT NULL,
        unit_cost_cents INTEGER NOT NULL DEFAULT 0,
        reason          TEXT NOT NULL DEFAULT '',
        incident_id     TEXT,
        maintenance     TEXT,
        override        INTEGER NOT NULL DEFAULT 0,
        reverses_id     INTEGER UNIQUE REFERENCES part_movements (id)
      ) STRICT;
      CREATE INDEX part_movements_part ON part_movements (part_id, id);
      CREATE INDEX part_movements_incident ON part_movements (incident_id) WHERE incident_id IS NOT NULL;
      CREATE INDEX part_movements_at ON part_movements (at);

      CREATE TRIGGER part_movements_no_update BEFORE UPDATE ON part_movements BEGIN SELECT RAISE(ABORT, 'part movements are never edited'); END;
      CREATE TRIGGER part_movements_no_delete BEFORE DELETE ON part_movements BEGIN SELECT RAISE(ABORT, 'part movements are never deleted'); END;

      CREATE TABLE backup_terminals (
        device_id          TEXT PRIMARY KEY REFERENCES devices (id),
        state              TEXT NOT NULL,
        replaces_device_id TEXT,
        updated_at         TEXT NOT NULL
      ) STRICT;
    `);
  },
};
