/**
 * The backup file format, version 3 (versions 1 and 2 are still read):
 *
 *   "POSCAREB" (8 bytes magic) | header length (u32 BE) | header (UTF-8 JSON, BackupHeader)
 *   | body | GCM tag (16 bytes, encrypted files only)
 *
 * The body is the database file cut into 1 MiB chunks, each compressed on its own (versions 2
 * and 3: zstd level 1, "zstd-frames"; version 1: raw deflate level 1, "deflate-raw-frames") and
 * framed as [raw length u32][compressed length u32][bytes], closed by a frame of two zero lengths;
 * when encrypted, the whole body is one AES-256-GCM stream under a scrypt key, with the header (its
 * sha256 and headerSha256 fields zeroed, because both are only known at the end) as additional
 * authenticated data. Version 3 adds `headerSha256`: the SHA-256 of magic, length and header with
 * that one field zeroed, written last, so a damaged header is caught in unencrypted files too (in
 * version 2 nothing covered their createdAt or appVersion) and without the passphrase.
 * Hashing, zstd and AES run on the calling thread a chunk at a time (a few milliseconds each), so
 * the event loop never stalls for long; the next read and the previous write overlap with that work.
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
const READ = 256 * 1024;
const TAG_BYTES = 16;
const MAX_HEADER = 1024 * 1024;
const ZERO_HASH = '0'.repeat(64);
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 };
/**
 * The key-derivation parameters PosCare has ever written (32 MiB, ~0.1 s). A header asking for
 * anything else is refused before deriving: the file decides nothing about our memory or time.
 */
const ACCEPTED_SCRYPT_PARAMS: readonly (typeof SCRYPT_PARAMS)[] = [SCRYPT_PARAMS];

function acceptedScryptParams(params: { N: number; r: number; p: number }): boolean {
  return ACCEPTED_SCRYPT_PARAMS.some((accepted) => accepted.N === params.N && accepted.r === params.r && accepted.p === params.p);
}

function unsupportedParams(file: string | undefined): AppError {
  return new AppError('backup_unsupported', 'The backup asks for key-derivation parameters PosCare never writes', file === undefined ? undefined : { file });
}
const KEY_CHECK_LABEL = 'poscare-backup-key-check';

const inflateRaw = promisify(zlib.inflateRaw);
// The native binding itself (CommonJS, N-API: the same build runs in Node and Electron).
const zstd = createRequire(import.meta.url)('zstd-napi/binding') as typeof ZstdBinding;
/** zstd's fastest regular level: ~2x deflate -1's speed at a better ratio on SQLite pages. */
const ZSTD_LEVEL = 1;

type Compression = BackupHeader['compression'];

/** A frame's head: [raw length u32 BE][compressed length u32 BE]; both zero end the body. */
const FRAME_HEAD = 8;

/**
 * A zstd chunk framed in `out` (at least FRAME_HEAD + compressBound(CHUNK) bytes): compressed
 * straight behind the frame head, so no copy of the frame is made.
 */
function zstdFrame(raw: Buffer, cctx: ZstdBinding.CCtx, out: Buffer): Buffer {
  const written = cctx.compress(out.subarray(FRAME_HEAD), raw, ZSTD_LEVEL);
  out.writeUInt32BE(raw.length, 0);
  out.writeUInt32BE(written, 4);
  return out.subarray(0, FRAME_HEAD + written);
}

/**
 * The chunk of `rawLength` bytes back (zstd: into `into` when given); a frame that claims more
 * than that fails (never a big allocation).
 */
async function decompressChunk(
  compression: Compression,
  compressed: Buffer,
  rawLength: number,
  dctx: ZstdBinding.DCtx,
  into: Buffer | null,
): Promise<Buffer> {
  if (compression === 'deflate-raw-frames') return inflateRaw(compressed, { maxOutputLength: CHUNK });
  const raw = into ? into.subarray(0, rawLength) : Buffer.allocUnsafe(rawLength);
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
  if (!acceptedScryptParams(params)) return Promise.reject(unsupportedParams(undefined));
  return scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 });
}

function keyCheck(key: Buffer): string {
  return crypto.createHmac('sha256', key).update(KEY_CHECK_LABEL).digest('base64');
}

function headerBytes(header: BackupHeader & { headerSha256?: string }): Buffer {
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
  const header: BackupHeader = {
    formatVersion: BACKUP_FORMAT_VERSION,
    ...options.header,
    plaintextBytes,
    compression: 'zstd-frames',
    encryption,
    sha256: ZERO_HASH,
  };
  const head = prefix(headerBytes({ ...header, headerSha256: ZERO_HASH }));
  const cipher = key && encryption ? crypto.createCipheriv('aes-256-gcm', key, Buffer.from(encryption.iv, 'base64')) : null;
  cipher?.setAAD(head);
  const hash = crypto.createHash('sha256');
  const input = await fs.promises.open(options.snapshotFile, 'r');
  const output = await fs.promises.open(options.out, 'wx');
  let written = 0;
  // At most one read and one write in flight while a chunk is hashed, compressed and encrypted.
  let reading: Promise<Buffer> | null = null;
  let writing: Promise<unknown> = Promise.resolve();
  const emit = async (plain: Buffer) => {
    const data = cipher ? cipher.update(plain) : plain;
    await writing;
    if (data.length > 0) {
      writing = quiet(output.write(data));
      written += data.length;
    }
  };
  try {
    writing = quiet(output.write(head));
    written += head.length;
    const cctx = new zstd.CCtx();
    // Two of each, reused: chunk i is compressed while chunk i+1 is read into the other input
    // buffer and frame i-1 is written from the other output buffer. Against a fresh buffer per
    // chunk and a copy per frame, measured on a 527 MB snapshot: 1.5-1.9 -> 1.3-1.45 s of CPU.
    const inputs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    const outputs = [0, 1].map(() => Buffer.allocUnsafe(FRAME_HEAD + zstd.compressBound(CHUNK)));
    const chunks = Math.ceil(plaintextBytes / CHUNK);
    const read = async (index: number): Promise<Buffer> => {
      const position = index * CHUNK;
      const buffer = (inputs[index % 2] as Buffer).subarray(0, Math.min(CHUNK, plaintextBytes - position));
      const { bytesRead } = await input.read(buffer, 0, buffer.length, position);
      if (bytesRead !== buffer.length) throw new Error('The snapshot changed size while it was read');
      return buffer;
    };
    if (chunks > 0) reading = quiet(read(0));
    for (let index = 0; index < chunks; index++) {
      const raw = await (reading as Promise<Buffer>);
      reading = index + 1 < chunks ? quiet(read(index + 1)) : null;
      hash.update(raw);
      // The frame in outputs[index % 2] is not reused before the write of frame index+1 was
      // awaited in emit, which itself waits for the write of this one.
      await emit(zstdFrame(raw, cctx, outputs[index % 2] as Buffer));
      options.onProgress?.((index + 1) / chunks);
    }
    await emit(Buffer.alloc(FRAME_HEAD));
    await writing;
    if (cipher) {
      const last = cipher.final();
      const tag = cipher.getAuthTag();
      await output.write(Buffer.concat([last, tag]));
      written += last.length + tag.length;
    }
    // The hashes are known only now: into their slots in the header (same lengths), the header
    // hash last, over the final header with only its own slot zeroed.
    const sha256 = hash.digest('hex');
    const final = Buffer.from(head);
    fillSlot(final, 'sha256', ZERO_HASH, sha256);
    fillSlot(final, 'headerSha256', ZERO_HASH, crypto.createHash('sha256').update(final).digest('hex'));
    await output.write(final, 0, final.length, 0);
    await output.sync();
    return { header: { ...header, sha256 }, bytes: written };
  } finally {
    // Nothing may still touch the handles when they are closed after a failure.
    await Promise.allSettled([reading, writing]);
    await input.close();
    await output.close();
  }
}

/** Replaces `"name":"from"` in a header (it occurs once: JSON escapes quotes inside strings) by `"name":"to"` of the same length. */
function fillSlot(head: Buffer, name: string, from: string, to: string): boolean {
  const at = head.indexOf(`"${name}":"${from}"`, 0, 'latin1');
  if (at < 0 || from.length !== to.length) return false;
  head.write(`"${name}":"${to}"`, at, 'latin1');
  return true;
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
    const hex = /^[0-9a-f]{64}$/;
    if (!header.success || !hex.test(header.data.sha256)) {
      throw new AppError('backup_damaged', `The header of ${file} is damaged`, { file });
    }
    if (header.data.encryption && !acceptedScryptParams(header.data.encryption.params)) throw unsupportedParams(file);
    const head = Buffer.concat([start, raw]);
    // Version 3 requires the header hash; a file that has one is checked whatever its version
    // says, so a flipped version digit cannot turn the check off.
    const headerSha256 = (parsed as { headerSha256?: unknown }).headerSha256;
    if (header.data.formatVersion >= 3 || headerSha256 !== undefined) {
      const check = Buffer.from(head);
      const intact =
        typeof headerSha256 === 'string' &&
        hex.test(headerSha256) &&
        fillSlot(check, 'headerSha256', headerSha256, ZERO_HASH) &&
        crypto.createHash('sha256').update(check).digest('hex') === headerSha256;
      if (!intact) throw new AppError('backup_damaged', `The header of ${file} is damaged`, { file });
    }
    // The authenticated copy of the header has the hashes zeroed, as when it was written.
    const zeroed = Buffer.from(head);
    fillSlot(zeroed, 'sha256', header.data.sha256, ZERO_HASH);
    if (typeof headerSha256 === 'string') fillSlot(zeroed, 'headerSha256', headerSha256, ZERO_HASH);
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
  const zstdFrames = header.compression === 'zstd-frames';
  // zstd runs on this thread, so each frame is done before the next: when only checking, one
  // buffer serves every frame (hashed before it is reused). Deflate keeps a few frames in the
  // thread pool at once.
  const scratch = zstdFrames && !output ? Buffer.allocUnsafe(CHUNK) : null;
  const ahead = zstdFrames ? 0 : PARALLEL - 1;
  let plainBytes = 0;
  let next: Promise<Buffer> | null = null;
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
      while (!ended && carry.length >= FRAME_HEAD) {
        const rawLength = carry.readUInt32BE(0);
        const compressedLength = carry.readUInt32BE(4);
        if (rawLength === 0 && compressedLength === 0) {
          ended = true;
          carry = carry.subarray(FRAME_HEAD);
          break;
        }
        if (rawLength > CHUNK || compressedLength > CHUNK + 1024 * 1024) throw damaged('bad frame');
        if (carry.length < FRAME_HEAD + compressedLength) break;
        const compressed = carry.subarray(FRAME_HEAD, FRAME_HEAD + compressedLength);
        carry = carry.subarray(FRAME_HEAD + compressedLength);
        pending.push(
          quiet(decompressChunk(header.compression, compressed, rawLength, dctx, scratch).then(
            (raw) => {
              if (raw.length !== rawLength) throw damaged('frame length');
              return raw;
            },
            () => {
              throw damaged('compressed data');
            },
          )),
        );
        await flush(ahead);
      }
      if (ended && carry.length > 0) throw damaged('data after the end');
    };
    // The next read is in flight while a chunk is decrypted and decompressed. Ciphertext is
    // copied out by decipher.update, so two buffers take turns; a plain body gets a fresh buffer
    // per read, because the unconsumed end of one stays referenced (carry).
    // 256 KiB of the file per turn: it holds about 1.5 MiB of plaintext at zstd's ratio on SQLite
    // pages, a couple of milliseconds of work before the event loop runs again (1 MiB reads,
    // ~6 MiB of plaintext, made the longest turns of a backup).
    const buffers = decipher ? [Buffer.allocUnsafe(READ), Buffer.allocUnsafe(READ)] : null;
    let turn = 0;
    const readAt = async (at: number): Promise<Buffer> => {
      const length = Math.min(READ, bodyEnd - at);
      const buffer = buffers ? (buffers[turn++ % 2] as Buffer) : Buffer.allocUnsafe(length);
      const { bytesRead } = await input.read(buffer, 0, length, at);
      return buffer.subarray(0, bytesRead);
    };
    let position = headerEnd;
    next = position < bodyEnd ? quiet(readAt(position)) : null;
    while (next) {
      const chunk = await next;
      if (chunk.length === 0) throw damaged('truncated');
      position += chunk.length;
      next = position < bodyEnd ? quiet(readAt(position)) : null;
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
    await Promise.allSettled([next]);
    await input.close();
    await output?.close();
  }
}
