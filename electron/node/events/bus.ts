/**
 * Typed events from services to whoever listens: the IPC bridge in Electron, the SSE stream of
 * the browser-mode host. Payloads are checked against the contract's event schemas.
 */
import { events, type EventName, type EventPayload } from '../../../shared/ipc/contract';

export type AnyEventListener = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    for (const listener of [...this.listeners]) listener(event, checked);
  }

  subscribe(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
