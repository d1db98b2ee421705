import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApduStreamDecoder, bytesToHex, crc16Kermit, encodeMessage, encodeSerialFrame, SerialFrameDecoder, type FrameEvent } from '../../../electron/node/protocol/zvt';
import { bytes, SAMPLE_MESSAGES } from './samples';

const serialFixtures = JSON.parse(readFileSync(new URL('../../fixtures/zvt/serial-frames.json', import.meta.url), 'utf8')) as {
  frames: { name: string; apdu: string; frame: string }[];
};

function allApdus(): Uint8Array[] {
  return SAMPLE_MESSAGES.map((message) => {
    const encoded = encodeMessage(message);
    if (!encoded.ok) throw new Error(encoded.error.message);
    return encoded.value;
  });
}

function frames(events: FrameEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'frame' ? [bytesToHex(event.apdu)] : []));
}

describe('the serial block CRC', () => {
  it('is CRC-16/KERMIT: "123456789" gives 0x2189', () => {
    expect(crc16Kermit(new TextEncoder().encode('123456789'))).toBe(0x2189);
  });

  it.each(serialFixtures.frames.map((entry) => [entry.name, entry] as const))('matches the independently computed block for %s', (_name, entry) => {
    expect(bytesToHex(encodeSerialFrame(bytes(entry.apdu)))).toBe(entry.frame);
  });
});

describe('serial framing', () => {
  it('doubles DLE inside the APDU and leaves it out of the CRC', () => {
    const frame = encodeSerialFrame(bytes('06 D1 05 00 10 41 10 42'));
    expect(bytesToHex(frame)).toBe('10 02 06 D1 05 00 10 10 41 10 10 42 10 03 FC 5C');
    expect(frames(new SerialFrameDecoder().push(frame))).toEqual(['06 D1 05 00 10 41 10 42']);
  });

  it('reads ACK and NAK as single bytes between blocks', () => {
    const events = new SerialFrameDecoder().push(bytes('06 15 06'));
    expect(events.map((event) => event.type)).toEqual(['ack', 'nak', 'ack']);
  });

  it('decodes every sample frame split at every offset, keeping the partial tail', () => {
    for (const apdu of allApdus()) {
      const frame = encodeSerialFrame(apdu);
      for (let split = 0; split <= frame.length; split++) {
        const decoder = new SerialFrameDecoder();
        const events = [...decoder.push(frame.subarray(0, split)), ...decoder.push(frame.subarray(split))];
        expect(frames(events)).toEqual([bytesToHex(apdu)]);
        expect(events.filter((event) => event.type === 'error')).toEqual([]);
        expect(decoder.buffered).toBe(0);
      }
    }
  });

  it('decodes a stream of blocks fed one byte at a time', () => {
    const apdus = allApdus();
    const stream = Uint8Array.from(apdus.flatMap((apdu) => [...encodeSerialFrame(apdu), 0x06]));
    const decoder = new SerialFrameDecoder();
    const events: FrameEvent[] = [];
    for (const byte of stream) events.push(...decoder.push(new Uint8Array([byte])));
    expect(frames(events)).toEqual(apdus.map((apdu) => bytesToHex(apdu)));
    expect(events.filter((event) => event.type === 'ack')).toHaveLength(apdus.length);
  });

  it('reports a CRC error and reads the next block normally', () => {
    const bad = encodeSerialFrame(bytes('80 00 00'));
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
    const events = new SerialFrameDecoder().push(Uint8Array.from([...bad, ...encodeSerialFrame(bytes('06 1E 01 6C'))]));
    expect(events.map((event) => (event.type === 'error' ? event.code : event.type))).toEqual(['crc', 'frame']);
  });

  it('skips garbage between blocks, reports it once, and resynchronises on DLE STX', () => {
    const stream = Uint8Array.from([0x41, 0x42, 0x10, 0x41, 0x00, ...encodeSerialFrame(bytes('80 00 00')), 0xff, 0xfe, ...encodeSerialFrame(bytes('06 0F 00'))]);
    const events = new SerialFrameDecoder().push(stream);
    expect(events.map((event) => (event.type === 'error' ? `${event.code}:${event.length}` : event.type))).toEqual(['garbage:5', 'frame', 'garbage:2', 'frame']);
  });

  it('answers a block whose length field lies with an error, not a frame', () => {
    const events = new SerialFrameDecoder().push(encodeSerialFrame(bytes('06 D1 09 00 41')));
    expect(events).toMatchObject([{ type: 'error', code: 'length' }]);
  });

  it('drops a block cut off by a new DLE STX and keeps the new one', () => {
    const first = encodeSerialFrame(bytes('06 D1 03 00 41 42'));
    const stream = Uint8Array.from([...first.subarray(0, 5), ...encodeSerialFrame(bytes('80 00 00'))]);
    const events = new SerialFrameDecoder().push(stream);
    expect(events.map((event) => (event.type === 'error' ? event.code : event.type))).toEqual(['truncated', 'frame']);
  });

  it('reports an invalid escape inside a block', () => {
    const events = new SerialFrameDecoder().push(bytes('10 02 80 10 41 00 00 10 03 00 00'));
    expect(events[0]).toMatchObject({ type: 'error', code: 'escape' });
  });

  it('never holds more than the bound for an endless block', () => {
    const decoder = new SerialFrameDecoder({ maximumApduLength: 64 });
    const events = decoder.push(Uint8Array.from([0x10, 0x02, ...new Uint8Array(1000).fill(0x41)]));
    expect(events[0]).toMatchObject({ type: 'error', code: 'overflow' });
    expect(decoder.buffered).toBeLessThanOrEqual(64);
    expect(decoder.inFrame).toBe(false);
  });

  it('knows when a block is half received, for the inter-byte timeout T1', () => {
    const decoder = new SerialFrameDecoder();
    decoder.push(bytes('10 02 80'));
    expect(decoder.inFrame).toBe(true);
    decoder.reset();
    expect(decoder.inFrame).toBe(false);
    expect(frames(decoder.push(encodeSerialFrame(bytes('80 00 00'))))).toEqual(['80 00 00']);
  });
});

describe('the TCP APDU stream', () => {
  it('splits every sample APDU at every offset', () => {
    for (const apdu of allApdus()) {
      for (let split = 0; split <= apdu.length; split++) {
        const decoder = new ApduStreamDecoder();
        const events = [...decoder.push(apdu.subarray(0, split)), ...decoder.push(apdu.subarray(split))];
        expect(events).toEqual([{ type: 'apdu', apdu }]);
        expect(decoder.buffered).toBe(0);
      }
    }
  });

  it('splits a joined stream of APDUs, including an extended-length one', () => {
    const long = encodeMessage({ kind: 'print-line', attribute: 0, text: 'y'.repeat(600) });
    if (!long.ok) throw new Error(long.error.message);
    const apdus = [...allApdus(), long.value];
    const stream = Uint8Array.from(apdus.flatMap((apdu) => [...apdu]));
    for (const chunkSize of [1, 2, 3, 7, 64, stream.length]) {
      const decoder = new ApduStreamDecoder();
      const out: Uint8Array[] = [];
      for (let offset = 0; offset < stream.length; offset += chunkSize) {
        for (const event of decoder.push(stream.subarray(offset, offset + chunkSize))) if (event.type === 'apdu') out.push(event.apdu);
      }
      expect(out.map((apdu) => bytesToHex(apdu))).toEqual(apdus.map((apdu) => bytesToHex(apdu)));
    }
  });

  it('reads the extended length low byte first (PA00P016 5.2.4)', () => {
    const apdu = Uint8Array.from([0x06, 0xd3, 0xff, 0x00, 0x01, ...new Uint8Array(256)]);
    expect(new ApduStreamDecoder().push(apdu)).toHaveLength(1);
  });

  it('refuses a declared length above its bound and drops the buffer', () => {
    const decoder = new ApduStreamDecoder({ maximumDataLength: 1024 });
    const events = decoder.push(bytes('06 D3 FF FF FF 00 00'));
    expect(events).toMatchObject([{ type: 'error', code: 'overflow', length: 0xffff }]);
    expect(decoder.buffered).toBe(0);
  });
});
