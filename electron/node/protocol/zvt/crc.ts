/**
 * The serial block CRC. Transport spec (PA00P016) section 3.3 calls it "CRC-XModem with polynomial
 * x^16 + x^15 + x^10 + x^3"; real terminals compute the reflected form instead: polynomial 0x1021
 * reflected (0x8408), start value 0, no final XOR — catalogued as CRC-16/KERMIT — and send the low
 * byte first (see reference/zvt/README.md). Computed over the APDU and ETX, without the doubled DLEs.
 */
const table = buildTable();

function buildTable(): Uint16Array {
  const out = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
    out[byte] = crc;
  }
  return out;
}

export function crc16Kermit(bytes: Uint8Array, initial = 0): number {
  let crc = initial;
  for (const byte of bytes) crc = (crc >>> 8) ^ (table[(crc ^ byte) & 0xff] ?? 0);
  return crc & 0xffff;
}
