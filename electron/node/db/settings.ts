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

/** One domain's settings (one JSON row under `key`): read with defaults, merge-and-save updates. */
export interface DomainSettings<T> {
  /** The stored settings over the defaults; the defaults when nothing (or something unreadable) is stored. */
  get(): T;
  /**
   * Merges `patch` over the current settings, validates the result, lets `adjust` check or
   * complete it (it may throw: nothing is saved), saves it and answers it.
   */
  update(patch: Partial<T>, adjust?: (next: T) => T): T;
}

interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false };
  parse(input: unknown): T;
}

/**
 * The one pattern for a domain's settings: `domainSettings(() => db, 'devices', DeviceSettings,
 * DeviceSettings.parse({}), () => clock.now())` in the service's constructor, then
 * `settings.get()` / `settings.update(patch)`. `db` is a function so a restore's swapped
 * connection is used.
 */
export function domainSettings<T extends object>(db: () => Db, key: string, schema: Schema<T>, defaults: T, now: () => number = Date.now): DomainSettings<T> {
  const get = (): T => {
    const row = db().prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    const stored = row ? (JSON.parse(row.value) as unknown) : undefined;
    const parsed = schema.safeParse(stored !== null && typeof stored === 'object' ? { ...defaults, ...stored } : defaults);
    return parsed.success ? parsed.data : defaults;
  };
  return {
    get,
    update(patch, adjust) {
      const merged = schema.parse({ ...get(), ...patch });
      const next = adjust ? adjust(merged) : merged;
      writeSettings(db(), { [key]: next }, new Date(now()));
      return next;
    },
  };
}
