/**
 * Kill tests for real: a child process capturing, backing up or restoring is SIGKILLed, by the
 * parent at a random moment after a phase it reported or by itself at a named point around the
 * swap of a restore. Afterwards: the database passes integrity_check; no transaction the child
 * reported committed is missing; a killed backup leaves the live content untouched and no
 * unreadable file among the backups; a killed restore leaves exactly the old or exactly the
 * restored content (content hashes), never a mix; and the app core opens the folder again with
 * the leftover scratch files swept and nothing left 'running' in the history.
 *
 * The child is bundled once with esbuild (node starts it in about a third of tsx's time), next to
 * node_modules' other caches so the bundle still finds better-sqlite3 and package.json.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { swappableDatabase } from '../../electron/node/db/backup';
import { bulkInsertTransactions } from '../../electron/node/db/bulk';
import { databasePath, openDatabase } from '../../electron/node/db/connection';
import { createLogger } from '../../electron/node/log/logger';
import { BackupService } from '../../electron/node/services/backup/backup-service';
import { readBackupFile } from '../../electron/node/services/backup/format';
import { demoTransactions } from '../../electron/node/services/transactions/demo-data';
import { tempDir } from '../helpers/temp';
import { contentHash } from '../helpers/backup';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const quiet = createLogger({ sink: { write: () => undefined } });
/** What a killed backup, verify or restore may leave in backup-work until the next start sweeps it. */
const SCRATCH = /^(snapshot|verify|restore)-\d+-\d+\.db/;

let temp: ReturnType<typeof tempDir>;
let childScript: string;

beforeAll(async () => {
  temp = tempDir();
  // node_modules/.cache/<file>: ../../package.json is the project's, as from electron/node/.
  childScript = path.join(root, 'node_modules', '.cache', `poscare-backup-kill-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(here, 'backup-kill.child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: childScript,
    logLevel: 'warning',
  });
});

afterAll(() => {
  fs.rmSync(childScript, { force: true });
  temp.cleanup();
});

interface Run {
  lines: string[];
  killed: boolean;
}

/**
 * Runs the child; `aim` sees each line it prints and may answer a delay (ms) after which the
 * child is SIGKILLed. Resolves when the child has ended, killed or not.
 */
function runChild(args: string[], aim: (line: string, lines: string[]) => number | undefined = () => undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    let armed = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const delay = armed ? undefined : aim(line, lines);
        if (delay !== undefined) {
          armed = true;
          setTimeout(() => proc.kill('SIGKILL'), delay);
        }
      }
    });
    let errors = '';
    proc.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ lines, killed: true });
      else if (code === 0) resolve({ lines, killed: false });
      else reject(new Error(`the child failed (${code}): ${errors}`));
    });
  });
}

/** A data folder with `transactions` rows, made once per content and copied per round. */
const templates = new Map<string, string>();
function dataFolder(name: string, transactions: number, seed: number): string {
  const key = `${transactions}-${seed}`;
  let template = templates.get(key);
  if (!template) {
    template = path.join(temp.dir, `template-${key}`);
    fs.mkdirSync(template, { recursive: true });
    const db = openDatabase(databasePath(template));
    bulkInsertTransactions(db, demoTransactions({ transactions, terminals: 2, days: 3, lastDay: '2026-03-05', seed }, () => undefined), () => [], 'x');
    db.close(); // checkpoints: the whole database is in poscare.db
    templates.set(key, template);
  }
  const dataDir = path.join(temp.dir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.copyFileSync(databasePath(template), databasePath(dataDir));
  return dataDir;
}

function integrity(dataDir: string): string {
  const db = openDatabase(databasePath(dataDir));
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/**
 * Starts the app core on the folder as after a crash: it opens, sweeps the dead child's scratch
 * files, marks its unfinished backups failed, and answers the screens' calls.
 */
async function restart(dataDir: string, more?: (core: AppCore) => Promise<void>): Promise<void> {
  const core = createAppCore({ dataDir, mode: 'browser', logger: quiet });
  try {
    const work = path.join(dataDir, 'backup-work');
    const left = fs.existsSync(work) ? fs.readdirSync(work).filter((n) => SCRATCH.test(n)) : [];
    expect(left).toEqual([]);
    expect(core.services.backup.list().entries.filter((e) => e.status === 'running')).toEqual([]);
    const search = await core.dispatch('transactions.search', { from: '2026-03-01', to: '2026-03-05', limit: 5 });
    expect(search.ok).toBe(true);
    const devices = await core.dispatch('devices.list', {});
    expect(devices.ok).toBe(true);
    await more?.(core);
  } finally {
    core.dispose();
  }
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

describe('a process killed with SIGKILL', () => {
  it('loses no committed transaction while capturing, also with a backup running alongside', async () => {
    for (let round = 0; round < 4; round++) {
      const withBackup = round % 2 === 1;
      const dataDir = dataFolder(`capture-${round}`, 10, 1);
      const folder = withBackup ? path.join(temp.dir, `capture-usb-${round}`) : '';
      if (folder) fs.mkdirSync(folder);
      const after = random(30, 600);
      const { lines, killed } = await runChild(['capture', dataDir, folder], (_line, all) => (all.length >= after ? random(0, 40) : undefined));
      expect(killed).toBe(true);
      const reported = lines.filter((l) => /^\d+$/.test(l)).map(Number);
      // Reported one by one after each commit: 1, 2, ..., n.
      expect(reported.length).toBeGreaterThanOrEqual(after);
      expect(reported.at(-1)).toBe(reported.length);
      expect(integrity(dataDir)).toBe('ok');
      const db = openDatabase(databasePath(dataDir));
      const stored = (db.prepare("SELECT trace_number AS t FROM transactions WHERE terminal_id = 'K1' ORDER BY trace_number").all() as { t: number }[]).map((r) => r.t);
      db.close();
      // Every reported commit is there; at most the one committed but not yet reported is extra.
      expect(stored.slice(0, reported.length)).toEqual(reported);
      expect(stored.length - reported.length).toBeLessThanOrEqual(1);
      await restart(dataDir);
    }
  }, 30_000);

  it('leaves the live content untouched and nothing unreadable among the backups while backing up', async () => {
    // Each phase of a backup gets a kill aimed shortly after it starts.
    const phases = ['snapshot', 'compress', 'verify', 'integrity', 'done'];
    for (let round = 0; round < phases.length; round++) {
      const dataDir = dataFolder(`backup-${round}`, 8_000, 7);
      const out = path.join(temp.dir, `backup-out-${round}`);
      fs.mkdirSync(out);
      const before = contentHash(databasePath(dataDir));
      const aimed = phases[round];
      const { killed, lines } = await runChild(['backup', dataDir, out], (line) => (line === `phase ${aimed}` ? random(0, 15) : undefined));
      expect(killed).toBe(true);
      expect(lines).toContain(`phase ${aimed}`);
      expect(integrity(dataDir)).toBe('ok');
      // Only the history (excluded from the hash) may differ: a row for each backup started.
      expect(contentHash(databasePath(dataDir))).toEqual(before);
      // What the Backup page lists from the folder (names without the leading dot) are readable
      // backups, each decrypting to the database it claims; a partial file only under a dot name.
      await restart(dataDir, async (core) => {
        const listed = await core.services.backup.folder({ folder: out });
        expect(listed.unreadable).toEqual([]);
        for (const { file } of listed.files) await expect(readBackupFile(file, null, null)).resolves.toBeTruthy();
        for (const entry of core.services.backup.list().entries) {
          if (entry.status === 'verified') expect(fs.existsSync(entry.file)).toBe(true);
          else expect(entry).toMatchObject({ status: 'failed', error: 'interrupted' });
        }
      });
      expect(fs.readdirSync(out).filter((n) => !n.startsWith('.') && !n.endsWith('.pcbak'))).toEqual([]);
    }
  }, 30_000);

  it('leaves exactly the old or exactly the restored database, intact, when killed around the swap', async () => {
    // The backup to restore: 4,000 transactions (the live folders have 1,500 others).
    const source = dataFolder('restore-source', 4_000, 11);
    const out = path.join(temp.dir, 'restore-out');
    fs.mkdirSync(out);
    const database = swappableDatabase(() => openDatabase(databasePath(source)));
    const service = new BackupService(database, source, undefined, quiet);
    const file = (await service.createBackup({ folder: out, noEncryption: true }, 'manual')).file;
    service.dispose();
    database.close();
    const restoredHash = contentHash(databasePath(source));
    const oldHash = contentHash(databasePath(dataFolder('restore-probe', 1_500, 100)));
    expect(oldHash).not.toEqual(restoredHash);

    // An unkilled restore: the printed points in order, and the window from the restore phase
    // (safety snapshot, history carried over, swap) to the end, to aim random kills into.
    const calm = dataFolder('restore-calm', 1_500, 100);
    let restorePhaseAt = 0;
    let window = 0;
    const run = await runChild(['restore', calm, file, 'none'], (line) => {
      if (line === 'phase restore') restorePhaseAt = performance.now();
      if (line === 'restored') window = performance.now() - restorePhaseAt;
      return undefined;
    });
    expect(run.killed).toBe(false);
    expect(run.lines.filter((l) => !l.startsWith('phase ') || l === 'phase restore')).toEqual(['ready', 'phase restore', 'swap', 'rename', 'renamed', 'swapped', 'restored']);
    expect(contentHash(databasePath(calm))).toEqual(restoredHash);

    const rounds: { killAt: string; expected?: 'old' | 'new'; aim?: (line: string) => number | undefined }[] = [
      // Killed by itself at exact points of the swap.
      { killAt: 'in-swap', expected: 'old' },
      { killAt: 'before-rename', expected: 'old' },
      { killAt: 'after-rename', expected: 'new' },
      { killAt: 'after-swap', expected: 'new' },
      // Killed by the parent at random moments from the safety snapshot to past the swap.
      ...Array.from({ length: 5 }, () => {
        const delay = random(0, Math.max(10, Math.ceil(window * 1.3)));
        return { killAt: 'none', aim: (line: string) => (line === 'phase restore' ? delay : undefined) };
      }),
      // ... and right after the connection closed for the swap.
      ...Array.from({ length: 1 }, () => ({ killAt: 'none', aim: (line: string) => (line === 'swap' ? random(0, 3) : undefined) })),
    ];
    const outcomes: string[] = [];
    for (const [round, { killAt, expected, aim }] of rounds.entries()) {
      const dataDir = dataFolder(`restore-${round}`, 1_500, 100);
      const { killed, lines } = await runChild(['restore', dataDir, file, killAt], aim);
      expect(integrity(dataDir)).toBe('ok');
      const hash = contentHash(databasePath(dataDir));
      const outcome = JSON.stringify(hash) === JSON.stringify(oldHash) ? 'old' : JSON.stringify(hash) === JSON.stringify(restoredHash) ? 'new' : 'mix';
      expect(outcome, `round ${round} (${killAt}), last lines ${lines.slice(-3).join(', ')}`).not.toBe('mix');
      if (expected) {
        expect(killed).toBe(true);
        expect(outcome).toBe(expected);
      }
      // A killed child never reached 'renamed' without the new content, nor left the old one after it.
      if (lines.includes('renamed')) expect(outcome).toBe('new');
      if (!lines.includes('rename')) expect(outcome).toBe('old');
      // A safety snapshot that is there is a whole database (it is never written under its final name).
      const safety = path.join(dataDir, 'safety');
      for (const name of fs.existsSync(safety) ? fs.readdirSync(safety) : []) {
        const db = openDatabase(path.join(safety, name), { readonly: true });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(contentHash(path.join(safety, name))).toEqual(oldHash);
        db.close();
      }
      await restart(dataDir);
      outcomes.push(outcome);
    }
    expect(outcomes).toContain('old');
    expect(outcomes).toContain('new');
  }, 60_000);
});
