import { describe, expect, it } from 'vitest';
import { bytesToHex, decodeApdu, encodeMessage, tlv, DECODE_ERROR_CODES, type DecodeErrorCode, type ZvtMessage } from '../../../electron/node/protocol/zvt';
import { bytes } from './samples';

/**
 * Commands with optional trailing bitmaps (PA00P015 rev 13.08, ../shared/reference/zvt/): every
 * byte string below is built by hand from the chapter's layout named in the test, not by our encoder.
 */

/** <class> <instr> <length> <data>, the length counted here (data below 255 bytes). */
function apdu(command: string, data: string): Uint8Array {
  const body = bytes(data);
  return bytes(`${command} ${body.length.toString(16).padStart(2, '0')} ${bytesToHex(body)}`);
}

function decoded(input: Uint8Array): ZvtMessage {
  const result = decodeApdu(input);
  if (!result.ok) throw new Error(`decode failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

function encodedHex(message: ZvtMessage): string {
  const result = encodeMessage(message);
  if (!result.ok) throw new Error(`encode failed: ${result.error.code} ${result.error.message}`);
  return bytesToHex(result.value);
}

function refused(input: Uint8Array, code: DecodeErrorCode): void {
  let result: ReturnType<typeof decodeApdu> | undefined;
  expect(() => {
    result = decodeApdu(input);
  }).not.toThrow();
  expect(result?.ok).toBe(false);
  if (result && !result.ok) {
    expect(DECODE_ERROR_CODES).toContain(result.error.code);
    expect(result.error.code).toBe(code);
  }
}

function encodeRefused(message: ZvtMessage): void {
  const result = encodeMessage(message);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error.code).toBe('bad-value');
}

const hex = (text: string) => bytesToHex(bytes(text));

// Field bytes used across the chapters.
const AMOUNT_5000 = '04 00 00 00 00 50 00';
const EUR = '49 09 78';
const TRACE_17 = '0B 00 00 17';
const AID = '3B 41 31 42 32 43 33 44 34'; // 'A1B2C3D4'
const RECEIPT_42 = '87 00 42';
const ADDITIONAL = '3C F0 F0 F3 41 42 43'; // LLLVAR 'ABC'
const RESERVATION = '06 04 1F 06 01 02'; // TLV 1F06 = 2 (reservation)

describe('Pre-Authorisation 06 22 (PA00P015 2.8)', () => {
  const chapterOrder = `${AMOUNT_5000} ${EUR} 19 40 0E 27 12 01 3C 02 03 05 01 ${TRACE_17} ${AID} ${ADDITIONAL} 8A 05 ${RESERVATION}`;
  const fields = {
    kind: 'pre-authorisation',
    amount: 5000,
    currency: 978,
    paymentType: 0x40,
    expiryDate: '2712',
    timeout: 60,
    maxStatusInfos: 3,
    pumpNumber: 1,
    trace: 17,
    authorisationAttribute: 'A1B2C3D4',
    additionalText: 'ABC',
    cardType: 5,
    tlv: [tlv(0x1f06, [0x02])],
  };

  it('2.8: an empty data block is a pre-authorisation with the default amount', () => {
    expect(decoded(bytes('06 22 00'))).toEqual({ kind: 'pre-authorisation' });
    expect(encodedHex({ kind: 'pre-authorisation' })).toBe(hex('06 22 00'));
  });

  it('2.8: the chapter layout decodes to typed fields, and the writer gives the same bytes back', () => {
    const input = apdu('06 22', chapterOrder);
    expect(decoded(input)).toEqual(fields);
    expect(encodedHex(fields as ZvtMessage)).toBe(bytesToHex(input));
  });

  it('2.8: the optional bitmaps in another order decode to the same fields (tolerant reader), and are written in the chapter order (strict writer)', () => {
    const reordered = apdu('06 22', `${RESERVATION} 8A 05 ${TRACE_17} ${AID} ${EUR} ${ADDITIONAL} 05 01 02 03 01 3C 0E 27 12 19 40 ${AMOUNT_5000}`);
    const message = decoded(reordered);
    expect(message).toEqual(fields);
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 22', chapterOrder)));
  });

  it('2.8: 3A (CVV, only in Authorization 2.2.1) is kept in otherFields, never written unless relayed', () => {
    const input = apdu('06 22', `${AMOUNT_5000} 3A 12 34 ${EUR}`);
    const message = decoded(input);
    expect(message).toMatchObject({ kind: 'pre-authorisation', amount: 5000, currency: 978 });
    expect(message).not.toHaveProperty('cardVerificationValue');
    expect(message).toHaveProperty('otherFields.cardVerificationValue', '[masked 2 bytes]');
    // Relayed: the layout's bitmaps in chapter order, then the foreign one; a CVV is sensitive and
    // never re-created from its placeholder (bitmaps.ts), so its length survives, not its digits.
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 22', `${AMOUNT_5000} ${EUR} 3A 00 00`)));
    // Built by the console (no otherFields): no 3A, even if a stray property says so.
    const built = { kind: 'pre-authorisation', amount: 5000, currency: 978, cardVerificationValue: '1234' } as unknown as ZvtMessage;
    expect(encodedHex(built)).toBe(bytesToHex(apdu('06 22', `${AMOUNT_5000} ${EUR}`)));
  });

  it('2.8: a known BMP of another chapter (D2, card output direction, 2.23) is kept in otherFields and relayed byte for byte after the layout', () => {
    const message = decoded(apdu('06 22', `D2 01 ${AMOUNT_5000}`));
    expect(message).toEqual({ kind: 'pre-authorisation', amount: 5000, otherFields: { cardOutputDirection: 1 } });
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 22', `${AMOUNT_5000} D2 01`)));
    expect(encodedHex({ kind: 'pre-authorisation', amount: 5000 })).toBe(bytesToHex(apdu('06 22', AMOUNT_5000)));
  });

  it('2.8: a BMP not in the bitmap table is kept raw from there on and written back when relayed', () => {
    const input = apdu('06 22', `${AMOUNT_5000} 4D 01 02 03`);
    const message = decoded(input);
    expect(message).toMatchObject({ kind: 'pre-authorisation', amount: 5000, unparsed: { bitmap: 0x4d, length: 4 } });
    expect(encodedHex(message)).toBe(bytesToHex(input));
  });

  it('2.8: a truncated amount, a lying APDU length and a truncated TLV container are typed errors', () => {
    refused(apdu('06 22', '04 00 00 00'), 'truncated');
    refused(bytes('06 22 0A 04 00 00 00 00 50 00'), 'length-mismatch');
    refused(apdu('06 22', `${AMOUNT_5000} 06 08 1F 06 01 02`), 'truncated');
    refused(apdu('06 22', `${AMOUNT_5000} 04 00 00 00 0A 00 00`), 'bad-bcd');
  });
});

describe('Partial-Reversal 06 23 (PA00P015 2.10) and Enquire if Pre-Authorisations exist (2.10.1)', () => {
  const chapterOrder = `${RECEIPT_42} ${AMOUNT_5000} ${EUR} ${ADDITIONAL} ${TRACE_17} ${AID} 06 05 1F 2B 02 00 17`;
  const fields = {
    kind: 'partial-reversal',
    receiptNumber: 42,
    amount: 5000,
    currency: 978,
    additionalText: 'ABC',
    trace: 17,
    authorisationAttribute: 'A1B2C3D4',
    tlv: [tlv(0x1f2b, [0x00, 0x17])],
  };

  it('2.10: the chapter layout decodes to typed fields and is written back in the same order', () => {
    const input = apdu('06 23', chapterOrder);
    expect(decoded(input)).toEqual(fields);
    expect(encodedHex(fields as ZvtMessage)).toBe(bytesToHex(input));
  });

  it('2.10: reordered bitmaps decode to the same fields and are written in the chapter order', () => {
    const message = decoded(apdu('06 23', `06 05 1F 2B 02 00 17 ${AID} ${TRACE_17} ${ADDITIONAL} ${EUR} ${AMOUNT_5000} ${RECEIPT_42}`));
    expect(message).toEqual(fields);
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 23', chapterOrder)));
  });

  it('2.10: the booking of a reservation has no receipt number (87 "is only sent for Partial-Reversal")', () => {
    const input = apdu('06 23', `${AMOUNT_5000} ${TRACE_17} ${AID}`);
    expect(decoded(input)).toEqual({ kind: 'partial-reversal', amount: 5000, trace: 17, authorisationAttribute: 'A1B2C3D4' });
  });

  it('2.10.1: 06 23 03 87 FF FF is the enquiry, receipt number null, and encodes to exactly those bytes', () => {
    expect(decoded(bytes('06 23 03 87 FF FF'))).toEqual({ kind: 'partial-reversal', receiptNumber: null });
    expect(encodedHex({ kind: 'partial-reversal', receiptNumber: null })).toBe(hex('06 23 03 87 FF FF'));
  });

  it('2.10: a BMP of the Pre-Authorisation layout but not of this one (19) is kept in otherFields and not written by the strict writer', () => {
    const message = decoded(apdu('06 23', `${RECEIPT_42} 19 40`));
    expect(message).toEqual({ kind: 'partial-reversal', receiptNumber: 42, otherFields: { paymentType: 0x40 } });
    expect(encodedHex({ kind: 'partial-reversal', receiptNumber: 42, paymentType: 0x40 } as unknown as ZvtMessage)).toBe(bytesToHex(apdu('06 23', RECEIPT_42)));
  });

  it('2.10: a receipt number that is not BCD, a short 87, an LLLVAR 3C whose length lies or is no F0..F9 digits are typed errors', () => {
    refused(apdu('06 23', '87 0A 42'), 'bad-bcd');
    refused(apdu('06 23', '87 00'), 'truncated');
    refused(apdu('06 23', `${RECEIPT_42} 3C F0 F0 F9 41 42`), 'truncated');
    refused(apdu('06 23', `${RECEIPT_42} 3C F0 F0 33 41 42 43`), 'bad-variable-length');
  });
});

describe('Book Total 06 24 (PA00P015 2.13)', () => {
  const chapterOrder = `${RECEIPT_42} ${AMOUNT_5000} ${EUR} 19 40 ${ADDITIONAL} ${TRACE_17} ${AID} 8A 05 ${RESERVATION}`;
  const fields = {
    kind: 'book-total',
    receiptNumber: 42,
    amount: 5000,
    currency: 978,
    paymentType: 0x40,
    additionalText: 'ABC',
    trace: 17,
    authorisationAttribute: 'A1B2C3D4',
    cardType: 5,
    tlv: [tlv(0x1f06, [0x02])],
  };

  it('2.13: the minimal command is 87<receipt-no> alone', () => {
    expect(decoded(apdu('06 24', RECEIPT_42))).toEqual({ kind: 'book-total', receiptNumber: 42 });
    expect(encodedHex({ kind: 'book-total', receiptNumber: 42 })).toBe(bytesToHex(apdu('06 24', RECEIPT_42)));
  });

  it('2.13: the full layout decodes and is written back byte for byte', () => {
    const input = apdu('06 24', chapterOrder);
    expect(decoded(input)).toEqual(fields);
    expect(encodedHex(fields as ZvtMessage)).toBe(bytesToHex(input));
  });

  it('2.13: reordered (receipt number last) decodes to the same fields and is written in the chapter order', () => {
    const message = decoded(apdu('06 24', `${RESERVATION} 8A 05 ${AID} ${TRACE_17} ${ADDITIONAL} 19 40 ${EUR} ${AMOUNT_5000} ${RECEIPT_42}`));
    expect(message).toEqual(fields);
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 24', chapterOrder)));
  });

  it('2.13: 87 is required; without it, or with FFFF (no receipt), the command is refused both ways', () => {
    refused(apdu('06 24', `${AMOUNT_5000} ${EUR}`), 'missing-field');
    refused(bytes('06 24 00'), 'missing-field');
    refused(apdu('06 24', '87 FF FF'), 'missing-field');
    encodeRefused({ kind: 'book-total' } as unknown as ZvtMessage);
    encodeRefused({ kind: 'book-total', receiptNumber: null } as unknown as ZvtMessage);
  });

  it('2.13: a TLV container whose inner length lies is a typed error', () => {
    refused(apdu('06 24', `${RECEIPT_42} 06 04 1F 06 05 02`), 'truncated');
  });
});

describe('Pre-Authorisation Reversal 06 25 (PA00P015 2.14)', () => {
  const chapterOrder = `${RECEIPT_42} ${AMOUNT_5000} ${EUR} 19 40 ${RESERVATION}`;
  const fields = { kind: 'pre-authorisation-reversal', receiptNumber: 42, amount: 5000, currency: 978, paymentType: 0x40, tlv: [tlv(0x1f06, [0x02])] };

  it('2.14: layout, reordered input and strict writer', () => {
    expect(decoded(apdu('06 25', chapterOrder))).toEqual(fields);
    const message = decoded(apdu('06 25', `19 40 ${RESERVATION} ${EUR} ${RECEIPT_42} ${AMOUNT_5000}`));
    expect(message).toEqual(fields);
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 25', chapterOrder)));
  });

  it('2.14: the trace number (0B) is not in this layout: kept in otherFields, written only when relayed', () => {
    const message = decoded(apdu('06 25', `${TRACE_17} ${RECEIPT_42}`));
    expect(message).toEqual({ kind: 'pre-authorisation-reversal', receiptNumber: 42, otherFields: { trace: 17 } });
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 25', `${RECEIPT_42} ${TRACE_17}`)));
    expect(encodedHex({ kind: 'pre-authorisation-reversal', receiptNumber: 42 })).toBe(bytesToHex(apdu('06 25', RECEIPT_42)));
  });

  it('2.14: 87 is required', () => {
    refused(apdu('06 25', AMOUNT_5000), 'missing-field');
  });
});

describe('Reversal of external transaction 06 26 (PA00P015 2.11)', () => {
  const chapterOrder = `${AMOUNT_5000} ${EUR} ${TRACE_17} ${AID} 0E 27 12 ${RESERVATION}`;
  const fields = { kind: 'external-reversal', amount: 5000, currency: 978, trace: 17, authorisationAttribute: 'A1B2C3D4', expiryDate: '2712', tlv: [tlv(0x1f06, [0x02])] };

  it('2.11: the mandatory four bitmaps, an optional expiry date and the TLV with 1F06', () => {
    const input = apdu('06 26', chapterOrder);
    expect(decoded(input)).toEqual(fields);
    expect(encodedHex(fields as ZvtMessage)).toBe(bytesToHex(input));
  });

  it('2.11: reordered input gives the same fields; the writer restores the chapter order', () => {
    const message = decoded(apdu('06 26', `${RESERVATION} 0E 27 12 ${AID} ${TRACE_17} ${EUR} ${AMOUNT_5000}`));
    expect(message).toEqual(fields);
    expect(encodedHex(message)).toBe(bytesToHex(apdu('06 26', chapterOrder)));
  });

  it('2.11: each of 04, 49, 0B, 3B, 06 is mandatory, and so is the reservation type 1F06', () => {
    refused(apdu('06 26', `${EUR} ${TRACE_17} ${AID} ${RESERVATION}`), 'missing-field');
    refused(apdu('06 26', `${AMOUNT_5000} ${TRACE_17} ${AID} ${RESERVATION}`), 'missing-field');
    refused(apdu('06 26', `${AMOUNT_5000} ${EUR} ${AID} ${RESERVATION}`), 'missing-field');
    refused(apdu('06 26', `${AMOUNT_5000} ${EUR} ${TRACE_17} ${RESERVATION}`), 'missing-field');
    refused(apdu('06 26', `${AMOUNT_5000} ${EUR} ${TRACE_17} ${AID}`), 'missing-field');
    refused(apdu('06 26', `${AMOUNT_5000} ${EUR} ${TRACE_17} ${AID} 06 04 1F 2B 01 17`), 'missing-field');
    encodeRefused({ ...fields, tlv: [tlv(0x1f2b, [0x17])] } as ZvtMessage);
    encodeRefused({ ...fields, trace: undefined } as unknown as ZvtMessage);
  });
});

describe('Read Card 06 C0 (PA00P015 2.21)', () => {
  it('2.21: no data block (PT default timeout), a timeout alone, and timeout 00 = infinite', () => {
    expect(decoded(bytes('06 C0 00'))).toEqual({ kind: 'read-card' });
    expect(decoded(bytes('06 C0 01 1E'))).toEqual({ kind: 'read-card', timeoutSeconds: 30 });
    expect(decoded(bytes('06 C0 01 00'))).toEqual({ kind: 'read-card', timeoutSeconds: 0 });
    expect(encodedHex({ kind: 'read-card' })).toBe(hex('06 C0 00'));
    expect(encodedHex({ kind: 'read-card', timeoutSeconds: 30 })).toBe(hex('06 C0 01 1E'));
  });

  it('2.21: <timeout> 19<card-type> FC<dialog-control> 06<TLV 1F60> decodes, in any order after the timeout', () => {
    const chapterOrder = apdu('06 C0', '1E 19 50 FC 00 06 04 1F 60 01 03');
    const fields = { kind: 'read-card', timeoutSeconds: 30, cardReadType: 0x50, dialogControl: 0, tlv: [tlv(0x1f60, [0x03])] };
    expect(decoded(chapterOrder)).toEqual(fields);
    const message = decoded(apdu('06 C0', '1E 06 04 1F 60 01 03 FC 00 19 50'));
    expect(message).toEqual(fields);
    expect(encodedHex(message)).toBe(bytesToHex(chapterOrder));
  });

  it('2.21: the timeout is positional: a first byte that looks like BMP 19 is a timeout of 25 s, with nothing after it', () => {
    expect(decoded(bytes('06 C0 01 19'))).toEqual({ kind: 'read-card', timeoutSeconds: 25 });
    // ... and with bitmaps after it, the first byte still is the timeout.
    expect(decoded(bytes('06 C0 03 19 19 10'))).toEqual({ kind: 'read-card', timeoutSeconds: 25, cardReadType: 0x10 });
  });

  it('2.21: "if <card-type> is provided then <timeout> must also be provided": the writer refuses otherwise', () => {
    encodeRefused({ kind: 'read-card', cardReadType: 0x10 });
    encodeRefused({ kind: 'read-card', timeoutSeconds: 256 });
  });

  it('2.21: a timeout followed by a truncated bitmap or TLV is a typed error', () => {
    refused(bytes('06 C0 02 1E 19'), 'truncated');
    refused(bytes('06 C0 04 1E 06 05 1F'), 'truncated');
  });
});

describe('Activate Card-Reader 08 50 (PA00P015 2.22)', () => {
  it('2.22: without and with FA<card-reader-activation>', () => {
    expect(decoded(bytes('08 50 00'))).toEqual({ kind: 'activate-card-reader' });
    expect(decoded(bytes('08 50 02 FA 01'))).toEqual({ kind: 'activate-card-reader', cardReaderActivation: 1 });
    expect(encodedHex({ kind: 'activate-card-reader', cardReaderActivation: 1 })).toBe(hex('08 50 02 FA 01'));
  });

  it('2.22: a foreign BMP goes to otherFields; a truncated FA is a typed error', () => {
    const message = decoded(bytes('08 50 04 D2 00 FA 01'));
    expect(message).toEqual({ kind: 'activate-card-reader', cardReaderActivation: 1, otherFields: { cardOutputDirection: 0 } });
    expect(encodedHex(message)).toBe(hex('08 50 04 FA 01 D2 00'));
    refused(bytes('08 50 01 FA'), 'truncated');
  });
});

describe('Write File 08 14 (PA00P015 2.41.1) and the PT request 04 0C (2.41.2)', () => {
  // 2D { 1D 01 01 ; 1F00 04 00 00 10 00 ; 1F81 03 'a/b' }
  const fileTlv = '2D 10 1D 01 01 1F 00 04 00 00 10 00 1F 81 03 61 2F 62';
  const writeFile = apdu('08 14', `12 34 56 06 12 ${fileTlv}`);

  it('2.41.1: <Service-PW> 06<TLV with 2D> decodes to the password and the file entries', () => {
    expect(decoded(writeFile)).toMatchObject({ kind: 'write-file', password: '123456', files: [{ fileId: 1, totalLength: 4096, mimeType: 'a/b' }] });
  });

  it('2.41.1: the writer builds the TLV from the files, subtags in the chapter order (1D or 1F80, 1F00, 1F81)', () => {
    expect(encodedHex({ kind: 'write-file', password: '123456', files: [{ fileId: 1, totalLength: 4096, mimeType: 'a/b' }] })).toBe(bytesToHex(writeFile));
    const named = apdu('08 14', '00 00 00 06 0F 2D 0D 1F 80 03 41 2E 42 1F 00 04 00 00 00 05');
    expect(encodedHex({ kind: 'write-file', password: '000000', files: [{ fileName: 'A.B', totalLength: 5 }] })).toBe(bytesToHex(named));
  });

  it('2.41.1 / 9.4: the table\'s two-byte tags 1F80 and 1F81 (second byte with b8 set) end after two bytes', () => {
    const named = apdu('08 14', '00 00 00 06 15 2D 13 1F 80 03 41 2E 42 1F 00 04 00 00 00 05 1F 81 03 61 2F 62');
    const message = decoded(named);
    expect(message).toMatchObject({ kind: 'write-file', password: '000000', files: [{ fileName: 'A.B', totalLength: 5, mimeType: 'a/b' }] });
    expect(encodedHex(message)).toBe(bytesToHex(named));
  });

  it('2.41.1: two files; a foreign BMP kept in otherFields and relayed after the container', () => {
    const two = apdu('08 14', '12 34 56 D2 00 06 18 2D 0A 1D 01 01 1F 00 04 00 00 00 01 2D 0A 1D 01 02 1F 00 04 00 00 00 02');
    const message = decoded(two);
    expect(message).toMatchObject({ kind: 'write-file', files: [{ fileId: 1, totalLength: 1 }, { fileId: 2, totalLength: 2 }], otherFields: { cardOutputDirection: 0 } });
    expect(encodedHex(message)).toBe(bytesToHex(apdu('08 14', '12 34 56 06 18 2D 0A 1D 01 01 1F 00 04 00 00 00 01 2D 0A 1D 01 02 1F 00 04 00 00 00 02 D2 00')));
  });

  it('2.41.1 / 1.2: a password that is not BCD, a missing password, a missing or empty file list are typed errors', () => {
    refused(apdu('08 14', `12 3A 56 06 12 ${fileTlv}`), 'bad-bcd');
    refused(bytes('08 14 02 12 34'), 'missing-field');
    refused(apdu('08 14', '12 34 56'), 'missing-field');
    refused(apdu('08 14', '12 34 56 06 03 1D 01 01'), 'missing-field');
    // 2D without 1D or 1F80, and 2D without 1F00.
    refused(apdu('08 14', '12 34 56 06 09 2D 07 1F 00 04 00 00 00 01'), 'missing-field');
    refused(apdu('08 14', '12 34 56 06 05 2D 03 1D 01 01'), 'missing-field');
    encodeRefused({ kind: 'write-file', password: '12345', files: [{ fileId: 1, totalLength: 1 }] });
    encodeRefused({ kind: 'write-file', password: '123456', files: [] });
    encodeRefused({ kind: 'write-file', password: '123456', files: [{ totalLength: 1 }] });
    encodeRefused({ kind: 'write-file', password: '123456', files: [{ fileId: 1 }] });
  });

  it('2.41.1: a TLV container whose length runs past the APDU is a typed error', () => {
    refused(apdu('08 14', `12 34 56 06 20 ${fileTlv}`), 'truncated');
  });

  it('2.41.2: 04 0C 06<2D with 1D and the offset 1E> decodes to the requested block', () => {
    const request = apdu('04 0C', '06 0B 2D 09 1D 01 01 1E 04 00 00 08 00');
    const message = decoded(request);
    expect(message).toMatchObject({ kind: 'file-request', file: { fileId: 1, offset: 2048 } });
    expect(encodedHex(message)).toBe(bytesToHex(request));
  });

  it('2.41.2: the offset 1E is mandatory; without it, or without 2D, the request is refused', () => {
    refused(apdu('04 0C', '06 05 2D 03 1D 01 01'), 'missing-field');
    refused(bytes('04 0C 00'), 'missing-field');
    encodeRefused({ kind: 'file-request', tlv: [tlv(0x2d, [tlv(0x1d, [0x01])])] });
  });
});

describe('Abort 06 1E (PA00P015 3.3, 2.2.9, 2.10.1, 2.41.4)', () => {
  it('2.10.1: B8 87 FF FF means no pre-authorisation is open', () => {
    const message = decoded(bytes('06 1E 04 B8 87 FF FF'));
    expect(message).toEqual({ kind: 'terminal-abort', resultCode: 0xb8, receiptNumber: null, openReceiptNumbers: [] });
    expect(encodedHex(message)).toBe(hex('06 1E 04 B8 87 FF FF'));
  });

  it('2.10.1: B8 87<receipt-no> names the first open pre-authorisation', () => {
    expect(decoded(bytes('06 1E 04 B8 87 00 07'))).toMatchObject({ receiptNumber: 7, openReceiptNumbers: [7] });
  });

  it('2.10.1: B8 with the receipt-number list in TLV tag 23 (08 entries), each number once', () => {
    const input = apdu('06 1E', 'B8 87 00 07 06 0A 23 08 08 02 00 07 08 02 00 09');
    const message = decoded(input);
    expect(message).toMatchObject({ resultCode: 0xb8, receiptNumber: 7, openReceiptNumbers: [7, 9] });
    expect(encodedHex(message)).toBe(bytesToHex(input));
    // The TLV before 87 (tolerant reader) gives the same list; the writer puts 87 first.
    const reordered = decoded(apdu('06 1E', 'B8 06 0A 23 08 08 02 00 07 08 02 00 09 87 00 07'));
    expect(reordered).toMatchObject({ receiptNumber: 7, openReceiptNumbers: [7, 9] });
    expect(encodedHex(reordered)).toBe(bytesToHex(input));
  });

  it('2.2.9: 6F is followed by the currency code, then optionally the TLV container', () => {
    expect(decoded(bytes('06 1E 03 6F 09 78'))).toEqual({ kind: 'terminal-abort', resultCode: 0x6f, currency: 978 });
    const withTlv = apdu('06 1E', '6F 09 78 06 04 1F 16 01 05');
    expect(decoded(withTlv)).toMatchObject({ resultCode: 0x6f, currency: 978, extendedErrorCode: 5 });
    expect(encodedHex({ kind: 'terminal-abort', resultCode: 0x6f, currency: 978, tlv: [tlv(0x1f16, [0x05])] })).toBe(bytesToHex(withTlv));
    // 6F to an ECR that sent no currency: the TLV container right after the result code.
    expect(decoded(apdu('06 1E', '6F 06 04 1F 16 01 05'))).toMatchObject({ resultCode: 0x6f, extendedErrorCode: 5 });
    expect(decoded(apdu('06 1E', '6F 06 04 1F 16 01 05'))).not.toHaveProperty('currency');
    // ... also when a foreign bitmap follows the container (06 04 is no currency code here).
    const relayed = apdu('06 1E', '6F 06 04 1F 16 01 05 D2 00');
    expect(decoded(relayed)).toEqual(expect.objectContaining({ resultCode: 0x6f, extendedErrorCode: 5, otherFields: { cardOutputDirection: 0 } }));
    expect(decoded(relayed)).not.toHaveProperty('currency');
    expect(encodedHex(decoded(relayed))).toBe(bytesToHex(relayed));
    // Without the container first, bytes after 6F would read as a currency code: the writer refuses.
    encodeRefused({ kind: 'terminal-abort', resultCode: 0x6f, otherFields: { cardOutputDirection: 0 } });
  });

  it('3.3: after any other result code a TLV container follows the result code directly, and 2 bytes are no currency', () => {
    const input = apdu('06 1E', '6C 06 0C 1F 16 02 01 02 1F 17 04 46 65 68 6C');
    expect(decoded(input)).toEqual(
      expect.objectContaining({ kind: 'terminal-abort', resultCode: 0x6c, extendedErrorCode: 0x0102, extendedErrorText: 'Fehl' }),
    );
    expect(decoded(input)).not.toHaveProperty('currency');
    expect(encodedHex(decoded(input))).toBe(bytesToHex(input));
    // 09 78 after 6C is not a currency code: 09 is no BMP of the table, kept raw.
    expect(decoded(bytes('06 1E 03 6C 09 78'))).toMatchObject({ resultCode: 0x6c, unparsed: { bitmap: 0x09 } });
  });

  it('3.3: 87 after a result code other than B8 is a foreign BMP, not a receipt number, and no open list', () => {
    const message = decoded(bytes('06 1E 04 6C 87 00 07'));
    expect(message).toEqual({ kind: 'terminal-abort', resultCode: 0x6c, otherFields: { receiptNumber: 7 } });
    expect(encodedHex(message)).toBe(hex('06 1E 04 6C 87 00 07'));
  });

  it('2.41.4 / 3.3: the result code alone; the writer adds no bitmap the chapter does not have', () => {
    expect(decoded(bytes('06 1E 01 64'))).toEqual({ kind: 'terminal-abort', resultCode: 0x64 });
    expect(encodedHex({ kind: 'terminal-abort', resultCode: 0x64 })).toBe(hex('06 1E 01 64'));
    encodeRefused({ kind: 'terminal-abort', resultCode: 0x64, currency: 978 });
    encodeRefused({ kind: 'terminal-abort', resultCode: 0x64, receiptNumber: 7 });
  });

  it('3.3: no result code, a currency code that is not BCD, a truncated TLV are typed errors', () => {
    refused(bytes('06 1E 00'), 'missing-field');
    refused(bytes('06 1E 03 6F 0A 78'), 'bad-bcd');
    refused(apdu('06 1E', '6C 06 05 1F 16 02 01'), 'truncated');
    refused(bytes('06 1E 05 B8 87 FF FF'), 'length-mismatch');
  });
});

describe('what a reservation transaction requires for its kind (2.8, 2.10)', () => {
  const EXTENSION = '06 04 1F 06 01 03';
  const TELEPHONIC_EXTENSION = '06 04 1F 06 01 07';
  const LONG_TRACE = '06 06 1F 2B 03 12 34 56';

  it('2.8: a trace without 1F06 makes it an extension, which needs the AID; with 1F06 = 3 it needs the trace too', () => {
    refused(apdu('06 22', `${AMOUNT_5000} ${EUR} ${TRACE_17}`), 'missing-field');
    refused(apdu('06 22', `${AMOUNT_5000} ${EUR} ${AID} ${EXTENSION}`), 'missing-field');
    expect(decoded(apdu('06 22', `${AMOUNT_5000} ${EUR} ${TRACE_17} ${AID}`))).toMatchObject({ kind: 'pre-authorisation', trace: 17, authorisationAttribute: 'A1B2C3D4' });
    // 1F2B stands for the trace when 0B is 000000 (9.4.2).
    expect(decoded(apdu('06 22', `${AMOUNT_5000} 0B 00 00 00 ${AID} ${LONG_TRACE}`))).toMatchObject({ kind: 'pre-authorisation', trace: 0 });
    refused(apdu('06 22', `${AMOUNT_5000} 0B 00 00 00 ${LONG_TRACE}`), 'missing-field');
    // A telephonic extension needs the AID but not the trace; a primary reservation needs neither.
    expect(decoded(apdu('06 22', `${AMOUNT_5000} ${AID} ${TELEPHONIC_EXTENSION}`))).toMatchObject({ kind: 'pre-authorisation' });
    refused(apdu('06 22', `${AMOUNT_5000} ${TELEPHONIC_EXTENSION}`), 'missing-field');
    expect(decoded(apdu('06 22', `${AMOUNT_5000} ${EUR} ${RESERVATION}`))).toMatchObject({ kind: 'pre-authorisation' });
    encodeRefused({ kind: 'pre-authorisation', amount: 5000, currency: 978, trace: 17 });
    encodeRefused({ kind: 'pre-authorisation', amount: 5000, authorisationAttribute: 'A1B2C3D4', tlv: [tlv(0x1f06, [3])] });
    expect(encodedHex({ kind: 'pre-authorisation', amount: 5000, currency: 978, trace: 17, authorisationAttribute: 'A1B2C3D4' })).toBe(bytesToHex(apdu('06 22', `${AMOUNT_5000} ${EUR} ${TRACE_17} ${AID}`)));
  });

  it('2.10: a booking (06 23 without 87) needs the trace and the AID; a partial reversal by receipt number and the enquiry need neither', () => {
    refused(apdu('06 23', `${AMOUNT_5000} ${EUR} ${AID}`), 'missing-field');
    refused(apdu('06 23', `${AMOUNT_5000} ${EUR} ${TRACE_17}`), 'missing-field');
    expect(decoded(apdu('06 23', `${AMOUNT_5000} ${EUR} ${TRACE_17} ${AID}`))).toMatchObject({ kind: 'partial-reversal', trace: 17 });
    expect(decoded(apdu('06 23', `${AID} ${TELEPHONIC_EXTENSION}`))).toMatchObject({ kind: 'partial-reversal' });
    expect(decoded(apdu('06 23', `${RECEIPT_42} ${AMOUNT_5000}`))).toMatchObject({ kind: 'partial-reversal', receiptNumber: 42 });
    expect(decoded(bytes('06 23 03 87 FF FF'))).toMatchObject({ kind: 'partial-reversal', receiptNumber: null });
    encodeRefused({ kind: 'partial-reversal', trace: 17, amount: 500 });
  });
});
