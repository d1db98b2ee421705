import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPtyPair } from '../../helpers/pty';

// The CLI as a technician runs it: the built bin/poscare.js (npm test builds first).
const bin = path.resolve(__dirname, '../../../bin/poscare.js');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function poscare(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Starts `poscare simulate ...` and resolves with its ready line once it listens. */
function simulate(args: string[]): Promise<Record<string, unknown>> {
  const child: ChildProcess = spawn(process.execPath, [bin, 'simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)) as Record<string, unknown>);
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`simulate exited ${code}: ${err}`)));
  });
}

describe('poscare terminal against poscare simulate', () => {
  it('prints the status of a terminal on a serial line as JSON', async () => {
    const ptys = await createPtyPair();
    cleanups.push(() => ptys.close());
    await simulate(['--serial', ptys.b]);
    const result = await poscare(['terminal', 'status', '--serial', ptys.a]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, command: 'status', terminalStatus: { code: 0, en: 'Ready', zh: '就绪', ready: true }, softwareVersion: 'PosCare-SIM 1.0.0' });
  });

  it('prints the status over TCP, pays, and reports an injected fault with exit code 1', async () => {
    const ready = await simulate(['--tcp', '127.0.0.1:0', '--fault', 'host-unreachable']);
    const address = String(ready.tcp);
    const status = await poscare(['terminal', 'status', '--tcp', address]);
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true, terminalStatus: { code: 0 } });
    const payment = await poscare(['terminal', 'pay', '--amount', '12.34', '--tcp', address]);
    expect(payment.status).toBe(1);
    expect(JSON.parse(payment.stdout)).toMatchObject({ ok: false, result: { code: 0xa3, en: 'No connection' } });
    expect(payment.stderr).toMatch(/^poscare terminal: pay failed: .*payment host unreachable/);
  });

  it('fails with a clear error and exit code 3 when the terminal never answers', async () => {
    // Accepts the connection and says nothing, like a hung terminal.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as net.AddressInfo).port;
    const result = await poscare(['terminal', 'status', '--tcp', `127.0.0.1:${port}`, '--timeout', '500']);
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(`poscare terminal: the terminal did not answer within 500 ms (tcp:127.0.0.1:${port})`);
  });

  it('fails with exit code 3 when nothing listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await poscare(['terminal', 'status', '--tcp', `127.0.0.1:${port}`]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^poscare terminal: cannot reach the terminal: cannot connect to 127\.0\.0\.1/);
  });

  it('rejects wrong arguments with exit code 2', async () => {
    expect((await poscare(['terminal', 'status'])).status).toBe(2);
    expect((await poscare(['terminal', 'pay', '--tcp', '127.0.0.1:1'])).stderr).toContain('--amount');
    expect((await poscare(['simulate', '--tcp', '127.0.0.1:0', '--fault', 'meltdown'])).status).toBe(2);
  });
});

describe('poscare zvt', () => {
  it('decodes an APDU and a serial frame to the same message, and encodes it back', async () => {
    const apdu = await poscare(['zvt', 'decode', '05 01 03 00 00 00']);
    expect(apdu.status).toBe(0);
    const decoded = JSON.parse(apdu.stdout) as { framed: boolean; message: { kind: string; password: string } };
    expect(decoded).toMatchObject({ framed: false, message: { kind: 'status-enquiry', password: '000000' } });

    const framedHex = await poscare(['zvt', 'encode', JSON.stringify(decoded.message), '--serial']);
    expect(framedHex.status).toBe(0);
    const framed = await poscare(['zvt', 'decode', framedHex.stdout.trim()]);
    expect(JSON.parse(framed.stdout)).toMatchObject({ framed: true, message: decoded.message });

    const encoded = await poscare(['zvt', 'encode', JSON.stringify(decoded.message)]);
    expect(encoded.stdout.trim().replace(/\s/g, '').toLowerCase()).toBe('050103000000');
  });

  it('reports bytes that are not ZVT with exit code 1 and one line', async () => {
    const result = await poscare(['zvt', 'decode', '10 02 05 01 00 10 03 00 00']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^poscare zvt: cannot decode:/);
  });

  it('lists every fault in simulate --help', async () => {
    const result = await poscare(['simulate', '--help']);
    for (const fault of ['paper-out', 'printer-jam', 'overheating', 'host-unreachable', 'busy', 'slow', 'link-drop', 'corrupt-crc', 'garbage', 'nak-storm']) {
      expect(result.stdout).toContain(fault);
    }
  });
});
