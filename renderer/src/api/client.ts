/**
 * The only file that knows how the renderer reaches the main side: `window.api` (Electron's
 * preload) when present, else HTTP + SSE to the browser-mode host with the session's token.
 */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../shared/ipc/contract';
import { EVENT_NAMES } from '../../../shared/ipc/contract';
import { fail, type Result } from '../../../shared/ipc/result';

const TOKEN_KEY = 'poscare.token';

/**
 * Browser mode opens at `/#token=<token>`: keep the token for this tab and clean the address,
 * so the router's hash history starts from '/'.
 */
export function captureToken(location: Location = window.location, storage: Storage = window.sessionStorage): void {
  const match = /^#token=([A-Za-z0-9_\-.~]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    window.history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
}

function token(): string {
  return window.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export async function call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
  if (window.api) {
    // The IPC bridge rejects when the main side is gone or the handler is missing (a reload during
    // an update, a channel not bound yet): that is a Result like any other failure, never a throw.
    try {
      return await window.api.methods[method](input);
    } catch (error) {
      return fail('unavailable', `Cannot reach the PosCare service: ${(error as Error | null)?.message ?? String(error)}`);
    }
  }
  let response: Response;
  try {
    response = await fetch(`api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` },
      body: JSON.stringify(input ?? {}),
    });
  } catch (error) {
    return fail('unavailable', `Cannot reach the PosCare service: ${(error as Error).message}`);
  }
  try {
    return (await response.json()) as Result<MethodOutput<M>>;
  } catch {
    return fail('unavailable', `Unexpected answer from the PosCare service (HTTP ${response.status})`);
  }
}

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();
let source: EventSource | undefined;

function ensureEventSource(): void {
  if (source || window.api) return;
  source = new EventSource(`events?token=${encodeURIComponent(token())}`);
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (event) => {
      let payload: unknown;
      try {
        payload = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        // A cut-off event (the server stopping mid-line) is dropped; the next snapshot corrects the page.
        return;
      }
      for (const listener of listeners.get(name) ?? []) listener(payload);
    });
  }
}

/** Subscribes to a contract event; returns the unsubscribe function. */
export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  if (window.api) return window.api.on(event, listener);
  ensureEventSource();
  const set = listeners.get(event) ?? new Set<Listener>();
  set.add(listener as Listener);
  listeners.set(event, set);
  return () => set.delete(listener as Listener);
}
