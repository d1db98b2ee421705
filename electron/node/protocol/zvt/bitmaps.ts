import { bcdToDigits, bytesToNibbles, concatBytes, digitsToBcd } from './bytes';
import { decodeText, encodeText, type Charset } from './charset';
import { TOTALS_CARD_GROUPS, type TotalsCardGroup } from './codes';
import { failure, success, type DecodeResult } from './result';
import { decodeTlvLength, decodeTlvList, encodeTlvLength, encodeTlvList, type TlvNode } from './tlv';

/**
 * The bitmaps (BMPs) of PA00P015 chapter 13 "Summary of utilised BMPs", plus 4C and 60 from
 * chapter 3.1. Each BMP is a one-byte id followed by its content in a fixed size, an LLVAR
 * (F0..F9 F0..F9 prefix, up to 99 bytes), an LLLVAR (three such digits, up to 999 bytes), or for
 * BMP 06 a TLV length (chapter 9.2: "NOT LLL-Var"). Order in a list is free (chapter 3.1.1).
 */

export interface SingleTotals {
  /** First and last receipt number of the batch (2 byte BCD each). */
  receiptStart: number;
  receiptEnd: number;
  /** Count and turnover (minor currency units) per card group, in the wire order of chapter 3.1.3. */
  groups: { group: TotalsCardGroup; count: number; amount: number }[];
}

/** Every BMP as a named, typed property. PAN and track data are only ever held masked. */
export interface BitmapFields {
  timeout?: number; // 01, seconds
  maxStatusInfos?: number; // 02
  serviceByte?: number; // 03
  amount?: number; // 04, minor currency units (cents)
  pumpNumber?: number; // 05
  tlv?: TlvNode[]; // 06
  trace?: number; // 0B
  time?: string; // 0C, "hhmmss"
  date?: string; // 0D, "MMDD"
  expiryDate?: string; // 0E, "YYMM"
  cardSequenceNumber?: number; // 17
  paymentType?: number; // 19: payment type, or status byte in a Registration completion
  maskedPan?: string; // 22, e.g. "476173******0010"
  track2?: string; // 23, masked
  track3?: string; // 24, masked
  resultCode?: number; // 27
  terminalId?: string; // 29, 8 digits
  contractNumber?: string; // 2A, VU number
  track1?: string; // 2D, masked
  chipData?: string; // 2E, masked
  originalTrace?: number; // 37
  cardVerificationValue?: string; // 3A, masked
  authorisationAttribute?: string; // 3B, AID
  additionalText?: string; // 3C
  password?: string; // 3D, 6 digits
  currency?: number; // 49, ISO 4217 numeric (978 = EUR)
  blockedGoodsGroups?: Uint8Array; // 4C
  singleTotals?: SingleTotals; // 60
  imageRequestId?: number; // 70
  imageSize?: number; // 71
  imageMimeType?: number; // 72
  imageEncoding?: number; // 73
  imageChunkCount?: number; // 74
  imageChunkIndex?: number; // 75
  /** 87; null: FFFF, "no receipt number" (e.g. GeldKarte, 3.1.1). */
  receiptNumber?: number | null; // 87
  turnoverNumber?: number; // 88
  cardType?: number; // 8A, ZVT card-type id
  cardName?: string; // 8B
  networkCardType?: number; // 8C
  geldkarteRecord?: Uint8Array; // 9A
  resultCodeAs?: number; // A0
  chipCardId?: string; // A7, EF_ID, masked
  fullDate?: string; // AA, "YYMMDD"
  chipCardInfo?: Uint8Array; // AF
  aidParameter?: Uint8Array; // BA
  algorithmKey?: number; // D0
  cardOffset?: string; // D1, PIN data, masked
  cardOutputDirection?: number; // D2
  dukptKeyIdentifier?: number; // D3
  inputMinimumLength?: number; // E0
  text2Line1?: string; // E1 .. E8
  text2Line2?: string;
  text2Line3?: string;
  text2Line4?: string;
  text2Line5?: string;
  text2Line6?: string;
  text2Line7?: string;
  text2Line8?: string;
  inputMaximumLength?: number; // E9
  echoInput?: number; // EA
  messageAuthenticationCode?: Uint8Array; // EB
  displayDuration?: number; // F0
  text1Line1?: string; // F1 .. F8
  text1Line2?: string;
  text1Line3?: string;
  text1Line4?: string;
  text1Line5?: string;
  text1Line6?: string;
  text1Line7?: string;
  text1Line8?: string;
  beepCount?: number; // F9
  cardReaderActivation?: number; // FA
  confirmInput?: number; // FB
  dialogControl?: number; // FC
  displayDevice?: number; // FD
}

export type BitmapName = keyof BitmapFields;

export type BitmapLength = { kind: 'fixed'; bytes: number } | { kind: 'llvar' } | { kind: 'lllvar' } | { kind: 'tlv' };

/**
 * How the content reads:
 * byte/integer: binary number; bcd-number: BCD as a number; bcd-digits: BCD kept as a digit
 * string (leading zeros matter); text: characters in the session charset, trailing NULs dropped;
 * bytes: raw; card-number: BCD digits, 'E' masked digit, 'F' padding (BMP 22, chapter 13) kept
 * masked; masked: sensitive, reduced to a placeholder; tlv: BMP 06; totals: BMP 60.
 */
export type BitmapValueKind =
  | 'byte'
  | 'integer'
  | 'bcd-number'
  | 'bcd-digits'
  | 'text'
  | 'bytes'
  | 'card-number'
  | 'track'
  | 'masked'
  | 'tlv'
  | 'totals';

export interface BitmapDefinition {
  id: number;
  name: BitmapName;
  length: BitmapLength;
  value: BitmapValueKind;
  /** Text that the spec says is null-terminated on the wire (BMP 8B). */
  nullTerminated?: boolean;
}

const fixed = (bytes: number): BitmapLength => ({ kind: 'fixed', bytes });
const LLVAR: BitmapLength = { kind: 'llvar' };
const LLLVAR: BitmapLength = { kind: 'lllvar' };

const definition = (id: number, name: BitmapName, length: BitmapLength, value: BitmapValueKind, nullTerminated?: boolean): BitmapDefinition =>
  nullTerminated ? { id, name, length, value, nullTerminated } : { id, name, length, value };

/** PA00P015 chapter 13, in id order. */
export const BITMAPS: readonly BitmapDefinition[] = [
  definition(0x01, 'timeout', fixed(1), 'byte'),
  definition(0x02, 'maxStatusInfos', fixed(1), 'byte'),
  definition(0x03, 'serviceByte', fixed(1), 'byte'),
  definition(0x04, 'amount', fixed(6), 'bcd-number'),
  definition(0x05, 'pumpNumber', fixed(1), 'byte'),
  definition(0x06, 'tlv', { kind: 'tlv' }, 'tlv'),
  definition(0x0b, 'trace', fixed(3), 'bcd-number'),
  definition(0x0c, 'time', fixed(3), 'bcd-digits'),
  definition(0x0d, 'date', fixed(2), 'bcd-digits'),
  definition(0x0e, 'expiryDate', fixed(2), 'bcd-digits'),
  definition(0x17, 'cardSequenceNumber', fixed(2), 'bcd-number'),
  definition(0x19, 'paymentType', fixed(1), 'byte'),
  definition(0x22, 'maskedPan', LLVAR, 'card-number'),
  definition(0x23, 'track2', LLVAR, 'track'),
  definition(0x24, 'track3', LLLVAR, 'track'),
  definition(0x27, 'resultCode', fixed(1), 'byte'),
  definition(0x29, 'terminalId', fixed(4), 'bcd-digits'),
  definition(0x2a, 'contractNumber', fixed(15), 'text'),
  definition(0x2d, 'track1', LLVAR, 'masked'),
  definition(0x2e, 'chipData', LLLVAR, 'masked'),
  definition(0x37, 'originalTrace', fixed(3), 'bcd-number'),
  definition(0x3a, 'cardVerificationValue', fixed(2), 'masked'),
  definition(0x3b, 'authorisationAttribute', fixed(8), 'text'),
  definition(0x3c, 'additionalText', LLLVAR, 'text'),
  definition(0x3d, 'password', fixed(3), 'bcd-digits'),
  definition(0x49, 'currency', fixed(2), 'bcd-number'),
  definition(0x4c, 'blockedGoodsGroups', LLVAR, 'bytes'),
  definition(0x60, 'singleTotals', LLLVAR, 'totals'),
  definition(0x70, 'imageRequestId', fixed(4), 'integer'),
  definition(0x71, 'imageSize', fixed(4), 'integer'),
  definition(0x72, 'imageMimeType', fixed(1), 'byte'),
  definition(0x73, 'imageEncoding', fixed(1), 'byte'),
  definition(0x74, 'imageChunkCount', fixed(1), 'byte'),
  definition(0x75, 'imageChunkIndex', fixed(1), 'byte'),
  definition(0x87, 'receiptNumber', fixed(2), 'bcd-number'),
  definition(0x88, 'turnoverNumber', fixed(3), 'bcd-number'),
  definition(0x8a, 'cardType', fixed(1), 'byte'),
  definition(0x8b, 'cardName', LLVAR, 'text', true),
  definition(0x8c, 'networkCardType', fixed(1), 'byte'),
  definition(0x9a, 'geldkarteRecord', LLLVAR, 'bytes'),
  definition(0xa0, 'resultCodeAs', fixed(1), 'byte'),
  definition(0xa7, 'chipCardId', LLVAR, 'masked'),
  definition(0xaa, 'fullDate', fixed(3), 'bcd-digits'),
  definition(0xaf, 'chipCardInfo', LLLVAR, 'bytes'),
  definition(0xba, 'aidParameter', fixed(5), 'bytes'),
  definition(0xd0, 'algorithmKey', fixed(1), 'byte'),
  definition(0xd1, 'cardOffset', LLVAR, 'masked'),
  definition(0xd2, 'cardOutputDirection', fixed(1), 'byte'),
  definition(0xd3, 'dukptKeyIdentifier', fixed(1), 'byte'),
  definition(0xe0, 'inputMinimumLength', fixed(1), 'byte'),
  definition(0xe1, 'text2Line1', LLVAR, 'text'),
  definition(0xe2, 'text2Line2', LLVAR, 'text'),
  definition(0xe3, 'text2Line3', LLVAR, 'text'),
  definition(0xe4, 'text2Line4', LLVAR, 'text'),
  definition(0xe5, 'text2Line5', LLVAR, 'text'),
  definition(0xe6, 'text2Line6', LLVAR, 'text'),
  definition(0xe7, 'text2Line7', LLVAR, 'text'),
  definition(0xe8, 'text2Line8', LLVAR, 'text'),
  definition(0xe9, 'inputMaximumLength', fixed(1), 'byte'),
  definition(0xea, 'echoInput', fixed(1), 'byte'),
  definition(0xeb, 'messageAuthenticationCode', fixed(8), 'bytes'),
  definition(0xf0, 'displayDuration', fixed(1), 'byte'),
  definition(0xf1, 'text1Line1', LLVAR, 'text'),
  definition(0xf2, 'text1Line2', LLVAR, 'text'),
  definition(0xf3, 'text1Line3', LLVAR, 'text'),
  definition(0xf4, 'text1Line4', LLVAR, 'text'),
  definition(0xf5, 'text1Line5', LLVAR, 'text'),
  definition(0xf6, 'text1Line6', LLVAR, 'text'),
  definition(0xf7, 'text1Line7', LLVAR, 'text'),
  definition(0xf8, 'text1Line8', LLVAR, 'text'),
  definition(0xf9, 'beepCount', fixed(1), 'byte'),
  definition(0xfa, 'cardReaderActivation', fixed(1), 'byte'),
  definition(0xfb, 'confirmInput', fixed(1), 'byte'),
  definition(0xfc, 'dialogControl', fixed(1), 'byte'),
  definition(0xfd, 'displayDevice', fixed(1), 'byte'),
];

export const BITMAPS_BY_ID: ReadonlyMap<number, BitmapDefinition> = new Map(BITMAPS.map((entry) => [entry.id, entry]));
export const BITMAPS_BY_NAME: ReadonlyMap<BitmapName, BitmapDefinition> = new Map(BITMAPS.map((entry) => [entry.name, entry]));

export interface FieldCodecOptions {
  charset?: Charset;
}

/** Part of a bitmap list that could not be read because a BMP id is unknown: its length is unknowable. */
export interface Unparsed {
  offset: number;
  length: number;
  bitmap: number;
  /** The bytes from the unknown BMP to the end, kept as sent (the encoder writes them back after the known fields). */
  raw: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Card numbers are never kept in clear (PA00P015 1.3 asks ECRs to avoid holding PCI data).

/** Keep at most the first 6 and last 4 digits; shorter numbers keep less. */
export function maskCardNumber(digits: string): string {
  const length = digits.length;
  const prefix = length >= 13 ? 6 : 0;
  const suffix = length >= 8 ? 4 : 0;
  return digits.slice(0, prefix) + '*'.repeat(length - prefix - suffix) + digits.slice(length - suffix);
}

/** BCD nibbles of a card number: 0-9 digits, E masked digit, F padding, D separator (stops the PAN). */
export function cardNibblesToMasked(bytes: Uint8Array): string {
  const nibbles = bytesToNibbles(bytes);
  let digits = '';
  for (const nibble of nibbles) {
    if (nibble === 'D' || nibble === 'F' || nibble === '=') break;
    digits += nibble === 'E' ? '*' : /[0-9]/.test(nibble) ? nibble : '*';
  }
  return maskCardNumber(digits);
}

export function maskedToCardNibbles(masked: string): Uint8Array {
  let nibbles = '';
  for (const character of masked) nibbles += /[0-9]/.test(character) ? character : 'E';
  if (nibbles.length % 2 === 1) nibbles += 'F';
  const out = new Uint8Array(nibbles.length / 2);
  for (let index = 0; index < out.length; index++) out[index] = parseInt(nibbles.slice(index * 2, index * 2 + 2), 16);
  return out;
}

/**
 * TLV data objects that carry card data or secrets (9.4): the magnet-stripe tracks 1F08-1F0A,
 * the PAN for card acceptance matching 1F1A, the prepaid PIN 80, the GeldKarte EF_ID 4D, the
 * PIN blocks 1F31 and 1F75, the keys 1F5C/1F5D and the password 1F74. Like the BMPs 22, 23, 24,
 * 2D, A7 and D1 they are held masked from the moment they are read.
 */
const TLV_CARD_NUMBERS: ReadonlySet<number> = new Set([0x1f09, 0x1f0a, 0x1f1a]);
const TLV_TRACK_1 = 0x1f08;
const TLV_SECRETS: ReadonlySet<number> = new Set([0x4d, 0x80, 0x1f31, 0x1f5c, 0x1f5d, 0x1f74, 0x1f75]);
export const CARD_DATA_TLV_TAGS: ReadonlySet<number> = new Set([...TLV_CARD_NUMBERS, TLV_TRACK_1, ...TLV_SECRETS]);

/** Track 1 ("%B4761739001010010^NAME^2512...") -> its masked PAN; already masked text stays as it is. */
export function maskTrack1(text: string): string | undefined {
  const match = /^%?[A-Z]?([0-9*]{1,19})/.exec(text);
  if (!match?.[1]) return undefined;
  return match[1].includes('*') ? match[1] : maskCardNumber(match[1]);
}

function maskedNode(node: TlvNode): TlvNode | undefined {
  if (TLV_CARD_NUMBERS.has(node.tag)) return { ...node, value: maskedToCardNibbles(cardNibblesToMasked(node.value)) };
  if (node.tag === TLV_TRACK_1) {
    const masked = maskTrack1(decodeText(node.value, 'latin1')) ?? '';
    return { ...node, value: Uint8Array.from(masked, (character) => character.charCodeAt(0)) };
  }
  if (TLV_SECRETS.has(node.tag)) return { ...node, value: new Uint8Array(node.value.length) };
  return undefined;
}

/** The BMPs that hold card data (read masked): 22, 23, 24, 2D, 2E, 3A, A7, D1. */
const CARD_DATA_BITMAPS: readonly BitmapName[] = BITMAPS.filter((entry) => ['card-number', 'track', 'masked'].includes(entry.value)).map((entry) => entry.name);

function hasCardDataTag(nodes: readonly TlvNode[]): boolean {
  return nodes.some((node) => CARD_DATA_TLV_TAGS.has(node.tag) || (node.children !== undefined && hasCardDataTag(node.children)));
}

/**
 * Whether a decoded message carried card data (a card-data BMP, also among a command's
 * `otherFields`, or a card-data TLV tag at any depth): its raw bytes must not be logged.
 */
export function carriesCardData(message: object): boolean {
  const record = message as Record<string, unknown>;
  const inFields = (fields: Record<string, unknown> | undefined) => fields !== undefined && CARD_DATA_BITMAPS.some((name) => fields[name] !== undefined);
  if (inFields(record) || inFields(record.otherFields as Record<string, unknown> | undefined)) return true;
  return Array.isArray(record.tlv) && hasCardDataTag(record.tlv as TlvNode[]);
}

/**
 * Card data and secrets in a TLV list replaced by their masked form: tracks and PANs keep only
 * the first 6 and last 4 digits (track 1 as text, the others as BCD with E for a hidden digit),
 * PINs, keys and passwords become zero bytes of their length. A container that held such a
 * node is rebuilt, so its raw value holds no card data either.
 */
export function maskTlvCardData(nodes: TlvNode[]): TlvNode[] {
  let changed = false;
  const out = nodes.map((node) => {
    const masked = maskedNode(node);
    if (masked) {
      changed = true;
      return masked;
    }
    if (!node.children) return node;
    const children = maskTlvCardData(node.children);
    if (children === node.children) return node;
    changed = true;
    return { ...node, children, value: encodeTlvList(children) };
  });
  return changed ? out : nodes;
}

// ---------------------------------------------------------------------------------------------

function readVariableLength(data: Uint8Array, offset: number, digits: number): DecodeResult<number> {
  let length = 0;
  for (let index = 0; index < digits; index++) {
    const byte = data[offset + index];
    if (byte === undefined) return failure('truncated', 'variable length prefix cut short', offset);
    if (byte >> 4 !== 0xf || (byte & 0x0f) > 9) {
      return failure('bad-variable-length', `byte 0x${byte.toString(16)} is not an F0..F9 length digit (PA00P016 5.2.8)`, offset + index);
    }
    length = length * 10 + (byte & 0x0f);
  }
  return success(length);
}

function writeVariableLength(length: number, digits: number): Uint8Array {
  const text = String(length).padStart(digits, '0');
  const out = new Uint8Array(digits);
  for (let index = 0; index < digits; index++) out[index] = 0xf0 | Number(text[index]);
  return out;
}

type FieldValue = Exclude<BitmapFields[BitmapName], undefined>;

/** BMPs where all bytes FF stand for "none" rather than a number (87 receipt number). */
const NONE_WHEN_ALL_FF: ReadonlySet<number> = new Set([0x87]);

function decodeTotals(content: Uint8Array, offset: number): DecodeResult<SingleTotals> {
  if (content.length < 4) return failure('truncated', 'BMP 60 needs at least the receipt range', offset);
  const start = bcdToDigits(content.subarray(0, 2));
  const end = bcdToDigits(content.subarray(2, 4));
  if (start === undefined || end === undefined) return failure('bad-bcd', 'BMP 60 receipt range is not BCD', offset);
  // 3.1.3 lists all seven groups (53 bytes). Some terminals stop after the last group they use:
  // the groups not sent had no turnover. A part of a group, or more than seven, is malformed.
  const sent = (content.length - 4) / 7;
  if (!Number.isInteger(sent) || sent > TOTALS_CARD_GROUPS.length) {
    return failure('length-mismatch', `BMP 60 holds ${content.length} bytes: the receipt range and up to seven groups of 7 bytes (3.1.3)`, offset);
  }
  const groups: SingleTotals['groups'] = [];
  let position = 4;
  for (const group of TOTALS_CARD_GROUPS) {
    if (position >= content.length) {
      groups.push({ group, count: 0, amount: 0 });
      continue;
    }
    const count = content[position] ?? 0;
    const amount = bcdToDigits(content.subarray(position + 1, position + 7));
    if (amount === undefined) return failure('bad-bcd', `BMP 60 ${group} turnover is not BCD`, offset + position + 1);
    groups.push({ group, count, amount: Number(amount) });
    position += 7;
  }
  return success({ receiptStart: Number(start), receiptEnd: Number(end), groups });
}

function encodeTotals(totals: SingleTotals): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  const start = digitsToBcd(String(totals.receiptStart), 2);
  const end = digitsToBcd(String(totals.receiptEnd), 2);
  if (!start || !end) return undefined;
  parts.push(start, end);
  for (const group of TOTALS_CARD_GROUPS) {
    const entry = totals.groups.find((candidate) => candidate.group === group) ?? { count: 0, amount: 0 };
    const amount = digitsToBcd(String(entry.amount), 6);
    if (!amount || entry.count < 0 || entry.count > 255) return undefined;
    parts.push(new Uint8Array([entry.count]), amount);
  }
  return concatBytes(parts);
}

function decodeContent(entry: BitmapDefinition, content: Uint8Array, offset: number, options: FieldCodecOptions): DecodeResult<FieldValue> {
  switch (entry.value) {
    case 'byte':
      return success(content[0] ?? 0);
    case 'integer': {
      let value = 0;
      for (const byte of content) value = value * 256 + byte;
      return success(value);
    }
    case 'bcd-number':
    case 'bcd-digits': {
      if (NONE_WHEN_ALL_FF.has(entry.id) && content.length > 0 && content.every((byte) => byte === 0xff)) return success(null);
      const digits = bcdToDigits(content);
      if (digits === undefined) return failure('bad-bcd', `BMP ${hexId(entry.id)} (${entry.name}) is not BCD`, offset);
      return success(entry.value === 'bcd-number' ? Number(digits) : digits);
    }
    case 'text': {
      // Fixed-length text (2A contract number, 3B AID) is padded to its size with NULs or, by real
      // terminals, with spaces (bezahl-online zvt's capture: "100764992      "): the padding is no text.
      const fixed = entry.length.kind === 'fixed';
      let end = content.length;
      while (end > 0 && (content[end - 1] === 0 || (fixed && content[end - 1] === 0x20))) end--;
      return success(decodeText(content.subarray(0, end), options.charset));
    }
    case 'bytes':
      return success(content.slice());
    case 'card-number':
      return success(cardNibblesToMasked(content));
    case 'track':
      // Track 2/3: PAN, separator D, then expiry and discretionary data: keep only the masked PAN.
      return success(cardNibblesToMasked(content));
    case 'masked':
      return success(`[masked ${content.length} bytes]`);
    case 'tlv': {
      const nodes = decodeTlvList(content, offset);
      return nodes.ok ? success(maskTlvCardData(nodes.value)) : nodes;
    }
    case 'totals':
      return decodeTotals(content, offset);
  }
}

/**
 * Read one BMP's content at `offset` (just after its id). Returns the value and the offset after it.
 * Used both for bitmap lists and for positional fields (e.g. the LLLVAR software version).
 */
export function decodeBitmapContent(
  entry: BitmapDefinition,
  data: Uint8Array,
  offset: number,
  options: FieldCodecOptions = {},
): DecodeResult<{ value: FieldValue; next: number }> {
  let start = offset;
  let length: number;
  switch (entry.length.kind) {
    case 'fixed':
      length = entry.length.bytes;
      break;
    case 'llvar':
    case 'lllvar': {
      const digits = entry.length.kind === 'llvar' ? 2 : 3;
      const prefix = readVariableLength(data, offset, digits);
      if (!prefix.ok) return prefix;
      length = prefix.value;
      start = offset + digits;
      break;
    }
    case 'tlv': {
      const prefix = decodeTlvLength(data, offset);
      if (!prefix.ok) return prefix;
      length = prefix.value.length;
      start = offset + prefix.value.size;
      break;
    }
  }
  if (start + length > data.length) {
    return failure('truncated', `BMP ${hexId(entry.id)} (${entry.name}) needs ${length} bytes, ${data.length - start} left`, offset);
  }
  const value = decodeContent(entry, data.subarray(start, start + length), start, options);
  if (!value.ok) return value;
  return success({ value: value.value, next: start + length });
}

export interface BitmapList {
  fields: BitmapFields;
  /** BMP ids in the order they arrived (for support logs and order-sensitive checks). */
  order: number[];
  unparsed?: Unparsed;
}

/**
 * Read a list of BMPs from `offset` to the end. An unknown BMP id stops the walk (its length
 * cannot be known) and is reported in `unparsed` rather than failing the whole message: real
 * terminals add proprietary BMPs, and the fields before it are still good. A known BMP that is
 * cut short or malformed fails the decode.
 */
export function decodeBitmapList(data: Uint8Array, offset = 0, options: FieldCodecOptions = {}): DecodeResult<BitmapList> {
  const fields: Record<string, unknown> = {};
  const order: number[] = [];
  let position = offset;
  while (position < data.length) {
    const id = data[position] ?? 0;
    const entry = BITMAPS_BY_ID.get(id);
    if (!entry) {
      return success({ fields: fields as BitmapFields, order, unparsed: { offset: position, length: data.length - position, bitmap: id, raw: data.slice(position) } });
    }
    const content = decodeBitmapContent(entry, data, position + 1, options);
    if (!content.ok) return content;
    fields[entry.name] = content.value.value;
    order.push(id);
    position = content.value.next;
  }
  return success({ fields: fields as BitmapFields, order });
}

function encodeContent(entry: BitmapDefinition, value: FieldValue, options: FieldCodecOptions): Uint8Array | undefined {
  switch (entry.value) {
    case 'byte':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? new Uint8Array([value]) : undefined;
    case 'integer': {
      if (typeof value !== 'number' || entry.length.kind !== 'fixed' || !Number.isInteger(value) || value < 0) return undefined;
      const out = new Uint8Array(entry.length.bytes);
      let rest = value;
      for (let index = out.length - 1; index >= 0; index--) {
        out[index] = rest % 256;
        rest = Math.floor(rest / 256);
      }
      return rest === 0 ? out : undefined;
    }
    case 'bcd-number':
    case 'bcd-digits': {
      if (entry.length.kind !== 'fixed') return undefined;
      if (value === null) return NONE_WHEN_ALL_FF.has(entry.id) ? new Uint8Array(entry.length.bytes).fill(0xff) : undefined;
      const digits = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : typeof value === 'string' ? value : undefined;
      return digits === undefined ? undefined : digitsToBcd(digits, entry.length.bytes);
    }
    case 'text': {
      if (typeof value !== 'string') return undefined;
      const text = encodeText(value, options.charset === 'auto' ? 'cp437' : options.charset);
      if (entry.length.kind === 'fixed') {
        if (text.length > entry.length.bytes) return undefined;
        const out = new Uint8Array(entry.length.bytes);
        out.set(text);
        return out;
      }
      return entry.nullTerminated ? concatBytes([text, [0]]) : text;
    }
    case 'bytes':
      return value instanceof Uint8Array ? value : undefined;
    case 'card-number':
    case 'track':
      return typeof value === 'string' ? maskedToCardNibbles(value) : undefined;
    case 'masked': {
      // Sensitive data is never re-created from its placeholder: "[masked N bytes]" writes N zero
      // bytes (the length survives, the content does not); raw bytes may be passed by a simulator.
      if (value instanceof Uint8Array) return value;
      if (typeof value !== 'string') return undefined;
      const placeholder = /^\[masked (\d{1,3}) bytes\]$/.exec(value);
      return placeholder ? new Uint8Array(Number(placeholder[1])) : encodeText(value, 'latin1');
    }
    case 'tlv':
      return Array.isArray(value) ? encodeTlvList(value as TlvNode[]) : undefined;
    case 'totals':
      return typeof value === 'object' && value !== null && 'groups' in value ? encodeTotals(value) : undefined;
  }
}

/** One BMP: id, length prefix where its format has one, content. */
export function encodeBitmap(entry: BitmapDefinition, value: FieldValue, options: FieldCodecOptions = {}): DecodeResult<Uint8Array> {
  const content = encodeContent(entry, value, options);
  if (!content) return failure('bad-value', `value for BMP ${hexId(entry.id)} (${entry.name}) does not fit its format`);
  switch (entry.length.kind) {
    case 'fixed':
      // A fixed-length BMP has no length prefix: content of another length would shift every field after it.
      if (content.length !== entry.length.bytes) return failure('bad-value', `BMP ${hexId(entry.id)} (${entry.name}) takes exactly ${entry.length.bytes} bytes, not ${content.length}`);
      return success(concatBytes([[entry.id], content]));
    case 'llvar':
    case 'lllvar': {
      const digits = entry.length.kind === 'llvar' ? 2 : 3;
      if (content.length > (digits === 2 ? 99 : 999)) return failure('too-long', `BMP ${hexId(entry.id)} longer than its ${entry.length.kind} allows`);
      return success(concatBytes([[entry.id], writeVariableLength(content.length, digits), content]));
    }
    case 'tlv':
      if (content.length > 0xffff) return failure('too-long', 'TLV container longer than 65535 bytes');
      return success(concatBytes([[entry.id], encodeTlvLength(content.length), content]));
  }
}

/**
 * Encode the present fields. `order` lists BMP ids in the order the command's layout in the spec
 * shows them (old ECRs and terminals are said to rely on it, chapter 3.1.1); fields not listed
 * follow in id order; the TLV container (06) always goes last.
 */
export function encodeBitmapList(
  fields: BitmapFields,
  options: FieldCodecOptions = {},
  exclude: readonly BitmapName[] = [],
  order: readonly number[] = [0x27],
): DecodeResult<Uint8Array> {
  const parts: Uint8Array[] = [];
  const present = BITMAPS.filter((entry) => fields[entry.name] !== undefined && !exclude.includes(entry.name));
  const rank = (id: number): number => {
    const position = order.indexOf(id);
    if (id === 0x06) return 0x10000;
    return position >= 0 ? position - 0x1000 : id;
  };
  const ordered = [...present].sort((left, right) => rank(left.id) - rank(right.id));
  for (const entry of ordered) {
    const value = fields[entry.name];
    if (value === undefined) continue;
    const bytes = encodeBitmap(entry, value, options);
    if (!bytes.ok) return bytes;
    parts.push(bytes.value);
  }
  return success(concatBytes(parts));
}

/** Field orders of the command layouts (chapters 2.2.1, 2.9, 2.15, 3.1.1, 3.2). */
export const FIELD_ORDER = {
  authorization: [0x04, 0x49, 0x19, 0x2d, 0x0e, 0x22, 0x23, 0x24, 0x01, 0x02, 0x05, 0x3a, 0x3c, 0x8a],
  reversal: [0x87, 0x04, 0x49, 0x19, 0x2d, 0x0e, 0x22, 0x23, 0x24, 0x3c],
  refund: [0x04, 0x49, 0x19, 0x2d, 0x0e, 0x22, 0x23, 0x24, 0x3b, 0x3c, 0x8a],
  statusInformation: [0x27, 0x04, 0x0b, 0x37, 0x0c, 0x0d, 0x0e, 0x17, 0x19, 0x22, 0x29, 0x3b, 0x49, 0x4c, 0x87, 0x8a, 0x8c, 0x9a, 0xba, 0x2a, 0x3c, 0xa0, 0x88, 0x8b, 0x60],
  completion: [0x27, 0x0c, 0xaa, 0x19, 0x29, 0x49],
} as const;

/** Only the fields that are BMPs (drops the typed message's other properties). */
export function pickBitmapFields(source: object): BitmapFields {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (BITMAPS_BY_NAME.has(key as BitmapName) && value !== undefined) out[key] = value;
  return out as BitmapFields;
}

export function hexId(id: number): string {
  return id.toString(16).padStart(2, '0').toUpperCase();
}

export { readVariableLength, writeVariableLength };
