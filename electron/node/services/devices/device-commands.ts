/**
 * Terminal commands run from the console (a guide step, the device page): each is recorded with
 * its result, its progress pushed as `devices.command`, and what it learnt (status byte, result
 * code, printer, host, version) fed to the terminal's status.
 */
import type { Device, DeviceCommandRecord } from '../../../../shared/domain/devices';
import type { StatusObservation } from '../../../../shared/domain/status';
import type { GuideCommand } from '../../../../shared/domain/terminals';
import { AppError } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import { finishCommand, insertCommand, listCommands, type CommandRecord } from '../../db/devices';
import { isoNow, type Clock } from '../../clock';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import type { DeviceStatuses } from './device-statuses';
import { describeSummary } from './summary-text';
import type { CommandOutcome, TerminalLinks } from './terminal-links';

/** A stored command record with its summary worded in both languages. */
function worded(record: CommandRecord): DeviceCommandRecord {
  return { ...record, summaryText: describeSummary(record.summary) };
}

export function commandRecords(db: Db, deviceId: string, limit: number): DeviceCommandRecord[] {
  return listCommands(db, deviceId, limit).map(worded);
}

export interface CommandContext {
  db: Db;
  bus: EventBus;
  clock: Clock;
  links: TerminalLinks;
  statuses: DeviceStatuses;
  logger: Logger | undefined;
}

/** Runs a command on an active device (checked by the caller), records it and feeds what it learnt to the status. */
export async function runDeviceCommand(context: CommandContext, device: Device, command: GuideCommand): Promise<DeviceCommandRecord> {
  const { db, bus, clock, links, statuses } = context;
  const deviceId = device.id;
  const started = isoNow(clock);
  const id = insertCommand(db, deviceId, command, started);
  bus.emit('devices.command', { deviceId, commandId: id, command, phase: 'started', text: '' });
  let outcome: CommandOutcome;
  try {
    outcome = await links.run(deviceId, command, (text, words) => bus.emit('devices.command', { deviceId, commandId: id, command, phase: 'progress', text, ...(words ? { words } : {}) }));
  } catch (error) {
    // The manager sees a worded failure; the developer's message goes to the log.
    context.logger?.error('terminal command failed', { deviceId, command, error });
    outcome = { ok: false, summary: 'summary:failed' };
  }
  finishCommand(db, id, outcome.ok, outcome.summary, outcome.printLines ?? [], isoNow(clock));
  statuses.reported(device, outcome);
  const observation: StatusObservation = { deviceId };
  if (outcome.terminalStatus !== undefined) observation.terminalStatus = outcome.terminalStatus;
  if (outcome.resultCode !== undefined) observation.resultCode = outcome.resultCode;
  if (outcome.printer !== undefined) observation.printer = outcome.printer;
  if (outcome.hostReachable !== undefined) observation.hostReachable = outcome.hostReachable;
  if (outcome.cardReader !== undefined) observation.cardReader = outcome.cardReader;
  if (outcome.softwareVersion !== undefined) observation.softwareVersion = outcome.softwareVersion;
  if (Object.keys(observation).length > 1) statuses.observe(observation);
  bus.emit('devices.command', { deviceId, commandId: id, command, phase: 'finished', text: outcome.summary, ok: outcome.ok });
  const record = listCommands(db, deviceId, 200).find((c) => c.id === id);
  if (!record) throw new AppError('internal', 'The command record vanished');
  return worded(record);
}
