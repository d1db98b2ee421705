import type { Migration } from './migration';

/**
 * Maintenance plans and what happened to single occurrences of them (done, skipped, moved, step
 * answers). Occurrences themselves are computed from the plans' rules, never stored as a series.
 */
export const migration0180: Migration = {
  version: 180,
  name: 'maintenance',
  up(db) {
    db.exec(`
      CREATE TABLE maintenance_plans (
        id                TEXT PRIMARY KEY,
        title             TEXT NOT NULL,
        purpose           TEXT NOT NULL DEFAULT '',
        steps             TEXT NOT NULL,
        estimated_minutes INTEGER NOT NULL DEFAULT 0,
        parts             TEXT NOT NULL DEFAULT '',
        target            TEXT NOT NULL,
        schedule          TEXT NOT NULL,
        template_id       TEXT,
        archived          INTEGER NOT NULL DEFAULT 0,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) STRICT;

      CREATE TABLE maintenance_occurrences (
        plan_id       TEXT NOT NULL REFERENCES maintenance_plans (id),
        target        TEXT NOT NULL,
        original      TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('open', 'done', 'skipped')),
        moved_to      TEXT,
        skip_reason   TEXT,
        steps         TEXT NOT NULL DEFAULT '[]',
        done_by       TEXT NOT NULL DEFAULT '',
        done_at       TEXT,
        minutes_spent INTEGER,
        parts_used    TEXT NOT NULL DEFAULT '',
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (plan_id, target, original)
      ) STRICT;
      CREATE INDEX maintenance_occurrences_done ON maintenance_occurrences (state, done_at);
    `);
  },
};
