/**
 * Kill tests for real: a child process capturing, backing up or restoring is SIGKILLed at a
 * random moment; afterwards the database passes integrity_check, no reported commit is lost, and
 * a killed restore leaves either the old or the new database, never a mix.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swappableDatabase } from '../../electron/node/db/backup';
import { bulkInsertTransactions } from '../../electron/node/db/bulk';
import { databasePath, openDatabase } from '../../electron/node/db/connection';
import { createLogger } from '../../electron/node/log/logger';
import { BackupService } from '../../electron/node/services/backup/backup-service';
import { readBackupFile } from '../../electron/node/services/backup/format';
import { demoTransactions } from '../../electron/node/services/transactions/demo-data';
import { tempDir } from '../helpers/temp';
import { contentHash } from './backup-helpers';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'backup-kill.child.ts');
const quiet = createLogger({ sink: { write: () => undefined } });

/** Runs the child until `killWhen` says so (given its stdout so far), then SIGKILLs it. */
function runAndKill(args: string[], killWhen: (output: string) => boolean, delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let armed = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!armed && killWhen(output)) {
        armed = true;
        setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    });
    let errors = '';
    proc.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => (signal === 'SIGKILL' || output.includes('restored') ? resolve(output) : reject(new Error(`child ended without being killed: ${errors}`))));
  });
}

function fill(dataDir: string, transactions: number, seed: number): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(databasePath(dataDir));
  bulkInsertTransactions(db, demoTransactions({ transactions, terminals: 2, days: 3, lastDay: '2026-03-05', seed }, () => undefined), () => [], 'x');
  db.close();
}

function integrityAndCount(dataDir: string): { integrity: string; transactions: number } {
  const db = openDatabase(databasePath(dataDir));
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      transactions: (db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

let temp: ReturnType<typeof tempDir>;
beforeAll(() => {
  temp = tempDir();
});
afterAll(() => temp.cleanup());

describe('a process killed with SIGKILL', () => {
  it('loses no committed transaction while capturing', async () => {
    for (let round = 0; round < 2; round++) {
      const dataDir = path.join(temp.dir, `capture-${round}`);
      fill(dataDir, 10, round);
      const output = await runAndKill(['capture', dataDir, ''], (o) => o.split('\n').length > random(50, 400), random(0, 30));
      const reported = output.trim().split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
      const db = openDatabase(databasePath(dataDir));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((db.prepare("SELECT trace_number AS t FROM transactions WHERE terminal_id = 'K1'").all() as { t: number }[]).map((r) => r.t));
      db.close();
      for (const trace of reported) expect(stored.has(trace)).toBe(true);
    }
  }, 30_000);

  it('leaves the live database intact and no half-written backup under a final name while backing up', async () => {
    const dataDir = path.join(temp.dir, 'backup');
    const out = path.join(temp.dir, 'backup-out');
    fs.mkdirSync(out);
    fill(dataDir, 20_000, 7);
    const before = contentHash(databasePath(dataDir));
    for (let round = 0; round < 3; round++) {
      await runAndKill(['backup', dataDir, out], (o) => o.includes('ready'), random(0, 900));
      expect(integrityAndCount(dataDir)).toEqual({ integrity: 'ok', transactions: 20_000 });
      expect(contentHash(databasePath(dataDir))).toEqual(before);
    }
    for (const name of fs.readdirSync(out).filter((n) => n.endsWith('.pcbak') && !n.startsWith('.'))) {
      const copy = path.join(temp.dir, `check-${name}.db`);
      await expect(readBackupFile(path.join(out, name), null, copy)).resolves.toBeTruthy();
    }
  }, 60_000);

  it('leaves either the old or the restored database, intact, when killed during a restore', async () => {
    const source = path.join(temp.dir, 'restore-source');
    fill(source, 15_000, 11);
    const out = path.join(temp.dir, 'restore-out');
    fs.mkdirSync(out);
    const database = swappableDatabase(() => openDatabase(databasePath(source)));
    const service = new BackupService(database, source, undefined, quiet);
    const file = (await service.createBackup({ folder: out, noEncryption: true }, 'manual')).file;
    service.dispose();
    database.close();
    const restoredHash = contentHash(databasePath(source));
    const outcomes = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const dataDir = path.join(temp.dir, `restore-${round}`);
      fill(dataDir, 5_000, 100 + round);
      const oldHash = contentHash(databasePath(dataDir));
      await runAndKill(['restore', dataDir, file], (o) => o.includes('ready'), random(0, 700));
      const { integrity, transactions } = integrityAndCount(dataDir);
      expect(integrity).toBe('ok');
      const hash = contentHash(databasePath(dataDir));
      if (transactions === 5_000) {
        expect(hash).toEqual(oldHash);
        outcomes.add('old');
      } else {
        expect(transactions).toBe(15_000);
        expect(hash).toEqual(restoredHash);
        outcomes.add('new');
      }
    }
    expect(outcomes.size).toBeGreaterThan(0);
  }, 60_000);
});
