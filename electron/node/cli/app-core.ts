/**
 * How a CLI command reaches a data folder: through the composition root in its headless mode
 * (the same services as the app and serve, without terminal links, schedule or updates) and
 * the same dispatch as IPC and HTTP, so every input is validated once, by the contract.
 */
import { AppError } from '../../../shared/ipc/result';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/ipc/contract';
import type { Dispatch } from '../api/dispatch';
import { createAppCore, startApp, type AppCore } from '../app';
import { createLogger } from '../log/logger';

/** Calls one contract method; a refusal is thrown as the AppError it answered (printed as one line on stderr). */
export async function call<M extends MethodName>(dispatch: Dispatch, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await dispatch(method, input);
  if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.details);
  return result.value as MethodOutput<M>;
}

function cliLogger(scope: string) {
  return createLogger({ scope, level: 'warn' });
}

/** Runs `work` on a headless app core of `dataDir`; the command owns the data folder (its lock) meanwhile. */
export async function withAppCore<T>(dataDir: string, command: string, scope: string, work: (core: AppCore) => Promise<T>): Promise<T> {
  const core = createAppCore({ dataDir, mode: 'browser', headless: { command }, logger: cliLogger(scope) });
  try {
    return await work(core);
  } finally {
    core.dispose();
  }
}

/**
 * Runs `work` with the dispatch of a headless start: the full core, or, when the database cannot
 * be opened, the recovery state that can still restore a backup over it (as the app and serve do).
 */
export async function withAppRuntime<T>(dataDir: string, command: string, scope: string, work: (dispatch: Dispatch) => Promise<T>): Promise<T> {
  const app = startApp({ dataDir, mode: 'browser', headless: { command }, logger: cliLogger(scope) });
  try {
    return await work(app.dispatch);
  } finally {
    app.dispose();
  }
}
