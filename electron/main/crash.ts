/**
 * What happens to an error nobody caught in the main process: it is logged; while PosCare is
 * still starting it also ends in one calm dialog in the system's language and exit code 1
 * (a half-started console would only confuse the manager). Imports no Electron, so it is tested
 * on plain Node.
 */
import en from '../../shared/locales/en.json';
import zhCN from '../../shared/locales/zh-CN.json';
import { AppError } from '../../shared/ipc/result';
import type { Logger } from '../node/log/logger';

type Messages = typeof zhCN;

/** zh-CN unless the system speaks English (app.getLocale(): 'en', 'en-US', 'en-GB', ...). */
export function messagesFor(locale: string): Messages {
  return /^en(?:-|$)/i.test(locale) ? (en as Messages) : zhCN;
}

/** The dialog's title and text: a known AppError by its translated code, anything else with its message. */
export function startupErrorText(locale: string, error: unknown): { title: string; content: string } {
  const messages = messagesFor(locale);
  if (error instanceof AppError && error.code in messages.errors) {
    return { title: messages.startup.title, content: messages.errors[error.code as keyof Messages['errors']] };
  }
  const message = String((error as Error | null)?.message ?? error);
  return { title: messages.startup.title, content: messages.startup.failed.replace('{message}', message) };
}

export interface CrashHandlerOptions {
  logger: Logger;
  /** True until the window is up; failures then are fatal. */
  starting: () => boolean;
  /** Shows the dialog and exits; called at most once. */
  failStartup: (error: unknown) => void;
}

/** Installs the handlers on `proc` (process, or a fake in tests); returns their removal. */
export function installCrashHandlers(proc: NodeJS.EventEmitter, options: CrashHandlerOptions): () => void {
  let failed = false;
  const handle = (kind: string) => (error: unknown) => {
    options.logger.error(kind, { error });
    if (options.starting() && !failed) {
      failed = true;
      options.failStartup(error);
    }
  };
  const onException = handle('uncaught exception');
  const onRejection = handle('unhandled rejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.removeListener('uncaughtException', onException);
    proc.removeListener('unhandledRejection', onRejection);
  };
}
