import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/temp';

// Electron's composition root, run with a recording fake of 'electron': a data folder that cannot
// be created must end in one translated dialog and exit code 1, not a stack trace or a hang.
const temp = tempDir('poscare-main-');
const blocker = path.join(temp.dir, 'not-a-folder');
fs.writeFileSync(blocker, 'a file where the data folder should be');

const fake = vi.hoisted(() => ({
  locale: 'en-US',
  dialogs: [] as { title: string; content: string }[],
  exits: [] as number[],
  windows: 0,
  userData: '',
  ready: undefined as undefined | Promise<void>,
}));

vi.mock('electron', () => {
  let resolveReady!: () => void;
  fake.ready = new Promise<void>((resolve) => (resolveReady = resolve));
  return {
    app: {
      requestSingleInstanceLock: () => true,
      quit: vi.fn(),
      exit: (code: number) => fake.exits.push(code),
      on: vi.fn(),
      whenReady: () => {
        resolveReady();
        return Promise.resolve();
      },
      getPath: () => fake.userData,
      getLocale: () => fake.locale,
      isPackaged: false,
    },
    dialog: { showErrorBox: (title: string, content: string) => fake.dialogs.push({ title, content }) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    net: { fetch: vi.fn() },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    webContents: { getAllWebContents: () => [] },
    BrowserWindow: class {
      constructor() {
        fake.windows += 1;
      }
    },
    Notification: { isSupported: () => false },
    shell: { openExternal: vi.fn() },
  };
});

const listenersBefore = {
  exception: process.listeners('uncaughtException'),
  rejection: process.listeners('unhandledRejection'),
};

afterAll(() => {
  // The composition root installs its crash handlers on this very process: take them off again.
  for (const listener of process.listeners('uncaughtException')) if (!listenersBefore.exception.includes(listener)) process.removeListener('uncaughtException', listener);
  for (const listener of process.listeners('unhandledRejection')) if (!listenersBefore.rejection.includes(listener)) process.removeListener('unhandledRejection', listener);
  temp.cleanup();
});

describe('the Electron composition root', () => {
  it('shows one translated dialog and exits 1 when the data folder cannot be written, opening no window', async () => {
    fake.userData = path.join(blocker, 'PosCare');
    await import('../../electron/main/index');
    await fake.ready;
    await vi.waitFor(() => expect(fake.exits).toEqual([1]));
    expect(fake.dialogs).toEqual([
      { title: 'PosCare cannot start', content: 'The data folder cannot be written. Check disk space and permissions.' },
    ]);
    expect(fake.windows).toBe(0);
    // Uncaught errors are handled (logged) from the first moment on.
    expect(process.listeners('uncaughtException').length).toBe(listenersBefore.exception.length + 1);
    expect(process.listeners('unhandledRejection').length).toBe(listenersBefore.rejection.length + 1);
  });
});
