/**
 * Reliability analytics. Each exported query is the one place its numbers come from; run it in
 * any SQLite shell with the named parameters to reproduce a figure shown in the console:
 *   @from, @to  ISO times (UTC, "2026-01-01T00:00:00.000Z"), the window; incidents count by opened_at in [from, to)
 *   @device     a device id or NULL for all devices
 *   @offset     the store's UTC offset as an SQLite modifier ("+480 minutes" for Asia/Shanghai)
 * A failure is an incident. Open incidents count as down until @to. Durations are milliseconds.
 */
import type { Db } from './connection';

/** Per device: failures, observed time, downtime, MTTR, MTBF = (observed - downtime) / failures, next failure = last + MTBF. */
export const DEVICE_RELIABILITY_SQL = `
WITH per AS (
  SELECT d.id AS deviceId, d.name AS name,
    COUNT(i.id) AS failures,
    MAX(0, (julianday(@to) - julianday(MAX(d.created_at, @from))) * 86400000.0) AS observedMs,
    COALESCE(SUM((julianday(MIN(COALESCE(i.closed_at, @to), @to)) - julianday(i.opened_at)) * 86400000.0), 0) AS downtimeMs,
    AVG(CASE WHEN i.closed_at IS NOT NULL THEN (julianday(i.closed_at) - julianday(i.opened_at)) * 86400000.0 END) AS mttrMs,
    MAX(i.opened_at) AS lastFailureAt
  FROM devices d
  LEFT JOIN incidents i ON i.device_id = d.id AND i.opened_at >= @from AND i.opened_at < @to
  WHERE d.archived = 0 AND (@device IS NULL OR d.id = @device)
  GROUP BY d.id
)
SELECT deviceId, name, failures, observedMs, downtimeMs, mttrMs, lastFailureAt,
  CASE WHEN failures > 0 THEN (observedMs - downtimeMs) / failures END AS mtbfMs,
  CASE WHEN failures > 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', julianday(lastFailureAt) + (observedMs - downtimeMs) / failures / 86400000.0) END AS expectedNextFailureAt
FROM per ORDER BY name COLLATE NOCASE, deviceId`;

/** Downtime and failures per device per month of the fault start (store's local month). */
export const DOWNTIME_BY_MONTH_SQL = `
SELECT device_id AS deviceId, strftime('%Y-%m', opened_at, @offset) AS month, COUNT(*) AS failures,
  SUM((julianday(MIN(COALESCE(closed_at, @to), @to)) - julianday(opened_at)) * 86400000.0) AS downtimeMs
FROM incidents
WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device)
GROUP BY device_id, month ORDER BY month, device_id`;

/** Faults by class, most frequent first, with the cumulative share (Pareto). */
export const PARETO_SQL = `
SELECT COALESCE(fault_class, 'unclassified') AS faultClass, COUNT(*) AS count,
  SUM(COUNT(*)) OVER (ORDER BY COUNT(*) DESC, COALESCE(fault_class, 'unclassified') ROWS UNBOUNDED PRECEDING) * 1.0 / SUM(COUNT(*)) OVER () AS cumulativeShare
FROM incidents
WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device)
GROUP BY faultClass ORDER BY count DESC, faultClass`;

/** Error codes that appeared at least twice (an appearance = a status change that brought the code). */
export const RECURRING_ERRORS_SQL = `
WITH changes AS (
  SELECT device_id, at, error_code, LAG(error_code) OVER (PARTITION BY device_id ORDER BY at, id) AS previous
  FROM device_status_history
)
SELECT error_code AS code, COUNT(*) AS occurrences, COUNT(DISTINCT device_id) AS devices, MAX(at) AS lastAt
FROM changes
WHERE error_code IS NOT NULL AND error_code IS NOT previous AND at >= @from AND at < @to AND (@device IS NULL OR device_id = @device)
GROUP BY error_code HAVING COUNT(*) >= 2 ORDER BY occurrences DESC, code`;

/** Failures by hour of day (store's local time) of the fault start. */
export const BY_HOUR_SQL = `
SELECT CAST(strftime('%H', opened_at, @offset) AS INTEGER) AS slot, COUNT(*) AS count
FROM incidents WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device) GROUP BY slot`;

/** Failures by weekday (0 = Sunday, store's local time) of the fault start. */
export const BY_WEEKDAY_SQL = `
SELECT CAST(strftime('%w', opened_at, @offset) AS INTEGER) AS slot, COUNT(*) AS count
FROM incidents WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device) GROUP BY slot`;

/** Current state of the fleet: terminals, of them ok, with current software, and open incidents. */
export const FLEET_NOW_SQL = `
SELECT COUNT(d.id) AS terminals,
  COALESCE(SUM(s.overall = 'ok'), 0) AS ok,
  COALESCE(SUM(json_extract(s.status, '$.softwareCurrent') IS NOT 0), 0) AS softwareCurrent,
  (SELECT COUNT(*) FROM incidents i JOIN devices x ON x.id = i.device_id WHERE i.closed_at IS NULL AND x.archived = 0 AND (@device IS NULL OR x.id = @device)) AS openIncidents
FROM devices d LEFT JOIN device_status s ON s.device_id = d.id
WHERE d.archived = 0 AND (@device IS NULL OR d.id = @device)`;

export interface AnalyticsParams {
  from: string;
  to: string;
  device: string | null;
  offset: string;
}

export interface DeviceReliabilityRow {
  deviceId: string;
  name: string;
  failures: number;
  observedMs: number;
  downtimeMs: number;
  mttrMs: number | null;
  mtbfMs: number | null;
  lastFailureAt: string | null;
  expectedNextFailureAt: string | null;
}

export function deviceReliability(db: Db, p: AnalyticsParams): DeviceReliabilityRow[] {
  const { offset: _offset, ...params } = p;
  return db.prepare(DEVICE_RELIABILITY_SQL).all(params) as DeviceReliabilityRow[];
}

export function downtimeByMonth(db: Db, p: AnalyticsParams): { deviceId: string; month: string; failures: number; downtimeMs: number }[] {
  return db.prepare(DOWNTIME_BY_MONTH_SQL).all(p) as { deviceId: string; month: string; failures: number; downtimeMs: number }[];
}

export function pareto(db: Db, p: AnalyticsParams): { faultClass: string; count: number; cumulativeShare: number }[] {
  const { offset: _offset, ...params } = p;
  return db.prepare(PARETO_SQL).all(params) as { faultClass: string; count: number; cumulativeShare: number }[];
}

export function recurringErrors(db: Db, p: AnalyticsParams): { code: string; occurrences: number; devices: number; lastAt: string }[] {
  const { offset: _offset, ...params } = p;
  return db.prepare(RECURRING_ERRORS_SQL).all(params) as { code: string; occurrences: number; devices: number; lastAt: string }[];
}

function slots(db: Db, sql: string, p: AnalyticsParams, size: number): number[] {
  const result = new Array<number>(size).fill(0);
  for (const row of db.prepare(sql).all(p) as { slot: number; count: number }[]) result[row.slot] = row.count;
  return result;
}

export function byHour(db: Db, p: AnalyticsParams): number[] {
  return slots(db, BY_HOUR_SQL, p, 24);
}

export function byWeekday(db: Db, p: AnalyticsParams): number[] {
  return slots(db, BY_WEEKDAY_SQL, p, 7);
}

export function fleetNow(db: Db, device: string | null): { terminals: number; ok: number; softwareCurrent: number; openIncidents: number } {
  return db.prepare(FLEET_NOW_SQL).get({ device }) as { terminals: number; ok: number; softwareCurrent: number; openIncidents: number };
}
