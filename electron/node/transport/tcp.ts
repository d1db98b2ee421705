/**
 * TCP transport over node:net. ZVT over TCP carries bare APDUs (PA00P016 section 4.1); the
 * usual terminal port is 20007. Nagle is off (APDUs are small and latency matters) and TCP
 * keepalive is on, so a terminal that lost power is noticed even on an idle link.
 */
import net from 'node:net';
import { TransportError, TransportListeners, type Transport, type TransportCloseReason } from './transport';

export const ZVT_TCP_DEFAULT_PORT = 20007;

export interface TcpSettings {
  host: string;
  port?: number;
  /** Milliseconds until connect gives up. Default 5000. */
  connectTimeout?: number;
  /** Idle milliseconds before the first keepalive probe. Default 10000; 0 turns keepalive off. */
  keepAliveDelay?: number;
}

/** Wraps a connected socket (client side, or one accepted by a server) as a Transport. */
export class SocketTransport implements Transport {
  private readonly listeners = new TransportListeners();
  private closing = false;
  private ended = false;

  constructor(
    private readonly socket: net.Socket,
    readonly description: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.listeners.emitData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.on('error', () => undefined); // 'close' follows with hadError; reported there
    socket.on('close', (hadError) => this.finish(hadError ? { kind: 'lost', message: 'connection reset' } : undefined));
    socket.on('end', () => socket.end());
  }

  get isOpen(): boolean {
    return !this.ended && !this.socket.destroyed && this.socket.readyState === 'open';
  }

  open(): Promise<void> {
    return this.isOpen ? Promise.resolve() : Promise.reject(new TransportError('not_open', `${this.description} is closed`));
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new TransportError('not_open', `${this.description} is not open`));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(new TransportError('write_failed', `write to ${this.description} failed: ${error.message}`)) : resolve()));
    });
  }

  close(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (reason: TransportCloseReason) => void): () => void {
    return this.listeners.onClose(listener);
  }

  private finish(lost: TransportCloseReason | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.listeners.emitClose(this.closing ? { kind: 'closed' } : (lost ?? { kind: 'lost', message: 'connection closed by peer' }));
  }
}

/** The ECR side: connects to a terminal. */
export class TcpTransport implements Transport {
  readonly description: string;
  private inner: SocketTransport | undefined;
  private readonly listeners = new TransportListeners();

  constructor(private readonly settings: TcpSettings) {
    this.description = `tcp:${settings.host}:${settings.port ?? ZVT_TCP_DEFAULT_PORT}`;
  }

  get isOpen(): boolean {
    return this.inner?.isOpen ?? false;
  }

  open(): Promise<void> {
    if (this.inner) return Promise.reject(new TransportError('open_failed', `${this.description} is already open`));
    const port = this.settings.port ?? ZVT_TCP_DEFAULT_PORT;
    const timeout = this.settings.connectTimeout ?? 5000;
    const keepAlive = this.settings.keepAliveDelay ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: this.settings.host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError('timeout', `no connection to ${this.settings.host}:${port} within ${timeout} ms`));
      }, timeout);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        const code = error.code === 'ECONNREFUSED' ? 'refused' : 'open_failed';
        reject(new TransportError(code, `cannot connect to ${this.settings.host}:${port}: ${error.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        if (keepAlive > 0) socket.setKeepAlive(true, keepAlive);
        const inner = new SocketTransport(socket, this.description);
        this.inner = inner;
        inner.onData((chunk) => this.listeners.emitData(chunk));
        inner.onClose((reason) => {
          this.inner = undefined;
          this.listeners.emitClose(reason);
        });
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.inner ? this.inner.write(bytes) : Promise.reject(new TransportError('not_open', `${this.description} is not open`));
  }

  close(): Promise<void> {
    return this.inner ? this.inner.close() : Promise.resolve();
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (reason: TransportCloseReason) => void): () => void {
    return this.listeners.onClose(listener);
  }
}

/** The terminal side (the simulator): accepts ECR connections. */
export async function listenTcp(
  options: { host?: string; port: number },
  onConnection: (transport: SocketTransport) => void,
): Promise<{ port: number; host: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(new SocketTransport(socket, `tcp:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    host,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
