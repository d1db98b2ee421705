/**
 * The contingency plan (应急预案) and "terminal down" mode. The plan is one row: what the manager
 * saved over the seed template in the store's language. A "terminal down" session is kept in
 * memory first and written when the database answers, so the mode opens and works while a backup
 * or a long reconciliation holds the database; its incidents on the affected terminals carry the
 * steps done and the minutes without card payment, and their duration feeds MTTR like any other.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AttentionItem } from '../../../../shared/domain/attention';
import {
  PlanTemplateText,
  StoredPlan,
  autoOpenDecision,
  minutesBetween,
  nextReviewDay,
  planTemplate,
  reviewDue,
  type ChecklistStep,
  type ContingencyPlan,
  type DownSession,
  type PlanUpdate,
  type PlanView,
} from '../../../../shared/domain/contingency';
import { zonedDay } from '../../../../shared/domain/time';
import { AppError } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import * as sql from '../../db/contingency';
import { listStaff } from '../../db/training';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import { isoNow, unrefTimer, type Clock, type TimerHandle } from '../../clock';
import { resourcesDir } from '../../paths';
import type { DevicesService } from '../devices/devices-service';
import type { IncidentsService } from '../incidents/incidents-service';
import type { SettingsService } from '../settings/settings-service';
import { attentionText } from '../attention/texts';
import { buildSheet } from './sheet';
import type { Language } from '../../../../shared/domain/settings';

/** How long a session write waits for a database held by a backup before it stays in memory (ms). */
const FLUSH_BUSY_MS = 200;
type StoredSession = Omit<DownSession, 'minutesWithoutCard' | 'pendingWrite'>;
type CounterState = { deviceId: string; archived: boolean; overall: string; since: string };

function fieldError(code: 'validation' | 'conflict', path: string, messageKey: string, message: string): AppError {
  return new AppError(code, message, { issues: [{ path, code: 'custom', messageKey }] });
}

export interface ContingencyServiceOptions {
  clock: Clock;
  logger?: Logger;
  /** Check whether "terminal down" should open by itself this often (ms); 0 = on status changes and `tick()` only. */
  tickMs?: number;
  /** The seed template's texts in one language; default: the shipped resources/contingency-template/<language>.json. */
  templateText?: (language: Language) => PlanTemplateText;
}

/** The shipped seed template's texts of one language, read once per language. */
const shippedTemplates = new Map<Language, PlanTemplateText>();
export function loadPlanTemplateText(language: Language, dir = path.join(resourcesDir(), 'contingency-template')): PlanTemplateText {
  const cached = dir === path.join(resourcesDir(), 'contingency-template') ? shippedTemplates.get(language) : undefined;
  if (cached) return cached;
  const text = PlanTemplateText.parse(JSON.parse(fs.readFileSync(path.join(dir, `${language}.json`), 'utf8')));
  if (dir === path.join(resourcesDir(), 'contingency-template')) shippedTemplates.set(language, text);
  return text;
}

export class ContingencyService {
  private readonly clock: Clock;
  private session: StoredSession | null = null;
  /** The session has changes the database has not taken yet (it was busy). */
  private pending = false;
  private lastOutageStart: string | null = null;
  private timer: TimerHandle | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly devices: DevicesService,
    private readonly incidents: IncidentsService,
    private readonly settings: SettingsService,
    private readonly options: ContingencyServiceOptions,
  ) {
    this.clock = options.clock;
    this.session = sql.openSession(db) ?? null;
    this.lastOutageStart = sql.lastSession(db)?.outageStart ?? null;
    this.unsubscribe = devices.onStatus(() => this.safeTick());
    const tickMs = options.tickMs ?? 0;
    if (tickMs > 0) {
      this.timer = this.clock.setInterval(() => this.safeTick(), tickMs);
      unrefTimer(this.timer);
    }
  }

  // ------------------------------------------------------------------ the plan

  private today(): string {
    return zonedDay(this.clock.now(), this.settings.get().store.timezone);
  }

  /** The stored plan over the seed template in the store's language (what was never saved reads as the template). */
  plan(): ContingencyPlan {
    const row = sql.readPlan(this.db);
    const template = planTemplate((this.options.templateText ?? loadPlanTemplateText)(this.settings.get().language));
    const content = row && row.content !== null && typeof row.content === 'object' ? (row.content as object) : {};
    return { ...StoredPlan.parse({ ...template, ...content }), reviewedOn: row?.reviewedOn ?? null, updatedAt: row?.updatedAt ?? null };
  }

  view(): PlanView {
    const plan = this.plan();
    return { plan, reviewDue: reviewDue(plan.reviewedOn, plan.reviewIntervalMonths, this.today()), nextReview: nextReviewDay(plan.reviewedOn, plan.reviewIntervalMonths), session: this.currentSession() };
  }

  /** Saves the fields given (each already validated in full); backup and drill devices must be registry devices not archived, roles people of the roster. */
  save(update: PlanUpdate): PlanView {
    const registry = new Map(this.devices.list(true).map((d) => [d.id, d]));
    for (const key of ['backupDeviceIds', 'drillDeviceIds'] as const) {
      const ids = update[key] ?? [];
      const unknown = ids.findIndex((id) => !registry.has(id));
      if (unknown >= 0) throw fieldError('validation', `${key}.${unknown}`, 'contingency.unknownDevice', `No terminal ${ids[unknown]} in the registry`);
      const archived = ids.findIndex((id) => registry.get(id)?.archived);
      if (archived >= 0) throw fieldError('validation', `${key}.${archived}`, 'contingency.deviceArchived', `Terminal ${ids[archived]} is archived`);
    }
    const roles = update.roles ?? [];
    if (roles.some((r) => r.staffId !== null)) {
      const roster = new Set(listStaff(this.db).map((p) => p.id));
      const index = roles.findIndex((r) => r.staffId !== null && !roster.has(r.staffId));
      if (index >= 0) throw fieldError('validation', `roles.${index}.staffId`, 'contingency.unknownStaff', `No staff member ${roles[index]!.staffId}`);
    }
    const { reviewedOn, updatedAt: _updatedAt, ...fields } = this.plan();
    const next = { ...fields, ...update };
    next.backupDeviceIds = [...new Set(next.backupDeviceIds)];
    next.drillDeviceIds = [...new Set(next.drillDeviceIds)];
    sql.writePlan(this.db, next, reviewedOn, isoNow(this.clock));
    return this.changed();
  }

  /** The manager confirms the plan is current: reviewed today (or on the day given, not in the future). */
  review(reviewedOn?: string): PlanView {
    const today = this.today();
    const day = reviewedOn ?? today;
    if (day > today) throw fieldError('validation', 'reviewedOn', 'contingency.reviewInFuture', 'A review cannot be dated in the future');
    const { reviewedOn: _r, updatedAt: _u, ...fields } = this.plan();
    sql.writePlan(this.db, fields, day, isoNow(this.clock));
    return this.changed();
  }

  private changed(): PlanView {
    this.bus.emit('contingency.changed', { what: 'plan', session: this.currentSession(), reason: 'saved' });
    return this.view();
  }

  /** The plan as one printable A4 page (HTML with its print stylesheet) in `language` (default: the manager's). */
  sheet(language?: Language): { html: string } {
    const settings = this.settings.get();
    return {
      html: buildSheet({
        language: language ?? settings.language,
        storeName: settings.store.name,
        plan: this.plan(),
        devices: new Map(this.devices.list(true).map((d) => [d.id, { name: d.name, location: d.location }])),
        staff: new Map(listStaff(this.db, true).map((p) => [p.id, { name: p.name, phone: p.phone }])),
        printedOn: this.today(),
      }),
    };
  }

  attentionItems(): AttentionItem[] {
    const items: AttentionItem[] = [];
    const plan = this.plan();
    // Counted from the last review, or from the first save of a plan never reviewed; the untouched template asks nothing (its page does).
    const since = plan.reviewedOn ?? (plan.updatedAt ? zonedDay(Date.parse(plan.updatedAt), this.settings.get().store.timezone) : null);
    if (since !== null && reviewDue(since, plan.reviewIntervalMonths, this.today())) {
      items.push({
        id: `contingency.review:${plan.reviewedOn ?? 'never'}`,
        section: 'contingency',
        kind: 'contingency.review',
        severity: 'warning',
        count: 1,
        textKey: plan.reviewedOn ? 'contingency.attention.reviewDue' : 'contingency.attention.neverReviewed',
        params: { months: plan.reviewIntervalMonths, reviewedOn: plan.reviewedOn ?? '' },
        link: '/contingency',
      });
    }
    const session = this.session;
    if (session && session.endedAt === null) {
      items.push({ id: `contingency.down:${session.id}`, section: 'contingency', kind: 'contingency.down', severity: 'critical', count: 1, textKey: 'contingency.attention.down', params: { count: session.deviceIds.length }, link: '/contingency' });
    }
    return items;
  }

  // ------------------------------------------------------------------ "terminal down"

  currentSession(): DownSession | null {
    return this.session && this.session.endedAt === null ? this.withMinutes(this.session) : null;
  }

  private withMinutes(s: StoredSession): DownSession {
    return { ...s, minutesWithoutCard: minutesBetween(s.outageStart, s.endedAt ? Date.parse(s.endedAt) : this.clock.now()), pendingWrite: this.pending && s === this.session };
  }

  /** Every active registry device with its live status; backups and drill devices are named apart. */
  private counterInput(): { devices: CounterState[]; notCounter: Set<string> } {
    const plan = this.plan();
    const devices = this.devices.statuses().map((s) => ({ deviceId: s.deviceId, archived: false, overall: s.overall, since: s.since }));
    // The training section's practice-drill terminals are drill devices too.
    const trainingDrills = this.devices.list().filter((d) => d.drill).map((d) => d.id);
    return { devices, notCounter: new Set([...plan.backupDeviceIds, ...plan.drillDeviceIds, ...trainingDrills]) };
  }

  private safeTick(): void {
    try {
      this.tick();
    } catch (error) {
      this.options.logger?.error('terminal-down check failed', { error });
    }
  }

  /** Writes what the database did not take yet; opens "terminal down" by itself when every counter terminal has been down past the threshold (once per outage). */
  tick(): DownSession | null {
    this.flush();
    const decision = autoOpenDecision({
      ...this.counterInput(),
      thresholdMinutes: this.plan().autoOpenAfterMinutes,
      now: this.clock.now(),
      sessionOpen: this.currentSession() !== null,
      lastOutageStart: this.lastOutageStart,
    });
    if (!decision.open) return null;
    return this.begin(true, decision.outageStart, decision.deviceIds);
  }

  /** The manager presses "terminal down": the affected terminals are the counter terminals down now (or all of them). */
  start(): DownSession {
    if (this.currentSession()) throw fieldError('conflict', 'session', 'contingency.sessionAlreadyOpen', 'A "terminal down" session is already open');
    const { devices, notCounter } = this.counterInput();
    const counters = devices.filter((d) => !notCounter.has(d.deviceId));
    const down = counters.filter((c) => c.overall === 'offline' || c.overall === 'fault');
    const affected = down.length > 0 ? down : counters;
    const start = down.length > 0 ? new Date(Math.max(...down.map((d) => Date.parse(d.since)))).toISOString() : isoNow(this.clock);
    return this.begin(false, start, affected.map((c) => c.deviceId));
  }

  private begin(auto: boolean, outageStart: string, deviceIds: string[]): DownSession {
    this.session = { id: randomUUID(), outageStart, openedAt: isoNow(this.clock), endedAt: null, auto, deviceIds, incidentIds: [], steps: [], cardPaymentBack: null };
    this.lastOutageStart = outageStart;
    this.pending = true;
    this.flush();
    this.options.logger?.info('terminal down opened', { auto, devices: deviceIds.length });
    const session = this.currentSession()!;
    this.bus.emit('contingency.changed', { what: 'session', session, reason: auto ? 'autoOpened' : 'started' });
    return session;
  }

  private openSession(): StoredSession {
    const session = this.session;
    if (!session || session.endedAt !== null) throw fieldError('conflict', 'session', 'contingency.noSession', 'No "terminal down" session is open');
    return session;
  }

  step(step: ChecklistStep, done: boolean): DownSession {
    const session = this.openSession();
    const steps = session.steps.filter((s) => s.step !== step);
    if (done) steps.push({ step, doneAt: isoNow(this.clock) });
    session.steps = steps;
    this.pending = true;
    this.flush();
    const current = this.currentSession()!;
    this.bus.emit('contingency.changed', { what: 'session', session: current, reason: 'step' });
    return current;
  }

  /** Closes the session, card payment back or not; its incidents get the steps done and the minutes without card payment. */
  end(cardPaymentBack: boolean): DownSession {
    const session = this.openSession();
    session.endedAt = isoNow(this.clock);
    session.cardPaymentBack = cardPaymentBack;
    this.pending = true;
    this.flush();
    const ended = this.withMinutes(session);
    this.bus.emit('contingency.changed', { what: 'session', session: null, reason: 'ended' });
    return ended;
  }

  sessions(limit = 20): DownSession[] {
    const stored = sql.listSessions(this.db, limit).map((s) => ({ ...this.withMinutes(s), pendingWrite: false }));
    const unsaved = this.session && this.pending && !stored.some((s) => s.id === this.session!.id) ? [this.withMinutes(this.session)] : [];
    return [...unsaved, ...stored];
  }

  /**
   * Writes the session (with, once, its incidents; at the end, their record) to the database in
   * one transaction. A busy database leaves everything in memory, pending, for the next try.
   */
  flush(): boolean {
    const session = this.session;
    if (!session || !this.pending) return true;
    const hadIncidents = session.incidentIds.length > 0;
    // Wait briefly, not the connection's usual seconds: the checklist must not freeze behind a backup.
    const busyTimeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma(`busy_timeout = ${FLUSH_BUSY_MS}`);
    try {
      this.db.transaction(() => {
        if (!hadIncidents) session.incidentIds = this.incidentsFor(session);
        if (session.endedAt) this.recordInIncidents(session);
        sql.upsertSession(this.db, session);
      }).immediate();
      this.pending = false;
      return true;
    } catch (error) {
      if (!hadIncidents) session.incidentIds = [];
      this.options.logger?.warn('terminal-down session kept in memory: the database did not take it', { error });
      return false;
    } finally {
      this.db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  /** An open incident of each affected terminal, or a new one from when it went down. */
  private incidentsFor(session: StoredSession): string[] {
    const language = this.settings.get().language;
    const ids: string[] = [];
    for (const deviceId of session.deviceIds) {
      const open = this.incidents.list({ deviceId, openOnly: true })[0];
      if (open) {
        ids.push(open.id);
        continue;
      }
      const device = this.devices.list(true).find((d) => d.id === deviceId);
      if (!device || device.archived) continue;
      const since = this.devices.status(deviceId).since;
      const openedAt = Date.parse(since) <= Date.parse(session.outageStart) ? since : session.outageStart;
      ids.push(this.incidents.open({ deviceId, openedAt, severity: 'critical', symptoms: attentionText(language, 'contingency.incidentSymptoms', {}) }, true).id);
    }
    return ids;
  }

  private recordInIncidents(session: StoredSession): void {
    const language = this.settings.get().language;
    const minutes = minutesBetween(session.outageStart, Date.parse(session.endedAt!));
    const steps = session.steps.map((s) => attentionText(language, `contingency.steps.${s.step}`, {})).join('; ');
    for (const id of session.incidentIds) {
      const before = this.incidents.get(id);
      const after = this.incidents.recordStep({
        id,
        prompt: attentionText(language, 'contingency.incidentStepPrompt', {}),
        answer: attentionText(language, session.cardPaymentBack ? 'contingency.incidentCardBack' : 'contingency.incidentCardNotBack', { minutes }),
        note: steps,
      });
      const fallback = attentionText(language, 'contingency.incidentFallback', { minutes });
      const closeNow = session.cardPaymentBack === true && after.closedAt === null;
      this.incidents.update({ id, fallbackUsed: [before.fallbackUsed, fallback].filter(Boolean).join('\n').slice(0, 500), ...(closeNow ? { closedAt: session.endedAt! } : {}) });
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.unsubscribe();
  }
}
