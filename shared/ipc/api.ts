import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract';
import type { Result } from './result';

/** What the renderer sees: one async function per method, and a subscription to events. */
export type ApiMethods = { [M in MethodName]: (input?: MethodInput<M>) => Promise<Result<MethodOutput<M>>> };

export interface EventSubscription {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** `window.api` in Electron: built by the preload from the contract. */
export type WindowApi = { methods: ApiMethods } & EventSubscription;
