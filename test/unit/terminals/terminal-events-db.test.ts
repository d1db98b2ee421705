import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase, type Db } from '../../../electron/node/db/connection';
import { insertTerminalEvents, pruneTerminalEvents, recentTerminalEvents } from '../../../electron/node/db/terminal-events';
import { tempDir } from '../../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function database(): Db {
  const temp = tempDir();
  const db = openDatabase(databasePath(temp.dir));
  cleanups.push(() => {
    db.close();
    temp.cleanup();
  });
  return db;
}

function plan(db: Db, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join('\n');
}

describe('the terminal event log table', () => {
  it('answers the newest events of one terminal first, filtered by type', () => {
    const db = database();
    insertTerminalEvents(db, [
      { terminalId: 't1', atMs: 1000, type: 'link', message: 'connecting' },
      { terminalId: 't2', atMs: 1001, type: 'link', message: 'other terminal' },
      { terminalId: 't1', atMs: 1002, type: 'command', message: 'status', data: { amount: 5 } },
      { terminalId: 't1', atMs: 1003, type: 'frame', message: 'out 050100' },
    ]);
    expect(recentTerminalEvents(db, 't1', 10).map((event) => event.message)).toEqual(['out 050100', 'status', 'connecting']);
    expect(recentTerminalEvents(db, 't1', 10, ['command'])).toEqual([
      { id: expect.any(Number), terminalId: 't1', at: '1970-01-01T00:00:01.002Z', type: 'command', message: 'status', data: { amount: 5 } },
    ]);
    expect(recentTerminalEvents(db, 't1', 1)).toHaveLength(1);
  });

  it('prunes raw frames by age and keeps the other events', () => {
    const db = database();
    insertTerminalEvents(db, [
      { terminalId: 't1', atMs: 1000, type: 'frame', message: 'old frame' },
      { terminalId: 't1', atMs: 1000, type: 'error', message: 'old error' },
      { terminalId: 't1', atMs: 5000, type: 'frame', message: 'new frame' },
    ]);
    expect(pruneTerminalEvents(db, { framesBeforeMs: 2000 })).toBe(1);
    expect(recentTerminalEvents(db, 't1', 10).map((event) => event.message)).toEqual(['new frame', 'old error']);
    expect(pruneTerminalEvents(db, { framesBeforeMs: 0, eventsBeforeMs: 2000 })).toBe(1);
  });

  it('uses its indexes for the listing and the pruning', () => {
    const db = database();
    expect(plan(db, 'SELECT * FROM terminal_events WHERE terminal_id = ? ORDER BY id DESC LIMIT 10', 't1')).toContain('USING INDEX terminal_events_by_terminal');
    expect(plan(db, "DELETE FROM terminal_events WHERE type = 'frame' AND at_ms < ?", 5)).toContain('USING INDEX terminal_events_by_type_age');
  });
});
