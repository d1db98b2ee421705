/** SQL of maintenance plans and their occurrence exceptions. */
import type { OccurrenceRecord, Plan, StepResult } from '../../../shared/domain/maintenance';
import type { Db } from './connection';

interface PlanRow {
  id: string;
  title: string;
  purpose: string;
  steps: string;
  estimated_minutes: number;
  parts: string;
  target: string;
  schedule: string;
  template_id: string | null;
  archived: number;
  created_at: string;
  updated_at: string;
}

interface OccurrenceRow {
  plan_id: string;
  target: string;
  original: string;
  state: 'open' | 'done' | 'skipped';
  moved_to: string | null;
  skip_reason: string | null;
  steps: string;
  done_by: string;
  done_at: string | null;
  minutes_spent: number | null;
  parts_used: string;
}

/** The store itself (a plan that applies to no device) in the occurrence key. */
export const STORE_TARGET = 'store';

function toPlan(row: PlanRow): Plan {
  return {
    id: row.id,
    title: row.title,
    purpose: row.purpose,
    steps: JSON.parse(row.steps) as Plan['steps'],
    estimatedMinutes: row.estimated_minutes,
    parts: row.parts,
    target: JSON.parse(row.target) as Plan['target'],
    schedule: JSON.parse(row.schedule) as Plan['schedule'],
    templateId: row.template_id,
    archived: row.archived === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listPlans(db: Db, includeArchived: boolean): Plan[] {
  const rows = db.prepare('SELECT * FROM maintenance_plans WHERE (@all = 1 OR archived = 0) ORDER BY title, created_at').all({ all: includeArchived ? 1 : 0 }) as PlanRow[];
  return rows.map(toPlan);
}

export function getPlan(db: Db, id: string): Plan | undefined {
  const row = db.prepare('SELECT * FROM maintenance_plans WHERE id = ?').get(id) as PlanRow | undefined;
  return row ? toPlan(row) : undefined;
}

export function savePlan(db: Db, plan: Plan): void {
  db.prepare(
    `INSERT INTO maintenance_plans (id, title, purpose, steps, estimated_minutes, parts, target, schedule, template_id, archived, created_at, updated_at)
     VALUES (@id, @title, @purpose, @steps, @estimatedMinutes, @parts, @target, @schedule, @templateId, @archived, @createdAt, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET title = @title, purpose = @purpose, steps = @steps, estimated_minutes = @estimatedMinutes, parts = @parts,
       target = @target, schedule = @schedule, template_id = @templateId, archived = @archived, updated_at = @updatedAt`,
  ).run({
    ...plan,
    steps: JSON.stringify(plan.steps),
    target: JSON.stringify(plan.target),
    schedule: JSON.stringify(plan.schedule),
    archived: plan.archived ? 1 : 0,
  });
}

function toRecord(row: OccurrenceRow): OccurrenceRecord {
  return {
    ref: { planId: row.plan_id, deviceId: row.target === STORE_TARGET ? null : row.target, original: row.original },
    state: row.state,
    movedTo: row.moved_to,
    skipReason: row.skip_reason,
    steps: JSON.parse(row.steps) as StepResult[],
    doneBy: row.done_by,
    doneAt: row.done_at,
    minutesSpent: row.minutes_spent,
    partsUsed: row.parts_used,
  };
}

/** Every exception of the given plans (all when `planIds` is undefined). */
export function listOccurrenceRecords(db: Db, planIds?: string[]): OccurrenceRecord[] {
  const rows = (
    planIds === undefined
      ? db.prepare('SELECT * FROM maintenance_occurrences').all()
      : db.prepare('SELECT * FROM maintenance_occurrences WHERE plan_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(planIds))
  ) as OccurrenceRow[];
  return rows.map(toRecord);
}

export function getOccurrenceRecord(db: Db, planId: string, target: string, original: string): OccurrenceRecord | undefined {
  const row = db.prepare('SELECT * FROM maintenance_occurrences WHERE plan_id = ? AND target = ? AND original = ?').get(planId, target, original) as OccurrenceRow | undefined;
  return row ? toRecord(row) : undefined;
}

export function saveOccurrenceRecord(db: Db, record: OccurrenceRecord, updatedAt: string): void {
  db.prepare(
    `INSERT INTO maintenance_occurrences (plan_id, target, original, state, moved_to, skip_reason, steps, done_by, done_at, minutes_spent, parts_used, updated_at)
     VALUES (@planId, @target, @original, @state, @movedTo, @skipReason, @steps, @doneBy, @doneAt, @minutesSpent, @partsUsed, @updatedAt)
     ON CONFLICT (plan_id, target, original) DO UPDATE SET state = @state, moved_to = @movedTo, skip_reason = @skipReason, steps = @steps,
       done_by = @doneBy, done_at = @doneAt, minutes_spent = @minutesSpent, parts_used = @partsUsed, updated_at = @updatedAt`,
  ).run({
    planId: record.ref.planId,
    target: record.ref.deviceId ?? STORE_TARGET,
    original: record.ref.original,
    state: record.state,
    movedTo: record.movedTo,
    skipReason: record.skipReason,
    steps: JSON.stringify(record.steps),
    doneBy: record.doneBy,
    doneAt: record.doneAt,
    minutesSpent: record.minutesSpent,
    partsUsed: record.partsUsed,
    updatedAt,
  });
}
