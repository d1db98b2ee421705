import { FakeClock } from '../../helpers/clock';
import {
  bytesToHex,
  encodeMessage,
  encodeSerialFrame,
  SerialFrameDecoder,
  ZvtSession,
  type SessionEvent,
  type TransportKind,
  type VendorProfile,
  type ZvtMessage,
} from '../../../electron/node/protocol/zvt';
import { bytes } from './samples';

/**
 * The terminal side of a session test: what the session wrote (decoded to ACK, NAK or APDU hex),
 * and ways to answer it byte by byte. Time moves only through `clock.advance`.
 */
export function createLink(transportKind: TransportKind, profile?: VendorProfile) {
  const clock = new FakeClock(1_000_000);
  const written: Uint8Array[] = [];
  const events: SessionEvent[] = [];
  const session = new ZvtSession({ write: (chunk) => written.push(chunk.slice()), clock, transportKind, ...(profile ? { profile } : {}) });
  session.observe((event) => events.push(event));
  const lineDecoder = new SerialFrameDecoder();
  let read = 0;

  function apduOf(message: ZvtMessage | string): Uint8Array {
    if (typeof message === 'string') return bytes(message);
    const encoded = encodeMessage(message);
    if (!encoded.ok) throw new Error(encoded.error.message);
    return encoded.value;
  }

  return {
    clock,
    session,
    events,
    written,
    /** Everything the session wrote since the last call: 'ACK', 'NAK' or the APDU in hex. */
    outbox(): string[] {
      const fresh = written.slice(read);
      read = written.length;
      if (transportKind === 'tcp') return fresh.map((chunk) => bytesToHex(chunk));
      const out: string[] = [];
      for (const chunk of fresh) {
        for (const event of lineDecoder.push(chunk)) {
          if (event.type === 'ack') out.push('ACK');
          else if (event.type === 'nak') out.push('NAK');
          else if (event.type === 'frame') out.push(bytesToHex(event.apdu));
          else out.push(`ERROR ${event.code}`);
        }
      }
      return out;
    },
    /** The terminal sends a message (framed on serial). */
    send(message: ZvtMessage | string): void {
      const apdu = apduOf(message);
      session.receive(transportKind === 'serial' ? encodeSerialFrame(apdu) : apdu);
    },
    sendRaw(chunk: Uint8Array | string): void {
      session.receive(typeof chunk === 'string' ? bytes(chunk) : chunk);
    },
    ack(): void {
      session.receive(new Uint8Array([0x06]));
    },
    nak(): void {
      session.receive(new Uint8Array([0x15]));
    },
  };
}

/** Lets promise callbacks run. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 5; round++) await Promise.resolve();
}

export function track<T>(promise: Promise<T>): { promise: Promise<T>; done: () => boolean } {
  let finished = false;
  void promise.then(() => {
    finished = true;
  });
  return { promise, done: () => finished };
}
