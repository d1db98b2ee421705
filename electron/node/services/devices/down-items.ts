/**
 * The registry's attention items: one critical "terminal down" item per active terminal that is
 * down (fault or offline), linking to it, and the "back" notification when such an item clears
 * because the terminal recovered (not because it was archived).
 */
import type { AttentionItem } from '../../../../shared/domain/attention';
import type { Device } from '../../../../shared/domain/devices';
import { isDown, type DeviceStatus } from '../../../../shared/domain/status';
import type { Db } from '../../db/connection';
import { getDevice } from '../../db/devices';
import { readStatus } from '../../db/device-status';

/** The id of a terminal's down item: this prefix and the device id. */
const DOWN_ITEM = 'devices.down:';

export function downItems(devices: Device[], statuses: DeviceStatus[]): AttentionItem[] {
  const names = new Map(devices.map((device) => [device.id, device.name]));
  return statuses
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

export function downItemCleared(db: Db, item: AttentionItem): { textKey: string; params: AttentionItem['params'] } | undefined {
  const device = item.id.startsWith(DOWN_ITEM) ? getDevice(db, item.id.slice(DOWN_ITEM.length)) : undefined;
  const status = device && !device.archived ? readStatus(db, device.id) : undefined;
  if (!device || !status || isDown(status.overall) || status.overall === 'unknown') return undefined;
  return { textKey: 'status.bannerRecovered', params: { name: device.name, stateKey: `status.overall.${status.overall}` } };
}
