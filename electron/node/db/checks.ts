/** SQL of the staff checks of standalone terminals. */
import type { CheckAnswers, CheckFault, StaffCheck } from '../../../shared/domain/checks';
import type { Db } from './connection';

interface CheckRow {
  id: number;
  device_id: string;
  at: string;
  answers: string;
  checked_by: string;
  note: string;
  overall: string;
  failed: string;
  incident_id: string | null;
}

function toCheck(row: CheckRow): StaffCheck {
  return {
    id: row.id,
    deviceId: row.device_id,
    at: row.at,
    answers: JSON.parse(row.answers) as CheckAnswers,
    checkedBy: row.checked_by,
    note: row.note,
    overall: row.overall as StaffCheck['overall'],
    failed: JSON.parse(row.failed) as CheckFault[],
    incidentId: row.incident_id,
  };
}

export function insertCheck(db: Db, check: Omit<StaffCheck, 'id'>): number {
  return Number(
    db
      .prepare('INSERT INTO device_checks (device_id, at, answers, checked_by, note, overall, failed, incident_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(check.deviceId, check.at, JSON.stringify(check.answers), check.checkedBy, check.note, check.overall, JSON.stringify(check.failed), check.incidentId).lastInsertRowid,
  );
}

export function listChecks(db: Db, deviceId: string, limit: number): StaffCheck[] {
  return (db.prepare('SELECT * FROM device_checks WHERE device_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(deviceId, limit) as CheckRow[]).map(toCheck);
}

/** A device's checks with `at` in [from, until) (ISO instants), newest first. */
export function listChecksBetween(db: Db, deviceId: string, from: string, until: string): StaffCheck[] {
  return (db.prepare('SELECT * FROM device_checks WHERE device_id = ? AND at >= ? AND at < ? ORDER BY at DESC, id DESC').all(deviceId, from, until) as CheckRow[]).map(toCheck);
}
