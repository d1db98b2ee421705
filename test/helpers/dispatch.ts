import type { AppCore } from '../../electron/node/app';

/** One API call through the core's dispatch, as the console makes it: its value, or a thrown error naming the method and the error. */
export async function call<T>(core: AppCore, method: Parameters<AppCore['dispatch']>[0], input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.value as T;
}
