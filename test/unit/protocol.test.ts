import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/temp';

// The Electron binary cannot run here: protocol.handle is recorded and net.fetch reads the file as Electron would.
const recorded = vi.hoisted(() => ({ handler: undefined as undefined | ((request: Request) => Promise<Response>), scheme: '' }));
vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: vi.fn(),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      recorded.scheme = scheme;
      recorded.handler = handler;
    },
  },
  net: {
    fetch: async (url: string) => {
      const file = fileURLToPath(url);
      // Electron's net.fetch rejects for a missing file rather than answering 404.
      const body = await fs.promises.readFile(file);
      return new Response(body, { status: 200, headers: { 'Content-Type': file.endsWith('.html') ? 'text/html' : 'application/javascript' } });
    },
  },
}));

const { serveRenderer } = await import('../../electron/main/protocol');

const temp = tempDir('poscare-protocol-');
const renderer = path.join(temp.dir, 'renderer');

beforeAll(() => {
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>PosCare</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app 1.js'), 'export {};');
  fs.writeFileSync(path.join(temp.dir, 'secret.txt'), 'outside the renderer folder');
  serveRenderer(renderer);
});
afterAll(() => temp.cleanup());

/** A fake of the Request Electron hands the handler: only what the handler reads (a real Request refuses some of these URLs). */
function get(url: string, method = 'GET'): Promise<Response> {
  return recorded.handler!({ url, method } as Request);
}

describe('the app:// protocol', () => {
  it('serves the renderer from app://poscare with the CSP header', async () => {
    expect(recorded.scheme).toBe('app');
    const response = await get('app://poscare/');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>PosCare</title>');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('app://poscare/assets/app%201.js')).status).toBe(200);
  });

  it('refuses every host other than its own', async () => {
    for (const url of ['app://evil/index.html', 'app://poscare.evil/index.html', 'app://user@evil/index.html', 'app://poscare:8080/index.html']) {
      const response = await get(url);
      expect(response.status, url).toBe(403);
    }
  });

  it('answers 400 instead of throwing for a malformed path', async () => {
    for (const url of ['not a url', 'app://poscare/%', 'app://poscare/%E0%A4%A', 'app://poscare/assets/%ZZ.js', 'app://poscare/a%00b', 'app://poscare/a%01b', 'app://poscare/a%5cb', 'app://poscare/%0d%0a']) {
      const response = await get(url);
      expect(response.status, url).toBe(400);
    }
  });

  it('answers 414 for an overlong path', async () => {
    expect((await get(`app://poscare/${'a'.repeat(5000)}`)).status).toBe(414);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const url of ['app://poscare/%2e%2e/secret.txt', 'app://poscare/..%2fsecret.txt', 'app://poscare/assets/..%2f..%2fsecret.txt', 'app://poscare/..%5csecret.txt']) {
      const response = await get(url);
      expect(response.status, url).not.toBe(200);
    }
  });

  it('answers 404 for a missing file and 405 for anything but GET/HEAD', async () => {
    expect((await get('app://poscare/nothing-here.js')).status).toBe(404);
    expect((await get('app://poscare/index.html', 'POST')).status).toBe(405);
  });
});
