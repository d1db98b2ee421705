/** SQL of the normalized terminal status: the current row per device and the history of changes. */
import type { DeviceStatus, Overall, StatusChange, StatusFields } from '../../../shared/domain/status';
import type { Db } from './connection';

interface StatusRow {
  device_id: string;
  status: string;
  since: string;
  updated_at: string;
}

export function readStatus(db: Db, deviceId: string): DeviceStatus | undefined {
  const row = db.prepare('SELECT * FROM device_status WHERE device_id = ?').get(deviceId) as StatusRow | undefined;
  return row ? { ...(JSON.parse(row.status) as StatusFields), deviceId: row.device_id, since: row.since, updatedAt: row.updated_at } : undefined;
}

export function readAllStatuses(db: Db): DeviceStatus[] {
  const rows = db.prepare('SELECT s.* FROM device_status s JOIN devices d ON d.id = s.device_id WHERE d.archived = 0').all() as StatusRow[];
  return rows.map((row) => ({ ...(JSON.parse(row.status) as StatusFields), deviceId: row.device_id, since: row.since, updatedAt: row.updated_at }));
}

/**
 * Stores the new status; a history row is written only when a field other than the time
 * stamps changed (`changed`). Runs in one transaction.
 */
export function writeStatus(db: Db, status: DeviceStatus, previousOverall: Overall | null, changed: boolean): void {
  const { deviceId, since, updatedAt, ...fields } = status;
  db.transaction(() => {
    db.prepare(
      `INSERT INTO device_status (device_id, status, overall, since, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(device_id) DO UPDATE SET status = excluded.status, overall = excluded.overall, since = excluded.since, updated_at = excluded.updated_at`,
    ).run(deviceId, JSON.stringify(fields), fields.overall, since, updatedAt);
    if (changed) {
      db.prepare('INSERT INTO device_status_history (device_id, at, overall, previous_overall, error_code, status) VALUES (?, ?, ?, ?, ?, ?)').run(
        deviceId,
        updatedAt,
        fields.overall,
        previousOverall,
        fields.lastErrorCode,
        JSON.stringify(fields),
      );
    }
  })();
}

interface HistoryRow {
  id: number;
  device_id: string;
  at: string;
  overall: string;
  previous_overall: string | null;
  status: string;
}

export function statusHistory(db: Db, deviceId: string, limit = 100, since?: string): StatusChange[] {
  const rows = db
    .prepare('SELECT * FROM device_status_history WHERE device_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?')
    .all(deviceId, since ?? '', limit) as HistoryRow[];
  return rows.map((row) => ({
    ...(JSON.parse(row.status) as StatusFields),
    id: row.id,
    deviceId: row.device_id,
    since: row.at,
    updatedAt: row.at,
    previousOverall: row.previous_overall as Overall | null,
  }));
}
