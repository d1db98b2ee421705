/**
 * Text in ZVT messages (print lines, display texts, card names, software versions).
 * The spec's default 8-bit set is CP437 (PA00P015 chapter 15.2, TLV tag 14 value 0xFF); tag 14
 * can switch to ISO 8859-x or UTF-8. Real terminals also send Latin-1 or UTF-8 without saying so,
 * hence 'auto' (README of the reference). The 7-bit ZVT set (chapter 15.1) puts umlauts at
 * 5B-5D and 7B-7E; it is used for the software version in the Status Enquiry completion.
 */
export type Charset = 'cp437' | 'latin1' | 'latin9' | 'utf8' | 'zvt7' | 'auto';

/** ISO 8859-15 (Latin-9, tag 14 value 0x0F) differs from Latin-1 in eight places, the euro sign among them. */
const LATIN9: Record<number, string> = { 0xa4: '€', 0xa6: 'Š', 0xa8: 'š', 0xb4: 'Ž', 0xb8: 'ž', 0xbc: 'Œ', 0xbd: 'œ', 0xbe: 'Ÿ' };
const LATIN9_REVERSE = new Map<string, number>(Object.entries(LATIN9).map(([code, text]) => [text, Number(code)]));

// CP437 0x80..0xFF (chapter 15.2). Below 0x80 we keep ASCII: control bytes in a receipt are
// layout, not the smiley glyphs of the code page.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const CP437_REVERSE = new Map<string, number>();
for (let index = 0; index < CP437_HIGH.length; index++) CP437_REVERSE.set(CP437_HIGH[index] ?? '', 0x80 + index);

const ZVT7_UMLAUTS: Record<number, string> = { 0x5b: 'Ä', 0x5c: 'Ö', 0x5d: 'Ü', 0x7b: 'ä', 0x7c: 'ö', 0x7d: 'ü', 0x7e: 'ß' };
const ZVT7_REVERSE = new Map<string, number>(Object.entries(ZVT7_UMLAUTS).map(([code, text]) => [text, Number(code)]));

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** True when the bytes are valid UTF-8 and use at least one multi-byte sequence. */
export function looksLikeUtf8(bytes: Uint8Array): boolean {
  let multiByte = false;
  for (const byte of bytes) if (byte >= 0x80) multiByte = true;
  if (!multiByte) return false;
  try {
    utf8Decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function decodeText(bytes: Uint8Array, charset: Charset = 'cp437'): string {
  const resolved = charset === 'auto' ? (looksLikeUtf8(bytes) ? 'utf8' : 'cp437') : charset;
  switch (resolved) {
    case 'utf8':
      return utf8Lenient.decode(bytes);
    case 'latin1': {
      let out = '';
      for (const byte of bytes) out += String.fromCharCode(byte);
      return out;
    }
    case 'latin9': {
      let out = '';
      for (const byte of bytes) out += LATIN9[byte] ?? String.fromCharCode(byte);
      return out;
    }
    case 'zvt7': {
      let out = '';
      // A 7-bit set: the eighth bit (parity on some lines) carries no meaning and is dropped first.
      for (const byte of bytes) out += ZVT7_UMLAUTS[byte & 0x7f] ?? String.fromCharCode(byte & 0x7f);
      return out;
    }
    case 'cp437': {
      let out = '';
      for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : (CP437_HIGH[byte - 0x80] ?? '?');
      return out;
    }
  }
}

/** Text -> bytes; characters the set cannot carry become '?'. 'auto' encodes as CP437, the default. */
export function encodeText(text: string, charset: Charset = 'cp437'): Uint8Array {
  if (charset === 'utf8') return utf8Encoder.encode(text);
  const out: number[] = [];
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0x3f;
    if (charset === 'latin1') out.push(code <= 0xff ? code : 0x3f);
    else if (charset === 'latin9') out.push(LATIN9_REVERSE.get(character) ?? (code <= 0xff && LATIN9[code] === undefined ? code : 0x3f));
    else if (charset === 'zvt7') out.push(ZVT7_REVERSE.get(character) ?? (code < 0x80 ? code : 0x3f));
    else out.push(code < 0x80 ? code : (CP437_REVERSE.get(character) ?? 0x3f));
  }
  return new Uint8Array(out);
}

/** TLV tag 14 value (PA00P015 9.4.2) -> the charset we decode with. ISO 8859-x other than -1 and -15 falls back to Latin-1. */
export function charsetFromIsoCode(code: number): Charset | undefined {
  if (code === 0xff) return 'cp437';
  if (code === 0xfe) return 'utf8';
  if (code === 0x00) return 'cp437'; // 7-bit ASCII: the common subset
  if (code === 0x0f) return 'latin9';
  if (code >= 0x01 && code <= 0x10) return 'latin1';
  return undefined;
}

export function isoCodeFromCharset(charset: Charset): number {
  if (charset === 'utf8') return 0xfe;
  if (charset === 'latin1') return 0x01;
  if (charset === 'latin9') return 0x0f;
  return 0xff;
}
