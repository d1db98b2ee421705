import type { Migration } from './migration';

/**
 * Acquirer statements (issue 16): the column mapping remembered per acquirer, each imported file
 * once (by its SHA-256), each statement line once (by acquirer, its key and its copy number in
 * the file, so an overlapping download adds nothing and a line the acquirer listed twice stays
 * twice), and the end-of-day totals staff enter by hand for standalone terminals.
 */
export const migration0230: Migration = {
  version: 230,
  name: 'statements',
  up(db) {
    db.exec(`
      CREATE TABLE statement_mappings (
        acquirer     TEXT PRIMARY KEY,
        mapping_json TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      ) STRICT;
      CREATE TABLE statement_imports (
        id          INTEGER PRIMARY KEY,
        file_hash   TEXT NOT NULL UNIQUE,
        acquirer    TEXT NOT NULL,
        file_name   TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        rows        INTEGER NOT NULL,
        added       INTEGER NOT NULL,
        first_day   TEXT,
        last_day    TEXT
      ) STRICT;
      CREATE TABLE statement_lines (
        id           INTEGER PRIMARY KEY,
        import_id    INTEGER NOT NULL REFERENCES statement_imports (id),
        acquirer     TEXT NOT NULL,
        base_key     TEXT NOT NULL,
        copy         INTEGER NOT NULL,
        line         INTEGER NOT NULL,
        terminal     TEXT NOT NULL,
        occurred_at  TEXT NOT NULL,
        business_day TEXT NOT NULL,
        amount_cents INTEGER NOT NULL,
        fee_cents    INTEGER,
        pay_type     TEXT NOT NULL,
        reference    TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('settled', 'refund', 'failed')),
        UNIQUE (acquirer, base_key, copy)
      ) STRICT;
      CREATE INDEX statement_lines_day ON statement_lines (business_day, acquirer, terminal);
      CREATE TABLE hand_day_totals (
        device_id    TEXT NOT NULL,
        business_day TEXT NOT NULL,
        count        INTEGER NOT NULL,
        amount_cents INTEGER NOT NULL,
        entered_at   TEXT NOT NULL,
        PRIMARY KEY (device_id, business_day)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
