/**
 * One process owns a data folder: `poscare serve`, the desktop app and every CLI command that
 * writes take `<data>/poscare.lock` (pid, command, start time, host, boot time) before they open
 * the database, and give it back on dispose or exit. A second owner is refused with a message
 * naming the first. A lock whose process is gone (kill -9, power cut) is taken over: under a
 * short-lived `poscare.lock.takeover` guard (created exclusively) the lock is read again and
 * removed only if it is still the same stale one, then created exclusively like a fresh one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../../shared/ipc/result';

export const LOCK_FILE = 'poscare.lock';

export interface LockOwner {
  pid: number;
  command: string;
  startedAt: string;
  hostname: string;
  /** When this machine booted (ms): a lock from before a reboot is stale even if its pid was reused. */
  bootedAt: number;
}

export interface DataLock {
  readonly file: string;
  readonly owner: LockOwner;
  release(): void;
}

/** A lock file this young that cannot be parsed is being written by its owner right now. */
const UNREADABLE_GRACE_MS = 5_000;
/** Boot times read at two moments differ by rounding; a reboot moves them by far more. */
const BOOT_SLACK_MS = 120_000;

const held = new Set<DataLock>();
let exitHook = false;

function bootedAt(): number {
  return Math.round(Date.now() - os.uptime() * 1000);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes `text` to `file` only if no such file exists, all at once (no half-written lock is ever visible). */
function createExclusive(file: string, text: string): boolean {
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, text, { flag: 'wx' });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // A drive without hard links: an exclusive create (the owner's text follows at once).
    try {
      fs.writeFileSync(file, text, { flag: 'wx' });
      return true;
    } catch (inner) {
      if ((inner as { code?: string }).code === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

type Reading = { state: 'missing' } | { state: 'unreadable'; text: string; ageMs: number } | { state: 'owned'; text: string; owner: LockOwner };

function readLock(file: string): Reading {
  let text: string;
  let ageMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    ageMs = Date.now() - fs.statSync(file).mtimeMs;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return { state: 'missing' };
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (typeof owner.pid === 'number' && typeof owner.command === 'string') return { state: 'owned', text, owner };
  } catch {
    // falls through
  }
  return { state: 'unreadable', text, ageMs };
}

/** The owner's process is gone: same machine, and it is not running (or the machine rebooted since). */
function stale(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return false;
  if (typeof owner.bootedAt === 'number' && Math.abs(owner.bootedAt - bootedAt()) > BOOT_SLACK_MS) return true;
  return !processAlive(owner.pid);
}

/** Removes `file` if it still holds `text`, under the takeover guard so two newcomers never both remove. */
function removeIfUnchanged(file: string, text: string): void {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, JSON.stringify({ pid: process.pid, hostname: os.hostname(), bootedAt: bootedAt() }))) {
    // Another process is taking over; a guard left by a killed one is removed.
    const other = readLock(guard);
    if (other.state === 'owned' && stale(other.owner)) fs.rmSync(guard, { force: true });
    else if (other.state === 'unreadable' && other.ageMs > UNREADABLE_GRACE_MS) fs.rmSync(guard, { force: true });
    else sleep(50);
    return;
  }
  try {
    const again = readLock(file);
    if (again.state !== 'missing' && again.text === text) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function inUse(dataDir: string, owner: LockOwner): AppError {
  return new AppError(
    'data_folder_in_use',
    `The data folder ${dataDir} is in use by ${owner.command} (pid ${owner.pid} on ${owner.hostname}, since ${owner.startedAt}); close it first`,
    { dataDir, pid: owner.pid, command: owner.command, since: owner.startedAt, hostname: owner.hostname },
  );
}

/** Takes the data folder for `command` (e.g. "poscare serve"), or throws `data_folder_in_use` naming the owner. */
export function acquireDataLock(dataDir: string, command: string): DataLock {
  const file = path.join(dataDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, command, startedAt: new Date().toISOString(), hostname: os.hostname(), bootedAt: bootedAt() };
  const text = JSON.stringify(owner);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(file, text)) {
      const lock: DataLock = {
        file,
        owner,
        release() {
          if (!held.delete(lock)) return;
          const now = readLock(file);
          if (now.state !== 'missing' && now.text === text) fs.rmSync(file, { force: true });
        },
      };
      held.add(lock);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const l of [...held]) l.release();
        });
      }
      return lock;
    }
    const current = readLock(file);
    if (current.state === 'missing') continue;
    if (current.state === 'owned') {
      if (!stale(current.owner)) throw inUse(dataDir, current.owner);
      removeIfUnchanged(file, current.text);
      continue;
    }
    if (current.ageMs > UNREADABLE_GRACE_MS) removeIfUnchanged(file, current.text);
    else sleep(50);
  }
  const last = readLock(file);
  if (last.state === 'owned') throw inUse(dataDir, last.owner);
  throw new AppError('data_folder_in_use', `The data folder ${dataDir} is in use by another PosCare (its lock ${file} cannot be taken)`, { dataDir, pid: '?', command: '?', since: '?' });
}
