import type { Migration } from './migration';

/** Staff roster and training: modules, assignments to people or roles, completion records. */
export const migration0200: Migration = {
  version: 200,
  name: 'training',
  up(db) {
    db.exec(`
      CREATE TABLE staff (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        role        TEXT NOT NULL,
        phone       TEXT NOT NULL DEFAULT '',
        start_date  TEXT NOT NULL,
        archived    INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE training_modules (
        id          TEXT PRIMARY KEY,
        content     TEXT NOT NULL,
        shipped     INTEGER NOT NULL DEFAULT 0,
        archived    INTEGER NOT NULL DEFAULT 0,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE training_assignments (
        id          TEXT PRIMARY KEY,
        module_id   TEXT NOT NULL REFERENCES training_modules (id),
        staff_id    TEXT REFERENCES staff (id),
        role        TEXT,
        due_date    TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE training_records (
        id            TEXT PRIMARY KEY,
        staff_id      TEXT NOT NULL REFERENCES staff (id),
        module_id     TEXT NOT NULL REFERENCES training_modules (id),
        completed_on  TEXT NOT NULL,
        signed_off_by TEXT NOT NULL,
        note          TEXT NOT NULL DEFAULT '',
        items         TEXT NOT NULL DEFAULT '[]',
        score         INTEGER NOT NULL DEFAULT 0,
        questions     INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
      );
      CREATE INDEX training_records_person ON training_records (staff_id, module_id, completed_on);
    `);
  },
};
