/**
 * Issue 18, item 5: restore works exactly when it is needed. A damaged poscare.db (random bytes,
 * truncated, corrupt pages) is moved aside, kept under its own name, and the backup restored: by
 * `poscare backup restore` (the built CLI) and by the app, which starts in recovery instead of dying.
 */
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../../electron/node/app';
import { createLogger } from '../../../electron/node/log/logger';
import { tempDir } from '../../helpers/temp';
import { contentHash } from '../../helpers/backup';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'bin/poscare.js');
const quiet = createLogger({ sink: { write: () => undefined } });
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, POSCARE_DATA_DIR: '' } });
}

const DAMAGE: Record<string, (db: Buffer) => Buffer> = {
  'random bytes': (db) => crypto.randomBytes(db.length),
  truncated: (db) => db.subarray(0, Math.floor(db.length / 3)),
  // Every page after the first two overwritten with noise: the schema opens, the tables do not.
  'corrupt pages': (db) => {
    const pageSize = db.readUInt16BE(16) === 1 ? 65536 : db.readUInt16BE(16);
    const copy = Buffer.from(db);
    crypto.randomFillSync(copy, pageSize * 2);
    return copy;
  },
};

/** A data folder with demo data and a verified backup of it; answers the folder, the backup and the content hash. */
/** The app adds the shipped training modules when it starts; the backup was made without the app. */
function withoutSeeds(hash: Record<string, string>): Record<string, string> {
  const { training_modules: _seeded, ...rest } = hash;
  return rest;
}

function prepared() {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  const data = path.join(temp.dir, 'data');
  expect(run(['demo-data', '--data', data, '--transactions', '3000', '--days', '5']).status).toBe(0);
  const backup = path.join(temp.dir, 'store.pcbak');
  expect(run(['backup', 'create', '--data', data, '--out', backup, '--no-encryption']).status).toBe(0);
  return { temp, data, backup, hash: contentHash(path.join(data, 'poscare.db')) };
}

describe('restoring over a damaged database', () => {
  for (const [kind, damage] of Object.entries(DAMAGE)) {
    it(`poscare backup restore replaces a database with ${kind} and keeps the damaged file`, () => {
      const { data, backup, hash } = prepared();
      const live = path.join(data, 'poscare.db');
      const damaged = damage(fs.readFileSync(live));
      fs.writeFileSync(live, damaged);

      const restored = run(['backup', 'restore', backup, '--data', data, '--yes']);
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);
      const result = JSON.parse(restored.stdout) as { damagedFile?: string; safetySnapshot: string | null };
      const kept = result.damagedFile ?? result.safetySnapshot;
      expect(kept).toBeTruthy();
      if (result.damagedFile) {
        expect(path.basename(result.damagedFile)).toMatch(/^poscare\.db\.damaged-\d{4}-\d\d-\d\d_\d{6}(-\d+)?$/);
        expect(fs.readFileSync(result.damagedFile).equals(damaged)).toBe(true);
      }
      expect(contentHash(live)).toEqual(hash);
      // The restored folder opens normally afterwards.
      expect(run(['transactions', 'reconcile', '--data', data, '--from', '2026-01-01', '--to', '2026-01-02']).status).toBe(0);
    }, 120_000);
  }

  it('starts the app in recovery on a database that cannot be opened, and restores from there', async () => {
    const { data, backup, hash } = prepared();
    const live = path.join(data, 'poscare.db');
    const damaged = crypto.randomBytes(fs.statSync(live).size);
    fs.writeFileSync(live, damaged);

    const app = startApp({ dataDir: data, mode: 'browser', logger: quiet });
    cleanups.push(() => app.dispose());
    expect(app.core()).toBeUndefined();
    const info = await app.dispatch('app.info', undefined);
    expect(info).toMatchObject({ ok: true, value: { recovery: { file: live } } });
    // Everything else says why it cannot answer; nothing is written.
    expect(await app.dispatch('devices.list', {})).toMatchObject({ ok: false, error: { code: 'database_corrupt' } });
    expect(fs.readFileSync(live).equals(damaged)).toBe(true);

    const wrong = await app.dispatch('backup.restore', { file: path.join(data, 'nope.pcbak'), confirm: true });
    expect(wrong.ok).toBe(false);
    expect(fs.readFileSync(live).equals(damaged)).toBe(true);

    const restored = await app.dispatch('backup.restore', { file: backup, confirm: true });
    expect(restored.ok).toBe(true);
    const damagedFile = (restored as { value: { damagedFile: string } }).value.damagedFile;
    expect(fs.readFileSync(damagedFile).equals(damaged)).toBe(true);
    expect(app.core()).toBeDefined();
    expect(await app.dispatch('app.info', undefined)).not.toMatchObject({ value: { recovery: expect.anything() } });
    expect(await app.dispatch('transactions.search', { from: '2020-01-01', to: '2030-01-01' })).toMatchObject({ ok: true });
    app.core()!.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(withoutSeeds(contentHash(live))).toEqual(withoutSeeds(hash));
  }, 120_000);

  it('a restore in the running app over a database with damaged pages keeps the damaged file', async () => {
    const { data, backup, hash } = prepared();
    const live = path.join(data, 'poscare.db');
    const bytes = fs.readFileSync(live);
    fs.writeFileSync(live, DAMAGE['corrupt pages']!(bytes));
    const app = startApp({ dataDir: data, mode: 'browser', logger: quiet });
    cleanups.push(() => app.dispose());
    const restored = await app.dispatch('backup.restore', { file: backup, confirm: true });
    expect(restored).toMatchObject({ ok: true });
    const value = (restored as { value: { damagedFile?: string } }).value;
    expect(value.damagedFile && fs.existsSync(value.damagedFile)).toBeTruthy();
    app.core()!.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(withoutSeeds(contentHash(live))).toEqual(withoutSeeds(hash));
  }, 120_000);
});
