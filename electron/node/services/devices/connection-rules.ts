/**
 * What zod cannot check about a device's link: the connection not used by another device, a
 * TCP host that resolves. One set of rules for a form's create/update and for every line of a
 * CSV import (registry-csv.ts), with the field errors the form shows.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DeviceConnection, DeviceFields } from '../../../../shared/domain/devices';
import { AppError, type FieldIssue } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import { connectionKey, deviceUsingConnection } from '../../db/devices';

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

/** A wrong field, named as the form and the CSV report name it. */
export interface CsvIssue {
  path: string;
  messageKey: string;
}

/** The field of a connection that a "port in use" error points at. */
export function connectionPath(connection: DeviceConnection): string {
  return connection.type === 'serial' ? 'connection.path' : 'connection.port';
}

export function fieldError(path: string, messageKey: string, message: string): AppError {
  const issues: FieldIssue[] = [{ path, code: 'custom', messageKey }];
  return new AppError('validation', message, { issues });
}

export function archivedError(id: string): AppError {
  return new AppError('conflict', `Device ${id} is archived`, { id, issues: [{ path: 'id', code: 'custom', messageKey: 'devices.archivedDevice' }] });
}

/** One device's connection: free in the registry (except `exceptId`, the device itself), its host resolving. */
export async function checkConnection(db: Db, resolveHost: HostResolver, fields: DeviceFields, exceptId?: string): Promise<void> {
  if (fields.connection.type === 'none') return;
  const other = deviceUsingConnection(db, fields.connection, exceptId);
  if (other) throw fieldError(connectionPath(fields.connection), 'devices.portInUse', `The connection is already used by device "${other.name}"`);
  if (fields.connection.type === 'tcp' && !(await resolveHost(fields.connection.host))) {
    throw fieldError('connection.host', 'devices.hostUnresolvable', 'The host does not resolve');
  }
}

/** A line of an import as the connection rules see it. */
export interface ConnectionLine {
  line: number;
  /** The existing device the line updates. */
  id: string | undefined;
  archived: boolean;
  connection: DeviceConnection | undefined;
  issues: CsvIssue[];
}

/**
 * The connection rules over a whole file: two active lines may not share a connection, a line
 * may not take the connection of an active device the file does not move elsewhere, and a host
 * must resolve (each host looked up once). Wrong lines get an issue each.
 */
export async function checkImportConnections(db: Db, resolveHost: HostResolver, planned: ConnectionLine[]): Promise<void> {
  const active = planned.filter((p) => !p.archived && p.connection && p.connection.type !== 'none');
  const movedIds = new Set(active.map((p) => p.id).filter((id): id is string => id !== undefined));
  const firstLineOf = new Map<string, number>();
  for (const item of active) {
    const connection = item.connection as DeviceConnection;
    const key = connectionKey(connection);
    const other = deviceUsingConnection(db, connection, item.id);
    const takenInFile = firstLineOf.has(key);
    if (takenInFile || (other && !movedIds.has(other.id))) item.issues.push({ path: connectionPath(connection), messageKey: 'devices.portInUse' });
    if (!takenInFile) firstLineOf.set(key, item.line);
  }
  const hosts = new Map<string, Promise<boolean>>();
  for (const item of active) {
    if (item.connection?.type !== 'tcp') continue;
    const host = item.connection.host;
    if (!hosts.has(host)) hosts.set(host, resolveHost(host));
    if (!(await hosts.get(host))) item.issues.push({ path: 'connection.host', messageKey: 'devices.hostUnresolvable' });
  }
}
