import type { Migration } from './migration';

/**
 * Practice drills: a simulated terminal added as a temporary training device (devices.drill = 1),
 * and the drill itself with its outcome (evidence on the trainee's training record). At most one
 * drill runs at a time (the partial unique index). Drill devices and their incidents are kept
 * when the drill ends (archived, flagged), and left out of analytics, lists and alerts.
 * Incidents name who handled them (a roster name or free text).
 */
export const migration0240: Migration = {
  version: 240,
  name: 'training-drills',
  up(db) {
    db.exec(`
      ALTER TABLE devices ADD COLUMN drill INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE incidents ADD COLUMN handled_by TEXT NOT NULL DEFAULT '';
      CREATE TABLE training_drills (
        id          TEXT PRIMARY KEY,
        staff_id    TEXT NOT NULL REFERENCES staff (id),
        device_id   TEXT NOT NULL REFERENCES devices (id),
        fault       TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        classified_at TEXT,
        outcome     TEXT
      );
      CREATE UNIQUE INDEX training_drills_one_running ON training_drills ((1)) WHERE ended_at IS NULL;
      CREATE INDEX training_drills_person ON training_drills (staff_id, started_at);
    `);
  },
};
