import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import {
  ApduStreamDecoder,
  DECODE_ERROR_CODES,
  decodeApdu,
  decodeTlvList,
  encodeMessage,
  encodeSerialFrame,
  SerialFrameDecoder,
  ZvtSession,
  type StatusInformationMessage,
} from '../../../electron/node/protocol/zvt';
import { SAMPLE_MESSAGES } from './samples';

const sampleApdus = SAMPLE_MESSAGES.map((message) => {
  const encoded = encodeMessage(message);
  if (!encoded.ok) throw new Error(encoded.error.message);
  return encoded.value;
});

/** A valid APDU with random damage: flipped, inserted and deleted bytes. */
const mutatedApdu = fc
  .tuple(
    fc.constantFrom(...sampleApdus),
    fc.array(fc.tuple(fc.constantFrom('flip', 'insert', 'delete'), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
  )
  .map(([apdu, mutations]) => {
    const out = [...apdu];
    for (const [operation, position, value] of mutations) {
      const index = out.length === 0 ? 0 : position % out.length;
      if (operation === 'flip' && out.length > 0) out[index] = (out[index] ?? 0) ^ (value || 1);
      else if (operation === 'insert') out.splice(index, 0, value);
      else if (operation === 'delete') out.splice(index, 1);
    }
    return Uint8Array.from(out);
  });

/** Random chunk boundaries for a byte stream. */
function chunked(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((left, right) => left - right);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(stream.subarray(start, point));
    start = point;
  }
  chunks.push(stream.subarray(start));
  return chunks;
}

const RUNS = { numRuns: 300 };

/** Every code of DecodeErrorCode (result.ts): a malformed input is one of these, never an exception. */
describe('every sample message survives the encoder', () => {
  it.each(SAMPLE_MESSAGES.map((message, index) => [index, message.kind, message] as const))('sample %i (%s): decode(encode(x)) equals x', (_index, _kind, message) => {
    const encoded = encodeMessage(message);
    expect(encoded.ok).toBe(true);
    if (!encoded.ok) return;
    const decoded = decodeApdu(encoded.value, message.kind === 'completion' ? { completionForm: message.form } : {});
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    // The decoder adds derived fields (device info, display texts); every field we put in comes back.
    expect(decoded.value).toMatchObject(message as object);
  });
});

describe('decoders under random and damaged input', () => {
  it('decodeApdu never throws on random bytes and always answers ok or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (input) => {
        const result = decodeApdu(input);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(DECODE_ERROR_CODES).toContain(result.error.code);
      }),
      RUNS,
    );
  });

  it('decodeApdu never throws on damaged valid APDUs, and what it accepts encodes again', () => {
    fc.assert(
      fc.property(mutatedApdu, fc.constantFrom('auto', 'bitmaps', 'status-enquiry' as const), (apdu, completionForm) => {
        const result = decodeApdu(apdu, { completionForm });
        if (!result.ok) {
          expect(DECODE_ERROR_CODES).toContain(result.error.code);
          return;
        }
        // What the decoder accepted is a message the encoder can write, and reading that back gives
        // the same message (a fixed point): an encoder that dropped or garbled a field fails here.
        const again = encodeMessage(result.value);
        expect(again.ok, JSON.stringify(again)).toBe(true);
        if (!again.ok) return;
        // Where an unknown BMP starts may move when known fields are written in layout order; its bytes may not.
        // A constructed TLV node is written from its children with the shortest length form (9.3.2 also
        // allows 81 xx for a short length): its children must come back, its raw bytes may be shorter.
        const withoutOffset = (value: unknown) =>
          JSON.parse(
            JSON.stringify(value, function (this: Record<string, unknown>, key, inner: unknown) {
              if (key === 'offset' || (key === 'value' && Array.isArray(this.children))) return undefined;
              return inner instanceof Uint8Array ? Array.from(inner) : inner;
            }),
          );
        expect(withoutOffset(decodeApdu(again.value, { completionForm }))).toEqual(withoutOffset(result));
      }),
      { numRuns: 2000 },
    );
  });

  it('the TLV parser never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        expect(typeof decodeTlvList(input).ok).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('the serial decoder terminates, stays bounded and never throws on random streams in random chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 20 }), (stream, cuts) => {
        const decoder = new SerialFrameDecoder({ maximumApduLength: 512 });
        let events = 0;
        for (const chunk of chunked(stream, cuts)) {
          events += decoder.push(chunk).length;
          expect(decoder.buffered).toBeLessThanOrEqual(512);
        }
        // At most one event per byte plus garbage reports: the decoder cannot loop.
        expect(events).toBeLessThanOrEqual(stream.length + 1);
      }),
      RUNS,
    );
  });

  it('the serial decoder still finds intact blocks around damaged ones and garbage', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(mutatedApdu, fc.boolean(), fc.uint8Array({ maxLength: 8 })), { minLength: 1, maxLength: 6 }), (parts) => {
        const stream: number[] = [];
        const expected: string[] = [];
        for (const [apdu, damage, garbage] of parts) {
          // Garbage ending in DLE would swallow the STX of the next block: keep the separator clean.
          stream.push(...garbage.filter((byte) => byte !== 0x10), 0x00);
          const frame = encodeSerialFrame(apdu);
          if (damage && frame.length > 4) {
            frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0x5a;
          } else if (apduLengthConsistent(apdu)) {
            expected.push(Array.from(apdu).join(','));
          }
          stream.push(...frame);
        }
        const events = new SerialFrameDecoder().push(Uint8Array.from(stream));
        const found = events.flatMap((event) => (event.type === 'frame' ? [Array.from(event.apdu).join(',')] : []));
        expect(found).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('the TCP stream decoder never throws and stays bounded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 20 }), (stream, cuts) => {
        const decoder = new ApduStreamDecoder({ maximumDataLength: 1024 });
        for (const chunk of chunked(stream, cuts)) {
          decoder.push(chunk);
          expect(decoder.buffered).toBeLessThanOrEqual(1024 + 5);
        }
      }),
      RUNS,
    );
  });
});

/** The serial decoder passes on blocks whose length field tells the truth (PA00P016 3.2 "formally correct"). */
function apduLengthConsistent(apdu: Uint8Array): boolean {
  if (apdu.length < 3) return false;
  const length = apdu[2] ?? 0;
  if (length !== 0xff) return apdu.length === 3 + length;
  return apdu.length >= 5 && apdu.length === 5 + ((apdu[3] ?? 0) | ((apdu[4] ?? 0) << 8));
}

describe('codec round trips for generated messages', () => {
  const digits = (length: number) => fc.stringMatching(new RegExp(`^[0-9]{${length}}$`));
  const statusInformation: fc.Arbitrary<StatusInformationMessage> = fc.record(
    {
      kind: fc.constant('status-information' as const),
      resultCode: fc.integer({ min: 0, max: 255 }),
      amount: fc.integer({ min: 0, max: 999_999_999_999 }),
      trace: fc.integer({ min: 0, max: 999_999 }),
      time: digits(6),
      date: digits(4),
      receiptNumber: fc.integer({ min: 0, max: 9999 }),
      terminalId: digits(8),
      cardType: fc.integer({ min: 0, max: 255 }),
      cardName: fc.stringMatching(/^[A-Za-z0-9 ]{1,20}$/),
      maskedPan: digits(16).map((pan) => `${pan.slice(0, 6)}******${pan.slice(12)}`),
    },
    { requiredKeys: ['kind'] },
  );

  it('decode(encode(status information)) gives the message back', () => {
    fc.assert(
      fc.property(statusInformation, (message) => {
        const encoded = encodeMessage(message);
        expect(encoded.ok).toBe(true);
        if (!encoded.ok) return;
        const decoded = decodeApdu(encoded.value);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        // Every field comes back; the decoder only adds the derived views of 0C, 0D (and 0E, TLV).
        const { timeOfDay, monthDay, ...rest } = decoded.value as StatusInformationMessage;
        expect(rest).toEqual(message);
        expect(timeOfDay === undefined ? undefined : timeOfDay.replace(/:/g, '')).toBe(timeOfDay === undefined ? undefined : message.time);
        if (monthDay) expect(`${String(monthDay.month).padStart(2, '0')}${String(monthDay.day).padStart(2, '0')}`).toBe(message.date);
      }),
      RUNS,
    );
  });

  it('print lines survive any CP437-representable text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ -~äöüÄÖÜßé£¥]{0,80}$/), fc.integer({ min: 0, max: 0xfe }), (text, attribute) => {
        const encoded = encodeMessage({ kind: 'print-line', attribute, text });
        expect(encoded.ok).toBe(true);
        if (!encoded.ok) return;
        expect(decodeApdu(encoded.value)).toEqual({ ok: true, value: { kind: 'print-line', attribute, text } });
      }),
      RUNS,
    );
  });
});

describe('the session under random input', () => {
  it.each(['serial', 'tcp'] as const)('over %s never throws and always resolves the command once time runs out', async (transportKind) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutatedApdu.map((apdu) => (transportKind === 'serial' ? encodeSerialFrame(apdu) : apdu))), { maxLength: 12 }), async (chunks) => {
        const clock = new FakeClock(0);
        const session = new ZvtSession({ write: () => undefined, clock, transportKind });
        const result = session.execute({ kind: 'authorization', amount: 100 });
        for (const chunk of chunks) {
          session.receive(chunk);
          clock.advance(50);
        }
        // Longest possible wait: T4 stretched by an intermediate status to 99 minutes, plus repeats.
        for (let step = 0; step < 20 && session.busy; step++) clock.advance(100 * 60_000);
        const outcome = await result;
        expect(typeof outcome.ok).toBe('boolean');
        expect(session.busy).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
