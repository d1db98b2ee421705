/**
 * A pair of connected pseudo-terminals made by socat, for tests that use the real serialport
 * binding: bytes written to `a` come out of `b` and back. Killing socat is "unplugging the
 * cable": both ends report the link lost. `replug()` starts a new socat on the same link names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** Stable symlinks to the two ends (socat's link=). */
  a: string;
  b: string;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

function waitForLinks(child: ChildProcess, links: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // socat logs "starting data transfer loop" once both ptys exist.
      if (stderr.includes('starting data transfer loop') && links.every((link) => fs.existsSync(link))) finish();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`socat did not create the pty pair: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code}: ${stderr}`));
    });
    function finish() {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve();
    }
  });
}

export async function createPtyPair(options: { timeoutMs?: number } = {}): Promise<PtyPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-pty-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const started = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    await waitForLinks(started, [a, b], options.timeoutMs ?? 5000);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      // SIGKILL: an unplugged cable gives no notice, and socat must not linger flushing buffers.
      running.kill('SIGKILL');
    });
  }

  await start();
  return {
    a,
    b,
    unplug: stop,
    replug: start,
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
