/**
 * The serialport binding with a leaner read and write path on Linux and macOS.
 *
 * The stock POSIX binding moves every read and every write through libuv's thread pool
 * (fs.read / fs.write), and a read first tries, gets EAGAIN, waits for the poller and then tries
 * again on the pool. A ZVT exchange is a dozen tiny frames and ACKs, each one a line turnaround,
 * so those thread-pool hops were most of our per-message overhead. The port is opened with
 * O_NONBLOCK by the binding, so a synchronous read or write returns at once (data or EAGAIN):
 * this binding reads and writes synchronously and waits on the binding's own poller (epoll on
 * the event loop) only when the kernel has nothing to give or no room to take.
 *
 * Windows keeps the stock binding: it uses overlapped I/O with its own threads.
 */
import fs from 'node:fs';
import { autoDetect, type AutoDetectTypes } from '@serialport/bindings-cpp';

type Detected = AutoDetectTypes;
type OpenOptions = Parameters<Detected['open']>[0];
type PortBinding = Awaited<ReturnType<Detected['open']>>;

/** The binding's poller (uv_poll on the fd): once('readable' | 'writable', callback), poll(flags). */
interface PortPoller {
  once(event: 'readable' | 'writable', callback: (error: Error | null) => void): unknown;
  poll(flags: number): void;
}

const UV_READABLE = 1;
const UV_WRITABLE = 2;

interface PosixPort {
  fd: number | null;
  poller: PortPoller;
  readonly isOpen: boolean;
  writeOperation: Promise<void> | null;
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }>;
  write(buffer: Buffer): Promise<void>;
}

const RETRY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

function notOpen(): Error {
  // The stream ignores read errors flagged canceled (the port was closed under a pending read).
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

function failed(error: NodeJS.ErrnoException): NodeJS.ErrnoException {
  // As the stock binding: these mean the device went away, and the stream closes the port.
  if (error.code === 'EBADF' || error.code === 'ENXIO' || error.code === 'UNKNOWN' || error.errno === -1) {
    Object.assign(error, { disconnect: true });
  }
  return error;
}

/** Ports with a read / a write waiting on the poller. */
const readers = new WeakSet<PosixPort>();
const writers = new WeakSet<PosixPort>();

function wait(port: PosixPort, event: 'readable' | 'writable'): Promise<void> {
  const waiting = event === 'readable' ? readers : writers;
  waiting.add(port);
  return new Promise<void>((resolve, reject) => {
    port.poller.once(event, (error) => (error ? reject(error) : resolve()));
    // The native poller restarts uv_poll with only the flag asked for last, dropping the other
    // one: a read and a write waiting together must ask for both, or each end of a full pty can
    // end up waiting to write while nobody waits to read (a deadlock).
    if ((event === 'readable' ? writers : readers).has(port)) port.poller.poll(UV_READABLE | UV_WRITABLE);
  }).finally(() => waiting.delete(port));
}

/** Ports whose last read filled the whole buffer: more may be waiting, so read before polling. */
const mayHaveMore = new WeakSet<PosixPort>();

async function read(port: PosixPort, buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }> {
  if (buffer.length < offset + length) throw new Error('buffer is too small');
  // After a short read the kernel buffer is empty: wait for the poller first rather than let
  // readSync fail with EAGAIN (an exception costs more than the whole read).
  if (!mayHaveMore.has(port)) await wait(port, 'readable');
  for (;;) {
    if (port.fd === null) throw notOpen();
    try {
      const bytesRead = fs.readSync(port.fd, buffer, offset, length, null);
      if (bytesRead > 0) {
        if (bytesRead === length) mayHaveMore.add(port);
        else mayHaveMore.delete(port);
        return { bytesRead, buffer };
      }
    } catch (error) {
      if (!RETRY.has((error as NodeJS.ErrnoException).code ?? '')) throw failed(error as NodeJS.ErrnoException);
    }
    mayHaveMore.delete(port);
    await wait(port, 'readable');
  }
}

async function writeAll(port: PosixPort, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    if (port.fd === null) throw new Error('Port is not open');
    try {
      offset += fs.writeSync(port.fd, buffer, offset, buffer.length - offset);
      continue;
    } catch (error) {
      if (!RETRY.has((error as NodeJS.ErrnoException).code ?? '')) throw failed(error as NodeJS.ErrnoException);
    }
    await wait(port, 'writable');
  }
}

function isPosixPort(port: PortBinding): port is PortBinding & PosixPort {
  const candidate = port as unknown as Partial<PosixPort>;
  return typeof candidate.fd === 'number' && typeof candidate.poller?.once === 'function';
}

/** Replaces read and write of an open POSIX port binding with the synchronous non-blocking path. */
export function leanPort<T extends PortBinding>(port: T): T {
  if (!isPosixPort(port)) return port;
  port.read = async (buffer: Buffer, offset: number, length: number) => read(port, buffer, offset, length);
  port.write = async (buffer: Buffer) => {
    if (!port.isOpen) throw new Error('Port is not open');
    // drain() awaits writeOperation before tcdrain, as with the stock binding.
    const operation = writeAll(port, buffer).finally(() => {
      if (port.writeOperation === operation) port.writeOperation = null;
    });
    port.writeOperation = operation;
    return operation;
  };
  return port;
}

export function leanBinding(detected: Detected = autoDetect(), platform: NodeJS.Platform = process.platform): Detected {
  if (platform === 'win32') return detected;
  return {
    list: () => detected.list(),
    open: async (options: OpenOptions) => leanPort(await detected.open(options as never)),
  } as Detected;
}
