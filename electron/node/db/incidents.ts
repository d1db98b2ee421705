/** SQL of incidents and their steps. */
import type { Incident, IncidentState, IncidentStep } from '../../../shared/domain/incidents';
import type { Db } from './connection';

interface IncidentRow {
  id: string;
  device_id: string;
  opened_at: string;
  closed_at: string | null;
  state: string;
  fault_class: string | null;
  cause: string | null;
  symptoms: string;
  severity: string;
  fallback_used: string;
  parts_used: string;
  cost_cents: number;
  resolution: string;
  vendor_ticket: string;
  handled_by: string;
  auto_opened: number;
  auto_resolved: number;
  symptoms_reported: number;
  guide_id: string | null;
  escalation_html: string | null;
  escalation_text: string | null;
  escalation_at: string | null;
}

interface StepRow {
  id: number;
  incident_id: string;
  at: string;
  guide_id: string | null;
  node_id: string | null;
  prompt: string;
  answer: string;
  note: string;
}

/**
 * The stored incident; `durationMs` counts to `now` while it is open. `symptomsReported`: the
 * symptoms are what the terminal reported (PosCare wrote them), not the manager's words.
 */
export type IncidentRecord = Omit<Incident, 'durationMs' | 'autoSymptoms'> & { symptomsReported: boolean };

function toIncident(db: Db, row: IncidentRow): IncidentRecord {
  const steps = db.prepare('SELECT * FROM incident_steps WHERE incident_id = ? ORDER BY id').all(row.id) as StepRow[];
  return {
    id: row.id,
    deviceId: row.device_id,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    state: row.state as IncidentState,
    faultClass: row.fault_class as Incident['faultClass'],
    cause: row.cause,
    symptoms: row.symptoms,
    severity: row.severity as Incident['severity'],
    fallbackUsed: row.fallback_used,
    partsUsed: row.parts_used,
    costCents: row.cost_cents,
    resolution: row.resolution,
    vendorTicket: row.vendor_ticket,
    handledBy: row.handled_by,
    autoOpened: row.auto_opened === 1,
    autoResolved: row.auto_resolved === 1,
    symptomsReported: row.symptoms_reported === 1,
    guideId: row.guide_id,
    steps: steps.map(
      (s): IncidentStep => ({ id: s.id, at: s.at, guideId: s.guide_id, nodeId: s.node_id, prompt: s.prompt, answer: s.answer, note: s.note }),
    ),
    escalation:
      row.escalation_html !== null && row.escalation_text !== null && row.escalation_at !== null
        ? { html: row.escalation_html, text: row.escalation_text, createdAt: row.escalation_at }
        : null,
  };
}

export function getIncident(db: Db, id: string): IncidentRecord | undefined {
  const row = db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
  return row ? toIncident(db, row) : undefined;
}

export function listIncidents(db: Db, query: { deviceId?: string; openOnly?: boolean; limit?: number }): IncidentRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM incidents WHERE (@device IS NULL OR device_id = @device) AND (@openOnly = 0 OR closed_at IS NULL)
         AND (@device IS NOT NULL OR device_id NOT IN (SELECT id FROM devices WHERE drill = 1 AND archived = 1))
       ORDER BY opened_at DESC, id DESC LIMIT @limit`,
    )
    .all({ device: query.deviceId ?? null, openOnly: query.openOnly ? 1 : 0, limit: query.limit ?? 200 }) as IncidentRow[];
  return rows.map((row) => toIncident(db, row));
}

export function openIncidentsOfDevice(db: Db, deviceId: string): IncidentRecord[] {
  const rows = db.prepare('SELECT * FROM incidents WHERE device_id = ? AND closed_at IS NULL ORDER BY opened_at').all(deviceId) as IncidentRow[];
  return rows.map((row) => toIncident(db, row));
}

export interface IncidentColumns {
  deviceId: string;
  openedAt: string;
  closedAt: string | null;
  state: IncidentState;
  faultClass: string | null;
  cause: string | null;
  symptoms: string;
  severity: string;
  fallbackUsed: string;
  partsUsed: string;
  costCents: number;
  resolution: string;
  vendorTicket: string;
  /** Who handled it (a roster name or free text); '' when not given. */
  handledBy?: string;
  autoOpened: boolean;
  autoResolved: boolean;
  symptomsReported: boolean;
  guideId: string | null;
}

function columns(c: IncidentColumns) {
  return {
    device_id: c.deviceId,
    opened_at: c.openedAt,
    closed_at: c.closedAt,
    state: c.state,
    fault_class: c.faultClass,
    cause: c.cause,
    symptoms: c.symptoms,
    severity: c.severity,
    fallback_used: c.fallbackUsed,
    parts_used: c.partsUsed,
    cost_cents: c.costCents,
    resolution: c.resolution,
    vendor_ticket: c.vendorTicket,
    handled_by: c.handledBy ?? '',
    auto_opened: c.autoOpened ? 1 : 0,
    auto_resolved: c.autoResolved ? 1 : 0,
    symptoms_reported: c.symptomsReported ? 1 : 0,
    guide_id: c.guideId,
  };
}

export function insertIncident(db: Db, id: string, c: IncidentColumns): void {
  db.prepare(
    `INSERT INTO incidents (id, device_id, opened_at, closed_at, state, fault_class, cause, symptoms, severity, fallback_used, parts_used,
       cost_cents, resolution, vendor_ticket, handled_by, auto_opened, auto_resolved, symptoms_reported, guide_id)
     VALUES (@id, @device_id, @opened_at, @closed_at, @state, @fault_class, @cause, @symptoms, @severity, @fallback_used, @parts_used,
       @cost_cents, @resolution, @vendor_ticket, @handled_by, @auto_opened, @auto_resolved, @symptoms_reported, @guide_id)`,
  ).run({ id, ...columns(c) });
}

export function updateIncident(db: Db, id: string, c: IncidentColumns): void {
  db.prepare(
    `UPDATE incidents SET device_id = @device_id, opened_at = @opened_at, closed_at = @closed_at, state = @state, fault_class = @fault_class,
       cause = @cause, symptoms = @symptoms, severity = @severity, fallback_used = @fallback_used, parts_used = @parts_used,
       cost_cents = @cost_cents, resolution = @resolution, vendor_ticket = @vendor_ticket, handled_by = @handled_by, auto_opened = @auto_opened,
       auto_resolved = @auto_resolved, symptoms_reported = @symptoms_reported, guide_id = @guide_id
     WHERE id = @id`,
  ).run({ id, ...columns(c) });
}

export function insertStep(db: Db, incidentId: string, step: Omit<IncidentStep, 'id'>): number {
  return Number(
    db
      .prepare('INSERT INTO incident_steps (incident_id, at, guide_id, node_id, prompt, answer, note) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(incidentId, step.at, step.guideId, step.nodeId, step.prompt, step.answer, step.note).lastInsertRowid,
  );
}

export function saveEscalation(db: Db, id: string, html: string, text: string, at: string): void {
  db.prepare('UPDATE incidents SET escalation_html = ?, escalation_text = ?, escalation_at = ? WHERE id = ?').run(html, text, at, id);
}
