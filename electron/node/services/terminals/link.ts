/**
 * One live link to a terminal: a transport carrying bytes and a ZVT session on top of it. The
 * connection manager holds one per terminal; the `poscare terminal` command opens one, runs a
 * command and closes it.
 */
import { connectionAddress, type TerminalConnection } from '../../../../shared/domain/terminals';
import { ZvtSession, type Clock, type SessionListener, type VendorProfile } from '../../protocol/zvt/index';
import { systemClock } from '../../clock';
import { SerialTransport } from '../../transport/serial';
import { TcpTransport } from '../../transport/tcp';
import type { Transport, TransportCloseReason } from '../../transport/transport';

export interface TerminalLinkOptions {
  clock?: Clock;
  profile?: VendorProfile;
  connectTimeoutMs?: number;
  /** Tests hand in their own transport (e.g. over SerialPortMock). */
  transportFactory?: (connection: TerminalConnection) => Transport;
  onSessionEvent?: SessionListener;
  onClose?: (reason: TransportCloseReason) => void;
}

export interface OpenTerminalLink {
  readonly address: string;
  readonly session: ZvtSession;
  readonly transport: Transport;
  close(): Promise<void>;
}

export function createTransport(connection: TerminalConnection, connectTimeoutMs?: number): Transport {
  if (connection.type === 'serial') {
    return new SerialTransport({
      path: connection.path,
      baudRate: connection.baudRate,
      dataBits: connection.dataBits,
      parity: connection.parity,
      stopBits: connection.stopBits,
    });
  }
  return new TcpTransport({ host: connection.host, port: connection.port, ...(connectTimeoutMs === undefined ? {} : { connectTimeout: connectTimeoutMs }) });
}

/** Opens the transport and starts a session on it; rejects with the TransportError when the link cannot be opened. */
export async function openTerminalLink(connection: TerminalConnection, options: TerminalLinkOptions = {}): Promise<OpenTerminalLink> {
  const transport = options.transportFactory ? options.transportFactory(connection) : createTransport(connection, options.connectTimeoutMs);
  await transport.open();
  const session: ZvtSession = new ZvtSession({
    clock: options.clock ?? systemClock,
    transportKind: connection.type,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.onSessionEvent ? { onEvent: options.onSessionEvent } : {}),
    write: (bytes) => {
      transport.write(bytes).catch((error: Error) => session.linkClosed(`write failed: ${error.message}`));
    },
  });
  const offData = transport.onData((chunk) => session.receive(chunk));
  const offClose = transport.onClose((reason) => {
    session.linkClosed(reason.kind === 'lost' ? reason.message : 'link closed');
    options.onClose?.(reason);
  });
  return {
    address: connectionAddress(connection),
    session,
    transport,
    async close() {
      offData();
      session.dispose();
      await transport.close();
      offClose();
    },
  };
}
