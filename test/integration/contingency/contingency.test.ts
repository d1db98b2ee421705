import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { databasePath, ensureDataDir } from '../../../electron/node/db/connection';
import { migrate } from '../../../electron/node/db/migrations/index';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate, type Device } from '../../../shared/domain/devices';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function start(dir: string, clock = new FakeClock()): { core: AppCore; links: FakeLinks; clock: FakeClock } {
  const links = new FakeLinks();
  const core = createAppCore({ dataDir: dir, mode: 'browser', logger: silentLogger, terminalLinks: links, clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(() => core.dispose());
  return { core, links, clock };
}

async function setup(): Promise<{ core: AppCore; links: FakeLinks; clock: FakeClock; counters: Device[]; backup: Device; dir: string }> {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  const { core, links, clock } = start(temp.dir);
  await core.dispatch('settings.update', { store: { name: 'Jing an store', address: '', timezone: 'Asia/Shanghai', businessHours: { opens: '09:00', closes: '21:00' } } });
  const make = (name: string, port: number) => core.services.devices.create(DeviceCreate.parse({ name, connection: { type: 'tcp', host: '127.0.0.1', port } }));
  const counters = [await make('Counter 1', 20001), await make('Counter 2', 20002)];
  const backup = await make('Backup', 20003);
  for (const d of [...counters, backup]) links.report({ id: d.id, link: 'ready' });
  return { core, links, clock, counters, backup, dir: temp.dir };
}

const issues = (result: unknown) => (result as { error?: { details?: { issues?: { path: string; messageKey: string }[] } } }).error?.details?.issues?.map((i) => `${i.path}:${i.messageKey}`);

describe('the contingency plan', () => {
  it('moves the keep-selling data out of the incident settings, keeping every contact, and leaves the incident preferences', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    ensureDataDir(temp.dir);
    const db = new Database(databasePath(temp.dir));
    const v200 = (await import('../../../electron/node/db/migrations/index')).MIGRATIONS.filter((m) => m.version <= 200);
    migrate(db, v200);
    const old = { autoOpenAfterMinutes: 7, autoResolveOnRecovery: false, backupDeviceIds: ['dev-2'], backupTerminals: 'Phone in the drawer', qrProcedure: 'Open the QR code', emergencyContacts: [{ name: 'Vendor', role: 'hotline', phone: '400-800-1234' }, { name: 'Mr Li', role: 'landlord', phone: '' }] };
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('incidents', ?, '2026-01-01T00:00:00.000Z')").run(JSON.stringify(old));
    db.close();
    const { core } = start(temp.dir);
    const plan = core.services.contingency.plan();
    expect(plan).toMatchObject({ backupDeviceIds: ['dev-2'], backupOther: 'Phone in the drawer', qrProcedure: 'Open the QR code' });
    expect(plan.contacts).toEqual([
      { kind: 'other', name: 'Vendor', role: 'hotline', phone: '400-800-1234', other: '', hours: '', prepare: '' },
      { kind: 'other', name: 'Mr Li', role: 'landlord', phone: '', other: '', hours: '', prepare: '' },
    ]);
    // What was not moved comes from the template; the incident preferences stay where they were.
    expect(plan.customerWording).toContain('扫码');
    expect(core.services.incidents.settings()).toEqual({ autoOpenAfterMinutes: 7, autoResolveOnRecovery: false });
    const stored = JSON.parse((core.db.prepare("SELECT value FROM settings WHERE key = 'incidents'").get() as { value: string }).value) as object;
    expect(Object.keys(stored).sort()).toEqual(['autoOpenAfterMinutes', 'autoResolveOnRecovery']);
  });

  it('starts from the template in the store language; bad input is a field error and saves nothing', async () => {
    const { core, backup, counters } = await setup();
    const first = await core.dispatch('contingency.get', {});
    expect(first).toMatchObject({ ok: true, value: { reviewDue: true, plan: { reviewedOn: null, updatedAt: null } } });
    const contact = { kind: 'vendor', name: 'Ingenico hotline', phone: '400 820 1234', hours: '24/7' };
    expect(await core.dispatch('contingency.save', { contacts: [contact], backupDeviceIds: [backup.id], reviewIntervalMonths: 3 })).toMatchObject({ ok: true });
    const before = core.services.contingency.plan();

    expect(issues(await core.dispatch('contingency.save', { contacts: [contact, { kind: 'it', name: 'IT' }] }))).toEqual(['contacts.1.phone:contingency.contactUnreachable']);
    expect(issues(await core.dispatch('contingency.save', { contacts: [{ ...contact, phone: '400-CALL-NOW' }] }))).toEqual(['contacts.0.phone:contingency.phoneInvalid']);
    expect(issues(await core.dispatch('contingency.save', { reviewIntervalMonths: 0 }))).toEqual(['reviewIntervalMonths:contingency.reviewIntervalInvalid']);
    expect(issues(await core.dispatch('contingency.save', { backupDeviceIds: ['no-such'] }))).toEqual(['backupDeviceIds.0:contingency.unknownDevice']);
    await core.services.devices.archive(counters[1]!.id);
    expect(issues(await core.dispatch('contingency.save', { backupDeviceIds: [backup.id, counters[1]!.id] }))).toEqual(['backupDeviceIds.1:contingency.deviceArchived']);
    expect(issues(await core.dispatch('contingency.save', { roles: [{ duty: 'decides', staffId: 'nobody' }] }))).toEqual(['roles.0.staffId:contingency.unknownStaff']);
    expect(core.services.contingency.plan()).toEqual(before);
    // The parts section's backup pool is the plan's list.
    expect(core.services.parts.backups().map((b) => b.deviceId)).toEqual([backup.id]);
  });

  it('asks for a review once the interval has passed since the last one (or since the first save of a plan never reviewed)', async () => {
    const { core, clock } = await setup();
    const day = 24 * 60 * 60_000;
    // The untouched template: the page says to review it; no badge or notification yet.
    expect(core.services.contingency.view().reviewDue).toBe(true);
    expect(core.services.contingency.attentionItems()).toEqual([]);
    core.services.contingency.save({ reviewIntervalMonths: 2 });
    clock.time += 60 * day;
    expect(core.services.contingency.attentionItems()).toEqual([]);
    clock.time += day;
    expect(core.services.contingency.attentionItems().map((i) => i.textKey)).toEqual(['contingency.attention.neverReviewed']);
    core.services.contingency.review();
    expect(core.services.contingency.attentionItems()).toEqual([]);
    expect(core.services.contingency.view()).toMatchObject({ reviewDue: false, nextReview: '2026-07-02' });
    clock.time += 62 * day;
    expect(core.services.contingency.attentionItems()).toMatchObject([{ kind: 'contingency.review', textKey: 'contingency.attention.reviewDue', params: { months: 2, reviewedOn: '2026-05-02' } }]);
    expect(issues(await core.dispatch('contingency.review', { reviewedOn: '2099-01-01' }))).toEqual(['reviewedOn:contingency.reviewInFuture']);
    expect(issues(await core.dispatch('contingency.review', { reviewedOn: '3 May' }))).toEqual(['reviewedOn:contingency.reviewDateInvalid']);
  });
});

describe('"terminal down"', () => {
  it('opens by itself once every counter terminal is down past the threshold (a down backup does not matter), once, and records the outage in incidents', async () => {
    const { core, links, clock, counters, backup } = await setup();
    core.services.contingency.save({ backupDeviceIds: [backup.id], autoOpenAfterMinutes: 3 });
    core.services.incidents.updateSettings({ autoOpenAfterMinutes: 0 });
    const events: string[] = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'contingency.changed') events.push((payload as { reason: string }).reason);
    });
    links.report({ id: backup.id, link: 'disconnected' });
    links.report({ id: counters[0]!.id, link: 'disconnected' });
    clock.advanceMinutes(1);
    links.report({ id: counters[1]!.id, link: 'failed' });
    clock.advanceMinutes(2);
    expect(core.services.contingency.tick()).toBeNull();
    clock.advanceMinutes(1);
    const session = core.services.contingency.tick();
    expect(session).toMatchObject({ auto: true, outageStart: '2026-03-02T08:01:00.000Z', deviceIds: counters.map((d) => d.id) });
    expect(session!.incidentIds).toHaveLength(2);
    expect(events).toEqual(['autoOpened']);
    clock.advanceMinutes(5);
    expect(core.services.contingency.tick()).toBeNull();
    expect(await core.dispatch('contingency.start', {})).toMatchObject({ ok: false, error: { code: 'conflict', details: { issues: [{ path: 'session', messageKey: 'contingency.sessionAlreadyOpen' }] } } });

    core.services.contingency.step('switchBackup', true);
    core.services.contingency.step('callContacts', true);
    clock.advanceMinutes(2);
    links.report({ id: counters[0]!.id, link: 'ready' });
    clock.advanceMinutes(1);
    const ended = core.services.contingency.end(true);
    expect(ended).toMatchObject({ cardPaymentBack: true, minutesWithoutCard: 11, endedAt: '2026-03-02T08:12:00.000Z' });
    // The counter that came back was resolved at its recovery; the other one when card payment was confirmed back.
    const [first, second] = ended.incidentIds.map((id) => core.services.incidents.get(id));
    expect(first).toMatchObject({ deviceId: counters[0]!.id, openedAt: '2026-03-02T08:00:00.000Z', closedAt: '2026-03-02T08:11:00.000Z', durationMs: 11 * 60_000 });
    expect(second).toMatchObject({ deviceId: counters[1]!.id, openedAt: '2026-03-02T08:01:00.000Z', closedAt: '2026-03-02T08:12:00.000Z', durationMs: 11 * 60_000, fallbackUsed: '终端停机：11 分钟无法刷卡' });
    expect(second!.steps.at(-1)).toMatchObject({ answer: '11 分钟后恢复刷卡', note: '切换到备用终端; 电话求助' });
    expect(core.services.contingency.currentSession()).toBeNull();
    expect(core.services.contingency.sessions()[0]).toMatchObject({ id: session!.id, cardPaymentBack: true });
    // The same outage does not open it again; the next one does.
    expect(core.services.contingency.tick()).toBeNull();
    links.report({ id: counters[0]!.id, link: 'disconnected' });
    clock.advanceMinutes(4);
    expect(core.services.contingency.tick()).toMatchObject({ auto: true, outageStart: '2026-03-02T08:12:00.000Z' });
  });

  it('opens and works while a backup holds the database, and writes it all once the database answers', async () => {
    const { core, links, clock, counters, dir } = await setup();
    for (const d of counters) links.report({ id: d.id, link: 'disconnected' });
    clock.advanceMinutes(5);
    // Another connection holds the write lock, as a backup or a long reconciliation can.
    const other = new Database(databasePath(dir));
    other.pragma('busy_timeout = 0');
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const session = core.services.contingency.start();
      expect(session).toMatchObject({ pendingWrite: true, incidentIds: [], deviceIds: counters.map((d) => d.id) });
      expect(core.services.contingency.step('tellCustomers', true).steps.map((s) => s.step)).toEqual(['tellCustomers']);
      expect(core.services.contingency.currentSession()).toMatchObject({ id: session.id, pendingWrite: true });
      expect((await core.dispatch('contingency.start', {})).ok).toBe(false);
      expect(core.services.contingency.end(false)).toMatchObject({ pendingWrite: true, minutesWithoutCard: 5 });
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(core.services.contingency.sessions()[0]).toMatchObject({ pendingWrite: true });
    core.services.contingency.tick();
    const [saved] = core.services.contingency.sessions();
    expect(saved).toMatchObject({ pendingWrite: false, cardPaymentBack: false, steps: [{ step: 'tellCustomers' }] });
    expect(saved!.incidentIds).toHaveLength(2);
    const incident = core.services.incidents.get(saved!.incidentIds[0]!);
    expect(incident).toMatchObject({ closedAt: null, openedAt: '2026-03-02T08:00:00.000Z', fallbackUsed: '终端停机：5 分钟无法刷卡' });
  });
});
