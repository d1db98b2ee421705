/**
 * A backup to a destination that runs out of space: a clear error (the reason 'destination_full',
 * translated by the Backup page), no partial file left, the failure recorded in the history, the
 * live database untouched. Once on a genuinely full filesystem (a 1 MiB tmpfs, where mounting is
 * allowed), and once with ENOSPC injected where the backup file is written, which runs everywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { bulkInsertTransactions } from '../../../electron/node/db/bulk';
import { createLogger } from '../../../electron/node/log/logger';
import { demoTransactions } from '../../../electron/node/services/transactions/demo-data';
import { failureOf, type BackupProgress } from '../../../shared/domain/backup';
import { smallFilesystem } from '../../helpers/small-filesystem';
import { tempDir } from '../../helpers/temp';
import { contentHash } from '../../helpers/backup';

const quiet = createLogger({ sink: { write: () => undefined } });
const cleanups: (() => void)[] = [];

afterEach(() => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const full = smallFilesystem('1m', 'the injected ENOSPC test covers the same path');
afterAll(() => {
  if ('dir' in full) full.release();
});

function core(): AppCore {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  const app = createAppCore({ dataDir: path.join(temp.dir, 'data'), mode: 'browser', logger: quiet });
  cleanups.push(() => app.dispose());
  // ~3 MB of database: its backup cannot fit into what is left on the small filesystem.
  bulkInsertTransactions(app.db, demoTransactions({ transactions: 4_000, terminals: 2, days: 3, lastDay: '2026-03-05', seed: 3 }, () => undefined), () => [], 'x');
  return app;
}

/** Backs up into `folder`, expecting the destination-full failure; checks what it leaves. */
async function expectFullFailure(app: AppCore, folder: string): Promise<void> {
  const live = path.join(app.dataDir, 'poscare.db');
  const before = contentHash(live);
  const namesBefore = fs.readdirSync(folder);
  const failed: BackupProgress[] = [];
  const unsubscribe = app.bus.subscribe((name, payload) => {
    if (name === 'backup.progress' && (payload as BackupProgress).phase === 'failed') failed.push(payload as BackupProgress);
  });
  const error = await app.services.backup.create({ folder, noEncryption: true }).catch((e: unknown) => e);
  unsubscribe();
  // A clear error: the API answer carries the reason the Backup page translates.
  expect(error).toMatchObject({ code: 'data_dir_unwritable', details: { reason: 'destination_full', path: folder } });
  expect((error as Error).message).toContain('is full');
  const answer = await app.dispatch('backup.create', { folder, noEncryption: true });
  expect(answer).toMatchObject({ ok: false, error: { code: 'data_dir_unwritable', details: { reason: 'destination_full' } } });
  // No partial file (nor a final one) left on the drive.
  expect(fs.readdirSync(folder)).toEqual(namesBefore);
  // Recorded in the history, with the code the page translates.
  const [entry] = app.services.backup.list().entries;
  expect(entry).toMatchObject({ status: 'failed', trigger: 'manual' });
  expect(failureOf(entry!).code).toBe('destination_full');
  expect(failed.length).toBeGreaterThan(0);
  // The live data is as it was; nothing but the history row changed.
  expect(contentHash(live)).toEqual(before);
  expect(app.services.backup.list().running).toBe(false);
}

describe('a backup whose destination runs out of space', () => {
  it.skipIf(!('dir' in full))(`fails clearly on a full filesystem, leaving nothing behind${'reason' in full ? ` (skipped: ${full.reason})` : ''}`, async () => {
    const dir = (full as { dir: string }).dir;
    const app = core();
    // Nearly full already (a drive with other files on it): 64 KiB left.
    const filler = path.join(dir, 'other-files.bin');
    fs.writeFileSync(filler, Buffer.alloc(1024 * 1024 - 64 * 1024));
    cleanups.push(() => fs.rmSync(filler, { force: true }));
    await expectFullFailure(app, dir);
    // Once there is room again, the same folder takes a verified backup.
    fs.rmSync(filler);
    const small = createAppCore({ dataDir: path.join(path.dirname(app.dataDir), 'small'), mode: 'browser', logger: quiet });
    cleanups.push(() => small.dispose());
    await expect(small.services.backup.create({ folder: dir, noEncryption: true })).resolves.toMatchObject({ status: 'verified' });
  }, 30_000);

  it('fails clearly when the write of the backup file answers ENOSPC, leaving nothing behind', async () => {
    const app = core();
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const folder = path.join(temp.dir, 'usb');
    fs.mkdirSync(folder);
    // The file-write boundary: the backup's (partial) file accepts its first writes, then the drive is full.
    const open = fs.promises.open.bind(fs.promises);
    vi.spyOn(fs.promises, 'open').mockImplementation(async (file, flags, mode) => {
      const handle = await open(file, flags, mode);
      if (!String(file).endsWith('.partial')) return handle;
      let writes = 0;
      return new Proxy(handle, {
        get(target, property) {
          if (property === 'write') {
            return (...args: unknown[]) =>
              ++writes > 3
                ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 }))
                : (target.write as (...a: unknown[]) => Promise<unknown>)(...args);
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    });
    await expectFullFailure(app, folder);
  }, 30_000);
});
