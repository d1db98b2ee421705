/**
 * Preventive maintenance: plans, their occurrences computed for any window from the rules (or
 * "N days after the last completion"), and what happened to single occurrences stored as
 * exceptions (done, skipped, moved, step answers). Terminal-driven checklist steps run through
 * the devices service's command path; a step answered "problem" can open an incident.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AttentionItem } from '../../../../shared/domain/attention';
import type { Incident } from '../../../../shared/domain/incidents';
import {
  PlanTemplate,
  type Occurrence,
  type OccurrenceDetail,
  type OccurrenceQuery,
  type OccurrenceRecord,
  type OccurrenceRef,
  type Plan,
  type PlanFields,
  type PlanSchedule,
  type PlanUpdate,
  type PreviewInput,
  type PreviewResult,
} from '../../../../shared/domain/maintenance';
import type { Language } from '../../../../shared/domain/settings';
import { zonedDay } from '../../../../shared/domain/time';
import { AppError, type FieldIssue } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import { getOccurrenceRecord, getPlan, listOccurrenceRecords, listPlans, saveOccurrenceRecord, savePlan, STORE_TARGET } from '../../db/maintenance';
import type { EventBus } from '../../events/bus';
import { resourcesDir } from '../../paths';
import type { DevicesService } from '../devices/devices-service';
import { isoNow, type Clock } from '../../clock';
import type { IncidentsService } from '../incidents/incidents-service';
import type { SettingsService } from '../settings/settings-service';
import { addInterval, compileRule, dayWindow, formatLocal, formatLocalDate, localNow, occurrencesIn, parseLocal, preview, type Window } from './recurrence';

/** What a terminal-driven step records when the terminal is offline (the renderer translates it). */
const NOT_REACHABLE = 'notReachable';

function fieldError(pathText: string, messageKey: string, message: string): AppError {
  return new AppError('validation', message, { issues: [{ path: pathText, code: 'custom', messageKey }] });
}

/** Runs `run`, putting `prefix.` in front of the paths of its field errors. */
function underPath<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AppError && Array.isArray(error.details?.issues)) {
      const issues = (error.details.issues as FieldIssue[]).map((i) => ({ ...i, path: `${prefix}.${i.path}` }));
      throw new AppError(error.code, error.message, { ...error.details, issues });
    }
    throw error;
  }
}

function templatesDir(): string {
  return path.join(resourcesDir(), 'maintenance-templates');
}

/** The shipped plan templates of one language (resources/maintenance-templates/<language>.json). */
export function loadTemplates(language: Language, dir = templatesDir()): PlanTemplate[] {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, `${language}.json`), 'utf8')) as unknown;
  return PlanTemplate.array().parse(raw);
}

export class MaintenanceService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly devices: DevicesService,
    private readonly incidents: IncidentsService,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  preview(input: PreviewInput): PreviewResult {
    return preview(input);
  }

  templates(language?: Language): PlanTemplate[] {
    return loadTemplates(language ?? this.settings.get().language);
  }

  /** The store's wall time now (floating). */
  private today(): string {
    return zonedDay(this.clock.now(), this.settings.get().store.timezone);
  }

  // ------------------------------------------------------------------ plans

  listPlans(includeArchived = false): Plan[] {
    return listPlans(this.db, includeArchived);
  }

  getPlan(id: string): Plan {
    const plan = getPlan(this.db, id);
    if (!plan) throw new AppError('not_found', `No maintenance plan ${id}`, { id });
    return plan;
  }

  private check(fields: PlanFields): void {
    if (fields.target.kind === 'devices') {
      const active = new Set(this.devices.list().map((d) => d.id));
      const unknown = fields.target.deviceIds.filter((id) => !active.has(id));
      if (unknown.length > 0) {
        throw new AppError('validation', `No active device ${unknown.join(', ')}`, { issues: [{ path: 'target.deviceIds', code: 'custom', messageKey: 'maintenance.unknownDevice' }], ids: unknown });
      }
    }
    const start = parseLocal(fields.schedule.start);
    if (!start) throw fieldError('schedule.start', 'maintenance.invalidDateTime', 'The start is not a date-time');
    const schedule = fields.schedule;
    if (schedule.kind === 'rule') underPath('schedule', () => compileRule(schedule.rule, start));
  }

  createPlan(fields: PlanFields): Plan {
    this.check(fields);
    const now = isoNow(this.clock);
    const plan: Plan = {
      ...fields,
      target: fields.target.kind === 'devices' ? { kind: 'devices', deviceIds: [...new Set(fields.target.deviceIds)] } : fields.target,
      id: randomUUID(),
      archived: false,
      createdAt: now,
      updatedAt: now,
    };
    savePlan(this.db, plan);
    this.bus.emit('maintenance.changed', { planId: plan.id, reason: 'planCreated' });
    return plan;
  }

  /** Changes a plan; done and skipped occurrences stay as they were (their records are kept). */
  updatePlan(update: PlanUpdate): Plan {
    const { id, ...fields } = update;
    const current = this.getPlan(id);
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<PlanFields>;
    const next: Plan = { ...current, ...defined, updatedAt: isoNow(this.clock) };
    this.check(next);
    savePlan(this.db, next);
    this.bus.emit('maintenance.changed', { planId: id, reason: 'planUpdated' });
    return next;
  }

  archivePlan(id: string): Plan {
    const plan = { ...this.getPlan(id), archived: true, updatedAt: isoNow(this.clock) };
    savePlan(this.db, plan);
    this.bus.emit('maintenance.changed', { planId: id, reason: 'planArchived' });
    return plan;
  }

  // ------------------------------------------------------------------ occurrences

  /** The devices (or the store, as null) a plan applies to now. */
  private targetsOf(plan: Plan, active: string[] = this.devices.list().map((d) => d.id)): (string | null)[] {
    if (plan.target.kind === 'store') return [null];
    if (plan.target.kind === 'allTerminals') return active;
    const ids = new Set(active);
    return plan.target.deviceIds.filter((id) => ids.has(id));
  }

  private stateOf(record: OccurrenceRecord | undefined, at: string, today: string): Occurrence['state'] {
    if (record?.state === 'done') return 'done';
    if (record?.state === 'skipped') return 'skipped';
    const day = at.slice(0, 10);
    return day < today ? 'overdue' : day === today ? 'dueToday' : 'planned';
  }

  private occurrence(plan: Plan, deviceId: string | null, original: string, record: OccurrenceRecord | undefined, today: string): Occurrence {
    const at = record?.movedTo ?? original;
    return {
      key: `${plan.id}|${deviceId ?? STORE_TARGET}|${original}`,
      planId: plan.id,
      title: plan.title,
      deviceId,
      original,
      at,
      state: this.stateOf(record, at, today),
      moved: record?.movedTo != null,
      skipReason: record?.skipReason ?? null,
    };
  }

  /** The originals the schedule produces for one target in the window (floating: the next one after the last completion). */
  private originalsIn(schedule: PlanSchedule, window: Window, records: OccurrenceRecord[], cap?: number): { originals: string[]; truncated: boolean } {
    const start = parseLocal(schedule.start)!;
    if (schedule.kind === 'rule') {
      const { dates, truncated } = occurrencesIn(compileRule(schedule.rule, start), window, cap);
      return { originals: dates.map(formatLocal), truncated };
    }
    const next = this.nextFloating(schedule, start, records);
    return { originals: next >= window.from && next < window.until ? [formatLocal(next)] : [], truncated: false };
  }

  /** A floating schedule's one open occurrence: the start, or N units after the last completion's day. */
  private nextFloating(schedule: Extract<PlanSchedule, { kind: 'floating' }>, start: Date, records: OccurrenceRecord[]): Date {
    const finished = records.filter((r) => r.state !== 'open' && r.doneAt !== null).sort((a, b) => (a.doneAt! < b.doneAt! ? 1 : -1))[0];
    const lastSkipped = records.filter((r) => r.state === 'skipped').map((r) => r.ref.original).sort().at(-1);
    let base: Date | null = null;
    if (finished?.doneAt) base = localNow(new Date(finished.doneAt), this.settings.get().store.timezone);
    else if (lastSkipped) base = parseLocal(lastSkipped);
    if (!base) return start;
    const day = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()));
    return addInterval(day, schedule.every, schedule.unit);
  }

  occurrences(query: OccurrenceQuery): { occurrences: Occurrence[]; truncated: boolean } {
    const window = dayWindow(query.from, query.to);
    const today = this.today();
    const plans = this.listPlans(true).filter((p) => !query.planId || p.id === query.planId);
    const records = listOccurrenceRecords(this.db, plans.map((p) => p.id));
    const out: Occurrence[] = [];
    let truncated = false;
    const from = formatLocal(window.from);
    const until = formatLocal(window.until);
    const recordsOf = new Map<string, OccurrenceRecord[]>();
    for (const r of records) recordsOf.set(r.ref.planId, [...(recordsOf.get(r.ref.planId) ?? []), r]);
    const active = this.devices.list().map((d) => d.id);
    for (const plan of plans) {
      const planRecords = recordsOf.get(plan.id) ?? [];
      const shown = new Set<string>();
      const targets = plan.archived ? [] : this.targetsOf(plan, active).filter((t) => !query.deviceId || t === query.deviceId);
      for (const deviceId of targets) {
        const mine = planRecords.filter((r) => r.ref.deviceId === deviceId);
        const byOriginal = new Map(mine.map((r) => [r.ref.original, r]));
        const produced = this.originalsIn(plan.schedule, window, mine);
        truncated ||= produced.truncated;
        for (const original of produced.originals) {
          const record = byOriginal.get(original);
          const occurrence = this.occurrence(plan, deviceId, original, record, today);
          if (occurrence.at >= from && occurrence.at < until) out.push(occurrence);
          shown.add(occurrence.key);
        }
      }
      // Records shown whatever the rule says now: history (done, skipped) and occurrences moved into the window.
      for (const record of planRecords) {
        if (query.deviceId && record.ref.deviceId !== query.deviceId) continue;
        const occurrence = this.occurrence(plan, record.ref.deviceId, record.ref.original, record, today);
        if (shown.has(occurrence.key) || occurrence.at < from || occurrence.at >= until) continue;
        if (record.state === 'open' && (plan.archived || !this.produces(plan, record.ref))) continue;
        out.push(occurrence);
      }
    }
    out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
    return { occurrences: out, truncated };
  }

  /** Whether the plan's schedule (as it is now) produces the occurrence for that target. */
  private produces(plan: Plan, ref: { deviceId: string | null; original: string }): boolean {
    if (!this.targetsOf(plan).includes(ref.deviceId)) return false;
    const original = parseLocal(ref.original);
    if (!original) return false;
    const records = listOccurrenceRecords(this.db, [plan.id]).filter((r) => r.ref.deviceId === ref.deviceId);
    const day: Window = { from: original, until: new Date(original.getTime() + 1000) };
    return this.originalsIn(plan.schedule, day, records).originals.includes(ref.original);
  }

  private recordOf(ref: OccurrenceRef): { plan: Plan; record: OccurrenceRecord } {
    const plan = this.getPlan(ref.planId);
    const stored = getOccurrenceRecord(this.db, plan.id, ref.deviceId ?? STORE_TARGET, ref.original);
    if (!stored && (plan.archived || !this.produces(plan, ref))) {
      throw new AppError('not_found', `Plan ${plan.id} has no occurrence at ${ref.original}`, { issues: [{ path: 'original', code: 'custom', messageKey: 'maintenance.noSuchOccurrence' }] });
    }
    const record: OccurrenceRecord = stored ?? {
      ref: { planId: plan.id, deviceId: ref.deviceId, original: ref.original },
      state: 'open',
      movedTo: null,
      skipReason: null,
      steps: plan.steps.map((_, index) => ({ index, answer: null, note: '', result: null, incidentId: null })),
      doneBy: '',
      doneAt: null,
      minutesSpent: null,
      partsUsed: '',
    };
    // A plan whose checklist grew since: the new steps are unanswered.
    for (let index = record.steps.length; index < plan.steps.length; index++) record.steps.push({ index, answer: null, note: '', result: null, incidentId: null });
    return { plan, record };
  }

  private detail(plan: Plan, record: OccurrenceRecord): OccurrenceDetail {
    return { plan, record, occurrence: this.occurrence(plan, record.ref.deviceId, record.ref.original, record, this.today()) };
  }

  private save(plan: Plan, record: OccurrenceRecord): OccurrenceDetail {
    saveOccurrenceRecord(this.db, record, isoNow(this.clock));
    this.bus.emit('maintenance.changed', { planId: plan.id, reason: 'occurrence' });
    return this.detail(plan, record);
  }

  private openOnly(record: OccurrenceRecord): void {
    if (record.state !== 'open') throw new AppError('conflict', 'The occurrence is already done or skipped', { issues: [{ path: 'original', code: 'custom', messageKey: 'maintenance.alreadyClosed' }] });
  }

  private stepOf(plan: Plan, index: number) {
    const step = plan.steps[index];
    if (!step) throw fieldError('index', 'maintenance.noSuchStep', `The checklist has no step ${index}`);
    return step;
  }

  getOccurrence(ref: OccurrenceRef): OccurrenceDetail {
    const { plan, record } = this.recordOf(ref);
    return this.detail(plan, record);
  }

  move(ref: OccurrenceRef, to: string): OccurrenceDetail {
    if (!parseLocal(to)) throw fieldError('to', 'maintenance.invalidDateTime', 'to is not a date-time');
    const { plan, record } = this.recordOf(ref);
    this.openOnly(record);
    return this.save(plan, { ...record, movedTo: to === record.ref.original ? null : to });
  }

  skip(ref: OccurrenceRef, reason: string): OccurrenceDetail {
    const { plan, record } = this.recordOf(ref);
    this.openOnly(record);
    return this.save(plan, { ...record, state: 'skipped', skipReason: reason, doneAt: isoNow(this.clock) });
  }

  answerStep(ref: OccurrenceRef, index: number, answer: 'ok' | 'problem' | 'na', note: string): OccurrenceDetail {
    const { plan, record } = this.recordOf(ref);
    this.stepOf(plan, index);
    this.openOnly(record);
    const steps = record.steps.map((s) => (s.index === index ? { ...s, answer, note } : s));
    return this.save(plan, { ...record, steps });
  }

  /** Runs a terminal-driven step on the occurrence's device; an offline terminal records "not reachable". */
  async runStep(ref: OccurrenceRef, index: number): Promise<OccurrenceDetail> {
    const { plan, record } = this.recordOf(ref);
    const step = this.stepOf(plan, index);
    this.openOnly(record);
    if (!step.command || record.ref.deviceId === null) throw fieldError('index', 'maintenance.stepNotTerminal', 'This step does not run on a terminal');
    const deviceId = record.ref.deviceId;
    let answer: 'ok' | 'problem' | null;
    let result: string;
    if (this.devices.status(deviceId).overall === 'offline') {
      answer = null;
      result = NOT_REACHABLE;
    } else {
      const command = await this.devices.runCommand(deviceId, step.command);
      const status = this.devices.status(deviceId);
      const lines = [command.summary, ...command.printLines];
      if (status.softwareVersion) lines.push(`software ${status.softwareVersion}${status.softwareCurrent === false ? ' (not the approved version)' : ''}`);
      answer = command.ok && status.softwareCurrent !== false ? 'ok' : 'problem';
      result = lines.join('\n').slice(0, 4000);
      if (!command.ok && this.devices.status(deviceId).overall === 'offline') {
        answer = null;
        result = `${NOT_REACHABLE}\n${result}`.slice(0, 4000);
      }
    }
    // Read again: the command ran for a while and other steps may have been answered meanwhile.
    const fresh = this.recordOf(ref).record;
    const steps = fresh.steps.map((s) => (s.index === index ? { ...s, answer: answer ?? s.answer, result } : s));
    return this.save(plan, { ...fresh, steps });
  }

  /** Opens an incident for the occurrence's device, pre-filled from a step answered "problem". */
  openIncident(ref: OccurrenceRef, index: number): { detail: OccurrenceDetail; incident: Incident } {
    const { plan, record } = this.recordOf(ref);
    const step = this.stepOf(plan, index);
    if (record.ref.deviceId === null) throw fieldError('deviceId', 'maintenance.incidentNeedsDevice', 'The store is not a device');
    const answered = record.steps[index]!;
    if (answered.incidentId) return { detail: this.detail(plan, record), incident: this.incidents.get(answered.incidentId) };
    const symptoms = [`${plan.title}: ${step.text}`, answered.note, answered.result && answered.result !== NOT_REACHABLE ? answered.result : ''].filter((s) => s).join('\n');
    const incident = this.incidents.open({ deviceId: record.ref.deviceId, symptoms: symptoms.slice(0, 4000) });
    const steps = record.steps.map((s) => (s.index === index ? { ...s, answer: 'problem' as const, incidentId: incident.id } : s));
    return { detail: this.save(plan, { ...record, steps }), incident };
  }

  complete(ref: OccurrenceRef, done: { doneBy: string; minutesSpent: number; partsUsed: string }): OccurrenceDetail {
    const { plan, record } = this.recordOf(ref);
    this.openOnly(record);
    return this.save(plan, { ...record, state: 'done', doneBy: done.doneBy, minutesSpent: done.minutesSpent, partsUsed: done.partsUsed, doneAt: isoNow(this.clock) });
  }

  // ------------------------------------------------------------------ attention

  /** Overdue (looking back a year) and due-today occurrences, for badges and notifications. */
  attentionItems(): AttentionItem[] {
    const today = this.today();
    const from = formatLocalDate(new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000));
    const { occurrences } = this.occurrences({ from, to: today });
    const overdue = occurrences.filter((o) => o.state === 'overdue').length;
    const dueToday = occurrences.filter((o) => o.state === 'dueToday').length;
    const items: AttentionItem[] = [];
    if (overdue > 0) {
      items.push({ id: `maintenance.overdue:${today}`, section: 'maintenance', kind: 'maintenance.overdue', severity: 'warning', count: overdue, textKey: 'maintenance.attention.overdue', params: { count: overdue }, link: '/maintenance' });
    }
    if (dueToday > 0) {
      items.push({ id: `maintenance.dueToday:${today}`, section: 'maintenance', kind: 'maintenance.dueToday', severity: 'info', count: dueToday, textKey: 'maintenance.attention.dueToday', params: { count: dueToday }, link: '/maintenance' });
    }
    return items;
  }
}
