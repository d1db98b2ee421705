/**
 * Staff checks of standalone terminals (shared/domain/checks): each check becomes the terminal's
 * normalized status (stored with its history by the registry, so incidents and analytics see it
 * like a live terminal's), a failed one opens a pre-filled incident, and standalone terminals not
 * checked since the store opened are attention items.
 */
import { checkedSinceOpening, failedParts, statusFromCheck, type CheckRecordInput, type StaffCheck } from '../../../../shared/domain/checks';
import type { AttentionItem } from '../../../../shared/domain/attention';
import { isDown } from '../../../../shared/domain/status';
import { AppError } from '../../../../shared/ipc/result';
import { isoNow, type Clock } from '../../clock';
import type { Db } from '../../db/connection';
import { insertCheck, listChecks, listChecksBetween } from '../../db/checks';
import type { DevicesService } from '../devices/devices-service';
import type { IncidentsService } from '../incidents/incidents-service';
import type { SettingsService } from '../settings/settings-service';

function refused(messageKey: string, message: string, code: 'conflict' | 'validation' = 'validation'): AppError {
  return new AppError(code, message, { issues: [{ path: 'deviceId', code: 'custom', messageKey }] });
}

export class ChecksService {
  private readonly recordedListeners = new Set<(check: StaffCheck) => void>();

  constructor(
    private readonly db: Db,
    private readonly devices: DevicesService,
    private readonly incidents: IncidentsService,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a check: refused (nothing stored) for an archived or linked terminal. The answers
   * become the terminal's status; a check that leaves it down opens an incident pre-filled from
   * that status (symptoms, the guide that fits), or joins the incident already open.
   */
  record(input: CheckRecordInput): StaffCheck {
    const device = this.devices.get(input.deviceId);
    if (device.archived) throw refused('checks.archivedDevice', `Device ${device.id} is archived`, 'conflict');
    if (device.connection.type !== 'none') throw refused('checks.notStandalone', `Device ${device.id} is linked: its status comes from the terminal`);
    const at = isoNow(this.clock);
    const saved = this.db.transaction(() => {
      const status = this.devices.observeCheck(device.id, statusFromCheck(input.answers, at));
      let incidentId: string | null = null;
      if (isDown(status.overall)) {
        const open = this.incidents.list({ deviceId: device.id, openOnly: true, limit: 1 })[0];
        incidentId = open ? open.id : this.incidents.open({ deviceId: device.id, severity: 'high' }).id;
      }
      const overall = status.overall === 'ok' || status.overall === 'degraded' ? status.overall : 'fault';
      const check: Omit<StaffCheck, 'id'> = { deviceId: device.id, at, answers: input.answers, checkedBy: input.checkedBy, note: input.note, overall, failed: failedParts(input.answers), incidentId };
      return { ...check, id: insertCheck(this.db, check) };
    })();
    for (const listener of [...this.recordedListeners]) listener(saved);
    return saved;
  }

  /** Hears every check recorded (the maintenance calendar's opening checks are done by them). */
  onRecorded(listener: (check: StaffCheck) => void): () => void {
    this.recordedListeners.add(listener);
    return () => this.recordedListeners.delete(listener);
  }

  list(deviceId: string, limit = 30): StaffCheck[] {
    this.devices.get(deviceId);
    return listChecks(this.db, deviceId, limit);
  }

  /** A device's checks in [fromMs, untilMs), newest first (the maintenance calendar's opening checks). */
  between(deviceId: string, fromMs: number, untilMs: number): StaffCheck[] {
    return listChecksBetween(this.db, deviceId, new Date(fromMs).toISOString(), new Date(untilMs).toISOString());
  }

  /** One warning per active standalone terminal not checked since the store opened today. */
  attentionItems(): AttentionItem[] {
    const store = this.settings.get().store;
    const now = this.clock.now();
    const statuses = new Map(this.devices.statuses().map((s) => [s.deviceId, s]));
    return this.devices
      .list()
      .filter((device) => device.connection.type === 'none' && !checkedSinceOpening(statuses.get(device.id)?.staffCheck?.at, now, store))
      .map((device) => ({
        id: `checks.due:${device.id}`,
        section: 'devices',
        kind: 'checks.due',
        severity: 'warning',
        count: 1,
        textKey: 'checks.notCheckedToday',
        params: { name: device.name },
        link: `/devices/${device.id}`,
      }));
  }
}
