/**
 * Issue 18, item 6 and item 10 (a failed backup listed as present): retention deletes only files
 * it can prove are the PosCare backups their history rows describe, never what a restored (here:
 * crafted) history claims; and a backup counts as present only when it verified and its file is there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finishBackupEntry, insertBackupEntry } from '../../../electron/node/db/backup';
import { backupWorkspace } from '../../helpers/backup';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const craft = (file: string, createdAt: string) => ({
  file,
  createdAt,
  trigger: 'scheduled' as const,
  encrypted: false,
});

describe('retention after a crafted backup is restored', () => {
  it('keeps a spreadsheet, a fake backup and a real backup of another time that the history calls old backups', async () => {
    // The attacker's installation: its history claims files on the manager's backup drive.
    const attacker = backupWorkspace(cleanups);
    const victim = backupWorkspace(cleanups);
    const usb = victim.usb;
    const spreadsheet = path.join(usb, 'Q4-tax-records.xlsx');
    fs.writeFileSync(spreadsheet, 'PK\u0003\u0004 the tax records');
    const fake = path.join(usb, 'poscare-2025-01-05_210000.pcbak');
    fs.writeFileSync(fake, 'not a backup at all');

    let core = attacker.open();
    // A genuine PosCare backup on the drive, but not the one the crafted row describes (another time).
    const genuine = await core.services.backup.create({ folder: usb, noEncryption: true });
    for (const [file, createdAt] of [
      [spreadsheet, '2025-01-01T21:00:00.000Z'],
      [fake, '2025-01-05T21:00:00.000Z'],
      [genuine.file, '2025-01-09T21:00:00.000Z'],
    ] as const) {
      const id = insertBackupEntry(core.db, craft(file, createdAt));
      finishBackupEntry(core.db, id, { status: 'verified', bytes: 1, rowCounts: {}, seconds: 1, error: null });
    }
    core.db.prepare('DELETE FROM backups WHERE id = ?').run(genuine.id);
    const crafted = await core.services.backup.create({ folder: attacker.usb, noEncryption: true });
    core.dispose();

    // The manager restores it on a fresh PC, with a strict retention, and backs up.
    core = victim.open();
    core.services.backup.updateSettings({ folder: usb, encrypted: false, retention: { daily: 1, weekly: 0, monthly: 0 } });
    await core.services.backup.restore({ file: crafted.file, confirm: true }, { drill: false });
    const claimed = core.services.backup.list().entries.filter((e) => e.file.startsWith(usb));
    expect(claimed.map((e) => e.file).sort()).toEqual([fake, genuine.file, spreadsheet].sort());
    const next = await core.services.backup.create({ noEncryption: true });
    expect(next.status).toBe('verified');

    expect(fs.readFileSync(spreadsheet, 'utf8')).toBe('PK\u0003\u0004 the tax records');
    expect(fs.readFileSync(fake, 'utf8')).toBe('not a backup at all');
    expect(fs.existsSync(genuine.file)).toBe(true);
    expect(fs.existsSync(next.file)).toBe(true);
    // The rows that lied no longer count as copies.
    for (const entry of core.services.backup.list().entries.filter((e) => [spreadsheet, fake, genuine.file].includes(e.file))) expect(entry.present).toBe(false);
  }, 60_000);
});

describe('a backup listed as present', () => {
  it('is one that verified and whose file is there; a failed, interrupted or vanished one is not', async () => {
    const { usb, open } = backupWorkspace(cleanups);
    let core = open();
    const good = await core.services.backup.create({ folder: usb, noEncryption: true });
    expect(core.services.backup.list().entries.find((e) => e.id === good.id)?.present).toBe(true);

    // A failed backup whose file name exists (a leftover): not present.
    const failedFile = path.join(usb, 'poscare-2026-01-01_000000.pcbak');
    fs.writeFileSync(failedFile, 'half');
    const failed = insertBackupEntry(core.db, craft(failedFile, '2026-01-01T00:00:00.000Z'));
    finishBackupEntry(core.db, failed, { status: 'failed', bytes: 0, rowCounts: {}, seconds: 1, error: 'destination_full' });
    // An interrupted one (the process died while it ran): not present after the restart.
    const interruptedFile = path.join(usb, 'poscare-2026-01-02_000000.pcbak');
    fs.writeFileSync(interruptedFile, 'half');
    const interrupted = insertBackupEntry(core.db, craft(interruptedFile, '2026-01-02T00:00:00.000Z'));
    core.dispose();
    core = open();
    const entries = core.services.backup.list().entries;
    expect(entries.find((e) => e.id === failed)).toMatchObject({ status: 'failed', present: false });
    expect(entries.find((e) => e.id === interrupted)).toMatchObject({ status: 'failed', present: false });

    // A verified backup whose file was deleted by hand: not present either.
    fs.rmSync(good.file);
    expect(core.services.backup.list().entries.find((e) => e.id === good.id)?.present).toBe(false);
  }, 60_000);
});
