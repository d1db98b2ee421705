/**
 * The live status of each terminal (设备状态): observations from the links, commands, captured
 * transactions and staff checks go through the status model (status-model.ts); a change is
 * stored with history (rows on change only) and pushed as `devices.statusChanged`. Also judges
 * "software current" against the manager's setting or the newest version of the model.
 */
import { modelKey, type Device, type DeviceSettings } from '../../../../shared/domain/devices';
import { UNKNOWN_STATUS, isDown, type DeviceStatus, type Overall, type StatusChange, type StatusFields, type StatusObservation } from '../../../../shared/domain/status';
import type { Db } from '../../db/connection';
import { fillReportedFields, getDevice, listDevices } from '../../db/devices';
import { readAllStatuses, readStatus, statusHistory, writeStatus } from '../../db/device-status';
import { isoNow, type Clock } from '../../clock';
import type { EventBus } from '../../events/bus';
import { compareVersions, nextStatus, overallOf, sameStatus } from './status-model';
import type { LinkReport } from './terminal-links';

/**
 * `resumed`: the terminal came up while its stored status still said down from before this link
 * was attached (the previous run of the app, or a restored backup). That is a link resuming,
 * not a recovery of the fault: nothing is auto-resolved or announced as recovered on it.
 */
export type StatusListener = (status: DeviceStatus, previousOverall: Overall | null, change: { resumed: boolean }) => void;

/** Link states that say what the terminal is really doing now (not still being connected to). */
const SETTLED_LINKS: ReadonlySet<string> = new Set(['ready', 'busy', 'degraded', 'failed', 'disconnected']);

/** A status before anything was observed: unknown since the device was registered. */
function unknownStatus(device: Device): DeviceStatus {
  return { ...UNKNOWN_STATUS, deviceId: device.id, since: device.createdAt, updatedAt: device.createdAt };
}

export class DeviceStatuses {
  private readonly listeners = new Set<StatusListener>();
  /** Devices whose stored status (down) dates from before the current attach and no link has settled since. */
  private readonly carriedOver = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** The device by id; throws not_found. */
    private readonly device: (id: string) => Device,
    private readonly settings: () => DeviceSettings,
  ) {}

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A (new) link manager is attached: a stored down state is carried over until a link settles. */
  reattached(): void {
    this.carriedOver.clear();
    for (const device of listDevices(this.db)) {
      const stored = readStatus(this.db, device.id);
      if (stored && isDown(stored.overall)) this.carriedOver.add(device.id);
    }
  }

  status(deviceId: string): DeviceStatus {
    const device = this.device(deviceId);
    return readStatus(this.db, deviceId) ?? unknownStatus(device);
  }

  /** The status of every active device. */
  statuses(): DeviceStatus[] {
    const stored = new Map(readAllStatuses(this.db).map((s) => [s.deviceId, s]));
    return listDevices(this.db).map((d) => stored.get(d.id) ?? unknownStatus(d));
  }

  history(deviceId: string, limit: number): StatusChange[] {
    this.device(deviceId);
    return statusHistory(this.db, deviceId, limit);
  }

  /** Recomputes "software current" of the terminals that have a status (a setting or a version seen changed). */
  rejudgeSoftware(which: (device: Device) => boolean): void {
    for (const device of listDevices(this.db)) {
      if (which(device) && readStatus(this.db, device.id)) this.observe({ deviceId: device.id });
    }
  }

  /** Stores the tid, version or serial number a terminal reported; a version seen may move "current" for its model. */
  reported(device: Device, facts: { tid?: string; softwareVersion?: string; serialNumber?: string }): void {
    if (facts.tid === undefined && facts.softwareVersion === undefined && facts.serialNumber === undefined) return;
    if (!fillReportedFields(this.db, device.id, facts, isoNow(this.clock))) return;
    this.bus.emit('devices.changed', this.device(device.id));
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
    for (const other of listDevices(this.db)) {
      if (other.model !== device.model || !other.softwareVersion) continue;
      if (latest === null || compareVersions(other.softwareVersion, latest) > 0) latest = other.softwareVersion;
    }
    return latest;
  }

  /** Feeds one observation to the status model; stores and announces a change. */
  observe(observation: StatusObservation): DeviceStatus {
    const { deviceId, ...facts } = observation;
    const settled = observation.link !== undefined && SETTLED_LINKS.has(observation.link);
    return this.commit(deviceId, (before) => nextStatus(before, facts, { latestSoftwareVersion: this.latestVersionOf(this.device(deviceId)) }), settled);
  }

  /**
   * A staff check of a standalone terminal (shared/domain/checks statusFromCheck): its fields
   * replace the observed ones, the overall state follows from them as for a live terminal.
   */
  observeCheck(deviceId: string, observed: Partial<StatusFields>): DeviceStatus {
    return this.commit(deviceId, (before) => {
      const fields = { ...before, ...observed };
      return { ...fields, overall: overallOf(fields) };
    }, true);
  }

  /** What a link reported about an active device: the facts it registered with, and its state. */
  onLink(report: LinkReport): void {
    const device = getDevice(this.db, report.id);
    if (!device || device.archived) return;
    this.reported(device, report);
    this.observe({
      deviceId: device.id,
      link: report.link,
      ...(report.softwareVersion !== undefined ? { softwareVersion: report.softwareVersion } : {}),
      ...(report.terminalStatus !== undefined ? { terminalStatus: report.terminalStatus } : {}),
    });
  }

  /** `settled`: the observation says what the terminal really does now (a settled link, a check), which ends a carried-over down state. */
  private commit(deviceId: string, next: (before: StatusFields) => StatusFields, settled: boolean): DeviceStatus {
    const device = this.device(deviceId);
    const previous = readStatus(this.db, device.id);
    const before = previous ?? unknownStatus(device);
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

  dispose(): void {
    this.listeners.clear();
  }
}
