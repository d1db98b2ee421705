/**
 * The device registry (设备档案) and the front door of everything about a terminal. The registry
 * owns the list of terminals: it keeps the connection manager's list equal to it (add on
 * create/update and at start, remove on archive). The rooms it delegates to, one concern each:
 * connection-rules.ts (port free, host resolving), registry-csv.ts (CSV export and import),
 * device-statuses.ts (live status and its history), device-commands.ts (terminal commands),
 * down-items.ts (the "terminal down" attention items).
 */
import { randomUUID } from 'node:crypto';
import {
  DeviceSettings,
  type Device,
  type DeviceCsvImportResult,
  type DeviceCommandRecord,
  type DeviceFields,
  type DeviceFieldsInput,
} from '../../../../shared/domain/devices';
import type { AttentionItem } from '../../../../shared/domain/attention';
import type { GuideCommand } from '../../../../shared/domain/terminals';
import { AppError } from '../../../../shared/ipc/result';
import type { DeviceStatus, StatusChange, StatusFields, StatusObservation } from '../../../../shared/domain/status';
import type { Db } from '../../db/connection';
import { getDevice, insertDevice, listDevices, setArchived, updateDevice } from '../../db/devices';
import { readStatus } from '../../db/device-status';
import { domainSettings, type DomainSettings } from '../../db/settings';
import { isoNow, systemClock, type Clock } from '../../clock';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import { archivedError, checkConnection, dnsResolver, type HostResolver } from './connection-rules';
import { commandRecords, runDeviceCommand } from './device-commands';
import { DeviceStatuses, type StatusListener } from './device-statuses';
import { downItemCleared, downItems } from './down-items';
import { planRegistryImport, registryCsv, writeRegistryImport } from './registry-csv';
import { NoTerminalLinks, type TerminalLinks } from './terminal-links';

export { dnsResolver, type HostResolver } from './connection-rules';
export type { StatusListener } from './device-statuses';

const SETTINGS_KEY = 'devices';

export interface DevicesServiceOptions {
  links?: TerminalLinks;
  resolveHost?: HostResolver;
  clock?: Clock;
  logger?: Logger;
}

/** Device fields as an update sends them: `photo`, `terminalPassword` or `profileId` absent keeps the stored one. */
type DeviceUpdateFields = Omit<DeviceFields, 'photo' | 'terminalPassword' | 'profileId'> & {
  photo?: string | null | undefined;
  terminalPassword?: string | undefined;
  profileId?: DeviceFields['profileId'] | undefined;
};

export class DevicesService {
  private links: TerminalLinks;
  private readonly resolveHost: HostResolver;
  private readonly clock: Clock;
  private unsubscribeLinks: () => void = () => {};
  private readonly stored: DomainSettings<DeviceSettings>;
  private readonly live: DeviceStatuses;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly options: DevicesServiceOptions = {},
  ) {
    this.links = options.links ?? new NoTerminalLinks();
    this.resolveHost = options.resolveHost ?? dnsResolver;
    this.clock = options.clock ?? systemClock;
    this.stored = domainSettings(() => db, SETTINGS_KEY, DeviceSettings, DeviceSettings.parse({}), () => this.clock.now());
    this.live = new DeviceStatuses(db, bus, this.clock, (id) => this.get(id), () => this.settings());
    this.attach(this.links);
  }

  /** Connects the registry to a (new) terminal manager: every active device is added to it. */
  attach(links: TerminalLinks): void {
    this.unsubscribeLinks();
    this.links = links;
    this.unsubscribeLinks = links.onLink((report) => this.live.onLink(report));
    this.live.reattached();
    for (const device of listDevices(this.db)) void this.addLink(device);
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
    return this.live.onStatus(listener);
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

  /** `within` runs the insert inside the caller's transaction (a drill writes its own row with its device). */
  async create(fields: DeviceFields, within?: (id: string, insert: () => void) => void): Promise<Device> {
    await checkConnection(this.db, this.resolveHost, fields);
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
    await checkConnection(this.db, this.resolveHost, fields, id);
    updateDevice(this.db, id, fields, isoNow(this.clock));
    return this.afterUpdate(before);
  }

  /** Announces an updated device and rebuilds its link when what the link uses changed. */
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

  // ------------------------------------------------------------------ CSV (registry-csv.ts)

  exportCsv(): string {
    return registryCsv(this.list(true));
  }

  /**
   * Imports registry lines (registry-csv.ts): if any line is wrong nothing is saved and every
   * wrong line is named with its fields; else the file is written in one transaction, and only
   * then are the devices announced and linked.
   */
  async importCsv(csv: string): Promise<DeviceCsvImportResult> {
    const { planned, errors } = await planRegistryImport(this.db, this.resolveHost, csv);
    if (errors.length > 0) return { created: 0, updated: 0, errors };
    const written = writeRegistryImport(this.db, planned, isoNow(this.clock));
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

  // ------------------------------------------------------------------ status (device-statuses.ts)

  status(deviceId: string): DeviceStatus {
    return this.live.status(deviceId);
  }

  statuses(): DeviceStatus[] {
    return this.live.statuses();
  }

  history(deviceId: string, limit = 100): StatusChange[] {
    return this.live.history(deviceId, limit);
  }

  /**
   * A captured transaction: the terminal's "last transaction seen". A card payment also proves the
   * card reader reads cards (it clears a failed card reader test). Ids that are not devices are ignored.
   */
  recordTransaction(deviceId: string, occurredAt: string, cardRead = false): void {
    const device = getDevice(this.db, deviceId);
    if (!device || device.archived) return;
    this.observe({ deviceId, transactionAt: occurredAt, ...(cardRead ? { cardReader: 'ok' as const } : {}) });
  }

  /** Feeds one observation to the status model; stores and announces a change. */
  observe(observation: StatusObservation): DeviceStatus {
    return this.live.observe(observation);
  }

  /** A staff check of a standalone terminal: its fields replace the observed ones. */
  observeCheck(deviceId: string, observed: Partial<StatusFields>): DeviceStatus {
    return this.live.observeCheck(deviceId, observed);
  }

  // ------------------------------------------------------------------ attention (down-items.ts)

  /** Every active terminal that is down (fault or offline): one critical item each, linking to it. */
  attentionItems(): AttentionItem[] {
    // A practice drill's terminal is down on purpose: it never raises an alert.
    return downItems(this.list().filter((device) => !device.drill), this.statuses());
  }

  /** The notification when a terminal's down item clears because it is back (not when it was archived). */
  attentionCleared(item: AttentionItem): { textKey: string; params: AttentionItem['params'] } | undefined {
    return downItemCleared(this.db, item);
  }

  // ------------------------------------------------------------------ settings

  /** The manager's registry settings (the current software version per model). */
  settings(): DeviceSettings {
    return this.stored.get();
  }

  /** Saves the settings and judges every terminal's software again against them. */
  updateSettings(update: Partial<DeviceSettings>): DeviceSettings {
    const next = this.stored.update(update);
    this.live.rejudgeSoftware(() => true);
    return next;
  }

  // ------------------------------------------------------------------ commands (device-commands.ts)

  commands(deviceId: string, limit = 50): DeviceCommandRecord[] {
    this.get(deviceId);
    return commandRecords(this.db, deviceId, limit);
  }

  /** Runs a terminal command, records it with its result and feeds what it learnt to the status. */
  async runCommand(deviceId: string, command: GuideCommand): Promise<DeviceCommandRecord> {
    const device = this.get(deviceId);
    if (device.archived) throw new AppError('conflict', `Device ${deviceId} is archived`, { id: deviceId });
    return runDeviceCommand({ db: this.db, bus: this.bus, clock: this.clock, links: this.links, statuses: this.live, logger: this.options.logger }, device, command);
  }

  dispose(): void {
    this.unsubscribeLinks();
    this.live.dispose();
  }
}

export type { DeviceFieldsInput };
