import { crc16Kermit } from './crc';

/** Control characters of the serial transport protocol (PA00P016 section 1.2). */
export enum ControlByte {
  /** start of text: follows DLE at the start of a block */
  STX = 0x02,
  /** end of text: follows DLE at the end of a block, included in the CRC */
  ETX = 0x03,
  /** positive acknowledgement of a whole block, a single byte on the line (section 3.2.1) */
  ACK = 0x06,
  /** data link escape: doubled inside the APDU for code transparency (section 3.1) */
  DLE = 0x10,
  /** negative acknowledgement, a single byte on the line (section 3.2.2) */
  NAK = 0x15,
}

/** The largest data block an APDU can carry: extended length is two bytes (PA00P016 5.2.4). */
export const MAXIMUM_DATA_LENGTH = 0xffff;
/** Control field (2) + length byte (1) + extended length (2) + data. */
export const MAXIMUM_APDU_LENGTH = 5 + MAXIMUM_DATA_LENGTH;

export type FrameErrorCode =
  | 'crc' // checksum mismatch: the receiver answers NAK (section 3.5)
  | 'garbage' // bytes outside a block that are neither ACK, NAK nor DLE STX
  | 'overflow' // a block or declared length beyond the bound
  | 'escape' // DLE followed by something other than DLE, ETX or STX inside a block
  | 'truncated' // a new block started (DLE STX) before the previous one ended
  | 'length'; // the APDU length field disagrees with the block's content

export type FrameEvent =
  | { type: 'frame'; apdu: Uint8Array }
  | { type: 'ack' }
  | { type: 'nak' }
  | { type: 'error'; code: FrameErrorCode; message: string; length?: number };

/**
 * Serial block: DLE STX <APDU with DLE doubled> DLE ETX CRC-low CRC-high (PA00P016 section 3.1).
 * The CRC bytes are sent as they are: section 3.1 doubles DLEs of the APDU only.
 */
export function encodeSerialFrame(apdu: Uint8Array): Uint8Array {
  let doubled = 0;
  for (const byte of apdu) if (byte === ControlByte.DLE) doubled++;
  const out = new Uint8Array(apdu.length + doubled + 6);
  let index = 0;
  out[index++] = ControlByte.DLE;
  out[index++] = ControlByte.STX;
  for (const byte of apdu) {
    out[index++] = byte;
    if (byte === ControlByte.DLE) out[index++] = ControlByte.DLE;
  }
  out[index++] = ControlByte.DLE;
  out[index++] = ControlByte.ETX;
  const crc = crc16Kermit(new Uint8Array([ControlByte.ETX]), crc16Kermit(apdu));
  out[index++] = crc & 0xff;
  out[index++] = crc >> 8;
  return out;
}

export function serialBlockCrc(apdu: Uint8Array): number {
  return crc16Kermit(new Uint8Array([ControlByte.ETX]), crc16Kermit(apdu));
}

/**
 * Reads the APDU header (PA00P016 5.2.4): one length byte, or 0xFF followed by a two-byte length,
 * low byte first. Returns undefined when the header is not complete yet.
 */
export function readApduHeader(bytes: Uint8Array, offset = 0): { headerLength: number; dataLength: number } | undefined {
  if (bytes.length - offset < 3) return undefined;
  const length = bytes[offset + 2] ?? 0;
  if (length !== 0xff) return { headerLength: 3, dataLength: length };
  if (bytes.length - offset < 5) return undefined;
  return { headerLength: 5, dataLength: (bytes[offset + 3] ?? 0) | ((bytes[offset + 4] ?? 0) << 8) };
}

/** The length field for `dataLength` bytes: short form up to 254, else FF lo hi. */
export function encodeLengthField(dataLength: number): Uint8Array {
  if (dataLength < 0xff) return new Uint8Array([dataLength]);
  return new Uint8Array([0xff, dataLength & 0xff, (dataLength >> 8) & 0xff]);
}

/** A growable byte buffer with a hard bound, so a stream can never make us allocate without limit. */
class BoundedBuffer {
  private bytes: Uint8Array;
  length = 0;

  constructor(initial: number) {
    this.bytes = new Uint8Array(initial);
  }

  push(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }

  append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      let capacity = this.bytes.length;
      while (capacity < this.length + chunk.length) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }

  discard(count: number): void {
    this.bytes.copyWithin(0, count, this.length);
    this.length -= count;
  }

  clear(): void {
    this.length = 0;
    // Give back memory a huge block once made us take.
    if (this.bytes.length > 4096) this.bytes = new Uint8Array(256);
  }
}

const enum SerialState {
  Idle,
  IdleAfterDle,
  Data,
  DataAfterDle,
  CrcLow,
  CrcHigh,
}

export interface SerialFrameDecoderOptions {
  /** Largest APDU accepted (bytes after removing doubled DLEs). Default: the protocol maximum. */
  maximumApduLength?: number;
  /** A run of garbage is reported when it ends, or every this many bytes. Default 4096. */
  garbageReportInterval?: number;
}

/**
 * Streaming decoder for the serial line: push chunks as they arrive, get frames, ACKs, NAKs and
 * errors out. Keeps a partial block between pushes, resynchronises on the next DLE STX after
 * garbage, and holds at most one block (bounded by maximumApduLength) in memory. Each byte is
 * looked at once, so a push always ends.
 */
export class SerialFrameDecoder {
  private state = SerialState.Idle;
  private readonly buffer = new BoundedBuffer(256);
  private crcLow = 0;
  private garbage = 0;
  private readonly maximumApduLength: number;
  private readonly garbageReportInterval: number;

  constructor(options: SerialFrameDecoderOptions = {}) {
    this.maximumApduLength = Math.min(options.maximumApduLength ?? MAXIMUM_APDU_LENGTH, MAXIMUM_APDU_LENGTH);
    this.garbageReportInterval = options.garbageReportInterval ?? 4096;
  }

  /** True while a block has started but not ended: the owner runs inter-byte timeout T1 (section 3.4.1). */
  get inFrame(): boolean {
    return this.state !== SerialState.Idle && this.state !== SerialState.IdleAfterDle;
  }

  /** Bytes currently held for a partial block. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Drop a partial block (after T1 expired, or the link was reset). */
  reset(): void {
    this.state = SerialState.Idle;
    this.buffer.clear();
    this.garbage = 0;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (const byte of chunk) this.consume(byte, events);
    return events;
  }

  private consume(byte: number, events: FrameEvent[]): void {
    switch (this.state) {
      case SerialState.Idle:
        if (byte === ControlByte.DLE) {
          this.state = SerialState.IdleAfterDle;
        } else if (byte === ControlByte.ACK || byte === ControlByte.NAK) {
          this.flushGarbage(events);
          events.push({ type: byte === ControlByte.ACK ? 'ack' : 'nak' });
        } else {
          this.countGarbage(1, events);
        }
        return;
      case SerialState.IdleAfterDle:
        if (byte === ControlByte.STX) {
          this.flushGarbage(events);
          this.buffer.clear();
          this.state = SerialState.Data;
        } else {
          // The DLE was garbage; look at this byte again from the idle state.
          this.countGarbage(1, events);
          this.state = SerialState.Idle;
          this.consume(byte, events);
        }
        return;
      case SerialState.Data:
        if (byte === ControlByte.DLE) this.state = SerialState.DataAfterDle;
        else this.appendData(byte, events);
        return;
      case SerialState.DataAfterDle:
        if (byte === ControlByte.DLE) {
          this.state = SerialState.Data;
          this.appendData(byte, events);
        } else if (byte === ControlByte.ETX) {
          this.state = SerialState.CrcLow;
        } else if (byte === ControlByte.STX) {
          // A new block began before the old one ended (the sender restarted): keep the new one.
          events.push({ type: 'error', code: 'truncated', message: 'block interrupted by a new DLE STX', length: this.buffer.length });
          this.buffer.clear();
          this.state = SerialState.Data;
        } else {
          events.push({
            type: 'error',
            code: 'escape',
            message: `DLE followed by 0x${byte.toString(16).padStart(2, '0')} inside a block`,
            length: this.buffer.length,
          });
          this.buffer.clear();
          this.state = SerialState.Idle;
        }
        return;
      case SerialState.CrcLow:
        this.crcLow = byte;
        this.state = SerialState.CrcHigh;
        return;
      case SerialState.CrcHigh: {
        this.state = SerialState.Idle;
        const apdu = this.buffer.take();
        const received = this.crcLow | (byte << 8);
        const expected = serialBlockCrc(apdu);
        if (received !== expected) {
          events.push({
            type: 'error',
            code: 'crc',
            message: `CRC 0x${received.toString(16).padStart(4, '0')} received, 0x${expected.toString(16).padStart(4, '0')} computed`,
            length: apdu.length,
          });
          return;
        }
        const header = readApduHeader(apdu);
        if (!header || header.headerLength + header.dataLength !== apdu.length) {
          // "Formally correct constructed" (section 3.2) includes a length field that tells the truth.
          events.push({ type: 'error', code: 'length', message: 'APDU length field disagrees with the block', length: apdu.length });
          return;
        }
        events.push({ type: 'frame', apdu });
        return;
      }
    }
  }

  private appendData(byte: number, events: FrameEvent[]): void {
    if (this.buffer.length >= this.maximumApduLength) {
      events.push({ type: 'error', code: 'overflow', message: `block longer than ${this.maximumApduLength} bytes`, length: this.buffer.length });
      this.buffer.clear();
      this.state = SerialState.Idle;
      return;
    }
    this.buffer.push(byte);
  }

  private countGarbage(count: number, events: FrameEvent[]): void {
    this.garbage += count;
    if (this.garbage >= this.garbageReportInterval) this.flushGarbage(events);
  }

  private flushGarbage(events: FrameEvent[]): void {
    if (this.garbage === 0) return;
    events.push({ type: 'error', code: 'garbage', message: `${this.garbage} byte(s) outside a block ignored`, length: this.garbage });
    this.garbage = 0;
  }
}

export interface ApduStreamDecoderOptions {
  /** Largest data block accepted; a larger declared length is an 'overflow' error. Default 65535. */
  maximumDataLength?: number;
}

export type ApduStreamEvent = { type: 'apdu'; apdu: Uint8Array } | { type: 'error'; code: 'overflow'; message: string; length: number };

/**
 * TCP carries bare APDUs (PA00P016 section 4.1) that may arrive split or joined arbitrarily
 * (section 4, point 3). Splits the stream by the length field, including the extended form.
 * A declared length beyond the bound cannot be resynchronised on a byte stream: the buffer is
 * dropped and the owner should close the connection (section 5.2.5 "time-out case b").
 */
export class ApduStreamDecoder {
  private readonly buffer = new BoundedBuffer(256);
  private readonly maximumDataLength: number;

  constructor(options: ApduStreamDecoderOptions = {}) {
    this.maximumDataLength = Math.min(options.maximumDataLength ?? MAXIMUM_DATA_LENGTH, MAXIMUM_DATA_LENGTH);
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** True when part of an APDU is waiting for the rest. */
  get inFrame(): boolean {
    return this.buffer.length > 0;
  }

  /** Header plus data length the partial APDU announced, once its length field is complete. */
  get declaredLength(): number | undefined {
    const header = readApduHeader(this.buffer.view());
    return header ? header.headerLength + header.dataLength : undefined;
  }

  reset(): void {
    this.buffer.clear();
  }

  push(chunk: Uint8Array): ApduStreamEvent[] {
    const events: ApduStreamEvent[] = [];
    let input = chunk;
    // Feed at most one APDU's worth at a time, so the buffer never holds more than one APDU.
    while (input.length > 0 || this.buffer.length > 0) {
      const header = readApduHeader(this.buffer.view());
      if (!header) {
        if (input.length === 0) break;
        const need = this.buffer.length < 3 ? 3 - this.buffer.length : 5 - this.buffer.length;
        this.buffer.append(input.subarray(0, need));
        input = input.subarray(Math.min(need, input.length));
        continue;
      }
      if (header.dataLength > this.maximumDataLength) {
        events.push({ type: 'error', code: 'overflow', message: `declared length ${header.dataLength} exceeds ${this.maximumDataLength}`, length: header.dataLength });
        this.buffer.clear();
        input = new Uint8Array(0);
        break;
      }
      const total = header.headerLength + header.dataLength;
      const missing = total - this.buffer.length;
      if (missing > 0) {
        if (input.length === 0) break;
        this.buffer.append(input.subarray(0, missing));
        input = input.subarray(Math.min(missing, input.length));
        continue;
      }
      events.push({ type: 'apdu', apdu: this.buffer.take() });
    }
    return events;
  }
}
