import type { Migration } from './migration';

/**
 * end_of_day by business day: reconciliation reads one day of all terminals at a time, and the
 * primary key (terminal_id, business_day) cannot serve that, so each step scanned the table.
 */
export const migration0080: Migration = {
  version: 80,
  name: 'end-of-day-by-day',
  up(db) {
    db.exec('CREATE INDEX end_of_day_business_day ON end_of_day (business_day, terminal_id);');
  },
};
