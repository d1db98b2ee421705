import type { Migration } from './migration';

/**
 * Standalone terminals (connection {"type":"none"}): how they reach their payment host, their
 * acquirer and its hotline, and the staff checks that are their status source.
 */
export const migration0210: Migration = {
  version: 210,
  name: 'standalone-terminals',
  up(db) {
    db.exec(`
      ALTER TABLE devices ADD COLUMN network TEXT NOT NULL DEFAULT '';
      ALTER TABLE devices ADD COLUMN acquirer TEXT NOT NULL DEFAULT '';
      ALTER TABLE devices ADD COLUMN acquirer_hotline TEXT NOT NULL DEFAULT '';

      CREATE TABLE device_checks (
        id          INTEGER PRIMARY KEY,
        device_id   TEXT NOT NULL REFERENCES devices (id),
        at          TEXT NOT NULL,
        answers     TEXT NOT NULL,                  -- JSON CheckAnswers
        checked_by  TEXT NOT NULL DEFAULT '',
        note        TEXT NOT NULL DEFAULT '',
        overall     TEXT NOT NULL,
        failed      TEXT NOT NULL DEFAULT '[]',     -- JSON CheckFault[]
        incident_id TEXT REFERENCES incidents (id)
      ) STRICT;
      CREATE INDEX device_checks_device_at ON device_checks (device_id, at);
    `);
  },
};
