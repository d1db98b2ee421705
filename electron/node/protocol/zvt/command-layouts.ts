import { BITMAPS_BY_ID, decodeBitmapList, encodeBitmapList, hexId, type BitmapFields, type BitmapName, type FieldCodecOptions, type Unparsed } from './bitmaps';
import { bcdToDigits, concatBytes, digitsToBcd } from './bytes';
import { decodeText, encodeText, type Charset } from './charset';
import { encodeLengthField } from './framing';
import type {
  ActivateCardReaderMessage,
  BookTotalMessage,
  ExternalReversalMessage,
  FileEntry,
  FileRequestMessage,
  PartialReversalMessage,
  PreAuthorisationMessage,
  PreAuthorisationReversalMessage,
  ReadCardMessage,
  WriteFileMessage,
} from './messages';
import { failure, success, type DecodeResult } from './result';
import { encodeTlvList, findTlv, tlv, type TlvNode } from './tlv';

/**
 * Commands whose data block is a few positional fields followed by optional bitmaps (PA00P015
 * 2.8-2.14, 2.21, 2.22, 2.41, 3.3): read by a tolerant reader (bitmaps in any order, known ones
 * outside the layout kept in `otherFields`, the bytes from an unknown one on kept raw, malformed
 * ones a typed error) and written by a strict writer (only the layout's bitmaps, in the chapter's
 * order; what a peer sent beyond it is written back only when a decoded message is relayed).
 */

export interface BitmapLayout {
  /** The chapter's bitmaps in the order its layout shows them. */
  order: readonly number[];
  /** Bitmaps the chapter shows without brackets. */
  required: readonly BitmapName[];
}

const layout = (order: readonly number[], required: readonly BitmapName[] = []): BitmapLayout => ({ order, required });

/** The layouts of the chapters; for Read Card, Write File and the Abort after their positional fields. */
export const BITMAP_LAYOUTS = {
  // 2.8 as its layout shows it. "Remaining bitmaps see Authorization" points at 2.2.1 for what the
  // listed BMPs mean; it adds none: a 3A (CVV, 2.2.1 only) is read into otherFields, never written.
  'pre-authorisation': layout([0x04, 0x49, 0x19, 0x0e, 0x22, 0x2d, 0x23, 0x24, 0x01, 0x02, 0x05, 0x0b, 0x3b, 0x3c, 0x8a, 0x06]),
  'partial-reversal': layout([0x87, 0x04, 0x49, 0x3c, 0x0b, 0x3b, 0x06]), // 2.10
  'book-total': layout([0x87, 0x04, 0x49, 0x19, 0x3c, 0x0b, 0x3b, 0x8a, 0x06], ['receiptNumber']), // 2.13
  'pre-authorisation-reversal': layout([0x87, 0x04, 0x49, 0x19, 0x06], ['receiptNumber']), // 2.14
  'external-reversal': layout([0x04, 0x49, 0x0b, 0x3b, 0x0e, 0x22, 0x23, 0x06], ['amount', 'currency', 'trace', 'authorisationAttribute', 'tlv']), // 2.11
  'read-card': layout([0x19, 0xfc, 0x06]), // 2.21, after <timeout>
  'write-file': layout([0x06], ['tlv']), // 2.41.1, after <service password>
  'activate-card-reader': layout([0xfa]), // 2.22
  'terminal-abort': layout([0x87, 0x06]), // 3.3 / 2.10.1, after <result-code> [<CC>]
  'file-request': layout([0x06], ['tlv']), // 2.41.2
} as const satisfies Record<string, BitmapLayout>;

export type LayoutKind = keyof typeof BITMAP_LAYOUTS;

function layoutNames(entry: BitmapLayout): Set<BitmapName> {
  const names = new Set<BitmapName>();
  for (const id of entry.order) {
    const definition = BITMAPS_BY_ID.get(id);
    if (definition) names.add(definition.name);
  }
  return names;
}

const LAYOUT_NAMES = new Map<BitmapLayout, Set<BitmapName>>(Object.values(BITMAP_LAYOUTS).map((entry) => [entry, layoutNames(entry)]));

function namesOf(entry: BitmapLayout): Set<BitmapName> {
  return LAYOUT_NAMES.get(entry) ?? layoutNames(entry);
}

function idOf(name: BitmapName): string {
  for (const [id, definition] of BITMAPS_BY_ID) if (definition.name === name) return hexId(id);
  return '??';
}

/** A required bitmap is there, and a receipt number is a number (FFFF "none" is no receipt to book or reverse). */
function missingRequired(entry: BitmapLayout, fields: BitmapFields): BitmapName | undefined {
  return entry.required.find((name) => fields[name] === undefined || fields[name] === null);
}

export interface LayoutBitmaps {
  fields: BitmapFields;
  otherFields?: BitmapFields;
  unparsed?: Unparsed;
}

/** Tolerant reader: the bitmaps from `offset` on, in any order. */
export function readLayoutBitmaps(kind: LayoutKind, data: Uint8Array, offset: number, options: FieldCodecOptions): DecodeResult<LayoutBitmaps> {
  const entry: BitmapLayout = BITMAP_LAYOUTS[kind];
  const list = decodeBitmapList(data, offset, options);
  if (!list.ok) return list;
  const names = namesOf(entry);
  const fields: Record<string, unknown> = {};
  const other: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(list.value.fields)) (names.has(name as BitmapName) ? fields : other)[name] = value;
  const missing = missingRequired(entry, fields as BitmapFields);
  if (missing) return failure('missing-field', `${kind} needs BMP ${idOf(missing)} (${missing})`, offset);
  const out: LayoutBitmaps = { fields: fields as BitmapFields };
  if (Object.keys(other).length > 0) out.otherFields = other as BitmapFields;
  if (list.value.unparsed) out.unparsed = list.value.unparsed;
  return success(out);
}

/** Strict writer: the layout's bitmaps of `source` in the chapter's order, then relayed extras. */
export function writeLayoutBitmaps(kind: LayoutKind, source: object, extra: { otherFields?: BitmapFields; unparsed?: Unparsed }, options: FieldCodecOptions): DecodeResult<Uint8Array> {
  const entry: BitmapLayout = BITMAP_LAYOUTS[kind];
  const names = namesOf(entry);
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(source)) if (value !== undefined && names.has(name as BitmapName)) fields[name] = value;
  const missing = missingRequired(entry, fields as BitmapFields);
  if (missing) return failure('bad-value', `${kind} needs ${missing} (BMP ${idOf(missing)})`);
  const known = encodeBitmapList(fields as BitmapFields, options, [], entry.order);
  if (!known.ok) return known;
  const parts: Uint8Array[] = [known.value];
  if (extra.otherFields) {
    const others: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(extra.otherFields)) if (value !== undefined && !names.has(name as BitmapName)) others[name] = value;
    const written = encodeBitmapList(others as BitmapFields, options);
    if (!written.ok) return written;
    parts.push(written.value);
  }
  if (extra.unparsed) parts.push(extra.unparsed.raw);
  return success(concatBytes(parts));
}

function extras(read: LayoutBitmaps): { otherFields?: BitmapFields; unparsed?: Unparsed } {
  const out: { otherFields?: BitmapFields; unparsed?: Unparsed } = {};
  if (read.otherFields) out.otherFields = read.otherFields;
  if (read.unparsed) out.unparsed = read.unparsed;
  return out;
}

// --- passwords (PA00P015 1.2) --------------------------------------------------------------

export function readPassword(data: Uint8Array, offset = 0): DecodeResult<string> {
  if (data.length < offset + 3) return failure('missing-field', 'password (3 byte BCD) missing', offset);
  const digits = bcdToDigits(data.subarray(offset, offset + 3));
  return digits === undefined ? failure('bad-bcd', 'password is not BCD', offset) : success(digits);
}

export function passwordBytes(password: string): DecodeResult<Uint8Array> {
  const bytes = /^[0-9]{6}$/.test(password) ? digitsToBcd(password, 3) : undefined;
  return bytes ? success(bytes) : failure('bad-value', 'password must be 6 digits (PA00P015 1.2)');
}

// --- the Pre-Authorisation family (2.8, 2.10, 2.11, 2.13, 2.14) ---------------------------

export type PreAuthorisationFamily = PreAuthorisationMessage | PartialReversalMessage | BookTotalMessage | PreAuthorisationReversalMessage | ExternalReversalMessage;

/** 2.11: "The type of the reservation is to be provided in the TLV Container, Tag 0x1F06". */
function reservationTypeMissing(kind: PreAuthorisationFamily['kind'], nodes: readonly TlvNode[] | undefined): boolean {
  return kind === 'external-reversal' && findTlv(nodes, 0x1f06) === undefined;
}

/** 1F06 (9.4.2): 2 reservation, 3 its extension, 5 booking (deprecated), 6/7 telephonic reservation/extension. */
const RESERVATION = 2;
export const EXTENSION = 3;
const TELEPHONIC_RESERVATION = 6;
const TELEPHONIC_EXTENSION = 7;

/** The trace number a command names: 0B, or the long trace 1F2B when 0B is 000000 (9.4.2); undefined when none. */
export function sentTrace(message: { trace?: number; tlv?: readonly TlvNode[] }): number | undefined {
  if (message.trace) return message.trace;
  const long = findTlv(message.tlv, 0x1f2b)?.value;
  const digits = long ? bcdToDigits(long) : undefined;
  return digits ? Number(digits) : undefined;
}

function traceSent(message: { trace?: number; tlv?: readonly TlvNode[] }): boolean {
  return sentTrace(message) !== undefined;
}

function reservationType(nodes: readonly TlvNode[] | undefined): number | undefined {
  const value = findTlv(nodes, 0x1f06)?.value;
  return value?.length === 1 ? value[0] : undefined;
}

/** 06 22's kind (1F06 values): as 1F06 says, else an extension when a trace is sent, else a primary reservation (2.8). */
export function preAuthorisationType(message: PreAuthorisationMessage): number {
  return reservationType(message.tlv) ?? (traceSent(message) ? EXTENSION : RESERVATION);
}

/**
 * What a reservation command lacks for its kind of transaction, else undefined.
 * 2.8 (06 22): without 1F06 a trace number makes it an extension, else a primary reservation;
 * an extension needs the trace (0B or 1F2B) and the AID (3B); a telephonic reservation or
 * extension needs the AID, the trace being optional for the telephonic extension.
 * 2.10 (06 23 without 87, the Booking of a Reservation): the trace unless telephonic, and the AID.
 * The spec also lists the trace for a Partial-Reversal (06 23 with 87); that one names its
 * reservation by receipt number, and ECRs in the field send it without (ecrterm), so it is not asked.
 */
export function reservationRequirement(message: PreAuthorisationFamily): string | undefined {
  if (message.kind === 'pre-authorisation') {
    const type = preAuthorisationType(message);
    if (type === EXTENSION && !traceSent(message)) return 'a reservation extension needs the trace number of the reservation (0B or TLV 1F2B, 2.8)';
    if ((type === EXTENSION || type === TELEPHONIC_RESERVATION || type === TELEPHONIC_EXTENSION) && message.authorisationAttribute === undefined) {
      return 'a reservation extension or telephonic reservation needs the AID (3B, 2.8)';
    }
    return undefined;
  }
  if (message.kind === 'partial-reversal' && message.receiptNumber === undefined) {
    if (reservationType(message.tlv) !== TELEPHONIC_EXTENSION && !traceSent(message)) return 'a booking of a reservation needs its trace number (0B or TLV 1F2B, 2.10)';
    if (message.authorisationAttribute === undefined) return 'a booking of a reservation needs the AID (3B, 2.10)';
  }
  return undefined;
}

export function decodePreAuthorisationFamily(kind: PreAuthorisationFamily['kind'], data: Uint8Array, options: FieldCodecOptions): DecodeResult<PreAuthorisationFamily> {
  const read = readLayoutBitmaps(kind, data, 0, options);
  if (!read.ok) return read;
  if (reservationTypeMissing(kind, read.value.fields.tlv)) return failure('missing-field', 'external-reversal needs the reservation type (TLV 1F06, 2.11)');
  const message = { ...read.value.fields, kind, ...extras(read.value) } as PreAuthorisationFamily;
  // A terminal cannot carry out a reservation transaction without what its chapter requires.
  const lacking = reservationRequirement(message);
  return lacking ? failure('missing-field', lacking) : success(message);
}

export function encodePreAuthorisationFamily(message: PreAuthorisationFamily, options: FieldCodecOptions): DecodeResult<Uint8Array> {
  if (reservationTypeMissing(message.kind, message.tlv)) return failure('bad-value', 'external-reversal needs the reservation type (TLV 1F06, 2.11)');
  // Strict writer: what the chapter requires for this kind of reservation transaction (the reader
  // refuses it too, so the simulator answers such a command as a terminal would, with 9A).
  const lacking = reservationRequirement(message);
  if (lacking) return failure('bad-value', lacking);
  return writeLayoutBitmaps(message.kind, message, message, options);
}

// --- Read Card (2.21) and Activate Card-Reader (2.22) ---------------------------------------

export function decodeReadCard(data: Uint8Array, options: FieldCodecOptions): DecodeResult<ReadCardMessage> {
  if (data.length === 0) return success({ kind: 'read-card' });
  const read = readLayoutBitmaps('read-card', data, 1, options);
  if (!read.ok) return read;
  const { paymentType, dialogControl, tlv: container } = read.value.fields;
  const message: ReadCardMessage = { kind: 'read-card', timeoutSeconds: data[0] ?? 0, ...extras(read.value) };
  if (paymentType !== undefined) message.cardReadType = paymentType;
  if (dialogControl !== undefined) message.dialogControl = dialogControl;
  if (container !== undefined) message.tlv = container;
  return success(message);
}

export function encodeReadCard(message: ReadCardMessage, options: FieldCodecOptions): DecodeResult<Uint8Array> {
  const { timeoutSeconds } = message;
  const follows = message.cardReadType !== undefined || message.dialogControl !== undefined || message.tlv !== undefined || message.otherFields !== undefined || message.unparsed !== undefined;
  if (timeoutSeconds === undefined) return follows ? failure('bad-value', 'Read Card: with card type, dialog control or TLV the timeout must be sent too (2.21)') : success(new Uint8Array(0));
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0 || timeoutSeconds > 255) return failure('bad-value', 'Read Card timeout must be 0..255 seconds');
  const rest = writeLayoutBitmaps('read-card', { paymentType: message.cardReadType, dialogControl: message.dialogControl, tlv: message.tlv }, message, options);
  if (!rest.ok) return rest;
  return success(concatBytes([[timeoutSeconds], rest.value]));
}

export function decodeActivateCardReader(data: Uint8Array, options: FieldCodecOptions): DecodeResult<ActivateCardReaderMessage> {
  const read = readLayoutBitmaps('activate-card-reader', data, 0, options);
  if (!read.ok) return read;
  const message: ActivateCardReaderMessage = { kind: 'activate-card-reader', ...extras(read.value) };
  if (read.value.fields.cardReaderActivation !== undefined) message.cardReaderActivation = read.value.fields.cardReaderActivation;
  return success(message);
}

export function encodeActivateCardReader(message: ActivateCardReaderMessage, options: FieldCodecOptions): DecodeResult<Uint8Array> {
  return writeLayoutBitmaps('activate-card-reader', message, message, options);
}

// --- Write File (2.41) and the PT's file request (04 0C) -------------------------------------

/** Tags 1D, 1E and 1F00 are binary numbers in network byte order of variable length (9.4.2). */
function readNumber(node: TlvNode | undefined): number | undefined {
  if (!node || node.value.length === 0 || node.value.length > 6) return undefined;
  return node.value.reduce((sum, byte) => sum * 256 + byte, 0);
}

function numberBytes(value: number, minimum: number): Uint8Array | undefined {
  if (!Number.isSafeInteger(value) || value < 0) return undefined;
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0 || bytes.length < minimum) {
    bytes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return bytes.length > 6 ? undefined : new Uint8Array(bytes);
}

/** One tag 2D: 1D file id, 1F80 file name, 1F00 total length, 1F81 MIME type, 1E offset. */
export function readFileEntry(node: TlvNode, charset: Charset): FileEntry {
  const children = node.children ?? [];
  const find = (tag: number) => children.find((child) => child.tag === tag);
  const entry: FileEntry = {};
  const fileId = readNumber(find(0x1d));
  if (fileId !== undefined) entry.fileId = fileId;
  const name = find(0x1f80);
  if (name) entry.fileName = decodeText(name.value, charset);
  const totalLength = readNumber(find(0x1f00));
  if (totalLength !== undefined) entry.totalLength = totalLength;
  const mime = find(0x1f81);
  if (mime) entry.mimeType = decodeText(mime.value, charset);
  const offset = readNumber(find(0x1e));
  if (offset !== undefined) entry.offset = offset;
  return entry;
}

/** A file's key in Write File: its id as a decimal string, else its name (2.41.1: 1D or 1F80). */
export function fileKey(file: FileEntry | undefined): string | undefined {
  if (!file) return undefined;
  return file.fileId !== undefined ? String(file.fileId) : file.fileName;
}

/**
 * Tag 2D for one file, its subtags in the order the chapter lists them: 1D, 1F80, 1E, 1F00, 1F81
 * (2.41.1, 2.41.2); with `block` the transmission's 1C, 1E, 1D, 1F80, 1F00, 1F81 (2.41.3).
 */
export function fileEntryTlv(entry: FileEntry, charset: Charset, block?: Uint8Array): DecodeResult<TlvNode> {
  const children: TlvNode[] = [];
  const number = (tag: number, value: number | undefined, minimum: number): DecodeResult<void> => {
    if (value === undefined) return success(undefined);
    const bytes = numberBytes(value, minimum);
    if (!bytes) return failure('bad-value', `file tag ${tag.toString(16).toUpperCase()} must be a whole number below 2^48`);
    children.push(tlv(tag, bytes));
    return success(undefined);
  };
  const steps: DecodeResult<void>[] = [];
  if (block) children.push(tlv(0x1c, block));
  if (block) steps.push(number(0x1e, entry.offset, 4));
  steps.push(number(0x1d, entry.fileId, 1));
  if (entry.fileName !== undefined) children.push(tlv(0x1f80, encodeText(entry.fileName, charset)));
  if (!block) steps.push(number(0x1e, entry.offset, 4));
  steps.push(number(0x1f00, entry.totalLength, 4));
  if (entry.mimeType !== undefined) children.push(tlv(0x1f81, encodeText(entry.mimeType, charset)));
  const failed = steps.find((step) => !step.ok);
  if (failed && !failed.ok) return failed;
  return success({ tag: 0x2d, constructed: true, value: encodeTlvList(children), children });
}

function textCharset(options: FieldCodecOptions): Charset {
  return options.charset === undefined || options.charset === 'auto' ? 'cp437' : options.charset;
}

/** What 2.41.1 asks of the files of a Write File: at least one 2D, each with 1D or 1F80 and 1F00. */
function writeFileProblem(files: readonly FileEntry[]): string | undefined {
  if (files.length === 0) return 'Write File needs at least one file (tag 2D, 2.41.1)';
  if (files.some((file) => file.fileId === undefined && file.fileName === undefined)) return 'each file of a Write File needs a file id (1D) or a file name (1F80) (2.41.1)';
  if (files.some((file) => file.totalLength === undefined)) return 'each file of a Write File needs its total length (1F00) (2.41.1)';
  return undefined;
}

function filesOf(nodes: readonly TlvNode[], options: FieldCodecOptions): FileEntry[] {
  return nodes.filter((node) => node.tag === 0x2d).map((node) => readFileEntry(node, textCharset(options)));
}

export function decodeWriteFile(data: Uint8Array, options: FieldCodecOptions): DecodeResult<WriteFileMessage> {
  const password = readPassword(data);
  if (!password.ok) return password;
  const read = readLayoutBitmaps('write-file', data, 3, options);
  if (!read.ok) return read;
  const nodes = read.value.fields.tlv ?? [];
  const files = filesOf(nodes, options);
  const problem = writeFileProblem(files);
  if (problem) return failure('missing-field', problem, 3);
  return success({ kind: 'write-file', password: password.value, files, tlv: nodes, ...extras(read.value) });
}

export function encodeWriteFile(message: WriteFileMessage, options: FieldCodecOptions): DecodeResult<Uint8Array> {
  const head = passwordBytes(message.password);
  if (!head.ok) return head;
  let nodes = message.tlv;
  if (nodes === undefined) {
    const problem = writeFileProblem(message.files);
    if (problem) return failure('bad-value', problem);
    nodes = [];
    for (const file of message.files) {
      const node = fileEntryTlv(file, textCharset(options));
      if (!node.ok) return node;
      nodes.push(node.value);
    }
  }
  const problem = writeFileProblem(filesOf(nodes, options));
  if (problem) return failure('bad-value', problem);
  const rest = writeLayoutBitmaps('write-file', { tlv: nodes }, message, options);
  if (!rest.ok) return rest;
  return success(concatBytes([head.value, rest.value]));
}

/** 2.41.2: one tag 2D naming the next block's offset (1E, mandatory). */
function requestedFile(nodes: readonly TlvNode[] | undefined, options: FieldCodecOptions): FileEntry | undefined {
  const node = findTlv(nodes, 0x2d);
  const file = node ? readFileEntry(node, textCharset(options)) : undefined;
  return file?.offset === undefined ? undefined : file;
}

const NO_REQUESTED_BLOCK = 'the file request needs tag 2D with the offset of the next block (1E) (2.41.2)';

/**
 * The ECR's answer to a block request (2.41.3): 80 00 06<2D with 1C block, 1D or 1F80 as the
 * request named the file, 1E offset, 1F00 total length>.
 */
export function fileBlockAnswer(file: FileEntry, offset: number, block: Uint8Array, options: FieldCodecOptions): DecodeResult<Uint8Array> {
  const entry: FileEntry = { offset };
  if (file.fileId !== undefined) entry.fileId = file.fileId;
  else if (file.fileName !== undefined) entry.fileName = file.fileName;
  if (file.totalLength !== undefined) entry.totalLength = file.totalLength;
  const node = fileEntryTlv(entry, textCharset(options), block);
  if (!node.ok) return node;
  const data = encodeBitmapList({ tlv: [node.value] }, options);
  if (!data.ok) return data;
  return success(concatBytes([[0x80, 0x00], encodeLengthField(data.value.length), data.value]));
}

export function decodeFileRequest(data: Uint8Array, options: FieldCodecOptions): DecodeResult<FileRequestMessage> {
  const read = readLayoutBitmaps('file-request', data, 0, options);
  if (!read.ok) return read;
  const nodes = read.value.fields.tlv ?? [];
  const file = requestedFile(nodes, options);
  if (!file) return failure('missing-field', NO_REQUESTED_BLOCK, 0);
  return success({ kind: 'file-request', tlv: nodes, file, ...extras(read.value) });
}

export function encodeFileRequest(message: FileRequestMessage, options: FieldCodecOptions): DecodeResult<Uint8Array> {
  if (!requestedFile(message.tlv, options)) return failure('bad-value', NO_REQUESTED_BLOCK);
  return writeLayoutBitmaps('file-request', message, message, options);
}

/**
 * The open pre-authorisations of an Abort B8 (2.10.1): BMP 87 (the first one; FFFF none) and every
 * 08 of TLV tag 23, the list the PT may send instead; each receipt number once, 87's first.
 */
export function openReceiptNumbers(receiptNumber: number | null | undefined, nodes: readonly TlvNode[] | undefined): number[] | undefined {
  const out = new Set<number>();
  if (typeof receiptNumber === 'number') out.add(receiptNumber);
  const list = findTlv(nodes, 0x23);
  for (const child of list?.children ?? []) {
    if (child.tag !== 0x08) continue;
    const digits = bcdToDigits(child.value);
    if (digits !== undefined && digits !== '') out.add(Number(digits));
  }
  return out.size > 0 || receiptNumber === null ? [...out] : undefined;
}
