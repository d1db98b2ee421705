import { spawn, type ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `poscare serve` on a data folder, as a user starts it; resolves with the printed URL. */
export class ServeProcess {
  private child?: ChildProcess;
  url = '';

  constructor(readonly dataDir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-e2e-'))) {}

  async start(): Promise<string> {
    const child = spawn(process.execPath, [path.join(root, 'bin/poscare.js'), 'serve', '--data', this.dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /PosCare listening on (\S+)\n/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`poscare serve exited with ${code}: ${err}`)));
    });
    return this.url;
  }

  /** Calls an API method as the page does; answers the value, throws with the error when it fails. */
  async api(method: string, input: unknown): Promise<any> {
    const base = this.url.replace(/#.*$/, '');
    const token = /token=([^&]+)/.exec(this.url)?.[1] ?? '';
    const response = await fetch(`${base}api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
    return result.value;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  remove(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Screenshots of the page at the three window sizes the console is checked at (1366x768, 1024x700, 1920x1080), into test-results/<name>-<size>.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [[1366, 768], [1024, 700], [1920, 1080]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: path.join('test-results', `${name}-${width}x${height}.png`) });
  }
}
