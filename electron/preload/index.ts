/**
 * The sandboxed preload: exposes `window.api`, built from the contract — one function per
 * method, each bound to its own channel; no generic invoke/send reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiMethods, WindowApi } from '../../shared/ipc/api';
import { EVENT_CHANNEL, isEventName, ipcChannel, METHOD_NAMES, type EventName } from '../../shared/ipc/channels';

const methods = Object.fromEntries(
  METHOD_NAMES.map((method) => [method, (input?: unknown) => ipcRenderer.invoke(ipcChannel(method), input)]),
) as unknown as ApiMethods;

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string' || !isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api: WindowApi = {
  methods,
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    listeners.set(event, set);
    return () => {
      set.delete(listener as (payload: unknown) => void);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
