/**
 * A backup file names its own key-derivation parameters. A crafted header must not make PosCare
 * spend gigabytes or minutes: only the parameter set PosCare writes is accepted, checked before
 * anything is derived, and anything else is a clear `backup_unsupported` that changes nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKey, MAGIC, readBackupFile, readBackupHeader, SCRYPT_PARAMS, writeBackupFile } from '../../../electron/node/services/backup/format';
import { BACKUP_FORMAT_VERSION } from '../../../shared/domain/backup';
import { backupWorkspace } from '../../helpers/backup';

const PASSPHRASE = 'correct horse battery';
const cleanups: (() => void)[] = [];
let genuine: string;
let folder: string;

beforeAll(async () => {
  const workspace = backupWorkspace(cleanups);
  folder = workspace.usb;
  const snapshot = path.join(folder, 'snapshot.bin');
  fs.writeFileSync(snapshot, crypto.randomBytes(64 * 1024));
  genuine = path.join(folder, 'genuine.pcbak');
  await writeBackupFile({
    snapshotFile: snapshot,
    out: genuine,
    passphrase: PASSPHRASE,
    header: { appVersion: '0.1.0', schemaVersion: 1, createdAt: new Date().toISOString(), rowCounts: {} },
  });
});
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

/** The genuine backup with other scrypt parameters, its header hash recomputed (anyone can: it is not keyed). */
function crafted(params: { N: number; r: number; p: number }): string {
  const bytes = fs.readFileSync(genuine);
  const length = bytes.readUInt32BE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + length).toString('utf8')) as Record<string, unknown> & { encryption: { params: unknown }; headerSha256: string };
  const body = bytes.subarray(12 + length);
  header.encryption.params = params;
  header.headerSha256 = '0'.repeat(64);
  const build = (json: string) => {
    const text = Buffer.from(json, 'utf8');
    const size = Buffer.alloc(4);
    size.writeUInt32BE(text.length);
    return Buffer.concat([MAGIC, size, text]);
  };
  const zeroed = JSON.stringify(header);
  const hash = crypto.createHash('sha256').update(build(zeroed)).digest('hex');
  const file = path.join(folder, `crafted-${params.N}-${params.r}-${params.p}.pcbak`);
  fs.writeFileSync(file, Buffer.concat([build(zeroed.replace('0'.repeat(64), hash)), body]));
  return file;
}

describe('key-derivation parameters of a backup header', () => {
  it('the genuine backup still reads with its passphrase', async () => {
    const header = await readBackupFile(genuine, PASSPHRASE, null);
    expect(header.formatVersion).toBe(BACKUP_FORMAT_VERSION);
    expect(header.encryption?.params).toEqual(SCRYPT_PARAMS);
  });

  it('refuses every parameter set PosCare does not write, before deriving, as backup_unsupported', async () => {
    const sets = [
      { N: 2 ** 20, r: 32, p: 16 }, // 4 GiB, minutes: the attack of issue 18
      { N: 2 ** 20, r: 8, p: 1 }, // 1 GiB
      { N: 2 ** 15, r: 8, p: 16 }, // 16x the time
      { N: 2 ** 14, r: 8, p: 1 }, // cheaper than ours: a weaker key is not ours either
      { N: 2 ** 16, r: 8, p: 1 },
      { N: 3, r: 8, p: 1 },
      { N: 2 ** 15, r: 0, p: 1 },
      { N: 2 ** 15, r: 8, p: 0 },
      { N: -1, r: 8, p: 1 },
    ];
    for (const params of sets) {
      const file = crafted(params);
      // The header alone (no passphrase) already says so: inspect and list show it.
      await expect(readBackupHeader(file), JSON.stringify(params)).rejects.toMatchObject({ code: 'backup_unsupported' });
      await expect(readBackupFile(file, PASSPHRASE, null), JSON.stringify(params)).rejects.toMatchObject({ code: 'backup_unsupported' });
    }
  });

  it('derives only with the accepted set, whoever asks', async () => {
    await expect(deriveKey(PASSPHRASE, Buffer.alloc(16), { N: 2 ** 20, r: 32, p: 16 })).rejects.toMatchObject({ code: 'backup_unsupported' });
    expect((await deriveKey(PASSPHRASE, Buffer.alloc(16), SCRYPT_PARAMS)).length).toBe(32);
  });
});
