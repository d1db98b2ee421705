/**
 * Electron's composition root: single instance, the app:// scheme, the plain-Node core (every
 * service), IPC, the window and the updater. Nothing here does the product's work.
 */
import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import { QUIT_BACKUP_CAP_MS, startApp, type AppRuntime } from '../node/app';
import { createLogger } from '../node/log/logger';
import { installCrashHandlers, startupErrorText } from './crash';
import { bindIpc } from './ipc';
import { createNativeShell } from './native/shell';
import { registerSchemeAsPrivileged, serveRenderer } from './protocol';
import { holdQuitForBackup } from './quit';
import { createUpdater } from './updater';
import { createMainWindow } from './window';

const logger = createLogger({ scope: 'main' });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerSchemeAsPrivileged();
  let core: AppRuntime | undefined;
  let unbind: (() => void) | undefined;
  let window: BrowserWindow | undefined;
  let starting = true;
  const distDir = path.join(__dirname, '..');

  /** One dialog in the system's language (the stored language lives in the database that may be the problem), then exit 1. */
  const failStartup = (error: unknown): void => {
    const { title, content } = startupErrorText(app.getLocale(), error);
    dialog.showErrorBox(title, content);
    app.exit(1);
  };
  // Before anything else runs: a throw during startup becomes the dialog, later ones are logged.
  installCrashHandlers(process, { logger, starting: () => starting, failStartup });

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
        // Takes the data folder's lock; a damaged database opens the console in recovery.
        core = startApp({
          dataDir: app.getPath('userData'),
          mode: 'electron',
          logger,
          native: createNativeShell(),
          // Only an installed app has an app-update.yml and an installer to replace.
          ...(app.isPackaged ? { updater: createUpdater() } : {}),
        });
      } catch (error) {
        logger.error('cannot start', { error });
        failStartup(error);
        return;
      }
      serveRenderer(path.join(distDir, 'renderer'));
      unbind = bindIpc(core.dispatch, core.bus);
      window = createMainWindow(path.join(distDir, 'preload', 'index.cjs'));
      window.on('closed', () => {
        window = undefined;
      });
      starting = false;
    })
    .catch((error: unknown) => {
      logger.error('startup failed', { error });
      failStartup(error);
    });

  app.on('window-all-closed', () => app.quit());
  holdQuitForBackup(app, () => core?.core()?.services.backup.scheduler.beforeQuitWithin(QUIT_BACKUP_CAP_MS), logger);
  app.on('will-quit', () => {
    unbind?.();
    core?.dispose();
  });
}
