/**
 * The scratch files of backups: the data folder's backup-work/ (snapshots, verify and restore
 * copies, drill folders, named `<kind>-<pid>-<ms>.db` so only leftovers of dead processes are
 * swept) and the `.partial` name a backup is written under on the drive before its rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../../files/data-lock';
import type { Logger } from '../../log/logger';

/** Scratch files a backup, verify or restore names `<kind>-<pid>-<ms>.db` (see scratchDir users). */
const SCRATCH_FILE = /^(snapshot|verify|restore)-(\d+)-\d+\.db(-journal|-wal|-shm)?$/;
/** The temporary name a backup is written under before its rename: `.poscare-<stamp>.pcbak.partial`. */
const PARTIAL_FILE = /^\.poscare-[0-9_-]+\.pcbak\.partial$/;
/** A partial file untouched this long belongs to no running backup (writes touch it continuously). */
const STALE_PARTIAL_MS = 15 * 60_000;
/** A drill's temporary folder (`drill-XXXXXX`, no pid in the name) this old belongs to no running drill. */
const DRILL_DIR = /^drill-[A-Za-z0-9]{6}$/;
const STALE_DRILL_MS = 6 * 3_600_000;

/**
 * Removes a scratch database and its side files: opening a WAL-mode copy read-only (the
 * integrity worker) leaves -wal and -shm behind, which would otherwise pile up per backup.
 */
export async function removeDatabaseFiles(file: string, options: { sideFilesOnly?: boolean } = {}): Promise<void> {
  const suffixes = options.sideFilesOnly ? ['-wal', '-shm'] : ['', '-wal', '-shm', '-journal'];
  await Promise.all(suffixes.map((suffix) => fs.promises.rm(`${file}${suffix}`, { force: true }).catch(() => undefined)));
}

/** The data folder's backup-work/ (created on demand): every scratch copy lives there, never on the drive. */
export function scratchDir(dataDir: string): string {
  const dir = path.join(dataDir, 'backup-work');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Removes scratch files a killed backup, verify or restore left in the data folder: only names
 * PosCare gives, and only those of processes that are gone (or of this one while it runs
 * nothing), so a CLI run never pulls the snapshot from under the desktop app's backup.
 */
export function sweepScratch(dataDir: string, logger: Logger, busy: boolean): string[] {
  const dir = path.join(dataDir, 'backup-work');
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (DRILL_DIR.test(name)) {
      const drill = path.join(dir, name);
      try {
        if (Date.now() - fs.statSync(drill).mtimeMs < STALE_DRILL_MS) continue;
        fs.rmSync(drill, { recursive: true, force: true });
        removed.push(name);
      } catch (error) {
        logger.warn('cannot remove a leftover drill folder', { name, error: (error as Error).message });
      }
      continue;
    }
    const match = SCRATCH_FILE.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid === process.pid ? busy : processAlive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    } catch (error) {
      logger.warn('cannot remove a leftover scratch file', { name, error: (error as Error).message });
    }
  }
  if (removed.length > 0) logger.info('removed leftover backup scratch files', { count: removed.length });
  return removed;
}

/** Removes `.poscare-*.pcbak.partial` files a killed or unplugged backup left in `folder`. */
export async function sweepPartials(folder: string, logger: Logger): Promise<string[]> {
  const removed: string[] = [];
  const now = Date.now();
  for (const name of await fs.promises.readdir(folder).catch(() => [] as string[])) {
    if (!PARTIAL_FILE.test(name)) continue;
    const file = path.join(folder, name);
    try {
      if (now - (await fs.promises.stat(file)).mtimeMs < STALE_PARTIAL_MS) continue;
      await fs.promises.rm(file, { force: true });
      removed.push(name);
    } catch (error) {
      logger.warn('cannot remove a leftover partial backup', { file, error: (error as Error).message });
    }
  }
  return removed;
}

/** "2026-11-22_012347" (UTC): sorts by time, and never looks like a card number to the log masking. */
export function stamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)}_${iso.slice(11, 19).replace(/:/g, '')}`;
}

export async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable; Windows cannot open a folder for fsync, and does not need it.
  if (process.platform === 'win32') return;
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
