/**
 * The device registry and the live status of each terminal. The registry owns the list of
 * terminals: it keeps the connection manager's list equal to it (add on create/update and at
 * start, remove on archive). Status changes are stored with history (rows on change only)
 * and pushed as `devices.statusChanged`.
 */
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  DEVICE_CSV_COLUMNS,
  DeviceConnection,
  DeviceFields,
  DeviceSettings,
  modelKey,
  type Device,
  type DeviceCsvImportResult,
  type DeviceCommandRecord,
  type DeviceFieldsInput,
} from '../../../../shared/domain/devices';
import type { AttentionItem } from '../../../../shared/domain/attention';
import type { GuideCommand } from '../../../../shared/domain/terminals';
import { AppError, type FieldIssue } from '../../../../shared/ipc/result';
import { UNKNOWN_STATUS, isDown, type DeviceStatus, type Overall, type StatusChange, type StatusFields, type StatusObservation } from '../../../../shared/domain/status';
import type { Db } from '../../db/connection';
import {
  connectionKey,
  deviceUsingConnection,
  fillReportedFields,
  finishCommand,
  getDevice,
  insertCommand,
  insertDevice,
  listCommands,
  listDevices,
  setArchived,
  updateDevice,
  type CommandRecord,
} from '../../db/devices';

/** A stored command record with its summary worded in both languages. */
function worded(record: CommandRecord): DeviceCommandRecord {
  return { ...record, summaryText: describeSummary(record.summary) };
}
import { readAllStatuses, readStatus, statusHistory, writeStatus } from '../../db/device-status';
import { domainSettings, type DomainSettings } from '../../db/settings';
import { isoNow, systemClock, type Clock } from '../../clock';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import { parseCsv, toCsvLine } from './csv';
import { compareVersions, nextStatus, overallOf, sameStatus } from './status-model';
import { describeSummary } from './summary-text';
import { NoTerminalLinks, type CommandOutcome, type LinkReport, type TerminalLinks } from './terminal-links';

/** Answers whether a host name resolves (IP literals always do). */
export type HostResolver = (host: string) => Promise<boolean>;
export const dnsResolver: HostResolver = async (host) => {
  if (isIP(host.replace(/^\[|\]$/g, ''))) return true;
  try {
    await lookup(host);
    return true;
  } catch {
    return false;
  }
};

const SETTINGS_KEY = 'devices';
/** The id of a terminal's down item: this prefix and the device id. */
const DOWN_ITEM = 'devices.down:';

/**
 * `resumed`: the terminal came up while its stored status still said down from before this link
 * was attached (the previous run of the app, or a restored backup). That is a link resuming,
 * not a recovery of the fault: nothing is auto-resolved or announced as recovered on it.
 */
export type StatusListener = (status: DeviceStatus, previousOverall: Overall | null, change: { resumed: boolean }) => void;

/** Link states that say what the terminal is really doing now (not still being connected to). */
const SETTLED_LINKS: ReadonlySet<string> = new Set(['ready', 'busy', 'degraded', 'failed', 'disconnected']);

export interface DevicesServiceOptions {
  links?: TerminalLinks;
  resolveHost?: HostResolver;
  clock?: Clock;
  logger?: Logger;
}

interface CsvIssue {
  path: string;
  messageKey: string;
}

interface PlannedLine {
  line: number;
  /** The existing device the line updates. */
  id: string | undefined;
  archived: boolean;
  fields: DeviceFields | undefined;
  connection: DeviceConnection | undefined;
  issues: CsvIssue[];
}

/** Device fields as an update sends them: `photo`, `terminalPassword` or `profileId` absent keeps the stored one. */
type DeviceUpdateFields = Omit<DeviceFields, 'photo' | 'terminalPassword' | 'profileId'> & {
  photo?: string | null | undefined;
  terminalPassword?: string | undefined;
  profileId?: DeviceFields['profileId'] | undefined;
};

function connectionPath(connection: DeviceConnection): string {
  return connection.type === 'serial' ? 'connection.path' : 'connection.port';
}

function dedupeIssues(issues: CsvIssue[]): CsvIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(`${i.path} ${i.messageKey}`) && seen.add(`${i.path} ${i.messageKey}`));
}

function archivedError(id: string): AppError {
  return new AppError('conflict', `Device ${id} is archived`, { id, issues: [{ path: 'id', code: 'custom', messageKey: 'devices.archivedDevice' }] });
}

function fieldError(path: string, messageKey: string, message: string): AppError {
  const issues: FieldIssue[] = [{ path, code: 'custom', messageKey }];
  return new AppError('validation', message, { issues });
}

export class DevicesService {
  private links: TerminalLinks;
  private readonly resolveHost: HostResolver;
  private readonly clock: Clock;
  private readonly listeners = new Set<StatusListener>();
  /** Devices whose stored status (down) dates from before the current attach and no link has settled since. */
  private readonly carriedOver = new Set<string>();
  private unsubscribeLinks: () => void = () => {};
  private readonly stored: DomainSettings<DeviceSettings>;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly options: DevicesServiceOptions = {},
  ) {
    this.links = options.links ?? new NoTerminalLinks();
    this.resolveHost = options.resolveHost ?? dnsResolver;
    this.clock = options.clock ?? systemClock;
    this.stored = domainSettings(() => db, SETTINGS_KEY, DeviceSettings, DeviceSettings.parse({}), () => this.clock.now());
    this.attach(this.links);
  }

  /** Connects the registry to a (new) terminal manager: every active device is added to it. */
  attach(links: TerminalLinks): void {
    this.unsubscribeLinks();
    this.links = links;
    this.unsubscribeLinks = links.onLink((report) => this.onLink(report));
    this.carriedOver.clear();
    for (const device of listDevices(this.db)) {
      const stored = readStatus(this.db, device.id);
      if (stored && isDown(stored.overall)) this.carriedOver.add(device.id);
      void this.addLink(device);
    }
  }

  private async addLink(device: Device): Promise<void> {
    // A standalone terminal is never linked nor polled: staff checks are its status.
    if (device.connection.type === 'none') return;
    try {
      await this.links.add({
        id: device.id,
        name: device.name,
        connection: device.connection,
        ...(device.terminalPassword ? { password: device.terminalPassword } : {}),
        profileId: device.profileId,
      });
    } catch (error) {
      this.options.logger?.warn('terminal manager refused a device', { id: device.id, error });
    }
  }

  private async removeLink(id: string): Promise<void> {
    try {
      await this.links.remove(id);
    } catch (error) {
      this.options.logger?.warn('terminal manager could not remove a device', { id, error });
    }
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ registry

  list(includeArchived = false): Device[] {
    return listDevices(this.db, includeArchived);
  }

  get(id: string): Device {
    const device = getDevice(this.db, id);
    if (!device) throw new AppError('not_found', `No device ${id}`, { id });
    return device;
  }

  /** Checks what zod cannot: the connection not used by another device, the host resolving. */
  private async checkConnection(fields: DeviceFields, exceptId?: string): Promise<void> {
    if (fields.connection.type === 'none') return;
    const other = deviceUsingConnection(this.db, fields.connection, exceptId);
    if (other) throw fieldError(connectionPath(fields.connection), 'devices.portInUse', `The connection is already used by device "${other.name}"`);
    if (fields.connection.type === 'tcp' && !(await this.resolveHost(fields.connection.host))) {
      throw fieldError('connection.host', 'devices.hostUnresolvable', 'The host does not resolve');
    }
  }

  /** `within` runs the insert inside the caller's transaction (a drill writes its own row with its device). */
  async create(fields: DeviceFields, within?: (id: string, insert: () => void) => void): Promise<Device> {
    await this.checkConnection(fields);
    const id = randomUUID();
    const insert = (): void => insertDevice(this.db, id, fields, isoNow(this.clock));
    if (within) within(id, insert);
    else insert();
    const device = this.get(id);
    this.bus.emit('devices.changed', device);
    await this.addLink(device);
    return device;
  }

  /** Updates a device; fields without `photo` keep the stored photo (the CSV and forms that do not show it). */
  async update(id: string, input: DeviceFields | DeviceUpdateFields): Promise<Device> {
    const before = this.get(id);
    if (before.archived) throw archivedError(id);
    const fields: DeviceFields = {
      ...input,
      photo: input.photo === undefined ? before.photo : input.photo,
      terminalPassword: input.terminalPassword === undefined ? before.terminalPassword : input.terminalPassword,
      profileId: input.profileId ?? before.profileId,
    };
    await this.checkConnection(fields, id);
    updateDevice(this.db, id, fields, isoNow(this.clock));
    return this.afterUpdate(before);
  }

  private async afterUpdate(before: Device): Promise<Device> {
    const device = this.get(before.id);
    this.bus.emit('devices.changed', device);
    const relink =
      JSON.stringify(before.connection) !== JSON.stringify(device.connection) ||
      before.name !== device.name ||
      before.terminalPassword !== device.terminalPassword ||
      before.profileId !== device.profileId;
    if (relink) {
      await this.removeLink(device.id);
      await this.addLink(device);
      const status = readStatus(this.db, device.id);
      if (device.connection.type === 'none' && status && status.link !== 'standalone') {
        // No longer linked: what the link said is void until staff check it.
        this.observeCheck(device.id, { link: 'standalone', staffCheck: null, hostReachable: null, printer: 'unknown', cardReader: 'unknown', temperature: 'unknown', terminalStatus: null });
      }
    }
    return device;
  }

  async archive(id: string): Promise<Device> {
    this.get(id);
    setArchived(this.db, id, true, isoNow(this.clock));
    const device = this.get(id);
    this.bus.emit('devices.changed', device);
    await this.removeLink(id);
    return device;
  }

  exportCsv(): string {
    const lines = [toCsvLine(DEVICE_CSV_COLUMNS)];
    for (const d of this.list(true)) {
      const c = d.connection;
      lines.push(
        toCsvLine([
          d.id, d.name, d.model, d.vendor, d.serialNumber, d.tid, d.location, c.type,
          c.type === 'serial' ? c.path : '', c.type === 'serial' ? c.baudRate : '', c.type === 'serial' ? c.dataBits : '',
          c.type === 'serial' ? c.parity : '', c.type === 'serial' ? c.stopBits : '', c.type === 'tcp' ? c.host : '', c.type === 'tcp' ? c.port : '',
          d.purchaseDate, d.warrantyEnd, d.softwareVersion, d.supportContact, d.notes, d.archived ? 1 : 0, d.network, d.acquirer, d.acquirerHotline,
        ]),
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  }

  /**
   * Imports registry lines: a line with the id of an existing device updates it (its photo
   * stays), others create devices; a line marked archived creates an archived record, and one
   * that repeats an archived device unchanged is skipped. Every line is checked first with
   * every rule of create/update (fields, connection free in the registry and in the file, host
   * resolving, device not archived); if any line is wrong nothing is saved and every wrong line
   * is named with its fields. The writes run in one transaction.
   */
  async importCsv(csv: string): Promise<DeviceCsvImportResult> {
    const rows = parseCsv(csv);
    const header = rows[0]?.map((h) => h.trim()) ?? [];
    const missing = ['name', 'connectionType'].filter((column) => !header.includes(column));
    if (missing.length > 0) throw fieldError('csv', 'devices.csvMissingColumns', `The CSV lacks the columns ${missing.join(', ')}`);
    const errors: DeviceCsvImportResult['errors'] = [];
    const planned: PlannedLine[] = [];
    for (let index = 1; index < rows.length; index += 1) {
      const cells = rows[index] ?? [];
      const line = index + 1;
      const value = (column: string): string => (cells[header.indexOf(column)] ?? '').trim();
      const number = (column: string, fallback: number): number => (value(column) === '' ? fallback : Number(value(column)));
      const connectionType = value('connectionType');
      const connection =
        connectionType === 'none'
          ? { type: 'none' as const }
          : connectionType === 'tcp'
          ? { type: 'tcp' as const, host: value('host'), port: number('port', 20007) }
          : { type: 'serial' as const, path: value('serialPath'), baudRate: number('baudRate', 9600), dataBits: number('dataBits', 8), parity: value('parity') || 'none', stopBits: number('stopBits', 2) };
      const candidate: Record<string, unknown> = {
        name: value('name'), model: value('model'), vendor: value('vendor'), serialNumber: value('serialNumber'), tid: value('tid'),
        location: value('location'), connection, purchaseDate: value('purchaseDate') || null, warrantyEnd: value('warrantyEnd') || null,
        softwareVersion: value('softwareVersion'), supportContact: value('supportContact'), notes: value('notes'),
        network: value('network'), acquirer: value('acquirer'), acquirerHotline: value('acquirerHotline'),
      };
      const archivedLine = ['1', 'true', 'yes'].includes(value('archived').toLowerCase());
      const existing = value('id') ? getDevice(this.db, value('id')) : undefined;
      if (existing?.archived && archivedLine) continue; // an archived device, exported and imported back: nothing to do
      const issues: CsvIssue[] = [];
      if (existing?.archived) issues.push({ path: 'id', messageKey: 'devices.archivedDevice' });
      const parsed = DeviceFields.safeParse(candidate);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) issues.push({ path: issue.path.map(String).join('.'), messageKey: /^[a-z]+\.[a-zA-Z]+$/.test(issue.message) ? issue.message : 'validation.generic' });
      }
      const parsedConnection = DeviceConnection.safeParse(connection);
      planned.push({ line, id: existing?.id, archived: archivedLine, fields: parsed.success ? parsed.data : undefined, connection: parsedConnection.success ? parsedConnection.data : undefined, issues });
    }
    await this.checkImportConnections(planned);
    for (const item of planned) if (item.issues.length > 0) errors.push({ line: item.line, issues: dedupeIssues(item.issues) });
    if (errors.length > 0) return { created: 0, updated: 0, errors };

    const now = isoNow(this.clock);
    const written: { before?: Device; id: string }[] = [];
    this.db.transaction(() => {
      for (const item of planned) {
        const fields = item.fields as DeviceFields;
        if (item.id) {
          const before = getDevice(this.db, item.id) as Device;
          updateDevice(this.db, item.id, { ...fields, photo: before.photo, terminalPassword: before.terminalPassword, profileId: before.profileId }, now);
          written.push({ before, id: item.id });
        } else {
          const id = randomUUID();
          insertDevice(this.db, id, fields, now);
          if (item.archived) setArchived(this.db, id, true, now);
          written.push({ id });
        }
      }
    })();
    // Announce and connect only after the whole file is saved.
    for (const entry of written) {
      if (entry.before) await this.afterUpdate(entry.before);
      else {
        const device = this.get(entry.id);
        this.bus.emit('devices.changed', device);
        if (!device.archived) await this.addLink(device);
      }
    }
    const updated = written.filter((w) => w.before).length;
    return { created: written.length - updated, updated, errors };
  }

  /**
   * The connection rules over the whole file: two active lines may not share a connection, a
   * line may not take the connection of an active device the file does not move elsewhere, and
   * a host must resolve (each host looked up once).
   */
  private async checkImportConnections(planned: PlannedLine[]): Promise<void> {
    const active = planned.filter((p) => !p.archived && p.connection && p.connection.type !== 'none');
    const movedIds = new Set(active.map((p) => p.id).filter((id): id is string => id !== undefined));
    const firstLineOf = new Map<string, number>();
    for (const item of active) {
      const connection = item.connection as DeviceConnection;
      const key = connectionKey(connection);
      const other = deviceUsingConnection(this.db, connection, item.id);
      const takenInFile = firstLineOf.has(key);
      if (takenInFile || (other && !movedIds.has(other.id))) item.issues.push({ path: connectionPath(connection), messageKey: 'devices.portInUse' });
      if (!takenInFile) firstLineOf.set(key, item.line);
    }
    const hosts = new Map<string, Promise<boolean>>();
    for (const item of active) {
      if (item.connection?.type !== 'tcp') continue;
      const host = item.connection.host;
      if (!hosts.has(host)) hosts.set(host, this.resolveHost(host));
      if (!(await hosts.get(host))) item.issues.push({ path: 'connection.host', messageKey: 'devices.hostUnresolvable' });
    }
  }

  // ------------------------------------------------------------------ status

  status(deviceId: string): DeviceStatus {
    this.get(deviceId);
    return readStatus(this.db, deviceId) ?? { ...UNKNOWN_STATUS, deviceId, since: this.get(deviceId).createdAt, updatedAt: this.get(deviceId).createdAt };
  }

  statuses(): DeviceStatus[] {
    const stored = new Map(readAllStatuses(this.db).map((s) => [s.deviceId, s]));
    return this.list().map((d) => stored.get(d.id) ?? { ...UNKNOWN_STATUS, deviceId: d.id, since: d.createdAt, updatedAt: d.createdAt });
  }

  history(deviceId: string, limit = 100): StatusChange[] {
    this.get(deviceId);
    return statusHistory(this.db, deviceId, limit);
  }

  // ------------------------------------------------------------------ attention

  /** Every active terminal that is down (fault or offline): one critical item each, linking to it. */
  attentionItems(): AttentionItem[] {
    // A practice drill's terminal is down on purpose: it never raises an alert.
    const names = new Map(this.list().filter((device) => !device.drill).map((device) => [device.id, device.name]));
    return this.statuses()
      .filter((status) => isDown(status.overall) && names.has(status.deviceId))
      .map((status) => ({
        id: `${DOWN_ITEM}${status.deviceId}`,
        section: 'devices',
        kind: 'devices.down',
        severity: 'critical',
        count: 1,
        textKey: 'status.bannerDown',
        params: { name: names.get(status.deviceId) ?? status.deviceId, stateKey: `status.overall.${status.overall}` },
        link: `/devices/${status.deviceId}`,
      }));
  }

  /** The notification when a terminal's down item clears because it is back (not when it was archived). */
  attentionCleared(item: AttentionItem): { textKey: string; params: AttentionItem['params'] } | undefined {
    const device = item.id.startsWith(DOWN_ITEM) ? getDevice(this.db, item.id.slice(DOWN_ITEM.length)) : undefined;
    const status = device && !device.archived ? readStatus(this.db, device.id) : undefined;
    if (!device || !status || isDown(status.overall) || status.overall === 'unknown') return undefined;
    return { textKey: 'status.bannerRecovered', params: { name: device.name, stateKey: `status.overall.${status.overall}` } };
  }

  // ------------------------------------------------------------------ settings

  /** The manager's registry settings (the current software version per model). */
  settings(): DeviceSettings {
    return this.stored.get();
  }

  /** Saves the settings and judges every terminal's software again against them. */
  updateSettings(update: Partial<DeviceSettings>): DeviceSettings {
    const next = this.stored.update(update);
    this.rejudgeSoftware(() => true);
    return next;
  }

  /** Recomputes "software current" of the terminals that have a status (a setting or a version seen changed). */
  private rejudgeSoftware(which: (device: Device) => boolean): void {
    for (const device of this.list()) {
      if (which(device) && readStatus(this.db, device.id)) this.observe({ deviceId: device.id });
    }
  }

  /** A terminal reported a version: the guess of "current" may have moved for the other terminals of its model. */
  private reportedFieldsChanged(device: Device): void {
    this.bus.emit('devices.changed', this.get(device.id));
    const model = modelKey(device.model);
    this.rejudgeSoftware((other) => other.id !== device.id && modelKey(other.model) === model);
  }

  /**
   * The version a terminal must have for its software to count as current: the one the manager
   * set for its model, else (a guess) the newest version any terminal of the model reports.
   */
  private latestVersionOf(device: Device): string | null {
    const model = modelKey(device.model);
    const set = model ? this.settings().currentSoftware.find((entry) => modelKey(entry.model) === model) : undefined;
    if (set) return set.version;
    let latest: string | null = null;
    for (const other of this.list()) {
      if (other.model !== device.model || !other.softwareVersion) continue;
      if (latest === null || compareVersions(other.softwareVersion, latest) > 0) latest = other.softwareVersion;
    }
    return latest;
  }

  /** A captured transaction: the terminal's "last transaction seen". Ids that are not devices are ignored. */
  recordTransaction(deviceId: string, occurredAt: string): void {
    const device = getDevice(this.db, deviceId);
    if (!device || device.archived) return;
    this.observe({ deviceId, transactionAt: occurredAt });
  }

  /** Feeds one observation to the status model; stores and announces a change. */
  observe(observation: StatusObservation): DeviceStatus {
    const { deviceId, ...facts } = observation;
    const settled = observation.link !== undefined && SETTLED_LINKS.has(observation.link);
    return this.commitStatus(deviceId, (before) => nextStatus(before, facts, { latestSoftwareVersion: this.latestVersionOf(this.get(deviceId)) }), settled);
  }

  /**
   * A staff check of a standalone terminal (shared/domain/checks statusFromCheck): its fields
   * replace the observed ones, the overall state follows from them as for a live terminal.
   */
  observeCheck(deviceId: string, observed: Partial<StatusFields>): DeviceStatus {
    return this.commitStatus(deviceId, (before) => {
      const fields = { ...before, ...observed };
      return { ...fields, overall: overallOf(fields) };
    }, true);
  }

  /** `settled`: the observation says what the terminal really does now (a settled link, a check), which ends a carried-over down state. */
  private commitStatus(deviceId: string, next: (before: StatusFields) => StatusFields, settled: boolean): DeviceStatus {
    const device = this.get(deviceId);
    const previous = readStatus(this.db, device.id);
    const before = previous ?? { ...UNKNOWN_STATUS, deviceId: device.id, since: device.createdAt, updatedAt: device.createdAt };
    const { deviceId: _d, since: _s, updatedAt: _u, ...beforeFields } = before;
    const fields = next(beforeFields);
    const now = isoNow(this.clock);
    const changed = !sameStatus(beforeFields, fields);
    // A new last transaction updates the board but is not a status change for the history.
    const announce = changed || beforeFields.lastTransactionAt !== fields.lastTransactionAt;
    const status: DeviceStatus = { ...fields, deviceId: device.id, since: fields.overall === before.overall && previous ? before.since : now, updatedAt: now };
    const previousOverall = previous ? previous.overall : null;
    writeStatus(this.db, status, previousOverall, changed || !previous);
    const resumed = this.carriedOver.has(device.id) && !isDown(status.overall) && status.overall !== 'unknown';
    if (settled) this.carriedOver.delete(device.id);
    if (announce || !previous) {
      let notify: 'down' | 'recovered' | null = null;
      if (isDown(status.overall) && previousOverall !== null && !isDown(previousOverall) && previousOverall !== 'unknown') notify = 'down';
      if (!resumed && !isDown(status.overall) && status.overall !== 'unknown' && previousOverall !== null && isDown(previousOverall)) notify = 'recovered';
      this.bus.emit('devices.statusChanged', { status, previousOverall, notify, deviceName: device.name });
      for (const listener of [...this.listeners]) listener(status, previousOverall, { resumed });
    }
    return status;
  }

  private onLink(report: LinkReport): void {
    const device = getDevice(this.db, report.id);
    if (!device || device.archived) return;
    if (report.tid !== undefined || report.softwareVersion !== undefined || report.serialNumber !== undefined) {
      if (fillReportedFields(this.db, device.id, report, isoNow(this.clock))) this.reportedFieldsChanged(device);
    }
    this.observe({
      deviceId: device.id,
      link: report.link,
      ...(report.softwareVersion !== undefined ? { softwareVersion: report.softwareVersion } : {}),
      ...(report.terminalStatus !== undefined ? { terminalStatus: report.terminalStatus } : {}),
    });
  }

  // ------------------------------------------------------------------ commands

  commands(deviceId: string, limit = 50): DeviceCommandRecord[] {
    this.get(deviceId);
    return listCommands(this.db, deviceId, limit).map(worded);
  }

  /** Runs a terminal command, records it with its result and feeds what it learnt to the status. */
  async runCommand(deviceId: string, command: GuideCommand): Promise<DeviceCommandRecord> {
    const device = this.get(deviceId);
    if (device.archived) throw new AppError('conflict', `Device ${deviceId} is archived`, { id: deviceId });
    const started = isoNow(this.clock);
    const id = insertCommand(this.db, deviceId, command, started);
    this.bus.emit('devices.command', { deviceId, commandId: id, command, phase: 'started', text: '' });
    let outcome: CommandOutcome;
    try {
      outcome = await this.links.run(deviceId, command, (text) => this.bus.emit('devices.command', { deviceId, commandId: id, command, phase: 'progress', text }));
    } catch (error) {
      // The manager sees a worded failure; the developer's message goes to the log.
      this.options.logger?.error('terminal command failed', { deviceId, command, error });
      outcome = { ok: false, summary: 'summary:failed' };
    }
    finishCommand(this.db, id, outcome.ok, outcome.summary, outcome.printLines ?? [], isoNow(this.clock));
    if (outcome.tid !== undefined || outcome.softwareVersion !== undefined || outcome.serialNumber !== undefined) {
      if (fillReportedFields(this.db, deviceId, outcome, isoNow(this.clock))) this.reportedFieldsChanged(device);
    }
    const observation: StatusObservation = { deviceId };
    if (outcome.terminalStatus !== undefined) observation.terminalStatus = outcome.terminalStatus;
    if (outcome.resultCode !== undefined) observation.resultCode = outcome.resultCode;
    if (outcome.printer !== undefined) observation.printer = outcome.printer;
    if (outcome.hostReachable !== undefined) observation.hostReachable = outcome.hostReachable;
    if (outcome.softwareVersion !== undefined) observation.softwareVersion = outcome.softwareVersion;
    if (Object.keys(observation).length > 1) this.observe(observation);
    this.bus.emit('devices.command', { deviceId, commandId: id, command, phase: 'finished', text: outcome.summary, ok: outcome.ok });
    const record = listCommands(this.db, deviceId, 200).find((c) => c.id === id);
    if (!record) throw new AppError('internal', 'The command record vanished');
    return worded(record);
  }

  dispose(): void {
    this.unsubscribeLinks();
    this.listeners.clear();
  }
}

export type { DeviceFieldsInput };
