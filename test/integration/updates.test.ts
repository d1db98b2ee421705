/**
 * Self-update end to end on plain Node: electron-updater's real NSIS updater (Node adapter and
 * HTTP executor) against a real generic feed on 127.0.0.1 — latest.yml plus an installer whose
 * sha512 the updater must verify — driven by the UpdatesService state machine.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateState, UpdateStatus } from '../../shared/domain/updates';
import { createAppCore } from '../../electron/node/app';
import { EventBus } from '../../electron/node/events/bus';
import { createLogger } from '../../electron/node/log/logger';
import { createNodeUpdater } from '../helpers/node-updater';
import { UpdatesService } from '../../electron/node/services/updates/updates-service';
import { tempDir } from '../helpers/temp';

const INSTALLER = 'PosCare-Setup-1.2.0.exe';
const quiet = createLogger({ level: 'debug', sink: { write: (line) => process.env.DEBUG_UPDATES && process.stderr.write(line + '\n') } });

interface Feed {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** A generic feed folder: latest.yml naming `version` and an installer; blockmaps are absent (full download). */
async function startFeed(options: { version: string; installer: Buffer; publishedSha512?: string }): Promise<Feed> {
  const sha512 = options.publishedSha512 ?? crypto.createHash('sha512').update(options.installer).digest('base64');
  const latest = [
    `version: ${options.version}`,
    'files:',
    `  - url: ${INSTALLER}`,
    `    sha512: ${sha512}`,
    `    size: ${options.installer.length}`,
    `path: ${INSTALLER}`,
    `sha512: ${sha512}`,
    "releaseDate: '2026-11-30T08:00:00.000Z'",
    '',
  ].join('\n');
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(pathname);
    if (pathname === '/feed/latest.yml') {
      response.writeHead(200, { 'Content-Type': 'text/yaml' }).end(latest);
    } else if (pathname === `/feed/${INSTALLER}`) {
      // Sent in chunks so the download takes a few turns of the event loop, like a real one.
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': options.installer.length });
      const chunk = 64 * 1024;
      let offset = 0;
      const pump = (): void => {
        if (offset >= options.installer.length) return void response.end();
        response.write(options.installer.subarray(offset, offset + chunk));
        offset += chunk;
        setImmediate(pump);
      };
      pump();
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/feed`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setUp(feedUrl: string, options: { intervalMs?: number } = {}) {
  const temp = tempDir('poscare-updates-');
  cleanups.push(temp.cleanup);
  // What electron-builder writes into resources/app-update.yml of the installed app.
  const appUpdateConfigPath = path.join(temp.dir, 'app-update.yml');
  fs.writeFileSync(appUpdateConfigPath, `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: poscare-updater\n`);
  const updater = createNodeUpdater({ feedUrl, currentVersion: '1.0.0', cacheDir: temp.dir, appUpdateConfigPath });
  const bus = new EventBus();
  const states: UpdateState[] = [];
  bus.subscribe((name, payload) => {
    if (name === 'updates.state') states.push((payload as UpdateStatus).state);
  });
  const downloaded: string[] = [];
  updater.on('update-downloaded', (info) => downloaded.push(info.downloadedFile));
  const service = new UpdatesService(updater, bus, quiet, { currentVersion: '1.0.0', ...options });
  cleanups.push(() => service.dispose());
  return { service, states, downloaded, cacheDir: temp.dir };
}

describe('self-update against a real generic feed', () => {
  it('goes checking -> available -> downloading -> ready and keeps the installer whose sha512 it verified', async () => {
    const installer = crypto.randomBytes(1024 * 1024 + 123);
    const feed = await startFeed({ version: '1.2.0', installer });
    cleanups.push(() => feed.close());
    const { service, states, downloaded } = setUp(feed.url);

    const status = await service.check();

    expect(status).toEqual({ currentVersion: '1.0.0', state: { kind: 'ready', version: '1.2.0' } });
    const kinds = states.map((state) => state.kind).filter((kind, index, all) => kind !== all[index - 1]);
    expect(kinds).toEqual(['checking', 'available', 'downloading', 'ready']);
    expect(states).toContainEqual({ kind: 'downloading', version: '1.2.0', percent: 0 });
    // The updater fetched the feed and then the installer itself.
    expect(feed.requests).toContain('/feed/latest.yml');
    expect(feed.requests).toContain(`/feed/${INSTALLER}`);
    expect(downloaded).toHaveLength(1);
    const file = downloaded[0]!;
    expect(fs.readFileSync(file).equals(installer)).toBe(true);
    // Once ready there is nothing more to check: no second request to the feed.
    const before = feed.requests.length;
    expect((await service.check()).state.kind).toBe('ready');
    expect(feed.requests.length).toBe(before);
  });

  it('refuses an installer whose sha512 does not match latest.yml: error "checksum", nothing ready', async () => {
    const installer = crypto.randomBytes(256 * 1024);
    const wrong = crypto.createHash('sha512').update('something else').digest('base64');
    const feed = await startFeed({ version: '1.2.0', installer, publishedSha512: wrong });
    cleanups.push(() => feed.close());
    const { service, downloaded } = setUp(feed.url);

    const status = await service.check();

    expect(status.state).toMatchObject({ kind: 'error', code: 'checksum' });
    expect(downloaded).toEqual([]);
  });

  it('reports upToDate when the feed offers no newer version, without downloading', async () => {
    const feed = await startFeed({ version: '1.0.0', installer: Buffer.from('same version') });
    cleanups.push(() => feed.close());
    const { service, states } = setUp(feed.url);

    const status = await service.check();

    expect(status.state.kind).toBe('upToDate');
    expect(states.map((state) => state.kind)).toEqual(['checking', 'upToDate']);
    expect(feed.requests).not.toContain(`/feed/${INSTALLER}`);
  });

  it('ends in a calm offline error, without throwing, when the update server is down', async () => {
    const feed = await startFeed({ version: '1.2.0', installer: Buffer.from('x') });
    const url = feed.url;
    await feed.close();
    const { service, states } = setUp(url);

    // electron-updater retries a refused connection three times (0 + 1 + 2 s) before giving up.
    const status = await service.check();

    expect(status.state).toMatchObject({ kind: 'error', code: 'offline' });
    expect(states.map((state) => state.kind)).toEqual(['checking', 'error']);
  }, 15_000);

  it('checks on a timer while running and stops checking once disposed', async () => {
    const feed = await startFeed({ version: '1.0.0', installer: Buffer.from('same version') });
    cleanups.push(() => feed.close());
    const { service } = setUp(feed.url, { intervalMs: 40 });
    const checks = () => feed.requests.filter((request) => request === '/feed/latest.yml').length;

    service.start();
    await waitFor(() => checks() >= 3);
    service.dispose();
    // Let any check already on the wire finish, then nothing more may arrive.
    await delay(100);
    const after = checks();
    await delay(200);
    expect(checks()).toBe(after);
  });
});

describe('updates.* through the API', () => {
  it('answers unavailable in browser mode, where PosCare does not update itself', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: quiet });
    cleanups.push(() => core.dispose());
    for (const method of ['updates.get', 'updates.check', 'updates.installNow']) {
      const result = await core.dispatch(method, {});
      expect(result.ok ? 'ok' : result.error.code, method).toBe('unavailable');
    }
  });

  it('checks, downloads and reports state events that match the contract in the desktop wiring', async () => {
    const feed = await startFeed({ version: '1.2.0', installer: crypto.randomBytes(300 * 1024) });
    cleanups.push(() => feed.close());
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const appUpdateConfigPath = path.join(temp.dir, 'app-update.yml');
    fs.writeFileSync(appUpdateConfigPath, `provider: generic\nurl: ${feed.url}\nupdaterCacheDirName: poscare-updater\n`);
    const updater = createNodeUpdater({ feedUrl: feed.url, currentVersion: '1.0.0', cacheDir: path.join(temp.dir, 'cache'), appUpdateConfigPath });
    // A long interval: the start-up check is the only automatic one during this test.
    const core = createAppCore({ dataDir: path.join(temp.dir, 'data'), mode: 'electron', logger: quiet, updater, updateIntervalMs: 3_600_000 });
    cleanups.push(() => core.dispose());
    const events: string[] = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'updates.state') events.push((payload as UpdateStatus).state.kind);
    });

    const result = await core.dispatch('updates.check', {});

    expect(result).toMatchObject({ ok: true, value: { state: { kind: 'ready', version: '1.2.0' } } });
    expect(events.at(-1)).toBe('ready');
    expect(await core.dispatch('updates.get', {})).toMatchObject({ ok: true, value: { state: { kind: 'ready' } } });
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await delay(10);
  }
}
