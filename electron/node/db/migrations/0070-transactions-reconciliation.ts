import type { Migration } from './migration';

/**
 * Reconciliation and search at ten million rows.
 * - end_of_day learns when the run happened on the terminal's clock and which receipt numbers it
 *   closed (BMP 60): a run after midnight is attributed to the business day it closes, and
 *   receipts of that range missing from the captured records are found (lost at day boundaries).
 *   end_of_day_runs remembers each run, so a second run of a day adds to it and a repeat does not.
 * - transactions_day_receipt: the original of a reversal is looked up on the same terminal and
 *   business day (receipt numbers wrap at 9999 and restart after an end-of-day).
 * - transactions_reversals: a partial index, so finding a day's reversals reads only reversals.
 * - transactions_date_amount / transactions_date_card: per calendar day of occurred_at, amount
 *   (and card type) ordered, so a selective amount or card filter over a month seeks a few
 *   entries per day instead of walking every row of the range (see searchTransactions).
 */
export const migration0070: Migration = {
  version: 70,
  name: 'transactions-reconciliation',
  up(db) {
    db.exec(`
      ALTER TABLE end_of_day ADD COLUMN closed_at TEXT;        -- terminal's local time of the run
      ALTER TABLE end_of_day ADD COLUMN receipt_start INTEGER; -- BMP 60 receipt-no start
      ALTER TABLE end_of_day ADD COLUMN receipt_end INTEGER;   -- BMP 60 receipt-no end
      CREATE INDEX end_of_day_terminal_closed ON end_of_day (terminal_id, closed_at);
      -- Each run once: a repeated delivery of the same run must not add its batch twice.
      CREATE TABLE end_of_day_runs (
        terminal_id  TEXT NOT NULL,
        closed_at    TEXT NOT NULL,
        business_day TEXT NOT NULL,
        captured_at  TEXT NOT NULL,
        PRIMARY KEY (terminal_id, closed_at)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX transactions_day_receipt ON transactions (terminal_id, business_day, receipt_number, kind);
      CREATE INDEX transactions_reversals ON transactions (business_day, terminal_id) WHERE kind = 'reversal';
      CREATE INDEX transactions_date_amount ON transactions (substr(occurred_at, 1, 10), amount_cents);
      CREATE INDEX transactions_date_card ON transactions (substr(occurred_at, 1, 10), card_type, amount_cents);
    `);
  },
};
