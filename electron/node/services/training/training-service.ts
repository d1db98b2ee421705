/**
 * Staff training: the roster (also the pick list of who did something), modules (shipped ones
 * from resources/training/modules.json plus the manager's own), assignments to people or roles,
 * completion records with refreshers, and the attention items for overdue and expired training.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AttentionItem } from '../../../../shared/domain/attention';
import {
  type AssignmentFields,
  ModuleFields,
  type ModuleSave,
  type RecordFields,
  type StaffFields,
  selfCheckScore,
  trainingStatus,
  type Assignment,
  type StaffMember,
  type TrainingCell,
  type TrainingModule,
  type TrainingOverview,
  type TrainingRecord,
} from '../../../../shared/domain/training';
import { zonedDay } from '../../../../shared/domain/time';
import { AppError } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import * as sql from '../../db/training';
import type { EventBus } from '../../events/bus';
import { resourcesDir } from '../../paths';
import { isoNow, type Clock } from '../../clock';
import type { SettingsService } from '../settings/settings-service';

const ShippedModules = z.array(ModuleFields.extend({ id: z.string().regex(/^shipped-[a-z-]+$/) }));

/** The modules PosCare ships (resources/training/modules.json), checked against the schema. */
export function loadShippedModules(file = path.join(resourcesDir(), 'training', 'modules.json')): z.infer<typeof ShippedModules> {
  return ShippedModules.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

function fieldError(path: string, messageKey: string, message: string): AppError {
  return new AppError('validation', message, { issues: [{ path, code: 'custom', messageKey }] });
}

export class TrainingService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    shipped = loadShippedModules(),
  ) {
    const now = isoNow(clock);
    for (const m of shipped) sql.insertModuleIfMissing(db, { ...m, shipped: true, archived: false, updatedAt: now });
  }

  /** Today as a calendar date in the store's timezone. */
  today(): string {
    return zonedDay(this.clock.now(), this.settings.get().store.timezone);
  }

  private changed(what: 'staff' | 'module' | 'assignment' | 'record', id: string): void {
    this.bus.emit('training.changed', { what, id });
  }

  // ---- Roster ----
  listStaff(includeArchived = false): StaffMember[] {
    return sql.listStaff(this.db, includeArchived);
  }

  person(id: string): StaffMember {
    const found = sql.getStaff(this.db, id);
    if (!found) throw new AppError('not_found', `No staff member ${id}`, { id });
    return found;
  }

  createStaff(fields: z.output<typeof StaffFields>): StaffMember {
    const now = isoNow(this.clock);
    const member: StaffMember = { ...fields, id: randomUUID(), archived: false, createdAt: now, updatedAt: now };
    sql.upsertStaff(this.db, member);
    this.changed('staff', member.id);
    return member;
  }

  updateStaff(id: string, fields: z.output<typeof StaffFields>): StaffMember {
    const member: StaffMember = { ...this.person(id), ...fields, updatedAt: isoNow(this.clock) };
    sql.upsertStaff(this.db, member);
    this.changed('staff', id);
    return member;
  }

  /** Archived people leave the pick lists and the matrix; their records stay. */
  setStaffArchived(id: string, archived: boolean): StaffMember {
    const member: StaffMember = { ...this.person(id), archived, updatedAt: isoNow(this.clock) };
    sql.upsertStaff(this.db, member);
    this.changed('staff', id);
    return member;
  }

  // ---- Modules ----
  private module(id: string): TrainingModule {
    const found = sql.getModule(this.db, id);
    if (!found) throw new AppError('not_found', `No training module ${id}`, { id });
    return found;
  }

  saveModule(input: z.output<typeof ModuleSave>): TrainingModule {
    const { id, ...fields } = input;
    const existing = id ? this.module(id) : undefined;
    const saved: TrainingModule = { ...fields, id: existing?.id ?? randomUUID(), shipped: existing?.shipped ?? false, archived: existing?.archived ?? false, updatedAt: isoNow(this.clock) };
    sql.upsertModule(this.db, saved);
    this.changed('module', saved.id);
    return saved;
  }

  setModuleArchived(id: string, archived: boolean): TrainingModule {
    const saved = { ...this.module(id), archived, updatedAt: isoNow(this.clock) };
    sql.upsertModule(this.db, saved);
    this.changed('module', id);
    return saved;
  }

  // ---- Assignments and records ----
  assign(input: z.output<typeof AssignmentFields>): Assignment {
    const module = this.module(input.moduleId);
    if (module.archived) throw fieldError('moduleId', 'training.archivedModule', `Module ${module.id} is archived`);
    if (input.staffId && this.person(input.staffId).archived) throw fieldError('staffId', 'training.archivedPerson', `Staff member ${input.staffId} is archived`);
    const assignment: Assignment = { ...input, id: randomUUID(), createdAt: isoNow(this.clock) };
    sql.insertAssignment(this.db, assignment);
    this.changed('assignment', assignment.id);
    return assignment;
  }

  unassign(id: string): void {
    if (!sql.deleteAssignment(this.db, id)) throw new AppError('not_found', `No assignment ${id}`, { id });
    this.changed('assignment', id);
  }

  record(input: z.output<typeof RecordFields>): TrainingRecord {
    const person = this.person(input.staffId);
    const module = this.module(input.moduleId);
    if (person.archived) throw fieldError('staffId', 'training.archivedPerson', `Staff member ${person.id} is archived`);
    if (input.completedOn > this.today()) throw fieldError('completedOn', 'training.completionInFuture', 'A completion cannot be dated in the future');
    if (input.completedOn < person.startDate) throw fieldError('completedOn', 'training.completionBeforeStart', 'A completion cannot be dated before the start date');
    const done = new Map(input.items.map((i) => [i.stepId, i]));
    const missing = module.steps.findIndex((s) => !done.get(s.id)?.done);
    if (missing >= 0) throw fieldError(`items.${missing}`, 'training.stepNotDone', `Step ${module.steps[missing]?.id} is not signed off`);
    const record: TrainingRecord = {
      id: randomUUID(),
      staffId: person.id,
      moduleId: module.id,
      completedOn: input.completedOn,
      signedOffBy: input.signedOffBy,
      note: input.note,
      items: module.steps.map((s) => ({ stepId: s.id, done: true, note: done.get(s.id)?.note ?? '' })),
      score: selfCheckScore(module.questions, input.answers),
      questions: module.questions.length,
      createdAt: isoNow(this.clock),
    };
    sql.insertRecord(this.db, record);
    this.changed('record', record.id);
    return record;
  }

  /** Everything the training pages show, with every active person's status in every active module. */
  overview(): TrainingOverview {
    const today = this.today();
    const staff = sql.listStaff(this.db, true);
    const modules = sql.listModules(this.db);
    const assignments = sql.listAssignments(this.db);
    const records = sql.listRecords(this.db);
    const cells: TrainingCell[] = [];
    for (const person of staff.filter((s) => !s.archived)) {
      for (const module of modules.filter((m) => !m.archived)) cells.push(trainingStatus(person, module, assignments, records, today));
    }
    return { today, staff, modules, assignments, records, cells, drills: sql.listDrills(this.db) };
  }

  /** Overdue and expired training, one item per kind, for the menu badge and the status board. */
  attentionItems(): AttentionItem[] {
    const cells = this.overview().cells;
    const items: AttentionItem[] = [];
    for (const [status, severity] of [['overdue', 'warning'], ['expired', 'warning']] as const) {
      const count = cells.filter((c) => c.status === status).length;
      if (count > 0) items.push({ id: `training.${status}`, section: 'training', kind: `training.${status}`, severity, count, textKey: `training.attention.${status}`, params: { count }, link: '/training' });
    }
    return items;
  }
}
