/**
 * Electron's composition root: single instance, the app:// scheme, the plain-Node core (every
 * service), IPC, the window and the updater. Nothing here does the product's work.
 */
import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import { AppError } from '../../shared/ipc/result';
import { createAppCore, type AppCore } from '../node/app';
import { createLogger } from '../node/log/logger';
import { bindIpc } from './ipc';
import { createNativeShell } from './native/shell';
import { registerSchemeAsPrivileged, serveRenderer } from './protocol';
import { startUpdater } from './updater';
import { createMainWindow } from './window';

const logger = createLogger({ scope: 'main' });
/** The longest the at-quit backup may hold the app open (a 300 MB database takes seconds). */
const QUIT_BACKUP_CAP_MS = 120_000;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerSchemeAsPrivileged();
  let core: AppCore | undefined;
  let unbind: (() => void) | undefined;
  let window: BrowserWindow | undefined;
  const distDir = path.join(__dirname, '..');

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  app
    .whenReady()
    .then(() => {
      try {
        core = createAppCore({ dataDir: app.getPath('userData'), mode: 'electron', logger, native: createNativeShell() });
      } catch (error) {
        const message = error instanceof AppError ? error.message : String((error as Error)?.message ?? error);
        logger.error('cannot start', { message });
        dialog.showErrorBox('PosCare', message);
        app.exit(1);
        return;
      }
      serveRenderer(path.join(distDir, 'renderer'));
      unbind = bindIpc(core.dispatch, core.bus);
      window = createMainWindow(path.join(distDir, 'preload', 'index.cjs'));
      window.on('closed', () => {
        window = undefined;
      });
      if (app.isPackaged) startUpdater(logger);
    })
    .catch((error: unknown) => {
      logger.error('startup failed', { error });
      app.exit(1);
    });

  app.on('window-all-closed', () => app.quit());
  // The at-quit backup (when the last good one is older than a day): hold the quit once, back up
  // within a time cap so a hung drive cannot keep the app open, then quit for real.
  let quitBackupDone = false;
  app.on('before-quit', (event) => {
    if (quitBackupDone || !core) return;
    quitBackupDone = true;
    event.preventDefault();
    void core.services.backup.scheduler
      .beforeQuitWithin(QUIT_BACKUP_CAP_MS)
      .then((outcome) => logger.info('at-quit backup', { outcome }))
      .catch((error: unknown) => logger.error('at-quit backup failed', { error }))
      .finally(() => app.quit());
  });
  app.on('will-quit', () => {
    unbind?.();
    core?.dispose();
  });
}
