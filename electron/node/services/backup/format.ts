/**
 * The backup file format, version 2 (version 1 is still read):
 *
 *   "POSCAREB" (8 bytes magic) | header length (u32 BE) | header (UTF-8 JSON, BackupHeader)
 *   | body | GCM tag (16 bytes, encrypted files only)
 *
 * The body is the database file cut into 1 MiB chunks, each compressed on its own (version 2:
 * zstd level 1, "zstd-frames"; version 1: raw deflate level 1, "deflate-raw-frames") and framed
 * as [raw length u32][compressed length u32][bytes], closed by a frame of two zero lengths; when
 * encrypted, the whole body is one AES-256-GCM stream under a scrypt key, with the header (its
 * sha256 field zeroed, because the hash is only known at the end) as additional authenticated
 * data. Hashing, zstd and AES run on the calling thread a chunk at a time (a few milliseconds
 * each), so the event loop never stalls for long; reads and writes overlap with that work.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import type * as ZstdBinding from 'zstd-napi/binding';
import { BACKUP_FORMAT_VERSION, BackupHeader } from '../../../../shared/domain/backup';
import { AppError } from '../../../../shared/ipc/result';

export const MAGIC = Buffer.from('POSCAREB', 'ascii');
/** 1 MiB: hashing and AES of one chunk take a few milliseconds on the main thread. */
const CHUNK = 1024 * 1024;
const PARALLEL = 4;
const TAG_BYTES = 16;
const MAX_HEADER = 1024 * 1024;
const ZERO_HASH = '0'.repeat(64);
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_CHECK_LABEL = 'poscare-backup-key-check';

const deflateRaw = promisify(zlib.deflateRaw);
const inflateRaw = promisify(zlib.inflateRaw);
// The native binding itself (CommonJS, N-API: the same build runs in Node and Electron).
const zstd = createRequire(import.meta.url)('zstd-napi/binding') as typeof ZstdBinding;
/** zstd's fastest regular level: ~2x deflate -1's speed at a better ratio on SQLite pages. */
const ZSTD_LEVEL = 1;

type Compression = BackupHeader['compression'];

/** One chunk compressed and framed: [raw length][compressed length][bytes]. */
function compressChunk(compression: Compression, raw: Buffer, cctx: ZstdBinding.CCtx): Promise<Buffer> {
  const frame = (compressed: Buffer) => {
    const head = Buffer.allocUnsafe(8);
    head.writeUInt32BE(raw.length, 0);
    head.writeUInt32BE(compressed.length, 4);
    return Buffer.concat([head, compressed]);
  };
  if (compression === 'deflate-raw-frames') return deflateRaw(raw, { level: 1 }).then(frame);
  const out = Buffer.allocUnsafe(zstd.compressBound(raw.length));
  const written = cctx.compress(out, raw, ZSTD_LEVEL);
  return Promise.resolve(frame(out.subarray(0, written)));
}

/** The chunk of `rawLength` bytes back; a frame that claims more than that fails (never a big allocation). */
async function decompressChunk(compression: Compression, compressed: Buffer, rawLength: number, dctx: ZstdBinding.DCtx): Promise<Buffer> {
  if (compression === 'deflate-raw-frames') return inflateRaw(compressed, { maxOutputLength: CHUNK });
  const raw = Buffer.allocUnsafe(rawLength);
  return raw.subarray(0, dctx.decompress(raw, compressed));
}
const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

export type Progress = (fraction: number) => void;

/** A promise that may be abandoned when an earlier step fails: its rejection is not unhandled. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  if (params.N > 2 ** 20 || params.r > 32 || params.p > 16) {
    return Promise.reject(new AppError('backup_damaged', 'The backup asks for key parameters out of range'));
  }
  return scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 });
}

function keyCheck(key: Buffer): string {
  return crypto.createHmac('sha256', key).update(KEY_CHECK_LABEL).digest('base64');
}

function headerBytes(header: BackupHeader): Buffer {
  return Buffer.from(JSON.stringify(header), 'utf8');
}

function prefix(header: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([MAGIC, length, header]);
}

export interface WriteOptions {
  snapshotFile: string;
  out: string;
  passphrase: string | null;
  header: Omit<BackupHeader, 'formatVersion' | 'compression' | 'encryption' | 'sha256' | 'plaintextBytes'>;
  onProgress?: Progress;
  /** Tests write the older format to prove it still restores; PosCare writes the current one. */
  compression?: Compression;
}

/** Writes `out` (the caller picks a temporary name and renames after). Answers the header and size. */
export async function writeBackupFile(options: WriteOptions): Promise<{ header: BackupHeader; bytes: number }> {
  const plaintextBytes = (await fs.promises.stat(options.snapshotFile)).size;
  let key: Buffer | null = null;
  let encryption: BackupHeader['encryption'] = null;
  if (options.passphrase !== null) {
    const salt = crypto.randomBytes(16);
    const iv = crypto.randomBytes(12);
    key = await deriveKey(options.passphrase, salt, SCRYPT_PARAMS);
    encryption = {
      cipher: 'aes-256-gcm',
      kdf: 'scrypt',
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      params: SCRYPT_PARAMS,
      keyCheck: keyCheck(key),
    };
  }
  const compression = options.compression ?? 'zstd-frames';
  const header: BackupHeader = {
    formatVersion: compression === 'zstd-frames' ? BACKUP_FORMAT_VERSION : 1,
    ...options.header,
    plaintextBytes,
    compression,
    encryption,
    sha256: ZERO_HASH,
  };
  const head = prefix(headerBytes(header));
  const cipher = key && encryption ? crypto.createCipheriv('aes-256-gcm', key, Buffer.from(encryption.iv, 'base64')) : null;
  cipher?.setAAD(head);
  const hash = crypto.createHash('sha256');
  const input = await fs.promises.open(options.snapshotFile, 'r');
  const output = await fs.promises.open(options.out, 'wx');
  let written = 0;
  const emit = async (plain: Buffer) => {
    const data = cipher ? cipher.update(plain) : plain;
    if (data.length > 0) {
      await output.write(data);
      written += data.length;
    }
  };
  try {
    await output.write(head);
    written += head.length;
    const cctx = new zstd.CCtx();
    let position = 0;
    const pending: Promise<Buffer>[] = [];
    const readNext = async (): Promise<boolean> => {
      if (position >= plaintextBytes) return false;
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, plaintextBytes - position));
      position += buffer.length;
      const { bytesRead } = await input.read(buffer, 0, buffer.length, position - buffer.length);
      if (bytesRead !== buffer.length) throw new Error('The snapshot changed size while it was read');
      hash.update(buffer);
      pending.push(quiet(compressChunk(compression, buffer, cctx)));
      return true;
    };
    // A few chunks ahead: the next reads (and, for deflate, the thread pool) work while one is written.
    while (pending.length < PARALLEL && (await readNext()));
    while (pending.length > 0) {
      const frame = await (pending.shift() as Promise<Buffer>);
      const reading = quiet(readNext());
      await emit(frame);
      await reading;
      options.onProgress?.(Math.min(1, position / Math.max(1, plaintextBytes)));
    }
    await emit(Buffer.alloc(8));
    if (cipher) {
      const last = cipher.final();
      if (last.length > 0) await output.write(last);
      written += last.length;
      const tag = cipher.getAuthTag();
      await output.write(tag);
      written += tag.length;
    }
    // The hash is known only now: put it into its slot in the header (not covered by the tag;
    // verification recomputes it from the plaintext, so a changed hash is caught there).
    const sha256 = hash.digest('hex');
    const slot = head.indexOf(`"sha256":"${ZERO_HASH}"`);
    await output.write(Buffer.from(`"sha256":"${sha256}"`), 0, undefined, slot);
    await output.sync();
    return { header: { ...header, sha256 }, bytes: written };
  } finally {
    await input.close();
    await output.close();
  }
}

/** Reads and checks the header of a backup without the passphrase. */
export async function readBackupHeader(file: string): Promise<{ header: BackupHeader; headerEnd: number; head: Buffer; bytes: number }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    throw new AppError('not_found', `Cannot open ${file}: ${(error as Error).message}`, { file });
  }
  try {
    const { size } = await handle.stat();
    const start = Buffer.alloc(12);
    const { bytesRead } = await handle.read(start, 0, 12, 0);
    if (bytesRead < 12 || !start.subarray(0, 8).equals(MAGIC)) {
      throw new AppError('not_a_backup', `${file} is not a PosCare backup`, { file });
    }
    const length = start.readUInt32BE(8);
    if (length > MAX_HEADER || 12 + length > size) throw new AppError('backup_damaged', `The header of ${file} is damaged`, { file });
    const raw = Buffer.alloc(length);
    await handle.read(raw, 0, length, 12);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('backup_damaged', `The header of ${file} is damaged`, { file });
    }
    const version = (parsed as { formatVersion?: unknown }).formatVersion;
    if (typeof version === 'number' && version > BACKUP_FORMAT_VERSION) {
      throw new AppError('backup_newer', `${file} was written by a newer PosCare (format ${version}); update PosCare to read it`, {
        file,
        formatVersion: version,
      });
    }
    const header = BackupHeader.safeParse(parsed);
    if (!header.success || !/^[0-9a-f]{64}$/.test(header.data.sha256)) {
      throw new AppError('backup_damaged', `The header of ${file} is damaged`, { file });
    }
    const head = Buffer.concat([start, raw]);
    // The authenticated copy of the header has the hash zeroed, as when it was written.
    const zeroed = Buffer.from(head.toString('latin1').replace(`"sha256":"${header.data.sha256}"`, `"sha256":"${ZERO_HASH}"`), 'latin1');
    return { header: header.data, headerEnd: 12 + length, head: zeroed, bytes: size };
  } finally {
    await handle.close();
  }
}

/**
 * Decrypts and decompresses a backup into `outDb` (created; null only checks), checking the tag,
 * the frames and the SHA-256 of the plaintext. Nothing of the output is trustworthy unless this
 * resolves.
 */
export async function readBackupFile(
  file: string,
  passphrase: string | null,
  outDb: string | null,
  onProgress?: Progress,
): Promise<BackupHeader> {
  const { header, headerEnd, head, bytes } = await readBackupHeader(file);
  let decipher: crypto.DecipherGCM | null = null;
  let bodyEnd = bytes;
  if (header.encryption) {
    if (!passphrase) throw new AppError('backup_passphrase_required', 'This backup is encrypted: the passphrase is needed', { file });
    const encryption = header.encryption;
    const key = await deriveKey(passphrase, Buffer.from(encryption.salt, 'base64'), encryption.params);
    if (keyCheck(key) !== encryption.keyCheck) throw new AppError('backup_wrong_passphrase', 'The passphrase is wrong', { file });
    bodyEnd = bytes - TAG_BYTES;
    if (bodyEnd < headerEnd) throw new AppError('backup_damaged', `${file} is truncated`, { file });
    decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(encryption.iv, 'base64'));
    decipher.setAAD(head);
    const tag = Buffer.alloc(TAG_BYTES);
    const handle = await fs.promises.open(file, 'r');
    try {
      await handle.read(tag, 0, TAG_BYTES, bodyEnd);
    } finally {
      await handle.close();
    }
    decipher.setAuthTag(tag);
  }
  const damaged = (why: string) => new AppError('backup_damaged', `${file} is damaged (${why})`, { file });
  const input = await fs.promises.open(file, 'r');
  const output = outDb === null ? null : await fs.promises.open(outDb, 'wx');
  const hash = crypto.createHash('sha256');
  const dctx = new zstd.DCtx();
  let plainBytes = 0;
  try {
    let carry: Buffer = Buffer.alloc(0);
    let ended = false;
    const pending: Promise<Buffer>[] = [];
    const flush = async (limit: number) => {
      while (pending.length > limit) {
        const raw = await (pending.shift() as Promise<Buffer>);
        hash.update(raw);
        if (output) await output.write(raw);
        plainBytes += raw.length;
      }
    };
    const consume = async (data: Buffer) => {
      carry = carry.length === 0 ? data : Buffer.concat([carry, data]);
      while (!ended && carry.length >= 8) {
        const rawLength = carry.readUInt32BE(0);
        const compressedLength = carry.readUInt32BE(4);
        if (rawLength === 0 && compressedLength === 0) {
          ended = true;
          carry = carry.subarray(8);
          break;
        }
        if (rawLength > CHUNK || compressedLength > CHUNK + 1024 * 1024) throw damaged('bad frame');
        if (carry.length < 8 + compressedLength) break;
        const compressed = carry.subarray(8, 8 + compressedLength);
        carry = carry.subarray(8 + compressedLength);
        pending.push(
          quiet(decompressChunk(header.compression, compressed, rawLength, dctx).then(
            (raw) => {
              if (raw.length !== rawLength) throw damaged('frame length');
              return raw;
            },
            () => {
              throw damaged('compressed data');
            },
          )),
        );
        await flush(PARALLEL - 1);
      }
      if (ended && carry.length > 0) throw damaged('data after the end');
    };
    let position = headerEnd;
    const buffer = Buffer.allocUnsafe(CHUNK);
    while (position < bodyEnd) {
      const { bytesRead } = await input.read(buffer, 0, Math.min(CHUNK, bodyEnd - position), position);
      if (bytesRead === 0) throw damaged('truncated');
      position += bytesRead;
      const chunk = Buffer.from(buffer.subarray(0, bytesRead));
      await consume(decipher ? decipher.update(chunk) : chunk);
      onProgress?.((position - headerEnd) / Math.max(1, bodyEnd - headerEnd));
    }
    if (decipher) {
      try {
        await consume(decipher.final());
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw damaged('authentication failed');
      }
    }
    await flush(0);
    if (!ended) throw damaged('truncated');
    if (plainBytes !== header.plaintextBytes) throw damaged('size');
    if (hash.digest('hex') !== header.sha256) throw damaged('checksum');
    await output?.sync();
    return header;
  } finally {
    await input.close();
    await output?.close();
  }
}
