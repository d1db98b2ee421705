import type { Migration } from './migration';

/**
 * The terminal's own six-digit password (ZVT registration, end-of-day, reversal; PA00P015 1.2).
 * Empty means the terminals' factory default 000000.
 */
export const migration0090: Migration = {
  version: 90,
  name: 'device-terminal-password',
  up(db) {
    db.exec("ALTER TABLE devices ADD COLUMN terminal_password TEXT NOT NULL DEFAULT ''");
  },
};
