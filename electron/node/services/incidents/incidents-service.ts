/**
 * Incidents: opened by hand from a device, or by themselves when a terminal stays fault/offline
 * longer than the manager's threshold; closed by themselves (time-stamped at the recovery) when
 * the terminal comes back, if the manager wants. Steps taken (guided troubleshooting answers and
 * live command results) are recorded in the incident; the escalation pack is saved with it.
 */
import { randomUUID } from 'node:crypto';
import {
  CLOSED_STATES,
  IncidentSettings,
  autoSymptomsText,
  canMoveIncident,
  parseAutoSymptoms,
  type AutoSymptoms,
  type EscalationPack,
  type FaultGuide,
  type Incident,
  type IncidentOpen,
  type IncidentUpdate,
} from '../../../../shared/domain/incidents';
import type { GuideCommand } from '../../../../shared/domain/terminals';
import type { Language } from '../../../../shared/domain/settings';
import { isDown, type CodeText, type DeviceStatus, type Overall } from '../../../../shared/domain/status';
import { AppError } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import { getIncident, insertIncident, insertStep, listIncidents, openIncidentsOfDevice, saveEscalation, updateIncident, type IncidentColumns, type IncidentRecord } from '../../db/incidents';
import { domainSettings, type DomainSettings } from '../../db/settings';
import { recentTerminalEvents } from '../../db/terminal-events';
import { isoNow, unrefTimer, type Clock, type TimerHandle } from '../../clock';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import type { SettingsService } from '../settings/settings-service';
import type { DevicesService } from '../devices/devices-service';
import { describeErrorCode } from '../devices/status-model';
import { buildPack } from './escalation';
import { describeSummary, describeTerminalLogLine, isSummaryCode } from '../devices/summary-text';
import { suggestGuide } from '../../../../shared/domain/guides';
import { attentionText } from '../attention/texts';

const SETTINGS_KEY = 'incidents';
/** How many of the terminal's last event log lines go into the escalation pack. */
const TERMINAL_LOG_LINES = 40;

export interface IncidentsServiceOptions {
  guides: FaultGuide[];
  clock: Clock;
  /** Check the auto-open threshold this often (ms); 0 = only when `tick()` is called (tests). */
  tickMs?: number;
  logger?: Logger;
}

export class IncidentsService {
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private readonly due = new Set<TimerHandle>();
  private readonly unsubscribe: () => void;
  private readonly settingsStore: DomainSettings<IncidentSettings>;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly devices: DevicesService,
    private readonly settingsService: SettingsService,
    private readonly options: IncidentsServiceOptions,
  ) {
    this.clock = options.clock;
    this.settingsStore = domainSettings(() => db, SETTINGS_KEY, IncidentSettings, IncidentSettings.parse({}), () => this.clock.now());
    this.unsubscribe = devices.onStatus((status, previous, change) => this.onStatus(status, previous, change.resumed));
    const tickMs = options.tickMs ?? 0;
    if (tickMs > 0) {
      this.timer = this.clock.setInterval(() => {
        try {
          this.tick();
        } catch (error) {
          options.logger?.error('incident check failed', { error });
        }
      }, tickMs);
      unrefTimer(this.timer);
    }
  }

  // ------------------------------------------------------------------ settings

  settings(): IncidentSettings {
    return this.settingsStore.get();
  }

  updateSettings(update: Partial<IncidentSettings>): IncidentSettings {
    return this.settingsStore.update(update);
  }

  guides(): FaultGuide[] {
    return this.options.guides;
  }

  // ------------------------------------------------------------------ records

  private withDuration(record: IncidentRecord): Incident {
    const end = record.closedAt ? Date.parse(record.closedAt) : this.clock.now();
    // Symptoms PosCare filled in (an incident that opened by itself, or one the manager opened on a
    // terminal that was reporting a fault) are shown worded in the reader's language.
    const { symptomsReported, ...incident } = record;
    // Command results in steps are stored as codes: worded in both languages for the reader.
    const steps = incident.steps.map((step) => (isSummaryCode(step.note) ? { ...step, noteText: describeSummary(step.note) } : step));
    return { ...incident, steps, durationMs: Math.max(0, end - Date.parse(record.openedAt)), autoSymptoms: symptomsReported ? autoSymptomsOf(record.symptoms) : null };
  }

  list(query: { deviceId?: string; openOnly?: boolean; limit?: number } = {}): Incident[] {
    return listIncidents(this.db, query).map((r) => this.withDuration(r));
  }

  get(id: string): Incident {
    return this.withDuration(this.stored(id));
  }

  private stored(id: string): IncidentRecord {
    const record = getIncident(this.db, id);
    if (!record) throw new AppError('not_found', `No incident ${id}`, { id });
    return record;
  }

  private emit(incident: Incident, reason: 'opened' | 'updated' | 'resolved'): Incident {
    this.bus.emit('incidents.changed', { incident, reason });
    return incident;
  }

  open(input: IncidentOpen, auto = false): Incident {
    const device = this.devices.get(input.deviceId);
    if (device.archived) throw new AppError('conflict', `Device ${device.id} is archived`, { id: device.id });
    const now = isoNow(this.clock);
    const openedAt = input.openedAt ? new Date(input.openedAt).toISOString() : now;
    if (Date.parse(openedAt) > Date.parse(now)) throw fieldError('openedAt', 'incidents.openedInFuture', 'An incident cannot open in the future');
    const id = randomUUID();
    // Opened by hand on a terminal that reports a fault: start from what the terminal says (the
    // symptoms and the guide that fits), unless the manager said otherwise.
    const status = auto ? undefined : this.devices.statuses().find((s) => s.deviceId === device.id);
    const reported = status && status.overall !== 'ok' && status.overall !== 'unknown' ? status : undefined;
    insertIncident(this.db, id, {
      deviceId: device.id,
      openedAt,
      closedAt: null,
      state: 'open',
      faultClass: input.faultClass ?? null,
      cause: input.cause ?? null,
      symptoms: input.symptoms ?? (reported ? symptomsOf(reported) : ''),
      symptomsReported: auto || (input.symptoms === undefined && reported !== undefined),
      severity: input.severity ?? 'medium',
      fallbackUsed: input.fallbackUsed ?? '',
      partsUsed: input.partsUsed ?? '',
      costCents: input.costCents ?? 0,
      resolution: input.resolution ?? '',
      vendorTicket: input.vendorTicket ?? '',
      autoOpened: auto,
      autoResolved: false,
      guideId: input.guideId ?? (reported ? suggestGuide(reported) : null),
    });
    return this.emit(this.get(id), 'opened');
  }

  /**
   * Edits an incident. The state moves only as STATE_TRANSITIONS allows (a refused move is a
   * field error on `state`). A closed state keeps or takes an end time (the one sent, else the
   * stored one, else now); any other state has none, so reopening clears the end whatever end
   * time the form still sends. Without a state, an end time closes the incident as resolved and
   * `closedAt: null` reopens a closed one.
   */
  /**
   * The incident for captures the database could not take (held outside it and retried): a
   * critical transaction fault whose symptoms are the locale text in both languages.
   */
  openCaptureHeld(terminalId: string, held: number): Incident {
    const symptoms = (['zh-CN', 'en'] as const).map((language) => attentionText(language, 'incidents.captureHeldSymptoms', { held })).join('\n');
    return this.open({ deviceId: terminalId, faultClass: 'transaction', severity: 'critical', symptoms });
  }

  update(input: IncidentUpdate): Incident {
    const current = this.get(input.id);
    // The manager rewriting the symptoms makes them the manager's words.
    const symptomsReported = this.stored(current.id).symptomsReported && (input.symptoms === undefined || input.symptoms === current.symptoms);
    const next: IncidentColumns = { ...current, symptomsReported };
    const { id: _id, state: _state, openedAt: _opened, closedAt: _closed, ...changes } = input;
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
    }
    if (input.openedAt) next.openedAt = new Date(input.openedAt).toISOString();
    const wasClosed = CLOSED_STATES.includes(current.state);
    let state = current.state;
    if (input.state !== undefined) state = input.state;
    else if (input.closedAt && !wasClosed) state = 'resolved';
    else if (input.closedAt === null && wasClosed) state = 'open';
    if (!canMoveIncident(current.state, state)) {
      throw new AppError('validation', `An incident cannot go from ${current.state} to ${state}`, {
        issues: [{ path: 'state', code: 'custom', messageKey: 'incidents.illegalTransition' }],
        from: current.state,
        to: state,
      });
    }
    next.state = state;
    if (CLOSED_STATES.includes(state)) next.closedAt = input.closedAt ? new Date(input.closedAt).toISOString() : (current.closedAt ?? isoNow(this.clock));
    else next.closedAt = null;
    if (next.closedAt && Date.parse(next.closedAt) < Date.parse(next.openedAt)) {
      throw fieldError('closedAt', 'incidents.closedBeforeOpened', 'An incident cannot close before it opened');
    }
    updateIncident(this.db, current.id, next);
    const incident = this.get(current.id);
    return this.emit(incident, incident.closedAt && !current.closedAt ? 'resolved' : 'updated');
  }

  recordStep(input: { id: string; guideId?: string | null; nodeId?: string | null; prompt: string; answer: string; note?: string }): Incident {
    const incident = this.stored(input.id);
    insertStep(this.db, incident.id, {
      at: isoNow(this.clock),
      guideId: input.guideId ?? null,
      nodeId: input.nodeId ?? null,
      prompt: input.prompt,
      answer: input.answer,
      note: input.note ?? '',
    });
    // Answering the guide means the manager is diagnosing; reaching the guide's end moves the
    // incident with it: "solved" resolves it, "call the vendor" waits for the vendor.
    const reached = this.guideEnd(input.guideId ?? incident.guideId, input.nodeId ?? null);
    const state = reached === 'resolution' ? 'resolved' : reached === 'escalation' ? 'waitingVendor' : incident.state === 'open' ? 'diagnosing' : incident.state;
    if (state !== incident.state && canMoveIncident(incident.state, state)) {
      const closedAt = state === 'resolved' ? isoNow(this.clock) : null;
      updateIncident(this.db, incident.id, { ...incident, state, closedAt, guideId: input.guideId ?? incident.guideId });
      return this.emit(this.get(incident.id), closedAt ? 'resolved' : 'updated');
    }
    return this.emit(this.get(incident.id), 'updated');
  }

  /** 'resolution' or 'escalation' when the node is an end of the guide, else null. */
  private guideEnd(guideId: string | null, nodeId: string | null): 'resolution' | 'escalation' | null {
    if (!guideId || !nodeId) return null;
    const node = this.options.guides.find((g) => g.id === guideId)?.nodes[nodeId];
    return node && (node.kind === 'resolution' || node.kind === 'escalation') ? node.kind : null;
  }

  /** Runs a guide's terminal command on the incident's device and records the live result. */
  async runGuideCommand(input: { incidentId: string; command: GuideCommand; nodeId?: string | null; prompt?: string }): Promise<{ ok: boolean; summary: string; summaryText: CodeText; detail: string }> {
    const incident = this.get(input.incidentId);
    const record = await this.devices.runCommand(incident.deviceId, input.command);
    const status = this.devices.status(incident.deviceId);
    const ok = record.ok === true && (status.overall === 'ok' || status.overall === 'degraded');
    this.recordStep({
      id: incident.id,
      guideId: incident.guideId,
      nodeId: input.nodeId ?? null,
      prompt: input.prompt ?? input.command,
      answer: `${input.command}: ${ok ? 'ok' : 'fault'}`,
      note: record.summary,
    });
    return { ok, summary: record.summary, summaryText: record.summaryText, detail: record.printLines.join('\n') };
  }

  escalate(id: string, language?: Language): EscalationPack {
    const incident = this.get(id);
    const device = this.devices.get(incident.deviceId);
    const settings = this.settingsService.get();
    const lang = language ?? settings.language;
    const timeline = this.devices.history(device.id, 50).filter((t) => t.since >= new Date(Date.parse(incident.openedAt) - 24 * 3600_000).toISOString());
    const commands = this.devices.commands(device.id, 20);
    const generatedAt = isoNow(this.clock);
    // The terminal's own log: link changes and errors only (never frames, whose bytes may carry card data).
    const terminalLog = recentTerminalEvents(this.db, device.id, TERMINAL_LOG_LINES, ['link', 'error'])
      .reverse()
      .map((event) => ({ at: event.at, type: event.type, text: describeTerminalLogLine(event.type, event.message, event.data) }));
    const { html, text } = buildPack({
      language: lang,
      timeZone: settings.store.timezone,
      storeName: settings.store.name,
      storeAddress: settings.store.address,
      device,
      incident,
      timeline,
      commands,
      terminalLog,
      generatedAt,
    });
    saveEscalation(this.db, id, html, text, generatedAt);
    this.emit(this.get(id), 'updated');
    return { html, text, createdAt: generatedAt };
  }

  // ------------------------------------------------------------------ automation

  /** Opens an incident for every terminal down longer than the threshold that has none open. */
  tick(): Incident[] {
    const { autoOpenAfterMinutes } = this.settings();
    if (autoOpenAfterMinutes <= 0) return [];
    const now = this.clock.now();
    const opened: Incident[] = [];
    for (const status of this.devices.statuses()) {
      if (!isDown(status.overall)) continue;
      if (now - Date.parse(status.since) < autoOpenAfterMinutes * 60_000) continue;
      if (openIncidentsOfDevice(this.db, status.deviceId).length > 0) continue;
      opened.push(this.open({ deviceId: status.deviceId, openedAt: status.since, severity: 'high', symptoms: symptomsOf(status), guideId: suggestGuide(status) }, true));
    }
    return opened;
  }

  private onStatus(status: DeviceStatus, previous: Overall | null, resumed: boolean): void {
    this.scheduleCheck(status);
    if (previous === null || !isDown(previous) || isDown(status.overall) || status.overall === 'unknown') return;
    // Reachable again after an app start or a restore is not a repair: the manager closes it.
    if (resumed) return;
    if (!this.settings().autoResolveOnRecovery) return;
    for (const record of openIncidentsOfDevice(this.db, status.deviceId)) {
      // Waiting for the vendor or parts: the manager closes those.
      if (record.state !== 'open' && record.state !== 'diagnosing') continue;
      updateIncident(this.db, record.id, { ...record, state: 'resolved', closedAt: status.since, autoResolved: true });
      insertStep(this.db, record.id, { at: status.since, guideId: null, nodeId: null, prompt: 'status', answer: `${previous} -> ${status.overall}`, note: 'auto-resolved on recovery' });
      this.emit(this.get(record.id), 'resolved');
    }
  }

  /** With a real timer running, check again exactly when a terminal that just went down reaches the threshold. */
  private scheduleCheck(status: DeviceStatus): void {
    if (this.timer === undefined || !isDown(status.overall)) return;
    const minutes = this.settings().autoOpenAfterMinutes;
    if (minutes <= 0) return;
    const handle = this.clock.setTimeout(() => {
      this.due.delete(handle);
      try {
        this.tick();
      } catch (error) {
        this.options.logger?.error('incident check failed', { error });
      }
    }, minutes * 60_000 + 100);
    unrefTimer(handle);
    this.due.add(handle);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    for (const handle of this.due) this.clock.clearTimeout(handle);
    this.unsubscribe();
  }
}

/** The English symptoms stored with an incident that opens by itself (worded in the reader's language when shown: autoSymptomsOf). */
function symptomsOf(status: DeviceStatus): string {
  return autoSymptomsText({
    overall: status.overall,
    link: status.link,
    hostUnreachable: status.hostReachable === false,
    printer: status.printer,
    cardReaderFault: status.cardReader === 'fault',
    overheat: status.temperature === 'overheat',
    errorCode: status.lastErrorCode,
    errorWords: status.lastErrorCode ? (status.lastErrorText?.en ?? '') : '',
  });
}

/** The facts behind stored automatic symptoms, with the error code's meaning in both languages; null when the text is the manager's. */
function autoSymptomsOf(text: string): AutoSymptoms | null {
  const parsed = parseAutoSymptoms(text);
  return parsed ? { ...parsed, errorText: parsed.errorCode ? describeErrorCode(parsed.errorCode) : null } : null;
}

function fieldError(path: string, messageKey: string, message: string): AppError {
  return new AppError('validation', message, { issues: [{ path, code: 'custom', messageKey }] });
}
