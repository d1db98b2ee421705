import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function start(dir: string, links: FakeLinks, clock: FakeClock): AppCore {
  const core = createAppCore({ dataDir: dir, mode: 'browser', logger: silentLogger, terminalLinks: links, clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(() => core.dispose());
  return core;
}

/** A terminal that went offline and has an incident the manager is diagnosing. */
async function offlineWithIncident(core: AppCore, links: FakeLinks, clock: FakeClock) {
  const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'serial', path: 'COM3' } }));
  links.report({ id: device.id, link: 'ready' });
  links.report({ id: device.id, link: 'disconnected' });
  clock.advanceMinutes(2);
  const incident = core.services.incidents.open({ deviceId: device.id });
  core.services.incidents.update({ id: incident.id, state: 'diagnosing' });
  return { device, incident };
}

describe('a terminal that is reachable again after a restart or a restore', () => {
  it('does not resolve the open incident when the app starts again and the link comes up', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const clock = new FakeClock();
    const firstLinks = new FakeLinks();
    const core = start(temp.dir, firstLinks, clock);
    const { device, incident } = await offlineWithIncident(core, firstLinks, clock);
    core.dispose();

    clock.advanceMinutes(30);
    const nextLinks = new FakeLinks();
    const again = start(temp.dir, nextLinks, clock);
    const notices: unknown[] = [];
    again.bus.subscribe((event, payload) => {
      if (event === 'devices.statusChanged') notices.push((payload as { notify: unknown }).notify);
    });
    nextLinks.report({ id: device.id, link: 'connecting' });
    nextLinks.report({ id: device.id, link: 'ready' });
    expect(again.services.incidents.get(incident.id)).toMatchObject({ state: 'diagnosing', closedAt: null, autoResolved: false });
    expect(notices).not.toContain('recovered');
    expect(again.services.devices.status(device.id).overall).toBe('ok');

    // A fault after the start, and its recovery, are real: that one closes by itself.
    nextLinks.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(1);
    nextLinks.report({ id: device.id, link: 'ready' });
    expect(again.services.incidents.get(incident.id)).toMatchObject({ state: 'resolved', autoResolved: true });
  });

  it('does not resolve an incident that was open in the restored backup when the links re-attach', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const clock = new FakeClock();
    const links = new FakeLinks();
    const core = start(temp.dir, links, clock);
    const { device, incident } = await offlineWithIncident(core, links, clock);
    const folder = path.join(temp.dir, '..', `${path.basename(temp.dir)}-usb`);
    mkdirSync(folder, { recursive: true });
    const backup = await core.services.backup.create({ folder, noEncryption: true });
    clock.advanceMinutes(5);
    await core.services.backup.restore({ file: backup.file!, confirm: true }, { drill: false });
    links.report({ id: device.id, link: 'connecting' });
    links.report({ id: device.id, link: 'ready' });
    expect(core.services.incidents.get(incident.id)).toMatchObject({ state: 'diagnosing', closedAt: null });
  });
});
