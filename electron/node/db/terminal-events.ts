import type { Db } from './connection';

export type TerminalEventType = 'link' | 'command' | 'result' | 'error' | 'frame';

export interface TerminalEventInput {
  terminalId: string;
  atMs: number;
  type: TerminalEventType;
  message: string;
  data?: unknown;
}

export interface TerminalEventRow {
  id: number;
  terminalId: string;
  at: string;
  type: TerminalEventType;
  message: string;
  data?: unknown;
}

interface RawRow {
  id: number;
  terminal_id: string;
  at: string;
  type: TerminalEventType;
  message: string;
  data: string | null;
}

function fromRow(row: RawRow): TerminalEventRow {
  const event: TerminalEventRow = { id: row.id, terminalId: row.terminal_id, at: row.at, type: row.type, message: row.message };
  if (row.data !== null) event.data = JSON.parse(row.data) as unknown;
  return event;
}

/** Appends events in one transaction (the manager batches them). */
export function insertTerminalEvents(db: Db, events: readonly TerminalEventInput[]): void {
  if (events.length === 0) return;
  const insert = db.prepare('INSERT INTO terminal_events (terminal_id, at, at_ms, type, message, data) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const event of events) {
      insert.run(event.terminalId, new Date(event.atMs).toISOString(), event.atMs, event.type, event.message, event.data === undefined ? null : JSON.stringify(event.data));
    }
  })();
}

/** Newest first. */
export function recentTerminalEvents(db: Db, terminalId: string, limit: number, types?: readonly TerminalEventType[]): TerminalEventRow[] {
  if (types && types.length > 0) {
    const placeholders = types.map(() => '?').join(', ');
    const rows = db
      .prepare(`SELECT id, terminal_id, at, type, message, data FROM terminal_events WHERE terminal_id = ? AND type IN (${placeholders}) ORDER BY id DESC LIMIT ?`)
      .all(terminalId, ...types, limit) as RawRow[];
    return rows.map(fromRow);
  }
  const rows = db.prepare('SELECT id, terminal_id, at, type, message, data FROM terminal_events WHERE terminal_id = ? ORDER BY id DESC LIMIT ?').all(terminalId, limit) as RawRow[];
  return rows.map(fromRow);
}

/**
 * Drops raw frames older than `framesBeforeMs`, a terminal's frames beyond its newest `maxFrames.keep`,
 * and any event older than `eventsBeforeMs` when given. Returns rows deleted.
 */
export function pruneTerminalEvents(db: Db, options: { framesBeforeMs: number; eventsBeforeMs?: number; maxFrames?: { terminalId: string; keep: number } }): number {
  let deleted = db.prepare("DELETE FROM terminal_events WHERE type = 'frame' AND at_ms < ?").run(options.framesBeforeMs).changes;
  if (options.maxFrames) {
    const { terminalId, keep } = options.maxFrames;
    const oldestKept = db
      .prepare("SELECT id FROM terminal_events WHERE terminal_id = ? AND type = 'frame' ORDER BY id DESC LIMIT 1 OFFSET ?")
      .get(terminalId, Math.max(0, keep - 1)) as { id: number } | undefined;
    if (oldestKept) deleted += db.prepare("DELETE FROM terminal_events WHERE terminal_id = ? AND type = 'frame' AND id < ?").run(terminalId, oldestKept.id).changes;
  }
  if (options.eventsBeforeMs !== undefined) {
    for (const type of ['link', 'command', 'result', 'error'] as const) {
      deleted += db.prepare('DELETE FROM terminal_events WHERE type = ? AND at_ms < ?').run(type, options.eventsBeforeMs).changes;
    }
  }
  return deleted;
}
