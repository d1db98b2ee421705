import type { Db } from './connection';

export function readSettings(db: Db): Map<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  return new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
}

export function writeSettings(db: Db, entries: Record<string, unknown>, now: Date = new Date()): void {
  const upsert = db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  db.transaction(() => {
    for (const [key, value] of Object.entries(entries)) {
      if (value !== undefined) upsert.run(key, JSON.stringify(value), now.toISOString());
    }
  })();
}
