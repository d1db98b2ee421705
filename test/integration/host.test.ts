import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { HTTP_STATUS, startHost, type RunningHost } from '../../electron/node/host/server';
import { ERROR_CODES } from '../../shared/ipc/result';
import { silentLogger } from '../../electron/node/log/logger';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { tempDir } from '../helpers/temp';

const TOKEN = 'test-token-0123456789';
let core: AppCore;
let host: RunningHost;
let cleanup: () => void;
let base: string;

beforeEach(async () => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  const rendererDir = path.join(temp.dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>PosCare</title>');
  fs.writeFileSync(path.join(temp.dir, 'secret.txt'), 'secret');
  core = createAppCore({ dataDir: path.join(temp.dir, 'data'), mode: 'browser', logger: silentLogger });
  host = await startHost({ dispatch: core.dispatch, bus: core.bus, logger: silentLogger, rendererDir, token: TOKEN, port: 0 });
  base = `http://127.0.0.1:${host.port}`;
});

afterEach(async () => {
  await host.close();
  core.dispose();
  cleanup();
});

function post(method: string, body: unknown, token: string | null = TOKEN) {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('the browser-mode host', () => {
  it('binds to 127.0.0.1 and prints a URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${TOKEN}`);
  });

  it('answers API calls with a Result', async () => {
    const response = await post('settings.get', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it('refuses a missing or wrong token with 401 and runs nothing', async () => {
    const update = { language: 'en' };
    expect((await post('settings.update', update, null)).status).toBe(401);
    const wrong = await post('settings.update', update, 'wrong-token-0123456789');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(core.services.settings.get().language).toBe('zh-CN');
  });

  it('answers 404 for an unknown method and 400 for invalid input, writing nothing', async () => {
    expect((await post('settings.explode', {})).status).toBe(404);
    const bad = await post('settings.update', { language: 'fr' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation');
    const notJson = await post('settings.update', '{ not json');
    expect(notJson.status).toBe(400);
    expect(core.services.settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('answers unavailable for native dialogs in browser mode, so the page offers a path field', async () => {
    const info = (await (await post('app.info', {})).json()) as { value: { nativeDialogs: boolean } };
    expect(info.value.nativeDialogs).toBe(false);
    const response = await post('native.pickFolder', { title: 'backup' });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    const pdf = await post('incidents.exportPdf', { id: 'any-incident' });
    expect(pdf.status).toBe(503);
  });

  it('streams events to an authenticated SSE client', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/events?token=${TOKEN}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"
    await post('settings.update', { language: 'en' });
    let text = '';
    while (!text.includes('\n\n') || !text.includes('settings.changed')) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain('event: settings.changed');
    expect(text).toContain('"language":"en"');
  });

  it('refuses the event stream without the token', async () => {
    expect((await fetch(`${base}/events`)).status).toBe(401);
  });

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(await response.text()).toContain('<title>PosCare</title>');
  });

  it('never serves files outside the renderer folder', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: host.port, path: '/../secret.txt', method: 'GET' },
        (response) => resolve(response.statusCode ?? 0),
      );
      request.on('error', reject);
      request.end();
    });
    expect([403, 404]).toContain(status);
    expect((await fetch(`${base}/%2e%2e%2fsecret.txt`)).status).toBe(403);
  });

  it('refuses requests whose Host header is not the loopback address (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: host.port, path: '/api/settings.get', method: 'POST', headers: { Host: `evil.example:${host.port}`, Authorization: `Bearer ${TOKEN}` } },
        (response) => resolve(response.statusCode ?? 0),
      );
      request.on('error', reject);
      request.end('{}');
    });
    expect(status).toBe(403);
  });

  it('reports a port already in use as port_in_use', async () => {
    await expect(
      startHost({ dispatch: core.dispatch, bus: core.bus, logger: silentLogger, rendererDir: '/nonexistent', token: TOKEN, port: host.port }),
    ).rejects.toMatchObject({ code: 'port_in_use' });
  });

  it('answers user errors with a 4xx from the one status table (wrong passphrase, not found, conflict, not a backup)', async () => {
    const folder = path.join(path.dirname(core.dataDir), 'backups');
    fs.mkdirSync(folder);
    const created = await post('backup.create', { folder, passphrase: 'correct horse battery' });
    expect(created.status).toBe(200);
    const file = ((await created.json()) as { value: { file: string } }).value.file;
    const wrong = await post('backup.verify', { file, passphrase: 'wrong passphrase here' });
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('backup_wrong_passphrase');
    expect(wrong.status).toBe(422);
    const missing = await post('devices.get', { id: 'no-such-device' });
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(missing.status).toBe(404);
    const junk = path.join(folder, 'junk.pcbak');
    fs.writeFileSync(junk, 'not a backup at all');
    const notBackup = await post('backup.verify', { file: junk });
    expect(((await notBackup.json()) as { error: { code: string } }).error.code).toBe('not_a_backup');
    expect(notBackup.status).toBe(422);
  });

  it('places every error code in the status table: what the caller got wrong is a 4xx', () => {
    const callerErrors = ['validation', 'unknown_method', 'unauthorized', 'not_found', 'conflict', 'not_a_backup', 'backup_damaged', 'backup_newer', 'backup_wrong_passphrase', 'backup_passphrase_required', 'backup_busy', 'backup_unsupported'];
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      if (callerErrors.includes(code)) expect(status, code).toBeLessThan(500);
    }
    expect(HTTP_STATUS.internal).toBe(500);
  });
});
