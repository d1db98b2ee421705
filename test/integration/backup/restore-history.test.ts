import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppCore } from '../../../electron/node/app';
import { DeviceCreate } from '../../../shared/domain/devices';
import { backupWorkspace } from '../../helpers/backup';

const PASSPHRASE = 'correct horse battery';
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const setup = () => backupWorkspace(cleanups);

/** Backup file names have a resolution of one second. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

function storeName(core: AppCore, name: string): void {
  core.services.settings.update({ store: { ...core.services.settings.get().store, name } });
}

describe('restoring keeps the backup history of this installation', () => {
  it('keeps the restored-from file and every later backup through a restart and the next backup with retention', async () => {
    const { usb, open } = setup();
    let core = open();
    core.services.backup.updateSettings({ folder: usb, retention: { daily: 1, weekly: 0, monthly: 0 } });
    storeName(core, 'Old name');
    const first = await core.services.backup.create({ folder: usb, passphrase: PASSPHRASE });
    await nextSecond();
    storeName(core, 'New name');
    const second = await core.services.backup.create({ folder: usb, passphrase: PASSPHRASE });

    await core.services.backup.restore({ file: first.file, passphrase: PASSPHRASE, confirm: true }, { drill: false });
    expect(core.services.settings.get().store.name).toBe('Old name');
    const afterRestore = core.services.backup.list();
    // The backup settings of this installation, not those inside the backup, are in force.
    expect(afterRestore.settings).toMatchObject({ folder: usb, retention: { daily: 1, weekly: 0, monthly: 0 } });
    expect(afterRestore.entries.map((e) => [e.file, e.status, e.present])).toEqual([
      [second.file, 'verified', true],
      [first.file, 'verified', true],
    ]);

    // Restart: nothing the restore brought in may turn into an 'interrupted' failure.
    core.dispose();
    core = open();
    expect(core.services.backup.list().entries.map((e) => e.status)).toEqual(['verified', 'verified']);
    await nextSecond();
    const third = await core.services.backup.create({ passphrase: PASSPHRASE });

    // Retention (everything from the last day is kept) did not delete the file restored from.
    for (const file of [first.file, second.file, third.file]) expect(fs.existsSync(file)).toBe(true);
    expect(core.services.backup.list().entries.map((e) => [e.file, e.status, e.present])).toEqual([
      [third.file, 'verified', true],
      [second.file, 'verified', true],
      [first.file, 'verified', true],
    ]);
  }, 30_000);

  it('on a fresh PC keeps the history inside the backup and records the restored file as verified', async () => {
    const { usb, open } = setup();
    const old = open();
    old.services.backup.updateSettings({ folder: usb, dailyHour: 3 });
    const made = await old.services.backup.create({ passphrase: PASSPHRASE });
    old.dispose();

    const fresh = setup();
    const core = fresh.open();
    await core.services.backup.restore({ file: made.file, passphrase: PASSPHRASE, confirm: true }, { drill: false });
    const list = core.services.backup.list();
    // No backup settings on the fresh PC: the backup's own (folder, schedule) come back.
    expect(list.settings).toMatchObject({ folder: usb, dailyHour: 3 });
    expect(list.entries.map((e) => [e.file, e.status, e.present, e.rowCounts.settings])).toEqual([[made.file, 'verified', true, made.rowCounts.settings]]);
  }, 30_000);
});

describe('restoring from a path the manager typed', () => {
  it('says the file is missing, or is a folder, before doing anything', async () => {
    const { usb, open } = setup();
    const core = open();
    storeName(core, 'Untouched');
    for (const operation of ['verify', 'restore'] as const) {
      const run = (file: string) =>
        operation === 'verify' ? core.services.backup.verify({ file }) : core.services.backup.restore({ file, confirm: true }, { drill: false });
      await expect(run(path.join(usb, 'missing.pcbak'))).rejects.toMatchObject({ code: 'not_found' });
      await expect(run(usb)).rejects.toMatchObject({ code: 'not_a_backup' });
    }
    expect(core.services.settings.get().store.name).toBe('Untouched');
    expect(core.services.backup.list().entries).toEqual([]);
  });

  it('says the same when only asked what a file holds, across the API too, instead of an internal error', async () => {
    const { usb, open } = setup();
    const core = open();
    await expect(core.services.backup.inspect({ file: path.join(usb, 'missing.pcbak') })).rejects.toMatchObject({ code: 'not_found' });
    await expect(core.services.backup.inspect({ file: usb })).rejects.toMatchObject({ code: 'not_a_backup' });
    expect(await core.dispatch('backup.inspect', { file: usb })).toMatchObject({ ok: false, error: { code: 'not_a_backup' } });
  });
});

describe('after a restore the main side runs on the restored data', () => {
  it('re-attaches the terminal links from the restored registry, re-reads settings and incidents, and re-arms the schedule', async () => {
    const { usb, open } = setup();
    const core = open();
    core.services.backup.updateSettings({ folder: usb });
    const kept = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'tcp', host: '127.0.0.1', port: 1 } }));
    const backup = await core.services.backup.create({ passphrase: PASSPHRASE });

    const added = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 2', connection: { type: 'tcp', host: '127.0.0.1', port: 2 } }));
    core.services.incidents.open({ deviceId: kept.id, symptoms: 'printer jam' });
    storeName(core, 'Changed after the backup');
    core.services.backup.updateSettings({ dailyHour: 5 });
    expect(core.services.terminals.list().map((t) => t.id).sort()).toEqual([kept.id, added.id].sort());

    await core.services.backup.restore({ file: backup.file, passphrase: PASSPHRASE, confirm: true }, { drill: false });

    expect(core.services.devices.list().map((d) => d.id)).toEqual([kept.id]);
    // The manager links exactly the restored registry: the device added after the backup is gone.
    expect(core.services.terminals.list().map((t) => t.id)).toEqual([kept.id]);
    expect(core.services.incidents.list()).toEqual([]);
    expect(core.services.settings.get().store.name).not.toBe('Changed after the backup');
    // The schedule kept this installation's settings and is armed from them.
    expect(core.services.backup.settings().dailyHour).toBe(5);
    // A device added now reaches the manager through the re-attached registry.
    const later = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 3', connection: { type: 'tcp', host: '127.0.0.1', port: 3 } }));
    expect(core.services.terminals.list().map((t) => t.id).sort()).toEqual([kept.id, later.id].sort());
  }, 30_000);
});

describe('a restore that cannot swap', () => {
  it('leaves the live data, re-attaches the links to it, and refuses backup setting changes only while it runs', async () => {
    const { dataDir, usb, open } = setup();
    const core = open();
    core.services.backup.updateSettings({ folder: usb });
    const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'tcp', host: '127.0.0.1', port: 1 } }));
    const backup = await core.services.backup.create({ passphrase: PASSPHRASE });
    storeName(core, 'Live name');
    let refused: unknown;
    const stop = core.services.backup.onRestore({
      beforeSwap: () => {
        try {
          core.services.backup.updateSettings({ dailyHour: 1 });
        } catch (error) {
          refused = error;
        }
        // Another program holds the database (a journal next to it): the restore stops before the swap.
        fs.writeFileSync(path.join(dataDir, 'poscare.db-journal'), 'held');
      },
      afterSwap: () => undefined,
    });
    await expect(core.services.backup.restore({ file: backup.file, passphrase: PASSPHRASE, confirm: true }, { drill: false })).rejects.toThrow();
    stop();
    fs.rmSync(path.join(dataDir, 'poscare.db-journal'));
    expect(refused).toMatchObject({ code: 'backup_busy' });
    expect(core.services.settings.get().store.name).toBe('Live name');
    expect(core.services.terminals.list().map((t) => t.id)).toEqual([device.id]);
    expect(core.services.backup.updateSettings({ dailyHour: 1 }).settings.dailyHour).toBe(1);
  }, 30_000);
});

describe('leftovers of killed backups', () => {
  it('are swept at startup and before each backup: only names PosCare gives, only of gone processes or stale', async () => {
    const { dataDir, usb, open } = setup();
    const work = path.join(dataDir, 'backup-work');
    fs.mkdirSync(work, { recursive: true });
    const gonePid = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
    const stale = [`snapshot-${gonePid}-1700000000000.db`, `verify-${gonePid}-1700000000001.db`, `restore-${gonePid}-1700000000002.db`];
    const keep = [`snapshot-${process.ppid}-1700000000003.db`, 'notes.txt', 'drill-recent'];
    for (const name of [...stale, ...keep]) fs.writeFileSync(path.join(work, name), 'x');
    // A drill killed hours ago left its temporary folder; one from a moment ago may still be running.
    fs.rmSync(path.join(work, 'drill-recent'));
    fs.mkdirSync(path.join(work, 'drill-recent'));
    fs.mkdirSync(path.join(work, 'drill-a1B2c3'));
    fs.writeFileSync(path.join(work, 'drill-a1B2c3', 'restore-1-1.db'), 'x');
    const hoursAgo = Date.now() / 1000 - 7 * 3600;
    fs.utimesSync(path.join(work, 'drill-a1B2c3'), hoursAgo, hoursAgo);

    const core = open();
    expect(fs.readdirSync(work).sort()).toEqual(keep.sort());

    const old = Date.now() / 1000 - 3600;
    const partial = path.join(usb, '.poscare-2026-11-01_210000.pcbak.partial');
    const fresh = path.join(usb, '.poscare-2026-11-30_210000.pcbak.partial');
    const foreign = path.join(usb, 'holiday.partial');
    for (const file of [partial, fresh, foreign]) fs.writeFileSync(file, 'x');
    fs.utimesSync(partial, old, old);
    fs.utimesSync(foreign, old, old);
    fs.writeFileSync(path.join(work, stale[0]!), 'x');

    await core.services.backup.create({ folder: usb, passphrase: PASSPHRASE });
    // The stale partial goes; one still being written (recent) and files PosCare did not name stay.
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.existsSync(foreign)).toBe(true);
    expect(fs.readdirSync(work).sort()).toEqual(keep.sort());
  }, 30_000);
});
