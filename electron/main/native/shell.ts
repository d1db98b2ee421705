/**
 * The desktop-only abilities the services may use: native folder dialogs and OS notifications.
 */
import { BrowserWindow, dialog, Notification } from 'electron';
import type { NativeShell } from '../../node/app';

export function createNativeShell(): NativeShell {
  return {
    async pickFolder(input) {
      const parent = BrowserWindow.getFocusedWindow();
      const options: Electron.OpenDialogOptions = {
        properties: ['openDirectory', 'createDirectory'],
        ...(input.title === undefined ? {} : { title: input.title }),
        ...(input.defaultPath === undefined ? {} : { defaultPath: input.defaultPath }),
      };
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
    },
    notify(title, body) {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
  };
}
