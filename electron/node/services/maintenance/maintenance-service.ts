/**
 * Preventive maintenance: plans, their occurrences computed for any window from the rules (or
 * "N days after the last completion"), and what happened to single occurrences stored as
 * exceptions (done, skipped, moved, step answers). Terminal-driven checklist steps run through
 * the devices service's command path; a step answered "problem" can open an incident. The daily
 * opening check of a standalone terminal is done with the staff check form instead (checks
 * service): its occurrence is done when the terminal was checked on its day, and stores nothing
 * of its own (STAFF_CHECK_TEMPLATE).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import path from 'node:path';
import type { AttentionItem } from '../../../../shared/domain/attention';
import type { Incident } from '../../../../shared/domain/incidents';
import type { StaffCheck } from '../../../../shared/domain/checks';
import {
  PlanTemplate,
  STAFF_CHECK_TEMPLATE,
  type CalendarExportInput,
  type DoneExportInput,
  type ExportResult,
  type FailureForecast,
  type Occurrence,
  type OccurrenceDetail,
  type OccurrenceLabel,
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
import { addDays, zonedDateTime, zonedDay, zonedInstant } from '../../../../shared/domain/time';
import { AppError, type FieldIssue } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import { getOccurrenceRecord, getPlan, listOccurrenceRecords, listPlans, saveOccurrenceRecord, savePlan, STORE_TARGET } from '../../db/maintenance';
import type { EventBus } from '../../events/bus';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';
import { replaceFile } from '../../files/replace-file';
import { checkWriteFile } from '../../files/write-target';
import { resourcesDir } from '../../paths';
import type { DevicesService } from '../devices/devices-service';
import { isoNow, type Clock } from '../../clock';
import type { IncidentsService } from '../incidents/incidents-service';
import type { SettingsService } from '../settings/settings-service';
import { scheduleCalendar, type ScheduleSeries } from './export';
import { addInterval, dayWindow, formatLocal, formatLocalDate, localNow, parseLocal, preview, ruleOccurrences, verifyRule, type Window } from './recurrence';

/** The staff-check side of an occurrence: the check of its day, if the terminal was checked. */
interface StaffOccurrence {
  check: StaffCheck | undefined;
}

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

/** A floating local date-time as a spreadsheet date cell showing that wall time. */
function wallClockCell(local: string): Date {
  return new Date(`${local}Z`);
}

/** Today's local midnight and tomorrow's, as local date-time text (`2027-03-01T00:00:00`). */
interface DayBounds {
  start: string;
  end: string;
}

export class MaintenanceService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly devices: DevicesService,
    private readonly incidents: IncidentsService,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    /** Each device's estimated next failure (the reliability analytics: last failure + MTBF). */
    private readonly reliability: () => { deviceId: string; expectedNextFailureAt: string | null }[] = () => [],
    /** The staff checks of a device in [fromMs, untilMs), newest first (the checks service). */
    private readonly staffChecks: (deviceId: string, fromMs: number, untilMs: number) => StaffCheck[] = () => [],
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

  /** Today's and tomorrow's local midnight, as local date-time text. */
  private dayBounds(): DayBounds {
    const today = this.today();
    return { start: `${today}T00:00:00`, end: `${addDays(today, 1)}T00:00:00` };
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
    if (schedule.kind === 'rule') underPath('schedule', () => verifyRule(schedule.rule, start));
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

  /** `staff`: a staff-check occurrence and the check of its day, if any (done when there is one). */
  private stateOf(record: OccurrenceRecord | undefined, at: string, day: DayBounds, staff?: StaffOccurrence): Occurrence['state'] {
    if (record?.state === 'done') return 'done';
    if (record?.state === 'skipped') return 'skipped';
    if (staff?.check) return 'done';
    // Local date-times compare as text: before today's midnight is overdue, before tomorrow's is today.
    return at < day.start ? 'overdue' : at < day.end ? 'dueToday' : 'planned';
  }

  /** Whether an occurrence is done with the staff check form: the daily opening check of a standalone terminal. */
  private isStaffCheck(plan: Plan, deviceId: string | null, standalone: ReadonlySet<string>): boolean {
    return plan.templateId === STAFF_CHECK_TEMPLATE && deviceId !== null && standalone.has(deviceId);
  }

  private standaloneIds(): Set<string> {
    return new Set(this.devices.list(true).filter((d) => d.connection.type === 'none').map((d) => d.id));
  }

  /** A device's staff checks by store day (the latest of each day) from `from` to `until` (local wall times). */
  private checksByDay(deviceId: string, from: string, until: string): Map<string, StaffCheck> {
    const timeZone = this.settings.get().store.timezone;
    const days = new Map<string, StaffCheck>();
    for (const check of this.staffChecks(deviceId, zonedInstant(from, timeZone), zonedInstant(until, timeZone))) {
      const day = zonedDay(Date.parse(check.at), timeZone);
      if (!days.has(day)) days.set(day, check);
    }
    return days;
  }

  /** The staff-check side of one occurrence (undefined: a checklist occurrence). */
  private staffOf(plan: Plan, deviceId: string | null, at: string, standalone: ReadonlySet<string> = this.standaloneIds()): StaffOccurrence | undefined {
    if (!this.isStaffCheck(plan, deviceId, standalone)) return undefined;
    const day = at.slice(0, 10);
    return { check: this.checksByDay(deviceId!, `${day}T00:00:00`, `${addDays(day, 1)}T00:00:00`).get(day) };
  }

  private occurrence(plan: Plan, deviceId: string | null, original: string, record: OccurrenceRecord | undefined, day: DayBounds, staff?: StaffOccurrence): Occurrence {
    const at = record?.movedTo ?? original;
    return {
      key: `${plan.id}|${deviceId ?? STORE_TARGET}|${original}`,
      planId: plan.id,
      title: plan.title,
      deviceId,
      original,
      at,
      state: this.stateOf(record, at, day, staff),
      moved: record?.movedTo != null,
      skipReason: record?.skipReason ?? null,
      form: staff ? 'staffCheck' : 'checklist',
    };
  }

  /** The originals the schedule produces for one target in the window (floating: the next one after the last completion). */
  private originalsIn(schedule: PlanSchedule, window: Window, records: OccurrenceRecord[], cap?: number): { originals: readonly string[]; truncated: boolean } {
    const start = parseLocal(schedule.start)!;
    if (schedule.kind === 'rule') return ruleOccurrences(schedule.rule, start, window, cap);
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

  /**
   * The calendar's occurrences in a window, sorted by time then title. It is the calendar's hot
   * path (200 plans make some 17,000 occurrences a year; `npm run bench -- maintenance`): plans are
   * walked in title order so one stable sort by time gives the order, and sets of what was shown
   * are only built for targets that have stored records.
   */
  occurrences(query: OccurrenceQuery): { occurrences: Occurrence[]; truncated: boolean } {
    const window = dayWindow(query.from, query.to);
    const day = this.dayBounds();
    const plans = this.listPlans(true)
      .filter((p) => !query.planId || p.id === query.planId)
      .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
    const records = listOccurrenceRecords(this.db, plans.map((p) => p.id));
    const out: Occurrence[] = [];
    let truncated = false;
    const from = formatLocal(window.from);
    const until = formatLocal(window.until);
    const recordsOf = new Map<string, OccurrenceRecord[]>();
    for (const r of records) {
      const list = recordsOf.get(r.ref.planId);
      if (list) list.push(r);
      else recordsOf.set(r.ref.planId, [r]);
    }
    const active = this.devices.list().map((d) => d.id);
    const standalone = this.standaloneIds();
    const checkDays = new Map<string, Map<string, StaffCheck>>();
    /** The staff-check side of an occurrence, the window's checks read once per device. */
    const staffOf = (plan: Plan, deviceId: string | null, at: string): StaffOccurrence | undefined => {
      if (!this.isStaffCheck(plan, deviceId, standalone)) return undefined;
      if (!checkDays.has(deviceId!)) checkDays.set(deviceId!, this.checksByDay(deviceId!, from, until));
      return { check: checkDays.get(deviceId!)!.get(at.slice(0, 10)) };
    };
    for (const plan of plans) {
      const planRecords = recordsOf.get(plan.id) ?? [];
      const shown = new Set<string>();
      const targets = plan.archived ? [] : this.targetsOf(plan, active).filter((t) => !query.deviceId || t === query.deviceId);
      for (const deviceId of targets) {
        const mine = planRecords.filter((r) => r.ref.deviceId === deviceId);
        const byOriginal = mine.length > 0 ? new Map(mine.map((r) => [r.ref.original, r])) : null;
        const produced = this.originalsIn(plan.schedule, window, mine);
        truncated ||= produced.truncated;
        for (const original of produced.originals) {
          const record = byOriginal?.get(original);
          const occurrence = this.occurrence(plan, deviceId, original, record, day, staffOf(plan, deviceId, record?.movedTo ?? original));
          if (occurrence.at >= from && occurrence.at < until) out.push(occurrence);
          if (byOriginal) shown.add(occurrence.key);
        }
      }
      // Records shown whatever the rule says now: history (done, skipped) and occurrences moved into the window.
      for (const record of planRecords) {
        if (query.deviceId && record.ref.deviceId !== query.deviceId) continue;
        const occurrence = this.occurrence(plan, record.ref.deviceId, record.ref.original, record, day, staffOf(plan, record.ref.deviceId, record.movedTo ?? record.ref.original));
        if (shown.has(occurrence.key) || occurrence.at < from || occurrence.at >= until) continue;
        if (record.state === 'open' && (plan.archived || !this.produces(plan, record.ref))) continue;
        out.push(occurrence);
      }
    }
    // Stable: equal times keep the plans' title order.
    out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
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

  /** Whether an occurrence key (planId|deviceId or "store"|original, as Occurrence.key) names one that exists. */
  hasOccurrence(key: string): boolean {
    const [planId, target, original, ...rest] = key.split('|');
    if (!planId || !target || !original || rest.length > 0) return false;
    try {
      this.recordOf({ planId, deviceId: target === STORE_TARGET ? null : target, original });
      return true;
    } catch (error) {
      if (error instanceof AppError) return false;
      throw error;
    }
  }

  /**
   * What a ledger shows for an occurrence key: the plan's title, the device and when it was (or is)
   * due; undefined when the key names no plan. Archived plans still describe their past work.
   */
  describeOccurrence(key: string): OccurrenceLabel | undefined {
    const [planId, target, original, ...rest] = key.split('|');
    if (!planId || !target || !original || rest.length > 0) return undefined;
    let plan: Plan;
    try {
      plan = this.getPlan(planId);
    } catch (error) {
      if (error instanceof AppError) return undefined;
      throw error;
    }
    const stored = getOccurrenceRecord(this.db, plan.id, target, original);
    return { title: plan.title, deviceId: target === STORE_TARGET ? null : target, at: stored?.movedTo ?? original };
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
    const staff = this.staffOf(plan, record.ref.deviceId, record.movedTo ?? record.ref.original);
    return { plan, record, occurrence: this.occurrence(plan, record.ref.deviceId, record.ref.original, record, this.dayBounds(), staff), staffCheck: staff?.check ?? null };
  }

  /** The checklist of an occurrence done with the staff check form is not used: nothing to answer, run or complete. */
  private checklistOnly(plan: Plan, record: OccurrenceRecord): void {
    if (!this.isStaffCheck(plan, record.ref.deviceId, this.standaloneIds())) return;
    throw new AppError('conflict', 'This opening check is done with the staff check form', { issues: [{ path: 'original', code: 'custom', messageKey: 'maintenance.useStaffCheck' }] });
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
    this.checklistOnly(plan, record);
    const steps = record.steps.map((s) => (s.index === index ? { ...s, answer, note } : s));
    return this.save(plan, { ...record, steps });
  }

  /** Attaches (or with null removes) a photo of what was found at one step of an open occurrence. */
  stepPhoto(ref: OccurrenceRef, index: number, photo: string | null): OccurrenceDetail {
    const { plan, record } = this.recordOf(ref);
    this.stepOf(plan, index);
    this.openOnly(record);
    this.checklistOnly(plan, record);
    const steps = record.steps.map((s) => (s.index === index ? { ...s, photo } : s));
    return this.save(plan, { ...record, steps });
  }

  /** Runs a terminal-driven step on the occurrence's device; an offline terminal records "not reachable". */
  async runStep(ref: OccurrenceRef, index: number): Promise<OccurrenceDetail> {
    const { plan, record } = this.recordOf(ref);
    const step = this.stepOf(plan, index);
    this.openOnly(record);
    this.checklistOnly(plan, record);
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
    this.checklistOnly(plan, record);
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
    this.checklistOnly(plan, record);
    return this.save(plan, { ...record, state: 'done', doneBy: done.doneBy, minutesSpent: done.minutesSpent, partsUsed: done.partsUsed, doneAt: isoNow(this.clock) });
  }

  // ------------------------------------------------------------------ forecast

  /** Active devices with an estimated next failure, and whether it falls before their next inspection. */
  forecast(): FailureForecast[] {
    const timeZone = this.settings.get().store.timezone;
    const active = new Set(this.devices.list().map((d) => d.id));
    const estimates = this.reliability().filter((d) => d.expectedNextFailureAt !== null && active.has(d.deviceId));
    if (estimates.length === 0) return [];
    const today = Date.parse(`${this.today()}T00:00:00Z`);
    const { occurrences } = this.occurrences({ from: formatLocalDate(new Date(today - 365 * 86_400_000)), to: formatLocalDate(new Date(today + 366 * 86_400_000)) });
    const next = new Map<string, string>();
    for (const o of occurrences) {
      if (o.deviceId === null || o.state === 'done' || o.state === 'skipped') continue;
      if (!next.has(o.deviceId) || o.at < next.get(o.deviceId)!) next.set(o.deviceId, o.at);
    }
    return estimates.map((d) => {
      const expectedDay = zonedDay(Date.parse(d.expectedNextFailureAt!), timeZone);
      const nextInspection = next.get(d.deviceId) ?? null;
      return { deviceId: d.deviceId, expectedFailureAt: d.expectedNextFailureAt!, expectedDay, nextInspection, inspectEarlier: nextInspection === null || expectedDay < nextInspection.slice(0, 10) };
    });
  }

  // ------------------------------------------------------------------ export

  private texts() {
    return (this.settings.get().language === 'en' ? en : zhCN).maintenance;
  }

  private targetName(deviceId: string | null): { id: string | null; name: string; location: string } {
    if (deviceId === null) return { id: null, name: this.settings.get().store.name || this.texts().store, location: '' };
    const device = this.devices.get(deviceId);
    return { id: deviceId, name: device.name, location: device.location };
  }

  /** The schedule of every active plan on each of its targets as an .ics file (RFC 5545). */
  async exportCalendar(input: CalendarExportInput): Promise<ExportResult> {
    const file = checkWriteFile(input.out, { dataDir: path.dirname(this.db.name), field: 'out', overwrite: input.overwrite === true });
    const texts = this.texts();
    const plans = this.listPlans(false);
    const records = listOccurrenceRecords(this.db, plans.map((p) => p.id));
    const series: ScheduleSeries[] = [];
    for (const plan of plans) {
      for (const deviceId of this.targetsOf(plan)) {
        const mine = records.filter((r) => r.ref.planId === plan.id && r.ref.deviceId === deviceId);
        const next = plan.schedule.kind === 'floating' ? formatLocal(this.nextFloating(plan.schedule, parseLocal(plan.schedule.start)!, mine)) : null;
        series.push({ plan, target: this.targetName(deviceId), records: mine, next });
      }
    }
    const text = scheduleCalendar(series, this.settings.get().store.timezone, {
      calendarName: texts.export.calendarName,
      checklist: texts.export.checklist,
      floatingNote: (plan) =>
        plan.schedule.kind === 'floating' ? texts.export.floatingNote.replace('{every}', String(plan.schedule.every)).replace('{unit}', texts.unit[plan.schedule.unit]) : '',
    }, new Date(this.clock.now()));
    const bytes = await replaceFile(file, (temp) => fs.promises.writeFile(temp, text, 'utf8'));
    return { file, rows: series.length, bytes };
  }

  /** The occurrences done or skipped between two store days (inclusive) as XLSX, oldest first. */
  async exportDone(input: DoneExportInput): Promise<ExportResult> {
    dayWindow(input.from, input.to);
    const file = checkWriteFile(input.out, { dataDir: path.dirname(this.db.name), field: 'out', overwrite: input.overwrite === true });
    const timeZone = this.settings.get().store.timezone;
    const texts = this.texts();
    const plans = new Map(this.listPlans(true).map((p) => [p.id, p]));
    const finished = listOccurrenceRecords(this.db)
      .filter((r) => r.state !== 'open' && r.doneAt !== null)
      .map((r) => ({ record: r, day: zonedDay(Date.parse(r.doneAt!), timeZone) }))
      .filter(({ day }) => day >= input.from && day <= input.to)
      .sort((a, b) => a.record.doneAt!.localeCompare(b.record.doneAt!) || a.record.ref.original.localeCompare(b.record.ref.original));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(texts.export.sheet);
    const t = texts.export;
    sheet.columns = [
      { header: t.doneAt, key: 'doneAt', width: 18, style: { numFmt: 'yyyy-mm-dd hh:mm' } },
      { header: t.plan, key: 'plan', width: 28 },
      { header: t.target, key: 'target', width: 20 },
      { header: t.scheduled, key: 'scheduled', width: 18, style: { numFmt: 'yyyy-mm-dd hh:mm' } },
      { header: t.state, key: 'state', width: 10 },
      { header: t.doneBy, key: 'doneBy', width: 14 },
      { header: t.minutes, key: 'minutes', width: 10 },
      { header: t.partsUsed, key: 'partsUsed', width: 24 },
      { header: t.problems, key: 'problems', width: 40 },
      { header: t.incidents, key: 'incidents', width: 12 },
      { header: t.skipReason, key: 'skipReason', width: 24 },
    ];
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    for (const { record } of finished) {
      const plan = plans.get(record.ref.planId);
      const problems = record.steps
        .filter((step) => step.answer === 'problem')
        .map((step) => [`${step.index + 1}. ${plan?.steps[step.index]?.text ?? ''}`, step.note].filter((x) => x).join(': '));
      sheet.addRow({
        // Store wall times as date cells (a workbook has no timezone: it shows what the store's clock said).
        doneAt: wallClockCell(zonedDateTime(Date.parse(record.doneAt!), timeZone)),
        plan: plan?.title ?? record.ref.planId,
        target: this.targetName(record.ref.deviceId).name,
        scheduled: wallClockCell(record.movedTo ?? record.ref.original),
        state: texts.state[record.state === 'done' ? 'done' : 'skipped'],
        doneBy: record.doneBy,
        minutes: record.minutesSpent,
        partsUsed: record.partsUsed,
        problems: problems.join('\n'),
        incidents: record.steps.filter((step) => step.incidentId).length || null,
        skipReason: record.skipReason ?? '',
      });
    }
    const bytes = await replaceFile(file, (temp) => workbook.xlsx.writeFile(temp));
    return { file, rows: finished.length, bytes };
  }

  // ------------------------------------------------------------------ attention

  /**
   * Overdue (looking back a year) and due-today occurrences, for badges and notifications. Staff
   * check occurrences are left to the checks section's "not checked today" item (one item for one
   * fact); a missed past opening check cannot be done afterwards.
   */
  attentionItems(): AttentionItem[] {
    const today = this.today();
    const from = formatLocalDate(new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000));
    const occurrences = this.occurrences({ from, to: today }).occurrences.filter((o) => o.form === 'checklist');
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
