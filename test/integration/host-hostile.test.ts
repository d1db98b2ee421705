/**
 * A hostile web page, a broken client or a port scanner against browser mode: a corpus of
 * malformed request lines, paths, headers, bodies and methods is sent over raw sockets to a real
 * server on 127.0.0.1. Every one is answered with a 4xx (or the connection is closed), nothing
 * is served from outside the renderer folder, nothing is written, and afterwards the API still
 * answers.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { startHost, type RunningHost } from '../../electron/node/host/server';
import { silentLogger } from '../../electron/node/log/logger';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { tempDir } from '../helpers/temp';

const TOKEN = 'hostile-token-0123456789';
let core: AppCore;
let host: RunningHost;
let cleanup: () => void;

beforeAll(async () => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  const rendererDir = path.join(temp.dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>PosCare</title>');
  fs.writeFileSync(path.join(temp.dir, 'secret.txt'), 'TOP-SECRET');
  core = createAppCore({ dataDir: path.join(temp.dir, 'data'), mode: 'browser', logger: silentLogger });
  host = await startHost({ dispatch: core.dispatch, bus: core.bus, logger: silentLogger, rendererDir, token: TOKEN, port: 0 });
});

afterAll(async () => {
  await host.close();
  core.dispose();
  cleanup();
});

/** Sends raw bytes, answers what came back until the server closed or went quiet; '' when it closed without a word. */
function raw(request: string | Buffer, quietMs = 400): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(host.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One response is enough: the status line and headers came, and the body if it has a length.
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text.slice(0, end));
      if (end >= 0 && length && text.length >= end + 4 + Number(length[1])) done();
      else arm();
    });
    socket.on('error', () => done());
    socket.on('close', () => done());
    socket.on('connect', () => {
      socket.write(request, () => arm());
    });
  });
}

function statusOf(response: string): number | null {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : null;
}

const HOST = () => `Host: 127.0.0.1:${host.port}`;
const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\n${HOST()}\r\n${extra}Connection: close\r\n\r\n`;
function post(target: string, body: string, headers: string[] = [`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json']): string {
  return `POST ${target} HTTP/1.1\r\n${HOST()}\r\n${headers.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

const MALFORMED_PATHS = [
  '/%00', '/%00.html', '/index.html%00', '/%', '/%zz', '/%e0%a4%a', '/%c0%ae%c0%ae/secret.txt', '/%ff', '/%C0%AF',
  '/..', '/../secret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/..%2fsecret.txt', '/%252e%252e/secret.txt',
  '/.%2e/secret.txt', '/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/%5c..%5csecret.txt',
  '/\\..\\secret.txt', '/assets\\..\\..\\secret.txt', '/%0d%0aSet-Cookie:%20x=1', '/%01', '/%7f', '/\u00e9', '/%ef%bb%bf',
  '/%e2%80%ae', '/%f0%9f%92%a9', '//evil.example/', '//', '///etc/passwd', '/assets/', '/assets', `/${'a'.repeat(5000)}`,
  `/${'%2e'.repeat(2000)}`, `/${'../'.repeat(300)}etc/passwd`, '*', 'http://127.0.0.1/secret.txt', 'evil', '/?%00=%00', '/#%00',
  '/api/%00', '/api/%', '/api/settings.get%00', '/events?token=%', '/events?token=%00',
];

describe('browser mode against a hostile client', () => {
  it('answers every malformed path with a 4xx, never a file from outside, and keeps running', async () => {
    for (const target of MALFORMED_PATHS) {
      const response = await raw(get(target));
      const status = statusOf(response);
      expect(response, target).not.toContain('TOP-SECRET');
      // "/.." and the like normalize to "/" (the URL parser's own rule): our page, nothing else.
      if (status === 200) expect(response, target).toContain('<title>PosCare</title>');
      else {
        expect(status, target).toBeGreaterThanOrEqual(400);
        expect(status, target).toBeLessThan(500);
      }
    }
    // The server is still there and right.
    expect(statusOf(await raw(get('/')))).toBe(200);
  });

  it('refuses malformed request lines, headers and bodies with a 4xx', async () => {
    const port = host.port;
    const corpus: [string, string | Buffer][] = [
      ['garbage line', 'HELLO\r\n\r\n'],
      ['binary', Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 13, 10, 13, 10])],
      ['no host', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'],
      ['foreign host (rebinding)', `GET / HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`],
      ['foreign host to the API', post('/api/settings.get', '{}').replace(`Host: 127.0.0.1:${port}`, 'Host: attacker.example')],
      ['two hosts', `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`],
      ['huge header', get('/', `X-Big: ${'x'.repeat(100_000)}\r\n`)],
      ['header without colon', get('/', 'Broken header line\r\n')],
      ['bad content-length', `POST /api/settings.get HTTP/1.1\r\n${HOST()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`],
      ['negative content-length', `POST /api/settings.get HTTP/1.1\r\n${HOST()}\r\nContent-Length: -5\r\n\r\n{}`],
      ['two content-lengths', `POST /api/settings.get HTTP/1.1\r\n${HOST()}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
      ['length and chunked', `POST /api/settings.get HTTP/1.1\r\n${HOST()}\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
      ['bad chunk', `POST /api/settings.get HTTP/1.1\r\n${HOST()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
      ['two authorizations', post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`, 'Authorization: Bearer other', 'Content-Type: application/json'])],
      ['token in the query only', post(`/api/settings.update?token=${TOKEN}`, '{"language":"en"}', ['Content-Type: application/json'])],
      ['bad JSON', post('/api/settings.update', '{"language":')],
      ['JSON of the wrong shape', post('/api/settings.update', '[1,2,3]')],
      ['JSON null', post('/api/settings.update', 'null')],
      ['deep JSON', post('/api/settings.update', '['.repeat(5000) + ']'.repeat(5000))],
      ['wrong content type', post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`, 'Content-Type: text/plain'])],
      ['form content type', post('/api/settings.update', 'language=en', [`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/x-www-form-urlencoded'])],
      ['no content type', post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`])],
      ['foreign origin', post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json', 'Origin: https://evil.example'])],
      ['null origin', post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json', 'Origin: null'])],
      ['declared huge body', `POST /api/settings.update HTTP/1.1\r\n${HOST()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{}`],
      ['events without token', get('/events')],
      ['events with a wrong token', get('/events?token=wrong')],
      ['events from a foreign origin', get(`/events?token=${TOKEN}`, 'Origin: https://evil.example\r\n')],
      ['unknown method name', post('/api/../../etc/passwd', '{}')],
      ['HTTP/0.9', 'GET /\r\n\r\n'],
      ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ];
    for (const method of ['PUT', 'DELETE', 'TRACE', 'OPTIONS', 'PATCH', 'PROPFIND']) {
      for (const target of ['/', '/index.html', '/api/settings.update', '/events']) {
        corpus.push([`${method} ${target}`, `${method} ${target} HTTP/1.1\r\n${HOST()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`]);
      }
    }
    corpus.push(['CONNECT', `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${HOST()}\r\n\r\n`]);
    for (const [name, request] of corpus) {
      const response = await raw(request);
      const status = statusOf(response);
      expect(response, name).not.toMatch(/access-control-allow-origin/i);
      if (status !== null) {
        expect(status, name).toBeGreaterThanOrEqual(400);
        expect(status, name).toBeLessThan(500);
      }
    }
    // Nothing was changed, and the API answers correctly afterwards.
    expect(core.services.settings.get()).toEqual(DEFAULT_SETTINGS);
    const after = await raw(post('/api/settings.get', '{}'));
    expect(statusOf(after)).toBe(200);
    expect(JSON.parse(after.slice(after.indexOf('\r\n\r\n') + 4))).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it('answers the specific statuses: 413 for a huge body, 415 for a wrong type, 403 for a foreign origin, 400 for NUL', async () => {
    expect(statusOf(await raw(get('/%00')))).toBe(400);
    expect(statusOf(await raw(get('/%')))).toBe(400);
    expect(statusOf(await raw(get(`/${'a'.repeat(5000)}`)))).toBe(414);
    const huge = `POST /api/settings.update HTTP/1.1\r\n${HOST()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{}`;
    expect(statusOf(await raw(huge))).toBe(413);
    expect(statusOf(await raw(post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`, 'Content-Type: text/plain'])))).toBe(415);
    expect(statusOf(await raw(post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json', 'Origin: https://evil.example'])))).toBe(403);
    expect(statusOf(await raw(post('/api/settings.update', '{"language":"en"}', [`Authorization: Bearer ${TOKEN}`, 'Authorization: Bearer x', 'Content-Type: application/json'])))).toBe(400);
    // Our own page's origin is welcome.
    const own = await raw(post('/api/settings.get', '{}', [`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json', `Origin: http://127.0.0.1:${host.port}`]));
    expect(statusOf(own)).toBe(200);
    expect(core.services.settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses a streamed body past the limit with 413 and stays up', async () => {
    const response = await new Promise<string>((resolve) => {
      const socket = net.connect(host.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.write(`POST /api/settings.update HTTP/1.1\r\n${HOST()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const block = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 20 && !socket.destroyed) {
          sent++;
          if (!socket.write(`${block.length.toString(16)}\r\n${block.toString('latin1')}\r\n`)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    expect(statusOf(response)).toBe(413);
    expect(statusOf(await raw(post('/api/settings.get', '{}')))).toBe(200);
  });
});
