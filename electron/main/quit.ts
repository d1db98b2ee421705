/**
 * The at-quit backup in the desktop app (when the last good one is older than a day): the first
 * quit is held, the backup runs within its time cap so a hung drive cannot keep the app open,
 * then the app quits for real. Imports no Electron, so it is tested on plain Node.
 */
import type { Logger } from '../node/log/logger';

/** What this needs of Electron's `app`. */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * `backup` starts the capped at-quit backup, or answers undefined when there is nothing to back
 * up with (the app core never started): then the quit goes through at once.
 */
export function holdQuitForBackup(app: QuittingApp, backup: () => Promise<string> | undefined, logger: Logger): void {
  let held = false;
  app.on('before-quit', (event) => {
    if (held) return;
    const running = backup();
    if (!running) return;
    held = true;
    event.preventDefault();
    void running
      .then((outcome) => logger.info('at-quit backup', { outcome }))
      .catch((error: unknown) => logger.error('at-quit backup failed', { error }))
      .finally(() => app.quit());
  });
}
