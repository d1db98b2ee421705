/** SQL of the contingency plan (one row of JSON) and the "terminal down" sessions. */
import type { DownSession } from '../../../shared/domain/contingency';
import type { Db } from './connection';

export interface PlanRow { content: unknown; reviewedOn: string | null; updatedAt: string }

export function readPlan(db: Db): PlanRow | undefined {
  const row = db.prepare('SELECT content, reviewed_on, updated_at FROM contingency_plan WHERE id = 1').get() as { content: string; reviewed_on: string | null; updated_at: string } | undefined;
  return row ? { content: JSON.parse(row.content) as unknown, reviewedOn: row.reviewed_on, updatedAt: row.updated_at } : undefined;
}

export function writePlan(db: Db, content: object, reviewedOn: string | null, updatedAt: string): void {
  db.prepare(
    `INSERT INTO contingency_plan (id, content, reviewed_on, updated_at) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET content = excluded.content, reviewed_on = excluded.reviewed_on, updated_at = excluded.updated_at`,
  ).run(JSON.stringify(content), reviewedOn, updatedAt);
}

type StoredSession = Omit<DownSession, 'minutesWithoutCard' | 'pendingWrite'>;
interface SessionRow { id: string; outage_start: string; opened_at: string; ended_at: string | null; auto: number; device_ids: string; incident_ids: string; steps: string; card_back: number | null }

export function upsertSession(db: Db, s: StoredSession): void {
  db.prepare(
    `INSERT INTO contingency_sessions (id, outage_start, opened_at, ended_at, auto, device_ids, incident_ids, steps, card_back)
     VALUES (@id, @outageStart, @openedAt, @endedAt, @auto, @deviceIds, @incidentIds, @steps, @cardBack)
     ON CONFLICT (id) DO UPDATE SET ended_at = @endedAt, incident_ids = @incidentIds, steps = @steps, card_back = @cardBack`,
  ).run({
    id: s.id,
    outageStart: s.outageStart,
    openedAt: s.openedAt,
    endedAt: s.endedAt,
    auto: s.auto ? 1 : 0,
    deviceIds: JSON.stringify(s.deviceIds),
    incidentIds: JSON.stringify(s.incidentIds),
    steps: JSON.stringify(s.steps),
    cardBack: s.cardPaymentBack === null ? null : s.cardPaymentBack ? 1 : 0,
  });
}

function toSession(r: SessionRow): StoredSession {
  return {
    id: r.id,
    outageStart: r.outage_start,
    openedAt: r.opened_at,
    endedAt: r.ended_at,
    auto: r.auto === 1,
    deviceIds: JSON.parse(r.device_ids) as string[],
    incidentIds: JSON.parse(r.incident_ids) as string[],
    steps: JSON.parse(r.steps) as StoredSession['steps'],
    cardPaymentBack: r.card_back === null ? null : r.card_back === 1,
  };
}

/** The session still open (at most one), or the last one. */
export function openSession(db: Db): StoredSession | undefined {
  const row = db.prepare('SELECT * FROM contingency_sessions WHERE ended_at IS NULL ORDER BY opened_at DESC LIMIT 1').get() as SessionRow | undefined;
  return row ? toSession(row) : undefined;
}

export function lastSession(db: Db): StoredSession | undefined {
  const row = db.prepare('SELECT * FROM contingency_sessions ORDER BY opened_at DESC LIMIT 1').get() as SessionRow | undefined;
  return row ? toSession(row) : undefined;
}

export function listSessions(db: Db, limit = 50): StoredSession[] {
  return (db.prepare('SELECT * FROM contingency_sessions ORDER BY opened_at DESC LIMIT ?').all(limit) as SessionRow[]).map(toSession);
}
