import { TransportListeners, type Transport } from '../../../electron/node/transport/transport';

/** Two connected in-memory transports: bytes written on one arrive (in a microtask) on the other. */
export function memoryPair(description = 'memory'): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport(`${description}:a`);
  const b = new MemoryTransport(`${description}:b`);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

export class MemoryTransport implements Transport {
  peer: MemoryTransport | undefined;
  private readonly listeners = new TransportListeners();
  private open_ = true;

  constructor(readonly description: string) {}

  get isOpen(): boolean {
    return this.open_;
  }

  open(): Promise<void> {
    return this.open_ ? Promise.resolve() : Promise.reject(new Error('closed'));
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.open_) return Promise.reject(new Error('not open'));
    const copy = bytes.slice();
    const peer = this.peer;
    queueMicrotask(() => {
      if (peer?.open_) peer.listeners.emitData(copy);
    });
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.shut({ kind: 'closed' });
    return Promise.resolve();
  }

  /** The other side vanished (power loss, cable pulled). */
  hangUp(): void {
    this.peer?.shut({ kind: 'lost', message: 'peer hung up' });
    this.shut({ kind: 'closed' });
  }

  private shut(reason: { kind: 'closed' } | { kind: 'lost'; message: string }): void {
    if (!this.open_) return;
    this.open_ = false;
    this.listeners.emitClose(reason);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: Parameters<Transport['onClose']>[0]): () => void {
    return this.listeners.onClose(listener);
  }
}
