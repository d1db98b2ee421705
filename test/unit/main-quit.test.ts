import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { holdQuitForBackup } from '../../electron/main/quit';
import { silentLogger } from '../../electron/node/log/logger';

/** Electron's app as far as quitting goes: quit() emits before-quit unless a listener prevents it. */
function fakeApp() {
  const emitter = new EventEmitter();
  const app = {
    quits: 0,
    quitFor: 0,
    on: (event: 'before-quit', listener: (event: { preventDefault(): void }) => void) => emitter.on(event, listener),
    quit() {
      app.quits += 1;
      let prevented = false;
      emitter.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) app.quitFor += 1;
    },
  };
  return app;
}

describe('the at-quit backup in the desktop app', () => {
  it('holds the first quit until the backup ends, then quits for real, backing up only once', async () => {
    const app = fakeApp();
    let finish!: (outcome: string) => void;
    let started = 0;
    holdQuitForBackup(app, () => {
      started += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    }, silentLogger);
    app.quit();
    expect(app.quitFor).toBe(0);
    finish('done');
    await expect.poll(() => app.quitFor).toBe(1);
    expect(started).toBe(1);
    expect(app.quits).toBe(2);
  });

  it('still quits when the backup fails', async () => {
    const app = fakeApp();
    holdQuitForBackup(app, () => Promise.reject(new Error('drive gone')), silentLogger);
    app.quit();
    await expect.poll(() => app.quitFor).toBe(1);
  });

  it('quits at once when the app never started (nothing to back up)', () => {
    const app = fakeApp();
    holdQuitForBackup(app, () => undefined, silentLogger);
    app.quit();
    expect(app.quitFor).toBe(1);
  });
});
