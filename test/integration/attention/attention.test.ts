import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import type { NativeShell } from '../../../electron/node/api/services';
import { insertSkippedBackup } from '../../../electron/node/db/backup';
import { silentLogger } from '../../../electron/node/log/logger';
import { attentionText } from '../../../electron/node/services/attention/texts';
import type { AttentionChangedEvent, AttentionItem } from '../../../shared/domain/attention';
import { DeviceCreate, type Device } from '../../../shared/domain/devices';
import { FakeClock } from '../../helpers/clock';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

interface World {
  core: AppCore;
  links: FakeLinks;
  clock: FakeClock;
  device: Device;
  /** Bodies of the desktop notifications shown. */
  shown: string[];
  events: AttentionChangedEvent[];
}

async function world(): Promise<World> {
  const temp = tempDir();
  const links = new FakeLinks();
  const clock = new FakeClock();
  const shown: string[] = [];
  const native: NativeShell = {
    pickFolder: () => Promise.resolve({ path: null }),
    pickFile: () => Promise.resolve({ path: null }),
    savePdf: () => Promise.resolve({ path: null }),
    notify: (_title, body) => shown.push(body),
  };
  const core = createAppCore({ dataDir: temp.dir, mode: 'electron', logger: silentLogger, terminalLinks: links, clock, native, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  await core.dispatch('settings.update', { language: 'en' });
  const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'serial', path: 'COM3' } }));
  links.report({ id: device.id, link: 'ready' });
  const events: AttentionChangedEvent[] = [];
  cleanups.push(core.bus.subscribe((name, payload) => name === 'attention.changed' && events.push(payload as AttentionChangedEvent)));
  return { core, links, clock, device, shown, events };
}

function part(id: string, count = 1): AttentionItem {
  return { id, section: 'parts', kind: 'parts.low', severity: 'warning', count, textKey: 'attention.title', params: {}, link: '/parts' };
}

describe('attention', () => {
  it('notifies once when a terminal goes down, not on every republish or tick, and again after it came back and went down again', async () => {
    const { core, links, clock, device, shown } = await world();
    links.report({ id: device.id, link: 'disconnected' });
    expect(shown).toEqual(['Counter 1 is Offline']);
    // The same outage: status updates, a reconnect attempt, ticks of the clock, an explicit refresh.
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(5);
    core.services.attention.refresh();
    expect(shown).toEqual(['Counter 1 is Offline']);
    const listed = await core.dispatch('attention.list', {});
    expect(listed.ok && listed.value).toMatchObject({ badges: { devices: 1 }, items: [{ id: `devices.down:${device.id}`, section: 'devices', kind: 'devices.down', severity: 'critical', link: `/devices/${device.id}` }] });
    // Back: the item clears, with the all-clear the desktop always showed.
    links.report({ id: device.id, link: 'ready' });
    expect(shown).toEqual(['Counter 1 is Offline', 'Counter 1 is back (OK)']);
    expect(core.services.attention.list()).toEqual({ items: [], badges: {}, mutedKinds: [] });
    links.report({ id: device.id, link: 'disconnected' });
    expect(shown).toHaveLength(3);
  });

  it('stays quiet for changes that are neither a failure nor a recovery, and for a terminal archived while down', async () => {
    const { core, links, device, shown } = await world();
    // Old software makes a terminal degraded, not down.
    await core.services.devices.update(device.id, DeviceCreate.parse({ name: 'Counter 1', model: 'VX 520', connection: { type: 'serial', path: 'COM3' } }));
    core.services.devices.updateSettings({ currentSoftware: [{ model: 'VX 520', version: '2.0.0' }] });
    links.report({ id: device.id, link: 'ready', softwareVersion: '1.0.0' });
    expect(core.services.devices.status(device.id).overall).toBe('degraded');
    expect(shown).toEqual([]);
    links.report({ id: device.id, link: 'disconnected' });
    await core.services.devices.archive(device.id);
    expect(shown).toEqual(['Counter 1 is Offline']);
    expect(core.services.attention.list().items).toEqual([]);
  });

  it('words the notifications in the manager’s language', async () => {
    const { core, links, device, shown } = await world();
    await core.dispatch('settings.update', { language: 'zh-CN' });
    await core.services.devices.update(device.id, { ...DeviceCreate.parse({ name: '1号收银台', connection: { type: 'serial', path: 'COM3' } }) });
    links.report({ id: device.id, link: 'disconnected' });
    expect(shown).toEqual(['1号收银台：离线']);
    expect(attentionText('en', 'status.bannerRecovered', { name: 'Counter 1', stateKey: 'status.overall.ok' })).toBe('Counter 1 is back (OK)');
  });

  it('replaces a section’s set on publish: kept ids are not announced again, new ids are, dropped ones leave the badges', async () => {
    const { core, events } = await world();
    const attention = core.services.attention;
    attention.publish('parts', [part('parts.low:a'), part('parts.low:b', 3)]);
    expect(attention.list().badges).toEqual({ parts: 4 });
    expect(events.at(-1)?.notices.map((n) => n.id)).toEqual(['parts.low:a', 'parts.low:b']);
    attention.publish('parts', [part('parts.low:b', 2), part('parts.low:c')]);
    expect(attention.list().items.map((i) => i.id)).toEqual(['parts.low:b', 'parts.low:c']);
    expect(attention.list().badges).toEqual({ parts: 3 });
    expect(events.at(-1)?.notices.map((n) => n.id)).toEqual(['parts.low:c']);
    const count = events.length;
    attention.publish('parts', [part('parts.low:b', 2), part('parts.low:c')]);
    expect(events).toHaveLength(count);
    attention.publish('parts', []);
    expect(attention.list().badges).toEqual({});
    expect(() => attention.publish('parts', [{ ...part('x'), section: 'training' }])).toThrow(/belongs to training/);
  });

  it('lets the manager mute a kind: no badge, card or notification until unmuted, kept across a restart', async () => {
    const { core, links, device, shown } = await world();
    const muted = await core.dispatch('attention.mute', { kind: 'devices.down' });
    expect(muted).toMatchObject({ ok: true, value: { mutedKinds: ['devices.down'] } });
    links.report({ id: device.id, link: 'disconnected' });
    expect(shown).toEqual([]);
    expect(core.services.attention.list()).toMatchObject({ items: [], badges: {} });
    // Unmuted: the item shows, but it did not cross now, so no notification.
    await core.dispatch('attention.unmute', { kind: 'devices.down' });
    expect(core.services.attention.list().badges).toEqual({ devices: 1 });
    expect(shown).toEqual([]);
    await core.dispatch('attention.mute', { kind: 'devices.down' });
    const blank = await core.dispatch('attention.mute', { kind: ' ' });
    expect(blank.ok ? undefined : blank.error.code).toBe('validation');
    expect(core.services.attention.list().mutedKinds).toEqual(['devices.down']);
  });

  it('shows a missed automatic backup as a card linking to the Backup page, and a newer miss as a new crossing', async () => {
    const { core, shown, events } = await world();
    insertSkippedBackup(core.db, { folder: '/media/usb', createdAt: '2026-03-02T21:00:00.000Z', trigger: 'scheduled', encrypted: true, reason: 'folder_missing' });
    core.services.attention.refresh('backup');
    const [item] = core.services.attention.list().items;
    expect(item).toMatchObject({ section: 'backup', kind: 'backup.missed', link: '/backup', params: { reasonKey: 'attention.backupReason.folder_missing' } });
    expect(shown).toEqual(['The last automatic backup did not run (backup folder not found). Open Backup to fix it.']);
    insertSkippedBackup(core.db, { folder: '/media/usb', createdAt: '2026-03-03T21:00:00.000Z', trigger: 'scheduled', encrypted: true, reason: 'passphrase_needed' });
    core.services.attention.refresh('backup');
    expect(shown).toHaveLength(2);
    expect(events.at(-1)?.badges).toEqual({ backup: 1 });
  });
});
