/**
 * Browser mode: the same renderer build and the same handlers as the desktop app, served on
 * 127.0.0.1 only. `POST /api/<method>` with `Authorization: Bearer <token>` and a JSON body
 * answers the method's Result; `GET /events?token=<token>` streams the contract's events (SSE;
 * EventSource cannot send headers, hence the query parameter). The Host header must name the
 * loopback address, so a web page cannot reach the console through DNS rebinding.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AppError, fail, type ErrorCode, type Result } from '../../../shared/ipc/result';
import type { Dispatch } from '../api/dispatch';
import type { EventBus } from '../events/bus';
import type { Logger } from '../log/logger';
import { CONTENT_SECURITY_POLICY } from './csp';
import { resolveStaticPath } from './static-path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * The HTTP status of every error code, in one table (total: a new code must be placed here).
 * What the user or the caller got wrong is a 4xx; only PosCare's own failures are a 5xx.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unknown_method: 404,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  database_newer: 409,
  database_corrupt: 500,
  database_locked: 423,
  data_dir_unwritable: 500,
  port_in_use: 409,
  command_not_abortable: 409,
  drill_cannot_start: 409,
  unavailable: 503,
  internal: 500,
  not_a_backup: 422,
  backup_damaged: 422,
  backup_newer: 422,
  backup_wrong_passphrase: 422,
  backup_passphrase_required: 400,
  backup_busy: 409,
  backup_unsupported: 422,
  path_relative: 400,
  path_in_data_folder: 400,
  path_exists: 409,
  folder_missing: 400,
  data_folder_in_use: 423,
};

export interface HostOptions {
  dispatch: Dispatch;
  bus: EventBus;
  logger: Logger;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  token: string;
  port: number;
}

export interface RunningHost {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function generateToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function sendResult(res: http.ServerResponse, result: Result<unknown>): void {
  sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
}

class BodyTooLarge extends Error {}

/** The body as text; rejects with BodyTooLarge past MAX_BODY_BYTES (then stops reading). */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A bare status with a short text; the connection is closed after it when `close`. */
function sendStatus(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...(close ? { Connection: 'close' } : {}), ...headers });
  res.end(text);
}

export function startHost(options: HostOptions): Promise<RunningHost> {
  const { dispatch, bus, logger, rendererDir, token } = options;
  const rendererRoot = path.resolve(rendererDir);
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  function hostAllowed(req: http.IncomingMessage): boolean {
    if ((req.headersDistinct.host?.length ?? 0) !== 1) return false;
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  }

  /** A browser names the page that sends a request: only our own page may call the API. */
  function originAllowed(req: http.IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      sendStatus(res, 405, 'Method not allowed', { Allow: 'POST' });
      return;
    }
    // Sent twice, a header is ambiguous (Node would keep one of them silently).
    if ((req.headersDistinct.authorization?.length ?? 0) > 1 || (req.headersDistinct['content-type']?.length ?? 0) > 1) {
      sendResult(res, fail('validation', 'A header is sent twice'));
      return;
    }
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!tokensEqual(given, token)) {
      sendResult(res, fail('unauthorized', 'Missing or wrong token'));
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      sendStatus(res, 415, 'The request body must be application/json', {}, true);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      sendStatus(res, 413, 'Request body too large', {}, true);
      return;
    }
    let input: unknown;
    try {
      const body = await readBody(req);
      input = body.trim() === '' ? undefined : (JSON.parse(body) as unknown);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendStatus(res, 413, 'Request body too large', {}, true);
        return;
      }
      sendResult(res, fail('validation', `The request body is not valid JSON: ${(error as Error).message}`));
      return;
    }
    sendResult(res, await dispatch(method, input));
  }

  function handleEvents(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (req.method !== 'GET') {
      sendStatus(res, 405, 'Method not allowed', { Allow: 'GET' });
      return;
    }
    if (!tokensEqual(url.searchParams.get('token') ?? '', token)) {
      sendResult(res, fail('unauthorized', 'Missing or wrong token'));
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(res);
    });
  }

  function handleStatic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendStatus(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const target = resolveStaticPath(rendererRoot, url.pathname);
    if (!target.ok) {
      sendStatus(res, target.status, 'Bad request');
      return;
    }
    fs.readFile(target.file, (error, data) => {
      if (error) {
        sendStatus(res, 404, 'Not found');
        return;
      }
      const type = MIME[path.extname(target.file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': data.length,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': target.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req)) {
      sendStatus(res, 403, 'Forbidden host');
      return;
    }
    const raw = req.url ?? '';
    // Only origin-form targets ("/path?query"): "//evil", "*" and absolute URLs are not ours.
    if (!raw.startsWith('/') || raw.startsWith('//')) {
      sendStatus(res, 400, 'Bad request');
      return;
    }
    const url = new URL(raw, `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/') || url.pathname === '/events') {
      if (!originAllowed(req)) {
        sendStatus(res, 403, 'Forbidden origin');
        return;
      }
      if (url.pathname === '/events') handleEvents(req, res, url);
      else await handleApi(req, res, url.pathname.slice('/api/'.length));
      return;
    }
    handleStatic(req, res, url);
  }

  // One guard per request: whatever a handler throws is logged and answered, never crashes the process.
  const server = http.createServer((req, res) => {
    res.on('error', (error) => logger.warn('response failed', { error }));
    handle(req, res).catch((error: unknown) => {
      logger.error('request failed', { error, method: req.method });
      if (!res.headersSent) sendResult(res, fail('internal', 'Request failed'));
      else res.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    logger.warn('malformed request', { code: error.code });
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const unsubscribe = bus.subscribe((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      unsubscribe();
      if (error.code === 'EADDRINUSE') {
        reject(new AppError('port_in_use', `Port ${options.port} is already in use on 127.0.0.1`, { port: options.port }));
      } else {
        reject(error);
      }
    });
    server.listen(options.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}/#token=${token}`,
        close: () =>
          new Promise<void>((done) => {
            unsubscribe();
            for (const stream of streams) stream.end();
            streams.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
