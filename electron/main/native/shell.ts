/**
 * The desktop-only abilities the services may use: native folder dialogs, PDF export and OS
 * notifications.
 */
import fs from 'node:fs/promises';
import { BrowserWindow, dialog, Notification } from 'electron';
import type { PickFolderInput, PickFolderOutput } from '../../../shared/domain/app';
import type { NativeShell } from '../../node/api/services';

/**
 * Renders HTML (an escalation pack, made by PosCare itself) to PDF in a hidden window that runs
 * no script at all: sandboxed, no preload, JavaScript off.
 */
export async function renderPdf(html: string): Promise<Buffer> {
  const window = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
  });
  try {
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
  } finally {
    window.destroy();
  }
}

/** One open dialog over the focused window (if any): the path chosen, or null when cancelled. */
async function pickPath(input: PickFolderInput, base: Electron.OpenDialogOptions): Promise<PickFolderOutput> {
  const parent = BrowserWindow.getFocusedWindow();
  const options: Electron.OpenDialogOptions = {
    ...base,
    ...(input.title === undefined ? {} : { title: input.title }),
    ...(input.defaultPath === undefined ? {} : { defaultPath: input.defaultPath }),
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
}

export function createNativeShell(): NativeShell {
  return {
    pickFolder: (input) => pickPath(input, { properties: ['openDirectory', 'createDirectory'] }),
    pickFile: (input) =>
      pickPath(input, {
        properties: ['openFile'],
        filters: [
          { name: 'PosCare backup', extensions: ['pcbak'] },
          { name: '*', extensions: ['*'] },
        ],
      }),
    async savePdf(html, defaultName, check) {
      const pdf = await renderPdf(html);
      const parent = BrowserWindow.getFocusedWindow();
      const options: Electron.SaveDialogOptions = { defaultPath: defaultName, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return { path: null };
      const file = check(result.filePath);
      await fs.writeFile(file, pdf);
      return { path: file };
    },
    notify(title, body) {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
  };
}
