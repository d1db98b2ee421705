import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';

// The CLI is run as a user runs it: the built bin/poscare.js (npm test builds first).
const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/poscare.js');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, POSCARE_DATA_DIR: '' } });
}

function serve(args: string[]): Promise<{ line: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        resolve({
          line: out.trimEnd(),
          stop: () =>
            new Promise((done) => {
              child.on('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('the poscare command', () => {
  it('prints its version', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('lists its commands in --help', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('serve');
  });

  it('fails with one line and exit code 2 for an unknown command', () => {
    const result = run(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('serve prints exactly the listening line and answers on that URL, then stops cleanly', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const server = await serve(['--data', temp.dir, '--port', '0', '--token', 'cli-test-token-123']);
    expect(server.line).toMatch(/^PosCare listening on http:\/\/127\.0\.0\.1:\d+\/#token=cli-test-token-123$/);
    const origin = server.line.replace(/^PosCare listening on /, '').replace(/\/#token=.*$/, '');
    const response = await fetch(`${origin}/api/app.info`, { method: 'POST', headers: { Authorization: 'Bearer cli-test-token-123', 'Content-Type': 'application/json' }, body: '{}' });
    const body = (await response.json()) as { ok: boolean; value: { dataDir: string; mode: string } };
    expect(body.ok).toBe(true);
    expect(body.value).toMatchObject({ dataDir: temp.dir, mode: 'browser' });
    expect(await server.stop()).toBe(0);
  });

  it('serve fails with one clear line when the port is taken', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const result = run(['serve', '--data', temp.dir, '--port', String(port)]);
    blocker.close();
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`Port ${port} is already in use`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('serve fails with one clear line when the data folder cannot be written', () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const file = path.join(temp.dir, 'file');
    fs.writeFileSync(file, 'x');
    const result = run(['serve', '--data', path.join(file, 'data'), '--port', '0']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('not writable');
  });

  it('serve on a damaged database starts in recovery, offering only a restore, instead of dying', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    fs.writeFileSync(path.join(temp.dir, 'poscare.db'), Buffer.alloc(4096, 0x42));
    const server = await serve(['--data', temp.dir, '--port', '0', '--token', 'recovery-token']);
    const url = new URL(/http:\/\/\S+/.exec(server.line)![0]);
    const call = async (method: string) => {
      const response = await fetch(`${url.origin}/api/${method}`, { method: 'POST', headers: { authorization: 'Bearer recovery-token', 'content-type': 'application/json' }, body: '{}' });
      return (await response.json()) as { ok: boolean; value?: { recovery?: unknown }; error?: { code: string } };
    };
    expect((await call('app.info')).value?.recovery).toBeTruthy();
    expect(await call('devices.list')).toMatchObject({ ok: false, error: { code: 'database_corrupt' } });
    expect(await server.stop()).toBe(0);
  });
});
