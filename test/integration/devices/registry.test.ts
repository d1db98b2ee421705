import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import type { EventName } from '../../../shared/ipc/contract';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function app(): { core: AppCore; links: FakeLinks; clock: FakeClock; events: [EventName, unknown][] } {
  const temp = tempDir();
  const links = new FakeLinks();
  const clock = new FakeClock();
  const core = createAppCore({
    dataDir: temp.dir,
    mode: 'browser',
    logger: silentLogger,
    terminalLinks: links,
    clock,
    resolveHost: (host) => Promise.resolve(host !== 'no-such-host.invalid'),
  });
  const events: [EventName, unknown][] = [];
  core.bus.subscribe((name, payload) => events.push([name, payload]));
  cleanups.push(temp.cleanup, () => core.dispose());
  return { core, links, clock, events };
}

const counter = { name: 'Counter 1', model: 'VX 520', connection: { type: 'serial', path: 'COM3' } };

/** Creates a device through the api, as the console does, and returns its id (fails the test if refused). */
async function createdId(core: AppCore, input: Record<string, unknown>): Promise<string> {
  const created = await core.dispatch('devices.create', input);
  expect(created.ok).toBe(true);
  if (!created.ok) throw new Error(created.error.message);
  return (created.value as { id: string }).id;
}

describe('the status history of a terminal', () => {
  it('shows a newly added terminal as unknown while it connects, not offline and then recovered', async () => {
    const { core, links, events } = app();
    const id = await createdId(core, counter);
    links.report({ id, link: 'connecting' });
    expect(core.services.devices.status(id).overall).toBe('unknown');
    links.report({ id, link: 'registering' });
    links.report({ id, link: 'ready', terminalStatus: 0 });
    expect(core.services.devices.status(id).overall).toBe('ok');
    const notices = events.filter(([name]) => name === 'devices.statusChanged').map(([, payload]) => (payload as { notify: unknown }).notify);
    expect(notices).not.toContain('recovered');
    expect(notices).not.toContain('down');
    expect(core.services.devices.history(id).map((h) => h.overall)).not.toContain('offline');
  });

  it('records one outage, not a row per reconnect attempt, while a terminal stays away', async () => {
    const { core, links, clock } = app();
    const id = await createdId(core, counter);
    links.report({ id, link: 'ready', terminalStatus: 0 });
    const before = core.services.devices.history(id).length;
    links.report({ id, link: 'failed' });
    for (let attempt = 0; attempt < 30; attempt++) {
      clock.advanceMinutes(1);
      links.report({ id, link: 'connecting' });
      links.report({ id, link: 'failed' });
    }
    expect(core.services.devices.status(id).overall).toBe('offline');
    links.report({ id, link: 'connecting' });
    links.report({ id, link: 'ready', terminalStatus: 0 });
    const rows = core.services.devices.history(id);
    // ok -> offline (once) -> ok
    expect(rows.length - before).toBe(2);
    expect(rows.slice(0, 2).map((h) => h.overall)).toEqual(['ok', 'offline']);
  });
});

describe('the device registry', () => {
  it('creates a device with defaults for the serial line and adds it to the terminal manager', async () => {
    const { core, links } = app();
    const result = await core.dispatch('devices.create', counter);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ name: 'Counter 1', connection: { type: 'serial', path: 'COM3', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 2 }, archived: false });
    expect(links.added.map((s) => s.id)).toEqual([(result.value as { id: string }).id]);
  });

  it('hands the terminal password to the manager, keeps it through an edit and a CSV import without it, and refuses a bad one', async () => {
    const { core, links } = app();
    const id = await createdId(core, { ...counter, terminalPassword: '123456' });
    expect(links.added.at(-1)).toMatchObject({ id, password: '123456' });
    // An edit that does not send the password keeps it, and the link is not rebuilt.
    links.added.length = 0;
    await core.dispatch('devices.update', { id, ...counter, notes: 'by the door' });
    expect(core.services.devices.get(id).terminalPassword).toBe('123456');
    expect(links.added).toEqual([]);
    // The CSV never carries it; importing the exported registry keeps it.
    await core.dispatch('devices.importCsv', { csv: core.services.devices.exportCsv() });
    expect(core.services.devices.get(id).terminalPassword).toBe('123456');
    // A changed password re-registers with the new one.
    await core.dispatch('devices.update', { id, ...counter, terminalPassword: '654321' });
    expect(links.added.at(-1)).toMatchObject({ id, password: '654321' });
    const bad = await core.dispatch('devices.update', { id, ...counter, terminalPassword: '12ab' });
    expect(!bad.ok && bad.error.details?.issues?.[0]).toMatchObject({ path: 'terminalPassword', messageKey: 'devices.invalidTerminalPassword' });
    expect(core.services.devices.get(id).terminalPassword).toBe('654321');
    // Empty means the factory default: the manager gets no password and uses 000000.
    await core.dispatch('devices.update', { id, ...counter, terminalPassword: '' });
    expect(links.added.at(-1)).not.toHaveProperty('password');
  });

  it('hands the vendor profile to the manager (generic by default), keeps it through an edit and a CSV import without it, and refuses an unknown one', async () => {
    const { core, links } = app();
    const plain = await core.dispatch('devices.create', { ...counter, connection: { type: 'serial', path: 'COM4' } });
    expect(plain.ok && plain.value).toMatchObject({ profileId: 'generic' });
    expect(links.added.at(-1)).toMatchObject({ profileId: 'generic' });
    const id = await createdId(core, { ...counter, profileId: 'latin1' });
    expect(links.added.at(-1)).toMatchObject({ id, profileId: 'latin1' });
    // An edit without the profile keeps it and does not rebuild the link; the CSV does not carry it.
    links.added.length = 0;
    await core.dispatch('devices.update', { id, ...counter, notes: 'by the door' });
    await core.dispatch('devices.importCsv', { csv: core.services.devices.exportCsv() });
    expect(core.services.devices.get(id).profileId).toBe('latin1');
    expect(links.added).toEqual([]);
    // A changed profile reconnects with the new one.
    await core.dispatch('devices.update', { id, ...counter, profileId: 'no-abort' });
    expect(links.removed.at(-1)).toBe(id);
    expect(links.added.at(-1)).toMatchObject({ id, profileId: 'no-abort' });
    // An unknown id is a field error, not a silent fallback to generic.
    const bad = await core.dispatch('devices.update', { id, ...counter, profileId: 'acme-9000' });
    expect(!bad.ok && bad.error.details?.issues?.[0]).toMatchObject({ path: 'profileId', messageKey: 'devices.unknownProfile' });
    const badCreate = await core.dispatch('devices.create', { ...counter, connection: { type: 'serial', path: 'COM5' }, profileId: 'acme-9000' });
    expect(!badCreate.ok && badCreate.error.details?.issues?.[0]).toMatchObject({ path: 'profileId', messageKey: 'devices.unknownProfile' });
    expect(core.services.devices.get(id).profileId).toBe('no-abort');
    expect(core.services.devices.list().map((device) => device.connection)).not.toContainEqual(expect.objectContaining({ path: 'COM5' }));
  });

  it('refuses a second device on the same serial port with a field error and saves nothing', async () => {
    const { core } = app();
    await core.dispatch('devices.create', counter);
    const result = await core.dispatch('devices.create', { ...counter, name: 'Counter 2', connection: { type: 'serial', path: 'com3' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    expect(result.error.details?.issues).toEqual([{ path: 'connection.path', code: 'custom', messageKey: 'devices.portInUse' }]);
    expect(core.services.devices.list()).toHaveLength(1);
  });

  it('refuses a host that does not resolve and an impossible date range, field by field', async () => {
    const { core } = app();
    const host = await core.dispatch('devices.create', { name: 'Bar', connection: { type: 'tcp', host: 'no-such-host.invalid', port: 20007 } });
    expect(!host.ok && host.error.details?.issues?.[0]).toMatchObject({ path: 'connection.host', messageKey: 'devices.hostUnresolvable' });
    const dates = await core.dispatch('devices.create', { ...counter, purchaseDate: '2026-03-01', warrantyEnd: '2025-03-01' });
    expect(!dates.ok && dates.error.details?.issues?.[0]).toMatchObject({ path: 'warrantyEnd', messageKey: 'devices.warrantyBeforePurchase' });
    const impossible = await core.dispatch('devices.create', { ...counter, purchaseDate: '2026-02-30' });
    expect(!impossible.ok && impossible.error.details?.issues?.[0]).toMatchObject({ path: 'purchaseDate', messageKey: 'devices.invalidDate' });
    expect(core.services.devices.list(true)).toHaveLength(0);
  });

  it('archives instead of deleting: the device leaves the list and the manager but can still be read', async () => {
    const { core, links } = app();
    const created = await core.services.devices.create(DeviceCreate.parse(counter));
    await core.dispatch('devices.archive', { id: created.id });
    expect(core.services.devices.list()).toHaveLength(0);
    expect(core.services.devices.get(created.id).archived).toBe(true);
    expect(links.removed).toEqual([created.id]);
    // Its port is free again.
    expect((await core.dispatch('devices.create', { ...counter, name: 'New counter' })).ok).toBe(true);
  });

  it('exports the registry as CSV and imports it back into an empty registry', async () => {
    const first = app();
    await first.core.dispatch('devices.create', { ...counter, serialNumber: 'SN-1, "A"', purchaseDate: '2025-01-15' });
    await first.core.dispatch('devices.create', { name: 'Bar', connection: { type: 'tcp', host: '10.0.0.7', port: 20007 } });
    const exported = await first.core.dispatch('devices.exportCsv', {});
    expect(exported.ok).toBe(true);
    if (!exported.ok) return;
    const csv = (exported.value as { csv: string }).csv;
    const second = app();
    const imported = await second.core.dispatch('devices.importCsv', { csv });
    expect(imported.ok && imported.value).toEqual({ created: 2, updated: 0, errors: [] });
    const names = second.core.services.devices.list().map((d) => [d.name, d.serialNumber, d.purchaseDate]);
    expect(names).toEqual([['Bar', '', null], ['Counter 1', 'SN-1, "A"', '2025-01-15']]);
  });

  it('imports nothing when one CSV line is wrong and names the line', async () => {
    const { core } = app();
    const csv = 'name,connectionType,serialPath,purchaseDate\nA,serial,COM1,\nB,serial,COM2,2026-13-01\n';
    const result = await core.dispatch('devices.importCsv', { csv });
    expect(result.ok && result.value).toEqual({ created: 0, updated: 0, errors: [{ line: 3, issues: [{ path: 'purchaseDate', messageKey: 'devices.invalidDate' }] }] });
    expect(core.services.devices.list()).toHaveLength(0);
  });

  it('checks every CSV line with the rules of create and update before saving, saves nothing on any error and names every bad line', async () => {
    const { core, links, events } = app();
    const kept = await core.services.devices.create(DeviceCreate.parse({ ...counter, name: 'Kept' }));
    const gone = await core.services.devices.create(DeviceCreate.parse({ ...counter, name: 'Gone', connection: { type: 'serial', path: 'COM9' } }));
    await core.services.devices.archive(gone.id);
    links.added.length = 0;
    events.length = 0;
    const csv = [
      'id,name,connectionType,serialPath,host,port,purchaseDate',
      ',Good,serial,COM1,,,', // fine on its own
      ',Far,tcp,,no-such-host.invalid,20007,', // host does not resolve (only create() checked this before)
      `${gone.id},Gone again,serial,COM7,,,`, // an archived device (only update() checked this before)
      ',Twin,serial,com1,,,2026-02-30', // the port of line 2, and an impossible date
      ',Taken,serial,COM3,,,', // the port of the device "Kept"
    ].join('\n');
    const result = await core.dispatch('devices.importCsv', { csv });
    expect(result.ok && result.value).toEqual({
      created: 0,
      updated: 0,
      errors: [
        { line: 3, issues: [{ path: 'connection.host', messageKey: 'devices.hostUnresolvable' }] },
        { line: 4, issues: [{ path: 'id', messageKey: 'devices.archivedDevice' }] },
        { line: 5, issues: [{ path: 'purchaseDate', messageKey: 'devices.invalidDate' }, { path: 'connection.path', messageKey: 'devices.portInUse' }] },
        { line: 6, issues: [{ path: 'connection.path', messageKey: 'devices.portInUse' }] },
      ],
    });
    expect(core.services.devices.list(true).map((d) => d.name).sort()).toEqual(['Gone', 'Kept']);
    expect(core.services.devices.get(kept.id).connection).toMatchObject({ path: 'COM3' });
    expect(links.added).toEqual([]);
    expect(events.filter(([name]) => name === 'devices.changed')).toEqual([]);
  });

  it('imports a file that moves a port from one device to another, in one go', async () => {
    const { core, links } = app();
    const first = await core.services.devices.create(DeviceCreate.parse({ ...counter, name: 'First', connection: { type: 'serial', path: 'COM1' } }));
    const csv = `id,name,connectionType,serialPath\n${first.id},First,serial,COM2\n,Second,serial,COM1\n`;
    const result = await core.dispatch('devices.importCsv', { csv });
    expect(result.ok && result.value).toEqual({ created: 1, updated: 1, errors: [] });
    expect(core.services.devices.list().map((d) => [d.name, (d.connection as { path: string }).path])).toEqual([['First', 'COM2'], ['Second', 'COM1']]);
    expect(links.added.map((s) => s.name)).toEqual(['First', 'First', 'Second']);
  });

  it('keeps an archived device archived when its exported line comes back, and creates archived lines as archived', async () => {
    const first = app();
    const old = await first.core.services.devices.create(DeviceCreate.parse(counter));
    await first.core.services.devices.archive(old.id);
    await first.core.services.devices.create(DeviceCreate.parse({ ...counter, name: 'New counter' }));
    const csv = first.core.services.devices.exportCsv();
    // Back into the same registry: the archived line is skipped, the active one updated.
    expect(await first.core.services.devices.importCsv(csv)).toEqual({ created: 0, updated: 1, errors: [] });
    // Into an empty registry: both kept, the old one archived, so its port does not clash.
    const second = app();
    expect(await second.core.services.devices.importCsv(csv)).toEqual({ created: 2, updated: 0, errors: [] });
    expect(second.core.services.devices.list(true).map((d) => [d.name, d.archived])).toEqual([['New counter', false], ['Counter 1', true]]);
    expect(second.links.added.map((s) => s.name)).toEqual(['New counter']);
  });

  it('keeps the photo when an update does not send one, removes it on null, and keeps it through a CSV import', async () => {
    const { core } = app();
    const photo = `data:image/png;base64,${Buffer.from('not really a png').toString('base64')}`;
    const id = await createdId(core, { ...counter, photo });
    const edited = await core.dispatch('devices.update', { id, ...counter, notes: 'moved to till 2' });
    expect(edited.ok && edited.value).toMatchObject({ notes: 'moved to till 2', photo });
    const csv = `id,name,connectionType,serialPath\n${id},Counter renamed,serial,COM3\n`;
    expect(await core.services.devices.importCsv(csv)).toMatchObject({ updated: 1, errors: [] });
    expect(core.services.devices.get(id)).toMatchObject({ name: 'Counter renamed', photo });
    const removed = await core.dispatch('devices.update', { id, ...counter, photo: null });
    expect(removed.ok && removed.value).toMatchObject({ photo: null });
  });

  it('refuses a photo that is not a PNG, JPEG or WebP image, or too large', async () => {
    const { core } = app();
    const gif = await core.dispatch('devices.create', { ...counter, photo: 'data:image/gif;base64,R0lGOD' });
    expect(!gif.ok && gif.error.details?.issues?.[0]).toMatchObject({ path: 'photo', messageKey: 'devices.invalidPhoto' });
    const huge = await core.dispatch('devices.create', { ...counter, photo: `data:image/png;base64,${'A'.repeat(1_400_000)}` });
    expect(!huge.ok && huge.error.details?.issues?.[0]).toMatchObject({ path: 'photo', messageKey: 'devices.photoTooLarge' });
    expect(core.services.devices.list()).toHaveLength(0);
  });

  it('judges software current against the version the manager set for the model, and guesses from other terminals when none is set', async () => {
    const { core, links } = app();
    const old = await core.services.devices.create(DeviceCreate.parse(counter));
    const newer = await core.services.devices.create(DeviceCreate.parse({ ...counter, name: 'Counter 2', connection: { type: 'serial', path: 'COM4' } }));
    links.report({ id: old.id, link: 'ready', terminalStatus: 0, softwareVersion: '1.9.0' });
    links.report({ id: newer.id, link: 'ready', terminalStatus: 0, softwareVersion: '2.1.0' });
    // No setting: the newest version seen on a VX 520 (2.1.0) is taken as current.
    expect(core.services.devices.status(old.id)).toMatchObject({ softwareCurrent: false, overall: 'degraded' });
    // The manager says 1.9.0 is the current release (2.1.0 is a beta): both are current, at once.
    const saved = await core.dispatch('devices.updateSettings', { currentSoftware: [{ model: 'vx 520', version: '1.9.0' }] });
    expect(saved.ok && saved.value).toEqual({ currentSoftware: [{ model: 'vx 520', version: '1.9.0' }] });
    expect(core.services.devices.status(old.id)).toMatchObject({ softwareCurrent: true, overall: 'ok' });
    expect(core.services.devices.status(newer.id)).toMatchObject({ softwareCurrent: true, overall: 'ok' });
    // A newer release is set: both are behind.
    core.services.devices.updateSettings({ currentSoftware: [{ model: 'VX 520', version: '2.2' }] });
    expect(core.services.devices.status(newer.id)).toMatchObject({ softwareCurrent: false, overall: 'degraded' });
    // Removed again: back to the guess.
    core.services.devices.updateSettings({ currentSoftware: [] });
    expect(core.services.devices.status(newer.id).softwareCurrent).toBe(true);
    expect(core.services.devices.status(old.id).softwareCurrent).toBe(false);
    const twice = await core.dispatch('devices.updateSettings', { currentSoftware: [{ model: 'A', version: '1' }, { model: 'a', version: '2' }] });
    expect(!twice.ok && twice.error.details?.issues).toEqual([{ path: 'currentSoftware.1.model', code: 'custom', messageKey: 'devices.modelTwice' }]);
  });

  it('fills TID, software version and serial number in from what the terminal reports on connect', async () => {
    const { core, links } = app();
    const device = await core.services.devices.create(DeviceCreate.parse(counter));
    links.report({ id: device.id, link: 'ready', tid: '12345678', softwareVersion: '2.1.0', serialNumber: 'SN-9' });
    expect(core.services.devices.get(device.id)).toMatchObject({ tid: '12345678', softwareVersion: '2.1.0', serialNumber: 'SN-9' });
  });

  it('stores a status history row only when the status changes, and announces going down and recovering', async () => {
    const { core, links, clock, events } = app();
    const device = await core.services.devices.create(DeviceCreate.parse(counter));
    links.report({ id: device.id, link: 'ready' });
    core.services.devices.observe({ deviceId: device.id, terminalStatus: 0 });
    core.services.devices.observe({ deviceId: device.id, terminalStatus: 0 });
    clock.advanceMinutes(1);
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(1);
    links.report({ id: device.id, link: 'ready' });
    const history = core.services.devices.history(device.id);
    expect(history.map((h) => [h.previousOverall, h.overall])).toEqual([
      ['offline', 'ok'],
      ['ok', 'offline'],
      ['ok', 'ok'],
      [null, 'ok'],
    ]);
    const notices = events.filter(([n]) => n === 'devices.statusChanged').map(([, p]) => (p as { notify: string | null }).notify);
    expect(notices.filter(Boolean)).toEqual(['down', 'recovered']);
    expect(core.services.devices.status(device.id).since).toBe('2026-03-02T08:02:00.000Z');
  });

  it('runs a command, records it with its print lines and feeds the result to the status', async () => {
    const { core, links } = app();
    const device = await core.services.devices.create(DeviceCreate.parse(counter));
    links.report({ id: device.id, link: 'ready' });
    links.answers.set('diagnosis', { ok: false, summary: 'printer not ready', terminalStatus: 0xcc, printLines: ['DIAGNOSIS', 'PRINTER: ERR'] });
    const result = await core.dispatch('devices.runCommand', { id: device.id, command: 'diagnosis' });
    expect(result.ok && result.value).toMatchObject({ command: 'diagnosis', ok: false, summary: 'printer not ready', printLines: ['DIAGNOSIS', 'PRINTER: ERR'] });
    expect(core.services.devices.status(device.id)).toMatchObject({ overall: 'fault', printer: 'noPaper', lastErrorCode: 'terminal:0xCC' });
  });
});
