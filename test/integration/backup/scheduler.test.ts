import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppCore } from '../../../electron/node/app';
import { systemClock, type Clock } from '../../../electron/node/clock';
import { BackupScheduler } from '../../../electron/node/services/backup/scheduler';
import type { BackupProgress } from '../../../shared/domain/backup';
import { backupWorkspace } from '../../helpers/backup';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-30T18:00:00');
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Fixed time; timers run on the real clock (only the at-quit cap uses one here). */
const fixedClock: Clock = { ...systemClock, now: () => NOW.getTime() };

function scheduler(options: { last?: Date; atQuit?: boolean; run?: () => Promise<unknown> }) {
  const runs: string[] = [];
  const instance = new BackupScheduler(
    fixedClock,
    () => ({ dailyHour: 21, atQuit: options.atQuit ?? true }),
    () => options.last,
    (trigger) => {
      runs.push(trigger);
      return options.run ? options.run() : Promise.resolve();
    },
  );
  return { instance, runs };
}

describe('the at-quit backup decision', () => {
  it('backs up at quit when the last good backup is older than a day, or there is none', async () => {
    const old = scheduler({ last: new Date(NOW.getTime() - 25 * HOUR) });
    expect(await old.instance.beforeQuit()).toBe(true);
    expect(old.runs).toEqual(['quit']);
    const never = scheduler({});
    expect(await never.instance.beforeQuitWithin(5_000)).toBe('done');
    expect(never.runs).toEqual(['quit']);
  });

  it('does not back up at quit after a recent backup, or when at-quit backups are off', async () => {
    const recent = scheduler({ last: new Date(NOW.getTime() - 2 * HOUR) });
    expect(await recent.instance.beforeQuitWithin(5_000)).toBe('none');
    const off = scheduler({ last: new Date(NOW.getTime() - 48 * HOUR), atQuit: false });
    expect(await off.instance.beforeQuit()).toBe(false);
    expect([...recent.runs, ...off.runs]).toEqual([]);
  });

  it('lets the app quit after the time cap when the backup hangs (a dead drive)', async () => {
    const hung = scheduler({ run: () => new Promise(() => undefined) });
    const started = Date.now();
    expect(await hung.instance.beforeQuitWithin(50)).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('scheduled backups that cannot run', () => {
  const setup = () => backupWorkspace(cleanups);

  function failures(core: AppCore): BackupProgress[] {
    const seen: BackupProgress[] = [];
    cleanups.push(core.bus.subscribe((name, payload) => name === 'backup.progress' && (payload as BackupProgress).phase === 'failed' && seen.push(payload as BackupProgress)));
    return seen;
  }

  it('records "enter the passphrase" after a restart, runs once the passphrase was entered, and never stores it', async () => {
    const { dataDir, usb, open } = setup();
    const passphrase = 'only-in-memory-7f3a9c';
    let core = open();
    core.services.backup.updateSettings({ folder: usb, encrypted: true });
    const manual = await core.services.backup.create({ passphrase });
    // Same session: the schedule knows the passphrase of the manual backup.
    const scheduled = await core.services.backup.runScheduled('scheduled');
    expect(scheduled).toMatchObject({ trigger: 'scheduled', status: 'verified', encrypted: true });
    // Within the same second, yet its own file.
    expect(scheduled?.file).not.toBe(manual.file);
    expect(fs.existsSync(manual.file) && fs.existsSync(scheduled!.file)).toBe(true);
    core.dispose();

    core = open();
    const events = failures(core);
    const skipped = await core.services.backup.runScheduled('quit');
    expect(skipped).toMatchObject({ trigger: 'quit', status: 'failed', error: 'passphrase_needed', present: false });
    expect(events.map((e) => e.error)).toEqual(['passphrase_needed']);
    expect(core.services.backup.list().entries[0]).toMatchObject({ error: 'passphrase_needed' });
    // Skips are no backups: the last good one still decides the next at-quit run, however many there are.
    for (let i = 0; i < 60; i++) await core.services.backup.runScheduled('scheduled');
    expect(core.services.backup.scheduler.dueAtQuit()).toBe(false);
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const name of fs.readdirSync(dataDir).filter((n) => n.startsWith('poscare.db'))) {
      expect(fs.readFileSync(path.join(dataDir, name)).includes(Buffer.from(passphrase))).toBe(false);
    }
  }, 30_000);

  it('records "drive missing" when the backup folder is unplugged, and changes nothing else', async () => {
    const { usb, open } = setup();
    const core = open();
    core.services.backup.updateSettings({ folder: usb, encrypted: false });
    fs.rmSync(usb, { recursive: true });
    const events = failures(core);
    const skipped = await core.services.backup.runScheduled('scheduled');
    expect(skipped).toMatchObject({ trigger: 'scheduled', status: 'failed', error: 'folder_missing', present: false, file: usb });
    expect(events.map((e) => e.error)).toEqual(['folder_missing']);
    expect(core.services.backup.list().entries).toHaveLength(1);
    expect(fs.existsSync(usb)).toBe(false);
  });

  it('records nothing when no backup folder was ever chosen', async () => {
    const { open } = setup();
    const core = open();
    expect(await core.services.backup.runScheduled('scheduled')).toBeUndefined();
    expect(core.services.backup.list().entries).toEqual([]);
  });
});
