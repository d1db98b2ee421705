import { concatBytes } from './bytes';
import { failure, success, type DecodeResult } from './result';

/**
 * TLV container (BMP 06), PA00P015 chapter 9.3. Tags are BER-like: the first byte carries class
 * (b8 b7), constructed flag (b6) and number (b5..b1); number 11111 means more tag bytes follow,
 * each with b8 set while another follows (9.3.1). Lengths are one byte below 0x80, or 0x81 + 1
 * byte, or 0x82 + 2 bytes high byte first (9.3.2). The tag is kept as the integer of its bytes,
 * e.g. 0x1F42 for the serial number.
 */
export interface TlvNode {
  tag: number;
  /** Bit 6 of the first tag byte. */
  constructed: boolean;
  /** The data element as sent. For constructed tags it is also parsed into `children`. */
  value: Uint8Array;
  children?: TlvNode[];
}

/** Nesting bound: deeper containers are kept as raw values, so a hostile input cannot recurse without end. */
const MAXIMUM_DEPTH = 8;
const MAXIMUM_TAG_BYTES = 4;

function firstTagByte(tag: number): number {
  let byte = tag;
  while (byte > 0xff) byte = byte >>> 8;
  return byte;
}

export function isConstructedTag(tag: number): boolean {
  return (firstTagByte(tag) & 0x20) !== 0;
}

export function encodeTag(tag: number): Uint8Array {
  const bytes: number[] = [];
  let rest = tag;
  do {
    bytes.unshift(rest & 0xff);
    rest = rest >>> 8;
  } while (rest > 0);
  return new Uint8Array(bytes);
}

export function encodeTlvLength(length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([length]);
  if (length <= 0xff) return new Uint8Array([0x81, length]);
  return new Uint8Array([0x82, (length >> 8) & 0xff, length & 0xff]);
}

export function decodeTlvLength(bytes: Uint8Array, offset: number): DecodeResult<{ length: number; size: number }> {
  const first = bytes[offset];
  if (first === undefined) return failure('truncated', 'TLV length missing', offset);
  if (first < 0x80) return success({ length: first, size: 1 });
  if (first === 0x81) {
    const next = bytes[offset + 1];
    if (next === undefined) return failure('truncated', 'TLV length byte missing', offset);
    return success({ length: next, size: 2 });
  }
  if (first === 0x82) {
    const high = bytes[offset + 1];
    const low = bytes[offset + 2];
    if (high === undefined || low === undefined) return failure('truncated', 'TLV length bytes missing', offset);
    return success({ length: (high << 8) | low, size: 3 });
  }
  return failure('bad-tlv', `TLV length byte 0x${first.toString(16)} is invalid or reserved (9.3.2)`, offset);
}

/** Tags of the spec's table 9.4 whose second byte has b8 set. */
const SPEC_TWO_BYTE_TAGS: ReadonlySet<number> = new Set([0x1f80, 0x1f81, 0x1f82, 0x1f83]);

export function decodeTag(bytes: Uint8Array, offset: number): DecodeResult<{ tag: number; size: number }> {
  const first = bytes[offset];
  if (first === undefined) return failure('truncated', 'TLV tag missing', offset);
  let tag = first;
  let size = 1;
  if ((first & 0x1f) === 0x1f) {
    for (;;) {
      const next = bytes[offset + size];
      if (next === undefined) return failure('truncated', 'TLV tag continues past the end', offset);
      tag = tag * 256 + next;
      size++;
      if ((next & 0x80) === 0) break;
      // The spec's table (9.4) lists 1F80-1F83 as two-byte tags (file name, MIME type, transaction
      // reference, acquirer) although b8 of their second byte reads "another byte follows" under
      // the BER rule of 9.3.1; ZVT defines no longer tags, so they end there.
      if (size === 2 && SPEC_TWO_BYTE_TAGS.has(tag)) break;
      if (size >= MAXIMUM_TAG_BYTES) return failure('bad-tlv', 'TLV tag longer than 4 bytes', offset);
    }
  }
  return success({ tag, size });
}

/** Parse a list of data objects (the content of BMP 06, or of a constructed tag). */
export function decodeTlvList(bytes: Uint8Array, baseOffset = 0, depth = 0): DecodeResult<TlvNode[]> {
  const nodes: TlvNode[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const tag = decodeTag(bytes, offset);
    if (!tag.ok) return failure(tag.error.code, tag.error.message, baseOffset + offset);
    const length = decodeTlvLength(bytes, offset + tag.value.size);
    if (!length.ok) return failure(length.error.code, length.error.message, baseOffset + offset + tag.value.size);
    const start = offset + tag.value.size + length.value.size;
    const end = start + length.value.length;
    if (end > bytes.length) return failure('truncated', `TLV tag ${tag.value.tag.toString(16).toUpperCase()} needs ${length.value.length} bytes`, baseOffset + offset);
    const value = bytes.slice(start, end);
    const node: TlvNode = { tag: tag.value.tag, constructed: isConstructedTag(tag.value.tag), value };
    if (node.constructed && depth < MAXIMUM_DEPTH) {
      // Some tags have the constructed bit but carry plain data (e.g. FF01 coupon data): keep the raw value then.
      const children = decodeTlvList(value, baseOffset + start, depth + 1);
      if (children.ok) node.children = children.value;
    }
    nodes.push(node);
    offset = end;
  }
  return success(nodes);
}

export function encodeTlvList(nodes: readonly TlvNode[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const node of nodes) {
    const value = node.children ? encodeTlvList(node.children) : node.value;
    parts.push(encodeTag(node.tag), encodeTlvLength(value.length), value);
  }
  return concatBytes(parts);
}

/** Build a node; children make it constructed. */
export function tlv(tag: number, value: Uint8Array | readonly number[] | readonly TlvNode[] = []): TlvNode {
  if (value.length > 0 && typeof value[0] === 'object') {
    const children = value as readonly TlvNode[];
    return { tag, constructed: true, value: encodeTlvList(children), children: [...children] };
  }
  const bytes = value instanceof Uint8Array ? value : new Uint8Array(value as readonly number[]);
  return { tag, constructed: isConstructedTag(tag), value: bytes };
}

/** Depth-first search for the first node with this tag. */
export function findTlv(nodes: readonly TlvNode[] | undefined, tag: number): TlvNode | undefined {
  if (!nodes) return undefined;
  for (const node of nodes) {
    if (node.tag === tag) return node;
    const inner = findTlv(node.children, tag);
    if (inner) return inner;
  }
  return undefined;
}

export function findAllTlv(nodes: readonly TlvNode[] | undefined, tag: number, out: TlvNode[] = []): TlvNode[] {
  if (!nodes) return out;
  for (const node of nodes) {
    if (node.tag === tag) out.push(node);
    findAllTlv(node.children, tag, out);
  }
  return out;
}
