/** SQL of staff training: the roster, modules, assignments and completion records. */
import { DRILL_FAULT_CLASS, type Assignment, type Drill, type DrillFault, type DrillOutcome, type StaffMember, type TrainingModule, type TrainingRecord } from '../../../shared/domain/training';
import type { Db } from './connection';

interface StaffRow { id: string; name: string; role: string; phone: string; start_date: string; archived: number; created_at: string; updated_at: string }
interface ModuleRow { id: string; content: string; shipped: number; archived: number; updated_at: string }
interface AssignmentRow { id: string; module_id: string; staff_id: string | null; role: string | null; due_date: string; created_at: string }
interface RecordRow { id: string; staff_id: string; module_id: string; completed_on: string; signed_off_by: string; note: string; items: string; score: number; questions: number; created_at: string }

function toStaff(r: StaffRow): StaffMember {
  return { id: r.id, name: r.name, role: r.role as StaffMember['role'], phone: r.phone, startDate: r.start_date, archived: r.archived === 1, createdAt: r.created_at, updatedAt: r.updated_at };
}

export function listStaff(db: Db, includeArchived = false): StaffMember[] {
  return (db.prepare(`SELECT * FROM staff ${includeArchived ? '' : 'WHERE archived = 0'} ORDER BY archived, name COLLATE NOCASE, id`).all() as StaffRow[]).map(toStaff);
}

export function getStaff(db: Db, id: string): StaffMember | undefined {
  const row = db.prepare('SELECT * FROM staff WHERE id = ?').get(id) as StaffRow | undefined;
  return row ? toStaff(row) : undefined;
}

export function upsertStaff(db: Db, s: StaffMember): void {
  db.prepare(
    `INSERT INTO staff (id, name, role, phone, start_date, archived, created_at, updated_at) VALUES (@id, @name, @role, @phone, @startDate, @archived, @createdAt, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET name = @name, role = @role, phone = @phone, start_date = @startDate, archived = @archived, updated_at = @updatedAt`,
  ).run({ ...s, archived: s.archived ? 1 : 0 });
}

function toModule(r: ModuleRow): TrainingModule {
  return { ...(JSON.parse(r.content) as Omit<TrainingModule, 'id' | 'shipped' | 'archived' | 'updatedAt'>), id: r.id, shipped: r.shipped === 1, archived: r.archived === 1, updatedAt: r.updated_at };
}

export function listModules(db: Db): TrainingModule[] {
  return (db.prepare('SELECT * FROM training_modules ORDER BY archived, shipped DESC, rowid').all() as ModuleRow[]).map(toModule);
}

export function getModule(db: Db, id: string): TrainingModule | undefined {
  const row = db.prepare('SELECT * FROM training_modules WHERE id = ?').get(id) as ModuleRow | undefined;
  return row ? toModule(row) : undefined;
}

export function upsertModule(db: Db, m: TrainingModule): void {
  const { id, shipped, archived, updatedAt, ...content } = m;
  db.prepare(
    `INSERT INTO training_modules (id, content, shipped, archived, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET content = excluded.content, archived = excluded.archived, updated_at = excluded.updated_at`,
  ).run(id, JSON.stringify(content), shipped ? 1 : 0, archived ? 1 : 0, updatedAt);
}

/** Shipped modules are added once; a manager's edits of them are kept. */
export function insertModuleIfMissing(db: Db, m: TrainingModule): void {
  const { id, shipped, archived, updatedAt, ...content } = m;
  db.prepare('INSERT OR IGNORE INTO training_modules (id, content, shipped, archived, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, JSON.stringify(content), shipped ? 1 : 0, archived ? 1 : 0, updatedAt);
}

function toAssignment(r: AssignmentRow): Assignment {
  return { id: r.id, moduleId: r.module_id, staffId: r.staff_id, role: r.role as Assignment['role'], dueDate: r.due_date, createdAt: r.created_at };
}

export function listAssignments(db: Db): Assignment[] {
  return (db.prepare('SELECT * FROM training_assignments ORDER BY created_at, id').all() as AssignmentRow[]).map(toAssignment);
}

export function insertAssignment(db: Db, a: Assignment): void {
  db.prepare('INSERT INTO training_assignments (id, module_id, staff_id, role, due_date, created_at) VALUES (@id, @moduleId, @staffId, @role, @dueDate, @createdAt)').run(a);
}

export function deleteAssignment(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM training_assignments WHERE id = ?').run(id).changes > 0;
}

function toRecord(r: RecordRow): TrainingRecord {
  return { id: r.id, staffId: r.staff_id, moduleId: r.module_id, completedOn: r.completed_on, signedOffBy: r.signed_off_by, note: r.note, items: JSON.parse(r.items) as TrainingRecord['items'], score: r.score, questions: r.questions, createdAt: r.created_at };
}

export function listRecords(db: Db): TrainingRecord[] {
  return (db.prepare('SELECT * FROM training_records ORDER BY completed_on DESC, created_at DESC').all() as RecordRow[]).map(toRecord);
}

export function insertRecord(db: Db, r: TrainingRecord): void {
  db.prepare(
    `INSERT INTO training_records (id, staff_id, module_id, completed_on, signed_off_by, note, items, score, questions, created_at)
     VALUES (@id, @staffId, @moduleId, @completedOn, @signedOffBy, @note, @items, @score, @questions, @createdAt)`,
  ).run({ ...r, items: JSON.stringify(r.items) });
}

// ---- Practice drills ----
interface DrillRow { id: string; staff_id: string; device_id: string; fault: string; started_at: string; ended_at: string | null; classified_at: string | null; outcome: string | null }

function toDrill(r: DrillRow): Drill {
  const fault = r.fault as DrillFault;
  return {
    id: r.id,
    staffId: r.staff_id,
    deviceId: r.device_id,
    fault,
    expectedClass: DRILL_FAULT_CLASS[fault],
    startedAt: r.started_at,
    endedAt: r.ended_at,
    outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as DrillOutcome),
  };
}

export function listDrills(db: Db): Drill[] {
  return (db.prepare('SELECT * FROM training_drills ORDER BY started_at DESC, id').all() as DrillRow[]).map(toDrill);
}

export function runningDrill(db: Db): (Drill & { classifiedAt: string | null }) | undefined {
  const row = db.prepare('SELECT * FROM training_drills WHERE ended_at IS NULL').get() as DrillRow | undefined;
  return row ? { ...toDrill(row), classifiedAt: row.classified_at } : undefined;
}

/** The drill and its temporary device in one transaction: both or neither. */
export function insertDrillWithDevice(db: Db, drill: { id: string; staffId: string; deviceId: string; fault: DrillFault; startedAt: string }, insertDevice: () => void): void {
  db.transaction(() => {
    insertDevice();
    db.prepare('UPDATE devices SET drill = 1 WHERE id = ?').run(drill.deviceId);
    db.prepare('INSERT INTO training_drills (id, staff_id, device_id, fault, started_at) VALUES (?, ?, ?, ?, ?)').run(drill.id, drill.staffId, drill.deviceId, drill.fault, drill.startedAt);
  }).immediate();
}

export function markDrillClassified(db: Db, id: string, at: string): void {
  db.prepare('UPDATE training_drills SET classified_at = ? WHERE id = ? AND classified_at IS NULL').run(at, id);
}

/** Ends the drill with its outcome and archives its device, in one transaction. */
export function finishDrill(db: Db, id: string, deviceId: string, endedAt: string, outcome: DrillOutcome): void {
  db.transaction(() => {
    db.prepare('UPDATE training_drills SET ended_at = ?, outcome = ? WHERE id = ?').run(endedAt, JSON.stringify(outcome), id);
    db.prepare('UPDATE devices SET archived = 1, updated_at = ? WHERE id = ?').run(endedAt, deviceId);
  }).immediate();
}
