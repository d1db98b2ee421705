import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { listSerialPorts } from '../../../electron/node/transport/ports';
import { SerialTransport, ZVT_SERIAL_DEFAULTS, type SerialPortFactory } from '../../../electron/node/transport/serial';
import { listenTcp, TcpTransport, type SocketTransport } from '../../../electron/node/transport/tcp';
import type { TransportCloseReason } from '../../../electron/node/transport/transport';

const mockPorts = new Map<string, SerialPortMock>();
const mockFactory: SerialPortFactory = (options) => {
  const port = new SerialPortMock(options);
  mockPorts.set(options.path, port);
  return port;
};

/** The binding-level port behind an open SerialPortMock: it can inject bytes and records writes. */
function bindingPort(path: string): { emitData(data: Buffer): void; recording: Buffer } {
  const port = mockPorts.get(path)?.port;
  if (!port) throw new Error(`no open mock port ${path}`);
  return port as unknown as { emitData(data: Buffer): void; recording: Buffer };
}

afterEach(() => {
  SerialPortMock.binding.reset();
  mockPorts.clear();
});

function nextData(transport: { onData(l: (c: Uint8Array) => void): () => void }): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const off = transport.onData((chunk) => {
      off();
      resolve(chunk);
    });
  });
}

describe('the serial transport', () => {
  it('opens with ZVT line defaults and moves bytes both ways', async () => {
    SerialPortMock.binding.createPort('/dev/ttyZVT0', { echo: false, record: true });
    let opened: object = {};
    const transport = new SerialTransport({ path: '/dev/ttyZVT0', ...ZVT_SERIAL_DEFAULTS }, (options) => {
      opened = options;
      return mockFactory(options);
    });
    await transport.open();
    expect(opened).toMatchObject({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 2 });
    expect(transport.isOpen).toBe(true);

    await transport.write(new Uint8Array([0x10, 0x02, 0x05, 0x01]));
    const received = nextData(transport);
    const mockPort = bindingPort('/dev/ttyZVT0');
    mockPort.emitData(Buffer.from([0x06]));
    expect([...(await received)]).toEqual([0x06]);
    expect([...mockPort.recording]).toEqual([0x10, 0x02, 0x05, 0x01]);
    await transport.close();
    expect(transport.isOpen).toBe(false);
  });

  it('reports a missing port as a typed not_found error', async () => {
    const transport = new SerialTransport({ path: '/dev/ttyMissing', ...ZVT_SERIAL_DEFAULTS }, mockFactory);
    await expect(transport.open()).rejects.toMatchObject({ name: 'TransportError' });
    expect(transport.isOpen).toBe(false);
  });

  it('reports close() as closed, once', async () => {
    SerialPortMock.binding.createPort('/dev/ttyZVT1');
    const transport = new SerialTransport({ path: '/dev/ttyZVT1', ...ZVT_SERIAL_DEFAULTS }, mockFactory);
    const reasons: TransportCloseReason[] = [];
    transport.onClose((reason) => reasons.push(reason));
    await transport.open();
    await transport.close();
    await transport.close();
    expect(reasons).toEqual([{ kind: 'closed' }]);
  });

  it('refuses to write when not open', async () => {
    const transport = new SerialTransport({ path: '/dev/ttyZVT2', ...ZVT_SERIAL_DEFAULTS }, mockFactory);
    await expect(transport.write(new Uint8Array([1]))).rejects.toMatchObject({ code: 'not_open' });
  });
});

describe('port discovery', () => {
  it('lists ports with normalised vendor and product ids, sorted by path', async () => {
    const result = await listSerialPorts(async () => [
      { path: '/dev/ttyUSB1', vendorId: '0403', productId: '6001', manufacturer: 'FTDI' },
      { path: '/dev/ttyS0' },
      { path: '/dev/ttyUSB0', vendorId: '0x67B', productId: '2303' },
    ]);
    expect(result.warning).toBeUndefined();
    expect(result.ports).toEqual([
      { path: '/dev/ttyS0' },
      { path: '/dev/ttyUSB0', vendorId: '067b', productId: '2303' },
      { path: '/dev/ttyUSB1', vendorId: '0403', productId: '6001', manufacturer: 'FTDI' },
    ]);
  });

  it('answers an empty list and a warning when enumeration fails', async () => {
    const result = await listSerialPorts(() => Promise.reject(new Error('spawn udevadm ENOENT')));
    expect(result.ports).toEqual([]);
    expect(result.warning).toContain('udevadm');
  });

  it('answers an empty list and a warning when the lister throws synchronously', async () => {
    const result = await listSerialPorts(() => {
      throw new Error('no binding');
    });
    expect(result).toEqual({ ports: [], warning: expect.stringContaining('no binding') });
  });

  it('lists the ports of the mock binding', async () => {
    SerialPortMock.binding.createPort('/dev/ttyMOCK9', { manufacturer: 'PosCare' } as never);
    const result = await listSerialPorts(() => SerialPortMock.binding.list());
    expect(result.ports.map((p) => p.path)).toContain('/dev/ttyMOCK9');
  });
});

describe('the TCP transport', () => {
  it('connects, moves bytes both ways and reports a peer hang-up as lost', async () => {
    const accepted: SocketTransport[] = [];
    const server = await listenTcp({ port: 0 }, (transport) => accepted.push(transport));
    try {
      const client = new TcpTransport({ host: '127.0.0.1', port: server.port });
      await client.open();
      await expect.poll(() => accepted.length).toBe(1);
      const peer = accepted[0]!;
      const atPeer = nextData(peer);
      await client.write(new Uint8Array([0x05, 0x01, 0x00]));
      expect([...(await atPeer)]).toEqual([0x05, 0x01, 0x00]);
      const atClient = nextData(client);
      await peer.write(new Uint8Array([0x80, 0x00, 0x00]));
      expect([...(await atClient)]).toEqual([0x80, 0x00, 0x00]);
      const lost = new Promise<TransportCloseReason>((resolve) => client.onClose(resolve));
      await peer.close();
      expect((await lost).kind).toBe('lost');
      expect(client.isOpen).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('rejects a refused connection with a typed error', async () => {
    const server = await listenTcp({ port: 0 }, () => undefined);
    const port = server.port;
    await server.close();
    const client = new TcpTransport({ host: '127.0.0.1', port });
    await expect(client.open()).rejects.toMatchObject({ code: 'refused' });
  });
});
