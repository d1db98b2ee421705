/**
 * The console updates itself from the generic feed configured in build/electron-builder.yml
 * (publish: generic). Offline is normal for a shop: a failed check is logged, never shown as a crash.
 */
import electronUpdater from 'electron-updater';
import type { Logger } from '../node/log/logger';

const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

export function startUpdater(logger: Logger): () => void {
  const { autoUpdater } = electronUpdater;
  const log = logger.child('updater');
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('error', (error: Error) => log.warn('update check failed', { message: error.message }));
  autoUpdater.on('update-downloaded', (info: { version: string }) => log.info('update ready, installs on quit', { version: info.version }));
  const check = (): void => {
    autoUpdater.checkForUpdates().catch((error: unknown) => log.warn('update check failed', { error }));
  };
  check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  return () => clearInterval(timer);
}
