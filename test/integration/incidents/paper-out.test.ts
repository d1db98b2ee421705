import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate, type Device } from '../../../shared/domain/devices';
import { rankGuides, suggestGuide } from '../../../shared/domain/guides';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

async function outOfPaper(): Promise<{ core: AppCore; links: FakeLinks; clock: FakeClock; device: Device }> {
  const temp = tempDir();
  const links = new FakeLinks();
  const clock = new FakeClock();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: links, clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'serial', path: 'COM3' } }));
  links.report({ id: device.id, link: 'ready', terminalStatus: 0 });
  // What the terminal manager reports when a status enquiry answers CC "printer not ready".
  links.report({ id: device.id, link: 'degraded', terminalStatus: 0xcc });
  return { core, links, clock, device };
}

describe('a terminal out of paper', () => {
  it('is down for the shop over a working link, and opens its incident by itself with the printer guide', async () => {
    const { core, clock, device } = await outOfPaper();
    expect(core.services.devices.status(device.id)).toMatchObject({ overall: 'fault', link: 'ready', printer: 'noPaper' });
    core.services.incidents.updateSettings({ autoOpenAfterMinutes: 5 });
    clock.advanceMinutes(5);
    const [incident] = core.services.incidents.tick();
    expect(incident).toMatchObject({ guideId: 'printer', autoSymptoms: { printer: 'noPaper', link: 'ready', errorCode: 'terminal:0xCC' } });
  });

  it('fills the symptoms and the printer guide into an incident the manager opens on it', async () => {
    const { core, device } = await outOfPaper();
    const incident = core.services.incidents.open({ deviceId: device.id });
    expect(incident).toMatchObject({ guideId: 'printer', autoOpened: false, autoSymptoms: { overall: 'fault', printer: 'noPaper' } });
    expect(incident.symptoms).not.toBe('');
    // The manager's own words and choice win.
    const own = core.services.incidents.open({ deviceId: device.id, symptoms: '小票打不出来', guideId: 'power' });
    expect(own).toMatchObject({ symptoms: '小票打不出来', guideId: 'power', autoSymptoms: null });
    // Rewriting the filled-in symptoms makes them the manager's.
    expect(core.services.incidents.update({ id: incident.id, symptoms: '纸用完了' }).autoSymptoms).toBeNull();
  });

  it('moves the incident with its guide: diagnosing while answering, resolved at "solved", waiting for the vendor at "call the vendor"', async () => {
    const { core, clock, device } = await outOfPaper();
    const incidents = core.services.incidents;
    const solved = incidents.open({ deviceId: device.id });
    incidents.recordStep({ id: solved.id, guideId: 'printer', nodeId: 'paper', prompt: 'paper?', answer: 'yes' });
    expect(incidents.get(solved.id).state).toBe('diagnosing');
    clock.advanceMinutes(4);
    const done = incidents.recordStep({ id: solved.id, guideId: 'printer', nodeId: 'fixed', prompt: 'fixed', answer: 'solved' });
    expect(done).toMatchObject({ state: 'resolved', closedAt: '2026-03-02T08:04:00.000Z', durationMs: 4 * 60_000 });

    const stuck = incidents.open({ deviceId: device.id });
    expect(incidents.recordStep({ id: stuck.id, guideId: 'printer', nodeId: 'escalate', prompt: 'vendor', answer: 'call' })).toMatchObject({ state: 'waitingVendor', closedAt: null });
  });

  it('lists the printer guide first among the guides, not in alphabetical order of ids', async () => {
    const { core, device } = await outOfPaper();
    const status = core.services.devices.status(device.id);
    expect(suggestGuide(status)).toBe('printer');
    const ranked = rankGuides(core.services.incidents.guides(), status).map((g) => g.id);
    expect(ranked[0]).toBe('printer');
    expect(ranked).toHaveLength(core.services.incidents.guides().length);
    // An offline terminal: cables and contacts first, whatever its last printer state.
    expect(rankGuides(core.services.incidents.guides(), { ...status, overall: 'offline' })[0]!.id).toBe('contacts');
  });
});
