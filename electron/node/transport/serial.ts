/**
 * Serial transport over the `serialport` package: COM ports on Windows, /dev/tty* elsewhere.
 * ZVT's default line is 9600 baud, 8 data bits, no parity, 2 stop bits (PA00P016 section 2).
 */
import fs from 'node:fs';
import { SerialPortStream } from '@serialport/stream';
import { leanBinding } from './lean-binding';
import { TransportError, TransportListeners, type Transport } from './transport';

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';

export interface SerialLineSettings {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: Parity;
  stopBits: 1 | 1.5 | 2;
}

export const ZVT_SERIAL_DEFAULTS = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 2 } as const satisfies Omit<SerialLineSettings, 'path'>;

/** What we use of a SerialPortStream, so tests can hand in SerialPortMock (same class family). */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  write(data: Buffer, callback: (error: Error | null | undefined) => void): boolean;
  close(callback: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (error?: Error & { disconnected?: boolean }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
}

export type SerialPortFactory = (options: SerialLineSettings & { autoOpen: false }) => SerialPortLike;

export interface SerialTransportOptions {
  factory?: SerialPortFactory;
  /**
   * How often to check that the device node still exists (POSIX only; 0 = never). A vanished
   * pty or USB adapter does not always surface as an error: the Linux binding can keep reading
   * end-of-file forever. Default 1000 ms.
   */
  presenceCheckMs?: number;
}

let binding: ReturnType<typeof leanBinding> | undefined;
/** The real port, on the binding with the lean POSIX read/write path (see lean-binding.ts). */
const defaultFactory: SerialPortFactory = (options) => new SerialPortStream({ ...options, binding: (binding ??= leanBinding()) });

function classifyOpenError(path: string, error: Error): TransportError {
  const text = error.message;
  if (/ENOENT|No such file|File not found|cannot find/i.test(text)) return new TransportError('not_found', `serial port ${path} not found`);
  if (/EBUSY|Access denied|locked|in use/i.test(text)) return new TransportError('port_in_use', `serial port ${path} is in use by another program`);
  return new TransportError('open_failed', `cannot open serial port ${path}: ${text}`);
}

export class SerialTransport implements Transport {
  readonly description: string;
  private port: SerialPortLike | undefined;
  private readonly listeners = new TransportListeners();
  private closing = false;
  private presenceTimer: ReturnType<typeof setInterval> | undefined;
  private readonly factory: SerialPortFactory;
  private readonly presenceCheckMs: number;

  constructor(
    private readonly settings: SerialLineSettings,
    options: SerialTransportOptions | SerialPortFactory = {},
  ) {
    this.description = `serial:${settings.path}`;
    const resolved = typeof options === 'function' ? { factory: options } : options;
    this.factory = resolved.factory ?? defaultFactory;
    this.presenceCheckMs = resolved.presenceCheckMs ?? (resolved.factory ? 0 : 1000);
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  open(): Promise<void> {
    if (this.port) return Promise.reject(new TransportError('open_failed', `${this.description} is already open`));
    let port: SerialPortLike;
    try {
      port = this.factory({ ...this.settings, autoOpen: false });
    } catch (error) {
      return Promise.reject(new TransportError('open_failed', `invalid serial settings for ${this.settings.path}: ${(error as Error).message}`));
    }
    this.closing = false;
    return new Promise((resolve, reject) => {
      port.open((error) => {
        if (error) {
          port.removeAllListeners();
          reject(classifyOpenError(this.settings.path, error));
          return;
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => this.listeners.emitData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
        // serialport closes the port itself only for EBADF/ENXIO; a pty whose master went away
        // (and some USB adapters) fail reads with EIO instead, which surfaces as 'error' on a port
        // that stays "open" but is dead. Any read error on an open port means the link is gone.
        port.on('error', (error: Error) => this.lose(error));
        port.on('close', (closeError?: Error & { disconnected?: boolean }) => this.closed(closeError));
        if (this.presenceCheckMs > 0 && process.platform !== 'win32') {
          this.presenceTimer = setInterval(() => {
            fs.stat(this.settings.path, (statError) => {
              if (statError && this.port === port) this.lose(new Error(`${this.settings.path} vanished`));
            });
          }, this.presenceCheckMs);
          this.presenceTimer.unref();
        }
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || !port.isOpen) return Promise.reject(new TransportError('not_open', `${this.description} is not open`));
    return new Promise((resolve, reject) => {
      // The write callback runs once the binding handed the bytes to the OS. No drain() (tcdrain):
      // it costs a thread-pool round trip per block and the protocol's ACK tells us more anyway.
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), (error) =>
        error ? reject(new TransportError('write_failed', `write to ${this.description} failed: ${error.message}`)) : resolve(),
      );
    });
  }

  close(): Promise<void> {
    const port = this.port;
    if (!port) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      if (!port.isOpen) {
        this.closed(undefined);
        resolve();
        return;
      }
      port.close(() => {
        // 'close' normally fires first; this covers bindings that do not emit it.
        this.closed(undefined);
        resolve();
      });
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: Parameters<TransportListeners['onClose']>[0]): () => void {
    return this.listeners.onClose(listener);
  }

  private lose(error: Error): void {
    const port = this.port;
    if (!port || this.closing) return;
    this.closed(error);
    if (port.isOpen) port.close(() => undefined);
  }

  private closed(error: (Error & { disconnected?: boolean }) | undefined): void {
    const port = this.port;
    if (!port) return;
    this.port = undefined;
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = undefined;
    port.removeAllListeners();
    // A failed close must not become an unhandled 'error' event.
    (port as unknown as { on(event: string, listener: () => void): void }).on('error', () => undefined);
    if (this.closing) this.listeners.emitClose({ kind: 'closed' });
    else this.listeners.emitClose({ kind: 'lost', message: error?.message ?? 'serial port closed' });
  }
}
