import type { Migration } from './migration';

/**
 * The per-terminal event log of the connection manager: link changes, commands, results, errors,
 * and raw frames (type 'frame', kept only for the last minutes, for support).
 */
export const migration0020: Migration = {
  version: 20,
  name: 'terminal-events',
  up(db) {
    db.exec(`
      CREATE TABLE terminal_events (
        id          INTEGER PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        at          TEXT NOT NULL,            -- ISO 8601
        at_ms       INTEGER NOT NULL,         -- epoch ms, for pruning by age
        type        TEXT NOT NULL CHECK (type IN ('link', 'command', 'result', 'error', 'frame')),
        message     TEXT NOT NULL,
        data        TEXT                      -- JSON, card numbers masked
      ) STRICT;
      CREATE INDEX terminal_events_by_terminal ON terminal_events (terminal_id, id);
      CREATE INDEX terminal_events_by_type_age ON terminal_events (type, at_ms);
    `);
  },
};
