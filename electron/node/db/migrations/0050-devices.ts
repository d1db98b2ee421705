import type { Migration } from './migration';

/** The device registry, its current normalized status and the status history (rows on change only). */
export const migration0050: Migration = {
  version: 50,
  name: 'devices',
  up(db) {
    db.exec(`
      CREATE TABLE devices (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        model            TEXT NOT NULL DEFAULT '',
        vendor           TEXT NOT NULL DEFAULT '',
        serial_number    TEXT NOT NULL DEFAULT '',
        tid              TEXT NOT NULL DEFAULT '',
        location         TEXT NOT NULL DEFAULT '',
        connection       TEXT NOT NULL,              -- JSON DeviceConnection
        connection_key   TEXT NOT NULL,              -- 'serial:COM3' or 'tcp:10.0.0.5:20007', for the in-use check
        purchase_date    TEXT,
        warranty_end     TEXT,
        software_version TEXT NOT NULL DEFAULT '',
        support_contact  TEXT NOT NULL DEFAULT '',
        notes            TEXT NOT NULL DEFAULT '',
        photo            TEXT,
        archived         INTEGER NOT NULL DEFAULT 0,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX devices_connection_key ON devices (connection_key) WHERE archived = 0;

      CREATE TABLE device_status (
        device_id  TEXT PRIMARY KEY REFERENCES devices (id),
        status     TEXT NOT NULL,                    -- JSON StatusFields
        overall    TEXT NOT NULL,
        since      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE device_status_history (
        id               INTEGER PRIMARY KEY,
        device_id        TEXT NOT NULL REFERENCES devices (id),
        at               TEXT NOT NULL,              -- ISO time of the change
        overall          TEXT NOT NULL,
        previous_overall TEXT,
        error_code       TEXT,
        status           TEXT NOT NULL               -- JSON StatusFields after the change
      ) STRICT;
      CREATE INDEX device_status_history_device_at ON device_status_history (device_id, at);

      CREATE TABLE device_commands (
        id          INTEGER PRIMARY KEY,
        device_id   TEXT NOT NULL REFERENCES devices (id),
        command     TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        ok          INTEGER,
        summary     TEXT NOT NULL DEFAULT '',
        print_lines TEXT NOT NULL DEFAULT '[]'        -- JSON string[]
      ) STRICT;
      CREATE INDEX device_commands_device_started ON device_commands (device_id, started_at);
    `);
  },
};
