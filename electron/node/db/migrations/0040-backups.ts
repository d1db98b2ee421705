import type { Migration } from './migration';

/** The history of backups this installation wrote (the files themselves live on the chosen drive). */
export const migration0040: Migration = {
  version: 40,
  name: 'backups',
  up(db) {
    db.exec(`
      CREATE TABLE backups (
        id          INTEGER PRIMARY KEY,
        file        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        trigger     TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'quit', 'safety')),
        status      TEXT NOT NULL CHECK (status IN ('running', 'verified', 'failed')),
        encrypted   INTEGER NOT NULL,
        bytes       INTEGER NOT NULL DEFAULT 0,
        row_counts  TEXT NOT NULL DEFAULT '{}',   -- JSON
        seconds     REAL,
        error       TEXT,
        present     INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      CREATE INDEX backups_created ON backups (created_at);
    `);
  },
};
