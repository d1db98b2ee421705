/**
 * Reliability analytics. Each exported query is the one place its numbers come from; run it in
 * any SQLite shell with the named parameters to reproduce a figure shown in the console:
 *   @from, @to  ISO times (UTC, "2026-01-01T00:00:00.000Z"), the window [from, to)
 *   @device     a device id or NULL for all devices
 *   @offset     the store's UTC offset as an SQLite modifier ("+480 minutes" for Asia/Shanghai)
 * A failure is an incident opened in the window. Down time is the time a device had at least
 * one incident open, clipped to the window: an outage that began before @from counts from
 * @from, an open incident counts until @to, overlapping incidents of one device count once.
 * Durations are milliseconds. Times are compared as text: every stored time is ISO UTC.
 * Practice drills never count: their devices (devices.drill = 1) and those devices' incidents are left out.
 */
import type { Db } from './connection';

/** Incidents of practice-drill terminals never count in analytics. */
const NOT_DRILL = 'device_id NOT IN (SELECT id FROM devices WHERE drill = 1)';

/**
 * The outages of each device inside the window: its incidents clipped to [@from, @to), then
 * merged where they overlap or touch (gaps and islands: a new island starts where an incident
 * begins after every earlier one of the device has ended).
 */
export const OUTAGES_CTE = `
clipped AS (
  SELECT device_id, MAX(opened_at, @from) AS s, MIN(COALESCE(closed_at, @to), @to) AS e
  FROM incidents
  WHERE opened_at < @to AND (closed_at IS NULL OR closed_at > @from) AND (@device IS NULL OR device_id = @device) AND ${NOT_DRILL}
),
reached AS (
  SELECT device_id, s, e, MAX(e) OVER (PARTITION BY device_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
  FROM clipped
),
islands AS (
  SELECT device_id, s, e, SUM(CASE WHEN reach IS NULL OR s > reach THEN 1 ELSE 0 END) OVER (PARTITION BY device_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
  FROM reached
),
outages AS (
  SELECT device_id, MIN(s) AS s, MAX(e) AS e FROM islands GROUP BY device_id, island
)`;

/**
 * MTBF is a mean time *between* failures: with fewer than two failures in the window there is no
 * interval to average (one fault in a terminal's first hour would otherwise read as "MTBF 0 s"),
 * so MTBF and the expected next failure are NULL (shown as "not enough faults yet").
 */
export const MTBF_MIN_FAILURES = 2;

/**
 * Per device: failures (incidents opened in the window), observed time (from the device's
 * registration, or from its first incident when one was recorded back-dated before that), down time (merged
 * outages, clipped), repairs (of those incidents, the closed ones) and MTTR over them,
 * MTBF = (observed - downtime) / failures when there are at least MTBF_MIN_FAILURES, next failure = last failure + MTBF.
 */
export const DEVICE_RELIABILITY_SQL = `
WITH ${OUTAGES_CTE},
down AS (
  SELECT device_id, SUM((julianday(e) - julianday(s)) * 86400000.0) AS downtimeMs FROM outages GROUP BY device_id
),
per AS (
  SELECT d.id AS deviceId, d.name AS name,
    COUNT(i.id) AS failures,
    MAX(0, (julianday(@to) - julianday(MAX(MIN(d.created_at, COALESCE((SELECT MIN(x.opened_at) FROM incidents x WHERE x.device_id = d.id), d.created_at)), @from))) * 86400000.0) AS observedMs,
    COUNT(i.closed_at) AS repairs,
    AVG(CASE WHEN i.closed_at IS NOT NULL THEN (julianday(i.closed_at) - julianday(i.opened_at)) * 86400000.0 END) AS mttrMs,
    MAX(i.opened_at) AS lastFailureAt
  FROM devices d
  LEFT JOIN incidents i ON i.device_id = d.id AND i.opened_at >= @from AND i.opened_at < @to
  WHERE d.archived = 0 AND d.drill = 0 AND (@device IS NULL OR d.id = @device)
  GROUP BY d.id
)
SELECT per.deviceId, per.name, per.failures, per.observedMs, COALESCE(down.downtimeMs, 0) AS downtimeMs, per.repairs, per.mttrMs, per.lastFailureAt,
  CASE WHEN per.failures >= ${MTBF_MIN_FAILURES} THEN (per.observedMs - COALESCE(down.downtimeMs, 0)) / per.failures END AS mtbfMs,
  CASE WHEN per.failures >= ${MTBF_MIN_FAILURES} THEN strftime('%Y-%m-%dT%H:%M:%fZ', julianday(per.lastFailureAt) + (per.observedMs - COALESCE(down.downtimeMs, 0)) / per.failures / 86400000.0) END AS expectedNextFailureAt
FROM per LEFT JOIN down ON down.device_id = per.deviceId
ORDER BY per.name COLLATE NOCASE, per.deviceId`;

/**
 * The whole store (or @device): failures, observed and down time summed over the devices of
 * DEVICE_RELIABILITY_SQL; MTBF = (observed - downtime) / failures over all terminals; MTTR = the
 * mean repair time over every closed incident (each incident weighs the same, whatever its device).
 */
export const STORE_RELIABILITY_SQL = `
SELECT COALESCE(SUM(failures), 0) AS failures, COALESCE(SUM(observedMs), 0) AS observedMs, COALESCE(SUM(downtimeMs), 0) AS downtimeMs,
  COALESCE(SUM(repairs), 0) AS repairs,
  CASE WHEN SUM(repairs) > 0 THEN SUM(mttrMs * repairs) / SUM(repairs) END AS mttrMs,
  CASE WHEN SUM(failures) >= ${MTBF_MIN_FAILURES} THEN (SUM(observedMs) - SUM(downtimeMs)) / SUM(failures) END AS mtbfMs
FROM (${DEVICE_RELIABILITY_SQL})`;

/**
 * Downtime and failures per device per store-local month. Down time is split at local month
 * boundaries (an outage from 31 January 22:00 to 1 February 02:00 gives two hours to each
 * month); failures count in the month their incident opened.
 */
export const DOWNTIME_BY_MONTH_SQL = `
WITH RECURSIVE ${OUTAGES_CTE},
local AS (
  SELECT device_id, strftime('%Y-%m-%d %H:%M:%f', s, @offset) AS s, strftime('%Y-%m-%d %H:%M:%f', e, @offset) AS e FROM outages
),
pieces(device_id, s, e) AS (
  SELECT device_id, s, e FROM local
  UNION ALL
  SELECT device_id, strftime('%Y-%m-%d %H:%M:%f', s, 'start of month', '+1 month'), e FROM pieces
  WHERE strftime('%Y-%m-%d %H:%M:%f', s, 'start of month', '+1 month') < e
),
down AS (
  SELECT device_id, strftime('%Y-%m', s) AS month, 0 AS failures,
    SUM((julianday(MIN(e, strftime('%Y-%m-%d %H:%M:%f', s, 'start of month', '+1 month'))) - julianday(s)) * 86400000.0) AS downtimeMs
  FROM pieces GROUP BY device_id, month
),
starts AS (
  SELECT device_id, strftime('%Y-%m', opened_at, @offset) AS month, COUNT(*) AS failures, 0 AS downtimeMs
  FROM incidents
  WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device) AND ${NOT_DRILL}
  GROUP BY device_id, month
)
SELECT device_id AS deviceId, month, SUM(failures) AS failures, SUM(downtimeMs) AS downtimeMs
FROM (SELECT device_id, month, failures, downtimeMs FROM down UNION ALL SELECT device_id, month, failures, downtimeMs FROM starts)
GROUP BY device_id, month ORDER BY month, device_id`;

/** Faults by class, most frequent first, with the cumulative share (Pareto). */
export const PARETO_SQL = `
SELECT COALESCE(fault_class, 'unclassified') AS faultClass, COUNT(*) AS count,
  SUM(COUNT(*)) OVER (ORDER BY COUNT(*) DESC, COALESCE(fault_class, 'unclassified') ROWS UNBOUNDED PRECEDING) * 1.0 / SUM(COUNT(*)) OVER () AS cumulativeShare
FROM incidents
WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device) AND ${NOT_DRILL}
GROUP BY faultClass ORDER BY count DESC, faultClass`;

/** Error codes that appeared at least twice (an appearance = a status change that brought the code). */
export const RECURRING_ERRORS_SQL = `
WITH changes AS (
  SELECT device_id, at, error_code, LAG(error_code) OVER (PARTITION BY device_id ORDER BY at, id) AS previous
  FROM device_status_history
)
SELECT error_code AS code, COUNT(*) AS occurrences, COUNT(DISTINCT device_id) AS devices, MAX(at) AS lastAt
FROM changes
WHERE error_code IS NOT NULL AND error_code IS NOT previous AND at >= @from AND at < @to AND (@device IS NULL OR device_id = @device) AND ${NOT_DRILL}
GROUP BY error_code HAVING COUNT(*) >= 2 ORDER BY occurrences DESC, code`;

/** Failures by hour of day (store's local time) of the fault start. */
export const BY_HOUR_SQL = `
SELECT CAST(strftime('%H', opened_at, @offset) AS INTEGER) AS slot, COUNT(*) AS count
FROM incidents WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device) AND ${NOT_DRILL} GROUP BY slot`;

/** Failures by weekday (0 = Sunday, store's local time) of the fault start. */
export const BY_WEEKDAY_SQL = `
SELECT CAST(strftime('%w', opened_at, @offset) AS INTEGER) AS slot, COUNT(*) AS count
FROM incidents WHERE opened_at >= @from AND opened_at < @to AND (@device IS NULL OR device_id = @device) AND ${NOT_DRILL} GROUP BY slot`;

/** Current state of the fleet: terminals, of them ok, with current software, and open incidents. */
export const FLEET_NOW_SQL = `
SELECT COUNT(d.id) AS terminals,
  COALESCE(SUM(s.overall = 'ok'), 0) AS ok,
  COALESCE(SUM(json_extract(s.status, '$.softwareCurrent') IS NOT 0), 0) AS softwareCurrent,
  (SELECT COUNT(*) FROM incidents i JOIN devices x ON x.id = i.device_id WHERE i.closed_at IS NULL AND x.archived = 0 AND x.drill = 0 AND (@device IS NULL OR x.id = @device)) AS openIncidents
FROM devices d LEFT JOIN device_status s ON s.device_id = d.id
WHERE d.archived = 0 AND d.drill = 0 AND (@device IS NULL OR d.id = @device)`;

export interface AnalyticsParams {
  from: string;
  to: string;
  device: string | null;
  offset: string;
}

export interface StoreReliabilityRow {
  failures: number;
  observedMs: number;
  downtimeMs: number;
  repairs: number;
  mttrMs: number | null;
  mtbfMs: number | null;
}

export interface DeviceReliabilityRow extends StoreReliabilityRow {
  deviceId: string;
  name: string;
  lastFailureAt: string | null;
  expectedNextFailureAt: string | null;
}

export function deviceReliability(db: Db, p: AnalyticsParams): DeviceReliabilityRow[] {
  const { offset: _offset, ...params } = p;
  return db.prepare(DEVICE_RELIABILITY_SQL).all(params) as DeviceReliabilityRow[];
}

export function storeReliability(db: Db, p: AnalyticsParams): StoreReliabilityRow {
  const { offset: _offset, ...params } = p;
  return db.prepare(STORE_RELIABILITY_SQL).get(params) as StoreReliabilityRow;
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
