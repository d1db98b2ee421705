import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/temp';

// The Electron binary cannot run here: a recorder stands in for the window, dialogs and printing.
const recorded = vi.hoisted(() => ({ windows: [] as { options: any; url?: string; destroyed: boolean }[], saveTo: undefined as string | undefined, openOptions: [] as any[], openPath: undefined as string | undefined }));

vi.mock('electron', () => {
  class BrowserWindow {
    record: { options: unknown; url?: string; destroyed: boolean };
    webContents = { printToPDF: () => Promise.resolve(Buffer.from('%PDF-1.7 fake')) };
    constructor(options: unknown) {
      this.record = { options, destroyed: false };
      recorded.windows.push(this.record as never);
    }
    static getFocusedWindow() {
      return null;
    }
    loadURL(url: string) {
      this.record.url = url;
      return Promise.resolve();
    }
    destroy() {
      this.record.destroyed = true;
    }
  }
  return {
    BrowserWindow,
    Notification: class {},
    dialog: {
      showSaveDialog: () => Promise.resolve(recorded.saveTo ? { canceled: false, filePath: recorded.saveTo } : { canceled: true }),
      showOpenDialog: (options: unknown) => {
        recorded.openOptions.push(options);
        return Promise.resolve(recorded.openPath ? { canceled: false, filePaths: [recorded.openPath] } : { canceled: true, filePaths: [] });
      },
    },
  };
});

const { createNativeShell } = await import('../../electron/main/native/shell');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  recorded.windows.length = 0;
  recorded.saveTo = undefined;
  recorded.openOptions.length = 0;
  recorded.openPath = undefined;
});

describe('PDF export of the escalation pack', () => {
  it('renders in a hidden window that runs no script, saves where the manager chose, and closes the window', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    recorded.saveTo = path.join(temp.dir, 'report.pdf');
    const result = await createNativeShell().savePdf('<h1>故障报告 SN-123</h1>', 'PosCare-1.pdf', (file) => file);
    expect(result).toEqual({ path: recorded.saveTo });
    expect(fs.readFileSync(recorded.saveTo, 'utf8')).toContain('%PDF');
    const [window] = recorded.windows;
    expect(window?.options).toMatchObject({ show: false, webPreferences: { sandbox: true, javascript: false, nodeIntegration: false } });
    expect(decodeURIComponent(window?.url ?? '')).toContain('故障报告 SN-123');
    expect(window?.destroyed).toBe(true);
  });

  it('writes nothing when the manager cancels the save dialog', async () => {
    expect(await createNativeShell().savePdf('<p>x</p>', 'a.pdf', (file) => file)).toEqual({ path: null });
    expect(recorded.windows[0]?.destroyed).toBe(true);
  });
});

describe('the open dialogs', () => {
  it('picks a folder (one that may be created) or a backup file, with the title and start folder asked for', async () => {
    recorded.openPath = '/media/usb/PosCare-2026-11-30.pcbak';
    const shell = createNativeShell();
    expect(await shell.pickFile({ title: 'restore', defaultPath: '/media/usb' })).toEqual({ path: '/media/usb/PosCare-2026-11-30.pcbak' });
    expect(await shell.pickFolder({})).toEqual({ path: '/media/usb/PosCare-2026-11-30.pcbak' });
    expect(recorded.openOptions).toEqual([
      {
        properties: ['openFile'],
        filters: [
          { name: 'PosCare backup', extensions: ['pcbak'] },
          { name: '*', extensions: ['*'] },
        ],
        title: 'restore',
        defaultPath: '/media/usb',
      },
      { properties: ['openDirectory', 'createDirectory'] },
    ]);
  });

  it('answers null when the manager cancels', async () => {
    expect(await createNativeShell().pickFolder({ title: 'backup' })).toEqual({ path: null });
    expect(await createNativeShell().pickFile({})).toEqual({ path: null });
  });
});
