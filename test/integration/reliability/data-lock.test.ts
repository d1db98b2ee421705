/**
 * Issue 18, items 2 and 3: one process owns a data folder. Real processes of the built CLI
 * (npm test builds first): a restore or a second serve on a folder a serve owns is refused and
 * names its pid; kill -9 leaves a stale lock the next start takes over; of several starts racing
 * for a stale lock exactly one wins.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataLock, LOCK_FILE } from '../../../electron/node/files/data-lock';
import { tempDir } from '../../helpers/temp';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'bin/poscare.js');
const children: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, POSCARE_DATA_DIR: '', ...env } });
}

/** Starts `poscare serve`; resolves with the process once it listens, or with its exit code and stderr. */
function serve(dataDir: string): Promise<{ child: ChildProcess; listening: boolean; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/PosCare listening on /.test(out)) resolve({ child, listening: true, code: null, stderr: err });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => resolve({ child, listening: false, code, stderr: err }));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
}

describe('one owner per data folder', () => {
  it('refuses a CLI restore and a second serve while serve runs, naming its pid; a kill -9 leaves a lock the next start takes over', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const data = path.join(temp.dir, 'data');
    expect(run(['demo-data', '--data', data, '--transactions', '200']).status).toBe(0);
    const backup = path.join(temp.dir, 'store.pcbak');
    expect(run(['backup', 'create', '--data', data, '--out', backup, '--no-encryption']).status).toBe(0);
    const dbBefore = fs.readFileSync(path.join(data, 'poscare.db'));

    const first = await serve(data);
    expect(first.listening).toBe(true);
    const pid = first.child.pid!;
    const lock = JSON.parse(fs.readFileSync(path.join(data, LOCK_FILE), 'utf8')) as { pid: number; command: string };
    expect(lock).toMatchObject({ pid, command: 'poscare serve' });

    const restore = run(['backup', 'restore', backup, '--data', data, '--yes']);
    expect(restore.status).not.toBe(0);
    expect(restore.stderr).toContain(`pid ${pid}`);
    expect(restore.stderr).toContain('poscare serve');
    expect(fs.readdirSync(data).filter((n) => n.startsWith('poscare.db.damaged') || n === 'safety')).toEqual([]);
    expect(fs.readFileSync(path.join(data, 'poscare.db')).equals(dbBefore)).toBe(true);

    for (const args of [
      ['demo-data', '--data', data, '--transactions', '10'],
      ['backup', 'create', '--data', data, '--out', path.join(temp.dir, 'second.pcbak'), '--no-encryption'],
      ['transactions', 'export', '--data', data, '--from', '2026-01-01', '--to', '2026-01-02', '--format', 'csv', '--out', path.join(temp.dir, 'x.csv')],
    ]) {
      const refused = run(args);
      expect(refused.status, args.join(' ')).not.toBe(0);
      expect(refused.stderr, args.join(' ')).toContain(`pid ${pid}`);
    }

    const second = await serve(data);
    expect(second.listening).toBe(false);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`pid ${pid}`);

    first.child.kill('SIGKILL');
    await exited(first.child);
    // The lock stays behind with the dead pid ...
    expect(JSON.parse(fs.readFileSync(path.join(data, LOCK_FILE), 'utf8'))).toMatchObject({ pid });
    // ... and the next start takes it over.
    const next = await serve(data);
    expect(next.listening).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(data, LOCK_FILE), 'utf8'))).toMatchObject({ pid: next.child.pid });
    next.child.kill('SIGTERM');
    await exited(next.child);
    // Released on an orderly stop: the restore now runs.
    expect(fs.existsSync(path.join(data, LOCK_FILE))).toBe(false);
    expect(run(['backup', 'restore', backup, '--data', data, '--yes']).status).toBe(0);
    expect(fs.existsSync(path.join(data, LOCK_FILE))).toBe(false);
  }, 300_000);

  it('lets exactly one of several starts racing for a stale lock win', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const data = path.join(temp.dir, 'data');
    fs.mkdirSync(data);
    // A lock of a process that is gone (a short-lived child, already exited).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const stale = { pid: Number(gone.stdout), command: 'poscare serve', startedAt: '2026-01-01T00:00:00.000Z', hostname: os.hostname(), bootedAt: Date.now() - os.uptime() * 1000 };
    fs.writeFileSync(path.join(data, LOCK_FILE), JSON.stringify(stale));

    const starts = await Promise.all([serve(data), serve(data), serve(data), serve(data)]);
    const winners = starts.filter((s) => s.listening);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.child.pid;
    for (const loser of starts.filter((s) => !s.listening)) {
      expect(loser.code).not.toBe(0);
      expect(loser.stderr).toContain(`pid ${winner}`);
    }
    expect(JSON.parse(fs.readFileSync(path.join(data, LOCK_FILE), 'utf8'))).toMatchObject({ pid: winner });
    expect(fs.readdirSync(data).filter((n) => n.startsWith(LOCK_FILE))).toEqual([LOCK_FILE]);
  }, 180_000);

  it('takes over a lock left before a reboot even when its pid now belongs to a running process', () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const alive = { pid: process.ppid, command: 'poscare serve', startedAt: '2026-01-01T00:00:00.000Z', hostname: os.hostname() };
    fs.writeFileSync(path.join(temp.dir, LOCK_FILE), JSON.stringify({ ...alive, bootedAt: Date.now() - os.uptime() * 1000 }));
    expect(() => acquireDataLock(temp.dir, 'test')).toThrow(/in use by poscare serve \(pid/);
    fs.writeFileSync(path.join(temp.dir, LOCK_FILE), JSON.stringify({ ...alive, bootedAt: Date.now() - os.uptime() * 1000 - 86_400_000 }));
    const lock = acquireDataLock(temp.dir, 'test');
    expect(JSON.parse(fs.readFileSync(path.join(temp.dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'test' });
    lock.release();
    expect(fs.existsSync(path.join(temp.dir, LOCK_FILE))).toBe(false);
  });
});
