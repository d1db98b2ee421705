import { afterEach, describe, expect, it } from 'vitest';
import { SerialTransport, ZVT_SERIAL_DEFAULTS } from '../../../electron/node/transport/serial';
import type { Transport, TransportCloseReason } from '../../../electron/node/transport/transport';
import { createPtyPair, type PtyPair } from '../../helpers/pty';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pair(): Promise<PtyPair> {
  const created = await createPtyPair();
  cleanups.push(() => created.close());
  return created;
}

async function openSerial(path: string): Promise<SerialTransport> {
  const transport = new SerialTransport({ path, ...ZVT_SERIAL_DEFAULTS });
  await transport.open();
  cleanups.push(() => transport.close());
  return transport;
}

function collect(transport: Transport, count: number): Promise<number[]> {
  return new Promise((resolve) => {
    const bytes: number[] = [];
    const off = transport.onData((chunk) => {
      bytes.push(...chunk);
      if (bytes.length >= count) {
        off();
        resolve(bytes);
      }
    });
  });
}

describe('the serial transport over a real pty pair', () => {
  it('moves bytes both ways through the real serialport binding', async () => {
    const ptys = await pair();
    const ecr = await openSerial(ptys.a);
    const terminal = await openSerial(ptys.b);
    const payload = Array.from({ length: 300 }, (_, index) => index & 0xff);
    const atTerminal = collect(terminal, payload.length);
    await ecr.write(new Uint8Array(payload));
    expect(await atTerminal).toEqual(payload);
    const atEcr = collect(ecr, 3);
    await terminal.write(new Uint8Array([0x80, 0x00, 0x00]));
    expect(await atEcr).toEqual([0x80, 0x00, 0x00]);
  });

  it('moves blocks bigger than the kernel buffers intact, both ways at once (lean read/write path)', async () => {
    const ptys = await pair();
    const ecr = await openSerial(ptys.a);
    const terminal = await openSerial(ptys.b);
    // 256 KiB each way: writes meet a full pty (EAGAIN, wait for writable) and reads fill
    // whole buffers (read again before polling).
    const size = 256 * 1024;
    const toTerminal = Uint8Array.from({ length: size }, (_, index) => (index * 7) & 0xff);
    const toEcr = Uint8Array.from({ length: size }, (_, index) => (index * 13 + 5) & 0xff);
    const atTerminal = collect(terminal, size);
    const atEcr = collect(ecr, size);
    await Promise.all([ecr.write(toTerminal), terminal.write(toEcr)]);
    expect(Buffer.from(await atTerminal).equals(Buffer.from(toTerminal))).toBe(true);
    expect(Buffer.from(await atEcr).equals(Buffer.from(toEcr))).toBe(true);
  });

  it('closes a port with a read waiting for data, and opens it again', async () => {
    const ptys = await pair();
    const terminal = await openSerial(ptys.b);
    const first = new SerialTransport({ path: ptys.a, ...ZVT_SERIAL_DEFAULTS });
    await first.open();
    const closed = new Promise<TransportCloseReason>((resolve) => first.onClose(resolve));
    await first.close();
    expect(await closed).toEqual({ kind: 'closed' });
    const second = await openSerial(ptys.a);
    const arrived = collect(second, 2);
    await terminal.write(new Uint8Array([0x10, 0x02]));
    expect(await arrived).toEqual([0x10, 0x02]);
  });

  it('reports the link lost when the cable is pulled, and works again after replugging', async () => {
    const ptys = await pair();
    const ecr = new SerialTransport({ path: ptys.a, ...ZVT_SERIAL_DEFAULTS });
    await ecr.open();
    const before = await openSerial(ptys.b);
    // A link in use: one exchange first, so the binding's reader is running when the cable goes.
    const arrived = collect(ecr, 1);
    await before.write(new Uint8Array([0x06]));
    await arrived;
    const lost = new Promise<TransportCloseReason>((resolve) => ecr.onClose(resolve));
    await ptys.unplug();
    expect((await lost).kind).toBe('lost');
    expect(ecr.isOpen).toBe(false);

    await before.close();
    await ptys.replug();
    await ecr.open();
    cleanups.push(() => ecr.close());
    const terminal = await openSerial(ptys.b);
    const atTerminal = collect(terminal, 2);
    await ecr.write(new Uint8Array([0x10, 0x02]));
    expect(await atTerminal).toEqual([0x10, 0x02]);
  });

  it('fails to open a path that does not exist with a typed error', async () => {
    const transport = new SerialTransport({ path: '/dev/poscare-no-such-tty', ...ZVT_SERIAL_DEFAULTS });
    await expect(transport.open()).rejects.toMatchObject({ name: 'TransportError', code: 'not_found' });
  });
});
