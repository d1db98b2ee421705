/**
 * Decoding never throws: every parser returns one of these. `offset` points into the
 * bytes handed to the failing function (an APDU, a data block, a TLV container).
 */
export const DECODE_ERROR_CODES = [
  'truncated', // fewer bytes than a length field or a fixed-size field promised
  'length-mismatch', // the APDU length field disagrees with the bytes present
  'too-long', // a length beyond the configured bound
  'bad-bcd', // a nibble above 9 where BCD digits are required
  'bad-variable-length', // an LLVAR/LLLVAR prefix that is not F0..F9 digits
  'bad-tlv', // a TLV tag or length that breaks the rules of spec chapter 9.3
  'missing-field', // a mandatory positional field is absent
  'unknown-bitmap', // a BMP number not in the bitmap table (spec chapter 13)
  'unexpected-field', // a known BMP the command's layout does not have
  'trailing-bytes', // bytes after the last field a layout allows
  'bad-value', // a value that cannot be encoded (encoder side)
] as const;

export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
  offset?: number;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function success<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

export function failure<T = never>(code: DecodeErrorCode, message: string, offset?: number): DecodeResult<T> {
  return offset === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, offset } };
}
