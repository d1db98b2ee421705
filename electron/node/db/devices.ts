/** SQL of the device registry. */
import type { Device, DeviceConnection, DeviceFields } from '../../../shared/domain/devices';
import type { Db } from './connection';

interface DeviceRow {
  id: string;
  name: string;
  model: string;
  vendor: string;
  serial_number: string;
  tid: string;
  location: string;
  connection: string;
  purchase_date: string | null;
  warranty_end: string | null;
  software_version: string;
  support_contact: string;
  notes: string;
  photo: string | null;
  terminal_password: string;
  vendor_profile: string;
  network: string;
  acquirer: string;
  acquirer_hotline: string;
  archived: number;
  drill: number;
  created_at: string;
  updated_at: string;
}

/** The key two devices may not share: the same serial port, or the same host and port ('none': standalone terminals share nothing). */
export function connectionKey(connection: DeviceConnection): string {
  if (connection.type === 'none') return 'none';
  return connection.type === 'serial' ? `serial:${connection.path.toUpperCase()}` : `tcp:${connection.host.toLowerCase()}:${connection.port}`;
}

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    vendor: row.vendor,
    serialNumber: row.serial_number,
    tid: row.tid,
    location: row.location,
    connection: JSON.parse(row.connection) as DeviceConnection,
    purchaseDate: row.purchase_date,
    warrantyEnd: row.warranty_end,
    softwareVersion: row.software_version,
    supportContact: row.support_contact,
    notes: row.notes,
    photo: row.photo,
    terminalPassword: row.terminal_password,
    // Written only through the DeviceFields schema, so one of VENDOR_PROFILE_IDS (a newer app's database is refused).
    profileId: row.vendor_profile as Device['profileId'],
    network: row.network as Device['network'],
    acquirer: row.acquirer,
    acquirerHotline: row.acquirer_hotline,
    archived: row.archived === 1,
    ...(row.drill === 1 ? { drill: true } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Whether the device is a practice drill's simulated terminal. */
export function isDrillDevice(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM devices WHERE id = ? AND drill = 1').get(id) !== undefined;
}

export function listDevices(db: Db, includeArchived = false): Device[] {
  const rows = db
    .prepare(`SELECT * FROM devices WHERE ${includeArchived ? 'NOT (drill = 1 AND archived = 1)' : 'archived = 0'} ORDER BY archived, name COLLATE NOCASE, id`)
    .all() as DeviceRow[];
  return rows.map(toDevice);
}

export function getDevice(db: Db, id: string): Device | undefined {
  const row = db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
  return row ? toDevice(row) : undefined;
}

/** The active device (other than `exceptId`) already using this connection, if any. */
export function deviceUsingConnection(db: Db, connection: DeviceConnection, exceptId?: string): Device | undefined {
  if (connection.type === 'none') return undefined;
  const row = db
    .prepare('SELECT * FROM devices WHERE connection_key = ? AND archived = 0 AND id IS NOT ? LIMIT 1')
    .get(connectionKey(connection), exceptId ?? null) as DeviceRow | undefined;
  return row ? toDevice(row) : undefined;
}

function params(fields: DeviceFields) {
  return {
    name: fields.name,
    model: fields.model,
    vendor: fields.vendor,
    serial_number: fields.serialNumber,
    tid: fields.tid,
    location: fields.location,
    connection: JSON.stringify(fields.connection),
    connection_key: connectionKey(fields.connection),
    purchase_date: fields.purchaseDate,
    warranty_end: fields.warrantyEnd,
    software_version: fields.softwareVersion,
    support_contact: fields.supportContact,
    notes: fields.notes,
    photo: fields.photo,
    terminal_password: fields.terminalPassword,
    vendor_profile: fields.profileId,
    network: fields.network,
    acquirer: fields.acquirer,
    acquirer_hotline: fields.acquirerHotline,
  };
}

export function insertDevice(db: Db, id: string, fields: DeviceFields, now: string): void {
  db.prepare(
    `INSERT INTO devices (id, name, model, vendor, serial_number, tid, location, connection, connection_key, purchase_date, warranty_end,
       software_version, support_contact, notes, photo, terminal_password, vendor_profile, network, acquirer, acquirer_hotline, archived, created_at, updated_at)
     VALUES (@id, @name, @model, @vendor, @serial_number, @tid, @location, @connection, @connection_key, @purchase_date, @warranty_end,
       @software_version, @support_contact, @notes, @photo, @terminal_password, @vendor_profile, @network, @acquirer, @acquirer_hotline, 0, @now, @now)`,
  ).run({ id, now, ...params(fields) });
}

export function updateDevice(db: Db, id: string, fields: DeviceFields, now: string): void {
  db.prepare(
    `UPDATE devices SET name = @name, model = @model, vendor = @vendor, serial_number = @serial_number, tid = @tid, location = @location,
       connection = @connection, connection_key = @connection_key, purchase_date = @purchase_date, warranty_end = @warranty_end,
       software_version = @software_version, support_contact = @support_contact, notes = @notes, photo = @photo,
       terminal_password = @terminal_password, vendor_profile = @vendor_profile, network = @network, acquirer = @acquirer,
       acquirer_hotline = @acquirer_hotline, updated_at = @now
     WHERE id = @id`,
  ).run({ id, now, ...params(fields) });
}

export function setArchived(db: Db, id: string, archived: boolean, now: string): void {
  db.prepare('UPDATE devices SET archived = ?, updated_at = ? WHERE id = ?').run(archived ? 1 : 0, now, id);
}

/** Fields the terminal itself reports (TID, software version, serial number) fill in on connect. */
export function fillReportedFields(db: Db, id: string, reported: { tid?: string; softwareVersion?: string; serialNumber?: string }, now: string): boolean {
  const result = db
    .prepare(
      `UPDATE devices SET tid = COALESCE(@tid, tid), software_version = COALESCE(@software_version, software_version),
         serial_number = COALESCE(@serial_number, serial_number), updated_at = @now
       WHERE id = @id AND (tid IS NOT COALESCE(@tid, tid) OR software_version IS NOT COALESCE(@software_version, software_version)
         OR serial_number IS NOT COALESCE(@serial_number, serial_number))`,
    )
    .run({ id, now, tid: reported.tid ?? null, software_version: reported.softwareVersion ?? null, serial_number: reported.serialNumber ?? null });
  return result.changes > 0;
}

// ------------------------------------------------------------------ commands run on a device

export interface CommandRecord {
  id: number;
  deviceId: string;
  command: string;
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  summary: string;
  printLines: string[];
}

interface CommandRow {
  id: number;
  device_id: string;
  command: string;
  started_at: string;
  finished_at: string | null;
  ok: number | null;
  summary: string;
  print_lines: string;
}

export function insertCommand(db: Db, deviceId: string, command: string, startedAt: string): number {
  return Number(db.prepare('INSERT INTO device_commands (device_id, command, started_at) VALUES (?, ?, ?)').run(deviceId, command, startedAt).lastInsertRowid);
}

export function finishCommand(db: Db, id: number, ok: boolean, summary: string, printLines: string[], finishedAt: string): void {
  db.prepare('UPDATE device_commands SET finished_at = ?, ok = ?, summary = ?, print_lines = ? WHERE id = ?').run(finishedAt, ok ? 1 : 0, summary, JSON.stringify(printLines), id);
}

export function listCommands(db: Db, deviceId: string, limit = 50): CommandRecord[] {
  const rows = db.prepare('SELECT * FROM device_commands WHERE device_id = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(deviceId, limit) as CommandRow[];
  return rows.map((r) => ({
    id: r.id,
    deviceId: r.device_id,
    command: r.command,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ok: r.ok === null ? null : r.ok === 1,
    summary: r.summary,
    printLines: JSON.parse(r.print_lines) as string[],
  }));
}
