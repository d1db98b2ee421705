import type { Migration } from './migration';

/** Incidents and the steps taken in them (guided troubleshooting answers included). */
export const migration0060: Migration = {
  version: 60,
  name: 'incidents',
  up(db) {
    db.exec(`
      CREATE TABLE incidents (
        id              TEXT PRIMARY KEY,
        device_id       TEXT NOT NULL REFERENCES devices (id),
        opened_at       TEXT NOT NULL,
        closed_at       TEXT,
        state           TEXT NOT NULL,
        fault_class     TEXT,
        cause           TEXT,
        symptoms        TEXT NOT NULL DEFAULT '',
        severity        TEXT NOT NULL DEFAULT 'medium',
        fallback_used   TEXT NOT NULL DEFAULT '',
        parts_used      TEXT NOT NULL DEFAULT '',
        cost_cents      INTEGER NOT NULL DEFAULT 0,
        resolution      TEXT NOT NULL DEFAULT '',
        vendor_ticket   TEXT NOT NULL DEFAULT '',
        auto_opened     INTEGER NOT NULL DEFAULT 0,
        auto_resolved   INTEGER NOT NULL DEFAULT 0,
        guide_id        TEXT,
        escalation_html TEXT,
        escalation_text TEXT,
        escalation_at   TEXT,
        CHECK (closed_at IS NULL OR closed_at >= opened_at)
      ) STRICT;
      CREATE INDEX incidents_device_opened ON incidents (device_id, opened_at);
      CREATE INDEX incidents_open ON incidents (device_id) WHERE closed_at IS NULL;
      CREATE INDEX incidents_opened ON incidents (opened_at);

      CREATE TABLE incident_steps (
        id          INTEGER PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        at          TEXT NOT NULL,
        guide_id    TEXT,
        node_id     TEXT,
        prompt      TEXT NOT NULL,
        answer      TEXT NOT NULL,
        note        TEXT NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX incident_steps_incident ON incident_steps (incident_id, id);
    `);
  },
};
