import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';

const root = path.resolve(__dirname, '../..');

describe('npm start', () => {
  // This machine (and CI) installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1: the fallback is what runs here.
  it('says in one line that the Electron binary is missing and serves the console in browser mode instead', async () => {
    const temp = tempDir();
    const child = spawn(process.execPath, [path.join(root, 'build/start.mjs'), '--data', temp.dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/PosCare listening on /.test(out) && out.endsWith('\n')) resolve(out.trim().split('\n'));
        });
        child.on('exit', (code) => reject(new Error(`start exited with ${code}: ${out}`)));
      });
      expect(lines[0]).toBe('Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); running `poscare serve` instead.');
      expect(lines).toHaveLength(2);
      const url = /PosCare listening on (http:\/\/127\.0\.0\.1:\d+\/)#token=([A-Za-z0-9_.~-]+)/.exec(lines[1] ?? '');
      expect(url).not.toBeNull();
      const response = await fetch(`${url![1]}api/app.info`, { method: 'POST', headers: { Authorization: `Bearer ${url![2]}`, 'Content-Type': 'application/json' }, body: '{}' });
      const result = (await response.json()) as { ok: boolean; value: { mode: string; dataDir: string } };
      expect(result).toMatchObject({ ok: true, value: { mode: 'browser', dataDir: temp.dir } });
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      temp.cleanup();
    }
  });
});
