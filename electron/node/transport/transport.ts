/**
 * The one interface every byte pipe implements: a serial port, a TCP socket, an accepted socket
 * on the simulator's side. Transports only move bytes; framing, retries and meaning live in
 * protocol/zvt, link state in services/terminals.
 */
export type TransportCloseReason =
  /** close() was called */
  | { kind: 'closed' }
  /** the other side hung up (TCP FIN, pty master gone, USB adapter unplugged) */
  | { kind: 'lost'; message: string };

export interface Transport {
  /** "serial:/dev/ttyUSB0" or "tcp:192.168.1.20:20007", for logs and events. */
  readonly description: string;
  readonly isOpen: boolean;
  /** Resolves when bytes can flow; rejects with a TransportError (never leaves a handle open). */
  open(): Promise<void>;
  /** Resolves once the bytes were handed to the OS; rejects with a TransportError when not open. */
  write(bytes: Uint8Array): Promise<void>;
  /** Idempotent; listeners of onClose get { kind: 'closed' } once. */
  close(): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  onClose(listener: (reason: TransportCloseReason) => void): () => void;
}

export type TransportErrorCode = 'not_open' | 'open_failed' | 'timeout' | 'write_failed' | 'port_in_use' | 'not_found' | 'refused';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Listener bookkeeping shared by the transports. */
export class TransportListeners {
  private readonly data = new Set<(chunk: Uint8Array) => void>();
  private readonly close = new Set<(reason: TransportCloseReason) => void>();

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.data.add(listener);
    return () => this.data.delete(listener);
  }

  onClose(listener: (reason: TransportCloseReason) => void): () => void {
    this.close.add(listener);
    return () => this.close.delete(listener);
  }

  emitData(chunk: Uint8Array): void {
    for (const listener of [...this.data]) listener(chunk);
  }

  emitClose(reason: TransportCloseReason): void {
    for (const listener of [...this.close]) listener(reason);
  }
}
