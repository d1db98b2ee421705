/**
 * TLV tag field (PA00P015 9.3.1) against the spec's tag table (9.4): multi-byte tags follow the BER
 * rule (b8 of a following byte: another byte follows), except 1F80-1F83, which the table lists as
 * two-byte tags although their second byte has b8 set (file name and MIME type of Write File 2.41).
 */
import { describe, expect, it } from 'vitest';
import { decodeTlvList, encodeTlvList, hexToBytes, tlv } from '../../../electron/node/protocol/zvt';

const hex = (text: string): Uint8Array => {
  const bytes = hexToBytes(text);
  if (!bytes) throw new Error(`not hex: ${text}`);
  return bytes;
};

describe('TLV tags of the spec table', () => {
  it('reads 1F80 and 1F81 inside 2D as two-byte tags (2.41.1 file name, MIME type)', () => {
    const bytes = hex('2D 15 1F 80 08 6C 6F 67 6F 2E 74 78 74 1F 00 01 0F 1F 81 03 74 78 74');
    const decoded = decodeTlvList(bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const children = decoded.value[0]?.children ?? [];
    expect(children.map((child) => child.tag)).toEqual([0x1f80, 0x1f00, 0x1f81]);
    expect(new TextDecoder().decode(children[0]?.value)).toBe('logo.txt');
    expect(encodeTlvList(decoded.value)).toEqual(bytes);
  });

  it('reads 1F82 and 1F83 as two-byte tags and still follows BER for the others', () => {
    for (const tag of [0x1f82, 0x1f83, 0x1f2b, 0x1f7f, 0xff01]) {
      const bytes = encodeTlvList([tlv(tag, [1, 2])]);
      const decoded = decodeTlvList(bytes);
      expect(decoded.ok && decoded.value.map((node) => [node.tag, Array.from(node.value)])).toEqual([[tag, [1, 2]]]);
    }
    // A tag whose second byte says "another byte follows" and then ends is a typed error, not a throw.
    expect(decodeTlvList(hex('1F 90'))).toMatchObject({ ok: false, error: { code: 'truncated' } });
  });
});
