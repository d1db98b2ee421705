import { beforeEach, describe, expect, it, vi } from 'vitest';

// The Electron binary cannot run here: the module is replaced by a recorder of what the window asks for.
const recorded = vi.hoisted(() => ({ options: undefined as unknown, handlers: new Map<string, (...args: unknown[]) => void>(), openHandler: undefined as unknown }));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      on: (name: string, handler: (...args: unknown[]) => void) => recorded.handlers.set(name, handler),
      setWindowOpenHandler: (handler: unknown) => {
        recorded.openHandler = handler;
      },
      session: { setPermissionRequestHandler: vi.fn() },
    };
    constructor(options: unknown) {
      recorded.options = options;
    }
    once() {}
    loadURL() {
      return Promise.resolve();
    }
  }
  return { BrowserWindow, shell: { openExternal: vi.fn() } };
});

const { createMainWindow, isTrustedUrl } = await import('../../electron/main/window');

describe('the main window', () => {
  beforeEach(() => recorded.handlers.clear());

  it('is created with the hardened webPreferences of the security checklist', () => {
    createMainWindow('/app/dist/preload/index.cjs');
    const options = recorded.options as { webPreferences: Record<string, unknown> };
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('denies navigation away from the app and every new window', () => {
    createMainWindow('/p.cjs');
    const willNavigate = recorded.handlers.get('will-navigate');
    const outside = { preventDefault: vi.fn() };
    willNavigate?.(outside, 'https://evil.example/');
    expect(outside.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn() };
    willNavigate?.(inside, 'app://poscare/index.html#/settings');
    expect(inside.preventDefault).not.toHaveBeenCalled();
    const open = recorded.openHandler as (details: { url: string }) => { action: string };
    expect(open({ url: 'https://vendor.example/support' })).toEqual({ action: 'deny' });
    expect(open({ url: 'app://poscare/index.html' })).toEqual({ action: 'deny' });
  });

  it('trusts only its own origin', () => {
    expect(isTrustedUrl('app://poscare/index.html')).toBe(true);
    expect(isTrustedUrl('app://poscare.evil/index.html')).toBe(false);
    expect(isTrustedUrl('file:///etc/passwd')).toBe(false);
    expect(isTrustedUrl('http://127.0.0.1:4870/')).toBe(false);
    expect(isTrustedUrl('not a url')).toBe(false);
  });
});
