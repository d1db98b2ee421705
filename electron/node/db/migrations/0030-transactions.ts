import type { Migration } from './migration';

/**
 * Transaction records and end-of-day totals. The indexes serve the screens: the search pages by
 * time (keyset on occurred_at, id), per terminal and by receipt number; the reconciliation sums
 * per terminal, day and card type from the covering index without touching the rows.
 */
export const migration0030: Migration = {
  version: 30,
  name: 'transactions',
  up(db) {
    db.exec(`
      CREATE TABLE transactions (
        id                      INTEGER PRIMARY KEY,
        terminal_id             TEXT NOT NULL,
        business_day            TEXT NOT NULL,   -- YYYY-MM-DD
        occurred_at             TEXT NOT NULL,   -- terminal's local time, YYYY-MM-DDTHH:mm:ss
        trace_number            INTEGER NOT NULL,
        receipt_number          INTEGER NOT NULL,
        kind                    TEXT NOT NULL CHECK (kind IN ('payment', 'reversal', 'refund', 'declined')),
        amount_cents            INTEGER NOT NULL CHECK (amount_cents >= 0),
        card_type               TEXT NOT NULL DEFAULT '',
        card_name               TEXT NOT NULL DEFAULT '',
        masked_pan              TEXT NOT NULL DEFAULT '',
        tid                     TEXT NOT NULL DEFAULT '',
        vu                      TEXT NOT NULL DEFAULT '',
        aid                     TEXT NOT NULL DEFAULT '',
        result_code             INTEGER,
        original_receipt_number INTEGER,
        receipt_text            TEXT NOT NULL DEFAULT '',
        captured_at             TEXT NOT NULL
      ) STRICT;
      -- A repeated Status Information never makes a second row.
      CREATE UNIQUE INDEX transactions_identity ON transactions (terminal_id, business_day, trace_number, receipt_number);
      CREATE INDEX transactions_time ON transactions (occurred_at, id);
      CREATE INDEX transactions_terminal_time ON transactions (terminal_id, occurred_at, id);
      CREATE INDEX transactions_receipt ON transactions (receipt_number, occurred_at);
      CREATE INDEX transactions_reconcile ON transactions (business_day, terminal_id, card_type, kind, amount_cents);

      CREATE TABLE end_of_day_totals (
        terminal_id  TEXT NOT NULL,
        business_day TEXT NOT NULL,
        card_type    TEXT NOT NULL,
        count        INTEGER NOT NULL,
        amount_cents INTEGER NOT NULL,
        captured_at  TEXT NOT NULL,
        PRIMARY KEY (terminal_id, business_day, card_type)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX end_of_day_day ON end_of_day_totals (business_day, terminal_id);

      CREATE TABLE end_of_day (
        terminal_id  TEXT NOT NULL,
        business_day TEXT NOT NULL,
        captured_at  TEXT NOT NULL,
        PRIMARY KEY (terminal_id, business_day)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
