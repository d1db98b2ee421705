import { EventEmitter } from 'node:events';
import type { ProgressInfo, UpdateCheckResult } from 'electron-updater';
import { describe, expect, it } from 'vitest';
import type { UpdateState, UpdateStatus } from '../../shared/domain/updates';
import { AppError } from '../../shared/ipc/result';
import { EventBus } from '../../electron/node/events/bus';
import { silentLogger } from '../../electron/node/log/logger';
import { classifyUpdateError, UpdatesService, type SelfUpdater } from '../../electron/node/services/updates/updates-service';
import { FakeClock } from '../helpers/clock';

/** electron-updater's surface, scripted: each check answers what the test queued. */
class FakeUpdater extends EventEmitter implements SelfUpdater {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  disableWebInstaller = false;
  logger: SelfUpdater['logger'] = null;
  checks = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  nextCheck: () => Promise<UpdateCheckResult | null> = () => Promise.resolve(null);
  nextDownload: () => Promise<string[]> = () => Promise.resolve(['/tmp/setup.exe']);

  checkForUpdates(): Promise<UpdateCheckResult | null> {
    this.checks += 1;
    return this.nextCheck();
  }
  downloadUpdate(): Promise<string[]> {
    return this.nextDownload();
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

function available(version: string): UpdateCheckResult {
  const updateInfo = { version, files: [], path: `PosCare-Setup-${version}.exe`, sha512: 'x', releaseDate: '2026-11-30' };
  return { isUpdateAvailable: true, updateInfo, versionInfo: updateInfo };
}

function setUp() {
  const updater = new FakeUpdater();
  const bus = new EventBus();
  const states: UpdateState[] = [];
  bus.subscribe((name, payload) => {
    if (name === 'updates.state') states.push((payload as UpdateStatus).state);
  });
  const service = new UpdatesService(updater, bus, silentLogger, { currentVersion: '1.0.0', clock: new FakeClock(Date.parse('2026-11-30T10:00:00Z')) });
  return { updater, service, states };
}

describe('UpdatesService', () => {
  it('takes the download into its own hands and keeps electron-updater off the console', () => {
    const { updater } = setUp();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(updater.disableWebInstaller).toBe(true);
    expect(updater.logger).not.toBeNull();
  });

  it('reports download progress as whole percents while downloading', async () => {
    const { updater, service, states } = setUp();
    let finish!: (files: string[]) => void;
    updater.nextCheck = () => Promise.resolve(available('1.1.0'));
    updater.nextDownload = () => new Promise((resolve) => (finish = resolve));
    const done = service.check();
    await new Promise((resolve) => setImmediate(resolve));
    updater.emit('download-progress', { percent: 41.6 } as ProgressInfo);
    updater.emit('download-progress', { percent: 41.9 } as ProgressInfo);
    expect(service.status().state).toEqual({ kind: 'downloading', version: '1.1.0', percent: 42 });
    finish(['/tmp/setup.exe']);
    await done;
    expect(states.filter((state) => state.kind === 'downloading').map((state) => (state as { percent: number }).percent)).toEqual([0, 42]);
    expect(service.status().state).toEqual({ kind: 'ready', version: '1.1.0' });
  });

  it('joins a check already running instead of starting a second one', async () => {
    const { updater, service } = setUp();
    let answer!: (result: UpdateCheckResult | null) => void;
    updater.nextCheck = () => new Promise((resolve) => (answer = resolve));
    const first = service.check();
    const second = service.check();
    answer({ ...available('1.0.0'), isUpdateAvailable: false });
    expect(await first).toEqual(await second);
    expect(updater.checks).toBe(1);
    expect((await second).state).toEqual({ kind: 'upToDate', checkedAt: '2026-11-30T10:00:00.000Z' });
  });

  it('never rejects: a failing check ends in the error state with a coarse code', async () => {
    const { updater, service } = setUp();
    updater.nextCheck = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND updates.poscare.example'), { code: 'ENOTFOUND' }));
    await expect(service.check()).resolves.toEqual({
      currentVersion: '1.0.0',
      state: { kind: 'error', code: 'offline', at: '2026-11-30T10:00:00.000Z' },
    });
    // The next check starts afresh.
    updater.nextCheck = () => Promise.resolve({ ...available('1.0.0'), isUpdateAvailable: false });
    expect((await service.check()).state.kind).toBe('upToDate');
  });

  it('refuses to install before an update is ready, then installs silently and relaunches', async () => {
    const { updater, service } = setUp();
    await expect(service.installNow()).rejects.toBeInstanceOf(AppError);
    expect(updater.installs).toEqual([]);
    updater.nextCheck = () => Promise.resolve(available('1.1.0'));
    await service.check();
    await expect(service.installNow()).resolves.toEqual({ version: '1.1.0' });
    expect(updater.installs).toEqual([[true, true]]);
  });

  it('finishes the step before installing (the at-quit backup) before the installer starts, once for a double click', async () => {
    const updater = new FakeUpdater();
    const order: string[] = [];
    let finishBackup!: () => void;
    const service = new UpdatesService(updater, new EventBus(), silentLogger, {
      currentVersion: '1.0.0',
      beforeInstall: () => {
        order.push('backup started');
        return new Promise<void>((resolve) => (finishBackup = resolve));
      },
    });
    updater.nextCheck = () => Promise.resolve(available('1.1.0'));
    await service.check();
    const first = service.installNow();
    const second = service.installNow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(updater.installs).toEqual([]);
    order.push('backup finished');
    finishBackup();
    await Promise.all([first, second]);
    expect(order).toEqual(['backup started', 'backup finished']);
    expect(updater.installs).toHaveLength(1);
  });

  it('installs even when the step before installing fails', async () => {
    const updater = new FakeUpdater();
    const service = new UpdatesService(updater, new EventBus(), silentLogger, { currentVersion: '1.0.0', beforeInstall: () => Promise.reject(new Error('drive unplugged')) });
    updater.nextCheck = () => Promise.resolve(available('1.1.0'));
    await service.check();
    await expect(service.installNow()).resolves.toEqual({ version: '1.1.0' });
    expect(updater.installs).toHaveLength(1);
  });

  it('stops listening to the updater and emits nothing once disposed', async () => {
    const { updater, service, states } = setUp();
    service.dispose();
    expect(updater.listenerCount('download-progress')).toBe(0);
    expect((await service.check()).state.kind).toBe('idle');
    expect(updater.checks).toBe(0);
    expect(states).toEqual([]);
  });
});

describe('classifyUpdateError', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'offline'],
    [{ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN' }, 'offline'],
    [new Error('Request timed out'), 'offline'],
    [{ code: 'ERR_CHECKSUM_MISMATCH', message: 'sha512 checksum mismatch' }, 'checksum'],
    [{ code: 'ERR_UPDATER_INVALID_SIGNATURE', message: 'not signed' }, 'signature'],
    [{ code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND', message: 'Cannot find channel' }, 'feed'],
    [new Error('Cannot download "https://x/y.exe", status 500: Internal'), 'feed'],
    [new Error('something odd'), 'unknown'],
    ['a string', 'unknown'],
    [null, 'unknown'],
  ])('maps %o to %s', (error, code) => {
    expect(classifyUpdateError(error)).toBe(code);
  });
});
