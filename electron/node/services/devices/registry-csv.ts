/**
 * The registry as CSV (设备清单导入/导出): the export of every device, and an import planned
 * whole before anything is written. Every line is checked with every rule of create/update
 * (fields, connection free in the registry and in the file, host resolving, device not
 * archived); the writes of a clean file run in one transaction. DevicesService announces and
 * links the written devices afterwards.
 */
import { randomUUID } from 'node:crypto';
import { DEVICE_CSV_COLUMNS, DeviceConnection, DeviceFields, type Device, type DeviceCsvImportResult } from '../../../../shared/domain/devices';
import type { Db } from '../../db/connection';
import { getDevice, insertDevice, setArchived, updateDevice } from '../../db/devices';
import { checkImportConnections, fieldError, type ConnectionLine, type CsvIssue, type HostResolver } from './connection-rules';
import { parseCsv, toCsvLine } from './csv';

interface PlannedLine extends ConnectionLine {
  fields: DeviceFields | undefined;
}

/** A line the import wrote: `before` is the device it updated (absent: a new device). */
export interface WrittenLine {
  before?: Device;
  id: string;
}

function dedupeIssues(issues: CsvIssue[]): CsvIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(`${i.path} ${i.messageKey}`) && seen.add(`${i.path} ${i.messageKey}`));
}

/** Every device (archived too), one line each under DEVICE_CSV_COLUMNS. */
export function registryCsv(devices: Device[]): string {
  const lines = [toCsvLine(DEVICE_CSV_COLUMNS)];
  for (const d of devices) {
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
 * Reads and checks every line: a line with the id of an existing device updates it, others
 * create devices; one that repeats an archived device as archived is skipped. Answers the
 * planned lines, or every wrong line with its fields.
 */
export async function planRegistryImport(db: Db, resolveHost: HostResolver, csv: string): Promise<{ planned: PlannedLine[]; errors: DeviceCsvImportResult['errors'] }> {
  const rows = parseCsv(csv);
  const header = rows[0]?.map((h) => h.trim()) ?? [];
  const missing = ['name', 'connectionType'].filter((column) => !header.includes(column));
  if (missing.length > 0) throw fieldError('csv', 'devices.csvMissingColumns', `The CSV lacks the columns ${missing.join(', ')}`);
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
    const existing = value('id') ? getDevice(db, value('id')) : undefined;
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
  await checkImportConnections(db, resolveHost, planned);
  const errors: DeviceCsvImportResult['errors'] = [];
  for (const item of planned) if (item.issues.length > 0) errors.push({ line: item.line, issues: dedupeIssues(item.issues) });
  return { planned, errors };
}

/** Writes a clean plan in one transaction; an updated device keeps its photo, password and profile (the CSV carries none). */
export function writeRegistryImport(db: Db, planned: PlannedLine[], now: string): WrittenLine[] {
  const written: WrittenLine[] = [];
  db.transaction(() => {
    for (const item of planned) {
      const fields = item.fields as DeviceFields;
      if (item.id) {
        const before = getDevice(db, item.id) as Device;
        updateDevice(db, item.id, { ...fields, photo: before.photo, terminalPassword: before.terminalPassword, profileId: before.profileId }, now);
        written.push({ before, id: item.id });
      } else {
        const id = randomUUID();
        insertDevice(db, id, fields, now);
        if (item.archived) setArchived(db, id, true, now);
        written.push({ id });
      }
    }
  })();
  return written;
}
