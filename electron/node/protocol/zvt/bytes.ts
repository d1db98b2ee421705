/** Small byte helpers over Uint8Array, so the protocol code runs anywhere (no Buffer). */

export function concatBytes(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false;
  return true;
}

/** "06 00 0a" / "06000A" / "06-00-0A" -> bytes; undefined when not hex. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  const clean = hex.replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let index = 0; index < out.length; index++) out[index] = parseInt(clean.slice(index * 2, index * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array, separator = ' '): string {
  const parts: string[] = [];
  for (const byte of bytes) parts.push(byte.toString(16).padStart(2, '0').toUpperCase());
  return parts.join(separator);
}

/** Packed BCD -> digit string; undefined if a nibble is above 9. */
export function bcdToDigits(bytes: Uint8Array): string | undefined {
  let digits = '';
  for (const byte of bytes) {
    const high = byte >> 4;
    const low = byte & 0x0f;
    if (high > 9 || low > 9) return undefined;
    digits += String(high) + String(low);
  }
  return digits;
}

/** Digit string -> packed BCD of `length` bytes, left padded with zeros; undefined if it does not fit. */
export function digitsToBcd(digits: string, length: number): Uint8Array | undefined {
  if (!/^[0-9]*$/.test(digits) || digits.length > length * 2) return undefined;
  const padded = digits.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let index = 0; index < length; index++) {
    out[index] = (Number(padded[index * 2]) << 4) | Number(padded[index * 2 + 1]);
  }
  return out;
}

/** Nibbles of each byte as hex characters, upper case ("12 3F" -> "123F"). */
export function bytesToNibbles(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += (byte >> 4).toString(16) + (byte & 0x0f).toString(16);
  return out.toUpperCase();
}
