import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { bulkInsertTransactions } from '../../electron/node/db/bulk';
import { createLogger } from '../../electron/node/log/logger';
import { MAGIC, readBackupFile } from '../../electron/node/services/backup/format';
import { demoTransactions, type DemoDay } from '../../electron/node/services/transactions/demo-data';
import type { BackupProgress } from '../../shared/domain/backup';
import { tempDir } from '../helpers/temp';
import { contentHash } from '../helpers/backup';

const PASSPHRASE = 'correct horse battery';
const quiet = createLogger({ sink: { write: () => undefined } });

let temp: ReturnType<typeof tempDir>;
let core: AppCore;
let dataDir: string;
let outDir: string;
let encrypted: string;
let plain: string;
const events: BackupProgress[] = [];

beforeAll(async () => {
  temp = tempDir();
  dataDir = path.join(temp.dir, 'data');
  outDir = path.join(temp.dir, 'usb');
  fs.mkdirSync(outDir);
  core = createAppCore({ dataDir, mode: 'browser', logger: quiet });
  const endOfDay: DemoDay[] = [];
  bulkInsertTransactions(core.db, demoTransactions({ transactions: 3_000, terminals: 2, days: 3, lastDay: '2026-03-05' }, (d) => endOfDay.push(d)), () => endOfDay, 'x');
  core.bus.subscribe((name, payload) => {
    if (name === 'backup.progress') events.push(payload as BackupProgress);
  });
  encrypted = (await core.services.backup.create({ folder: outDir, passphrase: PASSPHRASE })).file;
  await new Promise((r) => setTimeout(r, 1100)); // a different file name (seconds resolution)
  plain = (await core.services.backup.create({ folder: outDir, noEncryption: true })).file;
});

afterAll(() => {
  core.dispose();
  temp.cleanup();
});

function liveBytes(): Buffer {
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  return fs.readFileSync(path.join(dataDir, 'poscare.db'));
}

function copyWith(source: string, name: string, change: (bytes: Buffer) => Buffer): string {
  const file = path.join(temp.dir, name);
  fs.writeFileSync(file, change(fs.readFileSync(source)));
  return file;
}

describe('creating a backup', () => {
  it('writes a verified, encrypted, self-describing file and records it in the history', () => {
    const bytes = fs.readFileSync(encrypted);
    expect(bytes.subarray(0, 8).equals(MAGIC)).toBe(true);
    // The demo rows' card names and receipts are in the database in plain text, not in the file.
    expect(core.db.prepare("SELECT count(*) AS n FROM transactions WHERE card_name = '银联借记卡'").get()).not.toEqual({ n: 0 });
    expect(bytes.includes(Buffer.from('银联借记卡'))).toBe(false);
    expect(bytes.includes(Buffer.from('POS签购单'))).toBe(false);
    const history = core.services.backup.list().entries;
    expect(history.map((e) => e.status)).toEqual(['verified', 'verified']);
    expect(history[1]).toMatchObject({ encrypted: true, rowCounts: expect.objectContaining({ transactions: 3_000 }) });
    expect(fs.readdirSync(outDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('reports progress from the snapshot to done', () => {
    const phases = events.map((e) => e.phase);
    expect(phases[0]).toBe('snapshot');
    expect(phases).toContain('compress');
    expect(phases).toContain('integrity');
    expect(phases.at(-1)).toBe('done');
  });

  it('shows what a backup contains without the passphrase', async () => {
    const { header } = await core.services.backup.inspect({ file: encrypted });
    expect(header).toMatchObject({ formatVersion: 3, compression: 'zstd-frames', encryption: { cipher: 'aes-256-gcm', kdf: 'scrypt' } });
    expect(header.rowCounts.transactions).toBe(3_000);
    expect(header.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails cleanly when the destination folder does not exist, leaving the live database as it was', async () => {
    const before = liveBytes();
    await expect(core.services.backup.create({ folder: path.join(temp.dir, 'unplugged'), passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'folder_missing' });
    expect(liveBytes().equals(before)).toBe(true);
  });

  it('fails with a clear error when the destination disappears mid-write, leaving no partial file', async () => {
    const usb = path.join(temp.dir, 'usb-removed');
    fs.mkdirSync(usb);
    const before = liveBytes();
    const unsubscribe = core.bus.subscribe((name, payload) => {
      if (name === 'backup.progress' && (payload as BackupProgress).phase === 'compress') fs.rmSync(usb, { recursive: true, force: true });
    });
    await expect(core.services.backup.create({ folder: usb, noEncryption: true })).rejects.toThrow();
    unsubscribe();
    expect(fs.existsSync(usb)).toBe(false);
    expect(core.services.backup.list().entries[0]?.status).toBe('failed');
    // Only the history row differs; the transactions are untouched.
    expect(liveBytes().length).toBe(before.length);
  });
});

describe('verifying a backup', () => {
  it('accepts the right passphrase and an unencrypted file', async () => {
    await expect(core.services.backup.verify({ file: encrypted, passphrase: PASSPHRASE })).resolves.toMatchObject({ integrity: 'ok' });
    await expect(core.services.backup.verify({ file: plain })).resolves.toMatchObject({ integrity: 'ok' });
  });

  it('says the passphrase is wrong, or missing', async () => {
    await expect(core.services.backup.verify({ file: encrypted, passphrase: 'not the passphrase' })).rejects.toMatchObject({ code: 'backup_wrong_passphrase' });
    await expect(core.services.backup.verify({ file: encrypted })).rejects.toMatchObject({ code: 'backup_passphrase_required' });
  });

  it('refuses a file that is not a backup', async () => {
    const file = copyWith(encrypted, 'photo.pcbak', () => Buffer.from('\x89PNG not a backup at all'));
    await expect(core.services.backup.verify({ file })).rejects.toMatchObject({ code: 'not_a_backup' });
  });

  it('refuses a backup of a newer format version', async () => {
    const file = copyWith(plain, 'newer.pcbak', (b) => Buffer.from(b.toString('latin1').replace('"formatVersion":3', '"formatVersion":9'), 'latin1'));
    await expect(core.services.backup.verify({ file })).rejects.toMatchObject({ code: 'backup_newer' });
  });

  it('still reads a version 1 backup (deflate chunks) written by an earlier PosCare, to the same bytes', async () => {
    // Written by PosCare 0.1.0 (format version 1, commit 8c9dfcb) from the database beside it; see the README there.
    const fixtures = path.join(__dirname, '../fixtures/backup');
    const source = zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'v1-deflate-source.db.gz')));
    const file = path.join(fixtures, 'v1-deflate.pcbak');
    const out = path.join(temp.dir, 'v1-restored.db');
    const header = await readBackupFile(file, PASSPHRASE, out);
    expect(header).toMatchObject({ formatVersion: 1, compression: 'deflate-raw-frames' });
    expect(fs.readFileSync(out).equals(source)).toBe(true);
    await expect(core.services.backup.verify({ file, passphrase: PASSPHRASE })).resolves.toMatchObject({ integrity: 'ok' });
  });

  it('reports a truncated file as damaged, wherever it was cut', async () => {
    const size = fs.statSync(encrypted).size;
    for (const cut of [10, 200, Math.floor(size / 2), size - 17, size - 1]) {
      const file = copyWith(encrypted, `cut-${cut}.pcbak`, (b) => b.subarray(0, cut));
      const error = await core.services.backup.verify({ file, passphrase: PASSPHRASE }).catch((e: unknown) => e);
      expect(['backup_damaged', 'not_a_backup']).toContain((error as { code?: string }).code);
    }
  });

  it('rejects a single flipped bit anywhere in an encrypted or unencrypted file', async () => {
    const sources = [
      { file: encrypted, size: fs.statSync(encrypted).size, passphrase: PASSPHRASE },
      { file: plain, size: fs.statSync(plain).size, passphrase: undefined },
    ];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.nat({ max: 7 }), async (which, where, bit) => {
        const source = sources[which]!;
        const offset = Math.floor(where * source.size);
        const file = copyWith(source.file, `flip-${n++}.pcbak`, (b) => {
          b[offset] = (b[offset] ?? 0) ^ (1 << bit);
          return b;
        });
        const result = await core.services.backup.verify({ file, passphrase: source.passphrase }).then(
          () => 'accepted',
          (e: { code?: string }) => e.code,
        );
        fs.rmSync(file);
        // A flip in the key-check field looks like a wrong passphrase; anything else is damage.
        expect(['backup_damaged', 'not_a_backup', 'backup_wrong_passphrase', 'backup_newer']).toContain(result);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects a flipped bit anywhere in the header of an unencrypted file (createdAt, appVersion, the hashes, the version)', async () => {
    const bytes = fs.readFileSync(plain);
    const headerEnd = 12 + bytes.readUInt32BE(8);
    const text = bytes.subarray(0, headerEnd).toString('latin1');
    // Every bit of the fields nothing else would check, one bit of every other header byte.
    const fields = ['"createdAt":"', '"appVersion":"', '"formatVersion":', '"headerSha256":"'].map((key) => text.indexOf(key));
    expect(fields.every((at) => at > 0)).toBe(true);
    const flips: [number, number][] = [];
    for (let offset = 0; offset < headerEnd; offset++) {
      const inField = fields.some((at) => offset >= at && offset < at + 40);
      for (let bit = 0; bit < 8; bit++) if (inField || bit === offset % 8) flips.push([offset, bit]);
    }
    const file = path.join(temp.dir, 'header-flip.pcbak');
    const accepted: string[] = [];
    for (const [offset, bit] of flips) {
      const copy = Buffer.from(bytes);
      copy[offset] = (copy[offset] ?? 0) ^ (1 << bit);
      fs.writeFileSync(file, copy);
      const result = await core.services.backup.verify({ file }).then(
        () => 'accepted',
        (e: { code?: string }) => e.code ?? 'error',
      );
      if (!['backup_damaged', 'not_a_backup', 'backup_newer'].includes(result)) accepted.push(`${offset}.${bit}: ${result}`);
    }
    fs.rmSync(file);
    expect(accepted).toEqual([]);
  });

  it('still reads a version 2 file (zstd chunks, no header hash)', async () => {
    const bytes = fs.readFileSync(plain);
    const headerEnd = 12 + bytes.readUInt32BE(8);
    const fields = JSON.parse(bytes.subarray(12, headerEnd).toString('utf8')) as Record<string, unknown>;
    delete fields.headerSha256;
    const json = Buffer.from(JSON.stringify({ ...fields, formatVersion: 2 }), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    const file = copyWith(plain, 'v2.pcbak', (b) => Buffer.concat([MAGIC, length, json, b.subarray(headerEnd)]));
    await expect(core.services.backup.verify({ file })).resolves.toMatchObject({ integrity: 'ok', header: { formatVersion: 2 } });
    // Without its header hash, a version 3 file is damaged, not a version 2 one.
    const stripped = copyWith(file, 'v3-stripped.pcbak', (b) => Buffer.from(b.toString('latin1').replace('"formatVersion":2', '"formatVersion":3'), 'latin1'));
    await expect(core.services.backup.verify({ file: stripped })).rejects.toMatchObject({ code: 'backup_damaged' });
  });
});

describe('restoring', () => {
  it('runs a drill without touching the live database', async () => {
    const before = liveBytes();
    const result = await core.services.backup.drill({ file: encrypted, passphrase: PASSPHRASE });
    expect(result).toMatchObject({ drill: true, safetySnapshot: null });
    expect(result.rowCounts.transactions).toBe(3_000);
    expect(liveBytes().equals(before)).toBe(true);
  });

  it('refuses a backup with a newer schema and leaves the live database byte-for-byte as it was', async () => {
    const src = path.join(temp.dir, 'newer-schema');
    const newer = createAppCore({ dataDir: src, mode: 'browser', logger: quiet });
    newer.db.pragma('user_version = 999');
    const file = (await newer.services.backup.create({ folder: outDir, noEncryption: true })).file;
    newer.dispose();
    const before = liveBytes();
    await expect(core.services.backup.restore({ file, confirm: true }, { drill: false })).rejects.toMatchObject({ code: 'backup_newer' });
    expect(liveBytes().equals(before)).toBe(true);
  });

  it('fails a restore with the wrong passphrase without touching the live database', async () => {
    const before = liveBytes();
    await expect(core.services.backup.restore({ file: encrypted, passphrase: 'wrong wrong', confirm: true }, { drill: false })).rejects.toMatchObject({ code: 'backup_wrong_passphrase' });
    expect(liveBytes().equals(before)).toBe(true);
  });

  it('swaps the backup in, keeps a safety snapshot, and the running app continues on the restored data', async () => {
    const expected = contentHash(path.join(dataDir, 'poscare.db'));
    core.services.transactions.capture({ terminalId: 'T-LATE', traceNumber: 1, receiptNumber: 1, occurredAt: '2026-03-06T10:00:00', amountCents: 100, kind: 'payment' });
    const restored: unknown[] = [];
    const unsubscribe = core.bus.subscribe((name, payload) => name === 'backup.restored' && restored.push(payload));
    const result = await core.services.backup.restore({ file: encrypted, passphrase: PASSPHRASE, confirm: true }, { drill: false });
    unsubscribe();
    expect(restored).toHaveLength(1);
    expect(fs.existsSync(result.safetySnapshot!)).toBe(true);
    // The late transaction is in the safety snapshot, not in the restored data.
    expect(core.services.transactions.search({ from: '2026-03-06', to: '2026-03-06' }).items).toEqual([]);
    expect(contentHash(path.join(dataDir, 'poscare.db'))).toEqual(expected);
    const dispatch = await core.dispatch('transactions.search', { from: '2026-03-03', to: '2026-03-05', limit: 1 });
    expect(dispatch.ok).toBe(true);
  });
});
