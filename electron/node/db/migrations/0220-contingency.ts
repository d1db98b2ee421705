import type { Migration } from './migration';

/** Fields of the incident settings that were the contingency data before the plan had its own table. */
const MOVED = ['backupDeviceIds', 'backupTerminals', 'qrProcedure', 'emergencyContacts'] as const;

/**
 * The contingency plan (one row) and "terminal down" sessions. The backup devices, other
 * fallbacks, QR procedure and emergency contacts move here from the incident settings: nothing
 * is dropped (a contact without a phone is kept as it was), the moved keys leave the incident row.
 */
export const migration0220: Migration = {
  version: 220,
  name: 'contingency',
  up(db) {
    db.exec(`
      CREATE TABLE contingency_plan (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        content      TEXT NOT NULL,
        reviewed_on  TEXT,
        updated_at   TEXT NOT NULL
      );
      CREATE TABLE contingency_sessions (
        id            TEXT PRIMARY KEY,
        outage_start  TEXT NOT NULL,
        opened_at     TEXT NOT NULL,
        ended_at      TEXT,
        auto          INTEGER NOT NULL DEFAULT 0,
        device_ids    TEXT NOT NULL DEFAULT '[]',
        incident_ids  TEXT NOT NULL DEFAULT '[]',
        steps         TEXT NOT NULL DEFAULT '[]',
        card_back     INTEGER
      );
    `);
    const row = db.prepare("SELECT value, updated_at FROM settings WHERE key = 'incidents'").get() as { value: string; updated_at: string } | undefined;
    if (!row) return;
    let stored: Record<string, unknown>;
    try {
      const parsed = JSON.parse(row.value) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
      stored = parsed as Record<string, unknown>;
    } catch {
      return;
    }
    if (!MOVED.some((key) => key in stored)) return;
    const content: Record<string, unknown> = {};
    if (Array.isArray(stored.backupDeviceIds)) content.backupDeviceIds = stored.backupDeviceIds.filter((id) => typeof id === 'string');
    if (typeof stored.backupTerminals === 'string' && stored.backupTerminals !== '') content.backupOther = stored.backupTerminals;
    if (typeof stored.qrProcedure === 'string' && stored.qrProcedure !== '') content.qrProcedure = stored.qrProcedure;
    if (Array.isArray(stored.emergencyContacts) && stored.emergencyContacts.length > 0) {
      content.contacts = (stored.emergencyContacts as Record<string, unknown>[]).map((c) => ({
        kind: 'other',
        name: typeof c.name === 'string' ? c.name : '',
        role: typeof c.role === 'string' ? c.role : '',
        phone: typeof c.phone === 'string' ? c.phone : '',
      }));
    }
    db.prepare('INSERT INTO contingency_plan (id, content, reviewed_on, updated_at) VALUES (1, ?, NULL, ?)').run(JSON.stringify(content), row.updated_at);
    const rest = Object.fromEntries(Object.entries(stored).filter(([key]) => !(MOVED as readonly string[]).includes(key)));
    db.prepare("UPDATE settings SET value = ? WHERE key = 'incidents'").run(JSON.stringify(rest));
  },
};
