import {
  BITMAPS_BY_ID,
  decodeBitmapContent,
  decodeBitmapList,
  encodeBitmapList,
  FIELD_ORDER,
  pickBitmapFields,
  readVariableLength,
  writeVariableLength,
  type BitmapFields,
  type BitmapList,
  type BitmapName,
  type FieldCodecOptions,
  type Unparsed,
} from './bitmaps';
import { bcdToDigits, bytesToNibbles, concatBytes, digitsToBcd } from './bytes';
import { charsetFromIsoCode, decodeText, encodeText, type Charset } from './charset';
import {
  decodeActivateCardReader,
  decodeFileRequest,
  decodePreAuthorisationFamily,
  decodeReadCard,
  decodeWriteFile,
  encodeActivateCardReader,
  encodeFileRequest,
  encodePreAuthorisationFamily,
  encodeReadCard,
  encodeWriteFile,
  openReceiptNumbers,
  passwordBytes,
  readLayoutBitmaps,
  readPassword,
  writeLayoutBitmaps,
} from './command-layouts';
import { encodeLengthField, readApduHeader, SerialFrameDecoder, MAXIMUM_DATA_LENGTH } from './framing';
import {
  COMMAND_CODES,
  KIND_BY_CODE,
  type CompletionMessage,
  type DeviceInformation,
  type DisplayTextOldMessage,
  type IntermediateStatusMessage,
  type PrintLineMessage,
  type PrintTextBlockMessage,
  type ReceiptLine,
  type StatusInformationMessage,
  type TerminalAbortMessage,
  type ZvtMessage,
} from './messages';
import { failure, success, type DecodeResult } from './result';
import { encodeTlvList, findTlv, tlv, type TlvNode } from './tlv';
import { clockTime, readTlvFields } from './tlv-fields';

export interface CodecOptions {
  /** Text fields; default CP437 (PA00P015 chapter 15). */
  charset?: Charset;
  /** Read TLV 1F42 as hex digits (ASCII "1A2F" or nibbles) even when it looks like BCD (some terminals, see reference README). */
  serialNumberAsHex?: boolean;
  /**
   * Which 06 0F layout to expect. The session knows (it passes 'status-enquiry' while a Status
   * Enquiry runs); 'auto' guesses from the bytes for tools that decode a lone APDU.
   */
  completionForm?: 'auto' | 'bitmaps' | 'status-enquiry';
}

/** Split an APDU into control field and data; the length field must match exactly (PA00P016 5.2.4). */
export function parseApdu(apdu: Uint8Array): DecodeResult<{ classByte: number; instruction: number; data: Uint8Array }> {
  if (apdu.length < 3) return failure('truncated', `an APDU has at least 3 bytes, got ${apdu.length}`, 0);
  const header = readApduHeader(apdu);
  if (!header) return failure('truncated', 'extended length field cut short', 2);
  const expected = header.headerLength + header.dataLength;
  if (expected !== apdu.length) {
    return failure('length-mismatch', `length field says ${header.dataLength} data bytes, ${apdu.length - header.headerLength} present`, 2);
  }
  return success({ classByte: apdu[0] ?? 0, instruction: apdu[1] ?? 0, data: apdu.subarray(header.headerLength) });
}

export function buildApdu(classByte: number, instruction: number, data: Uint8Array): DecodeResult<Uint8Array> {
  if (data.length > MAXIMUM_DATA_LENGTH) return failure('too-long', `data block of ${data.length} bytes exceeds 65535`);
  return success(concatBytes([[classByte, instruction], encodeLengthField(data.length), data]));
}

// --- decoding ------------------------------------------------------------------------------

function fieldOptions(options: CodecOptions): FieldCodecOptions {
  return { charset: options.charset ?? 'cp437' };
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function bitmapsOnly(list: BitmapList): DecodeResult<BitmapFields> {
  // In ECR commands an unknown BMP is a malformed command: the PT itself answers 84 83 (chapter 13).
  if (list.unparsed) return failure('unknown-bitmap', `unknown BMP 0x${list.unparsed.bitmap.toString(16)}`, list.unparsed.offset);
  return success(list.fields);
}

function decodeData(classByte: number, instruction: number, data: Uint8Array, options: CodecOptions): DecodeResult<ZvtMessage> {
  const fields = fieldOptions(options);
  if (classByte === 0x80 || classByte === 0x84) return decodeAcknowledgement(classByte, instruction, data, fields);
  const kind = KIND_BY_CODE.get((classByte << 8) | instruction);
  if (!kind) return success({ kind: 'unknown', classByte, instruction, data: data.slice() });
  switch (kind) {
    case 'registration': {
      const password = readPassword(data);
      if (!password.ok) return password;
      if (data.length < 4) return failure('missing-field', 'config byte missing', 3);
      const config = data[3] ?? 0;
      if (data.length === 4) return success({ kind, password: password.value, config });
      if (data.length < 6) return failure('truncated', 'currency code needs 2 bytes', 4);
      const currency = bcdToDigits(data.subarray(4, 6));
      if (currency === undefined) return failure('bad-bcd', 'currency code is not BCD', 4);
      const rest = decodeBitmapList(data, 6, fields);
      if (!rest.ok) return rest;
      const bitmaps = bitmapsOnly(rest.value);
      if (!bitmaps.ok) return bitmaps;
      return success(stripUndefined({ kind, password: password.value, config, currency: Number(currency), serviceByte: bitmaps.value.serviceByte, tlv: bitmaps.value.tlv }));
    }
    case 'status-enquiry': {
      if (data.length === 0) return success({ kind });
      const password = readPassword(data);
      if (!password.ok) return password;
      const rest = decodeBitmapList(data, 3, fields);
      if (!rest.ok) return rest;
      const bitmaps = bitmapsOnly(rest.value);
      if (!bitmaps.ok) return bitmaps;
      return success(stripUndefined({ kind, password: password.value, serviceByte: bitmaps.value.serviceByte, tlv: bitmaps.value.tlv }));
    }
    case 'end-of-day':
    case 'send-turnover-totals':
    case 'repeat-receipt': {
      const password = readPassword(data);
      if (!password.ok) return password;
      const rest = decodeBitmapList(data, 3, fields);
      if (!rest.ok) return rest;
      const bitmaps = bitmapsOnly(rest.value);
      if (!bitmaps.ok) return bitmaps;
      if (kind === 'send-turnover-totals') return success({ kind, password: password.value });
      if (kind === 'end-of-day') return success(stripUndefined({ kind, password: password.value, tlv: bitmaps.value.tlv }));
      return success(stripUndefined({ kind, password: password.value, serviceByte: bitmaps.value.serviceByte, tlv: bitmaps.value.tlv }));
    }
    case 'reversal':
    case 'refund': {
      const password = readPassword(data);
      if (!password.ok) return password;
      const rest = decodeBitmapList(data, 3, fields);
      if (!rest.ok) return rest;
      const bitmaps = bitmapsOnly(rest.value);
      if (!bitmaps.ok) return bitmaps;
      if (kind === 'reversal') {
        if (bitmaps.value.receiptNumber === undefined || bitmaps.value.receiptNumber === null) return failure('missing-field', 'reversal needs BMP 87 receipt number', 3);
        return success({ ...bitmaps.value, kind, password: password.value, receiptNumber: bitmaps.value.receiptNumber });
      }
      return success({ ...bitmaps.value, kind, password: password.value });
    }
    case 'log-off':
    case 'selftest':
    case 'print-system-configuration':
      // No data defined; anything present is ignored as the spec tells the PT to do.
      return success({ kind });
    case 'diagnosis':
    case 'software-update':
    case 'abort':
    case 'authorization': {
      const list = decodeBitmapList(data, 0, fields);
      if (!list.ok) return list;
      const bitmaps = bitmapsOnly(list.value);
      if (!bitmaps.ok) return bitmaps;
      if (kind === 'authorization') return success({ ...bitmaps.value, kind });
      if (kind === 'abort') {
        return success(stripUndefined({ kind, cardOutputDirection: bitmaps.value.cardOutputDirection, cardReaderActivation: bitmaps.value.cardReaderActivation }));
      }
      return success(stripUndefined({ kind, tlv: bitmaps.value.tlv }));
    }
    case 'status-information': {
      const list = decodeBitmapList(data, 0, fields);
      if (!list.ok) return list;
      const found = list.value.fields;
      return success(
        stripUndefined({
          ...found,
          kind,
          ...derivedDateFields(found),
          tlvFields: readTlvFields(found.tlv, containerCharset(found.tlv, options.charset ?? 'cp437')),
          unparsed: list.value.unparsed,
        }),
      );
    }
    case 'set-date-time': {
      const list = decodeBitmapList(data, 0, fields);
      if (!list.ok) return list;
      const { fullDate, time } = list.value.fields;
      if (fullDate === undefined || time === undefined) return failure('missing-field', 'Set Date and Time needs AA<date> and 0C<time>', 0);
      return success({ kind, fullDate, time });
    }
    case 'display-text':
    case 'display-text-key-input':
    case 'display-text-numeric-input': {
      // All bitmaps optional, "the illustrated order is variable" (2.26): a tolerant reader.
      const list = decodeBitmapList(data, 0, fields);
      if (!list.ok) return list;
      const bitmaps = bitmapsOnly(list.value);
      if (!bitmaps.ok) return bitmaps;
      const allowed = DISPLAY_TEXT_FIELDS[kind];
      const extra = Object.keys(bitmaps.value).find((name) => !allowed.includes(name as BitmapName));
      if (extra) return failure('unexpected-field', `${extra} is not a field of ${kind}`, 0);
      return success({ ...bitmaps.value, kind });
    }
    case 'display-text-old':
    case 'display-text-key-input-old':
      return decodeDisplayTextOld(kind, data);
    case 'pre-authorisation':
    case 'partial-reversal':
    case 'book-total':
    case 'pre-authorisation-reversal':
    case 'external-reversal':
      return decodePreAuthorisationFamily(kind, data, fields);
    case 'read-card':
      return decodeReadCard(data, fields);
    case 'activate-card-reader':
      return decodeActivateCardReader(data, fields);
    case 'write-file':
      return decodeWriteFile(data, fields);
    case 'file-request':
      return decodeFileRequest(data, fields);
    case 'intermediate-status':
      return decodeIntermediateStatus(data, options);
    case 'print-line':
      return decodePrintLine(data, options);
    case 'print-text-block':
      return decodePrintTextBlock(data, options);
    case 'completion':
      return decodeCompletion(data, options);
    case 'terminal-abort':
      return decodeTerminalAbort(data, options);
  }
}

/** The BMPs each display-text command may carry (2.26, 2.28, 2.30). */
const DISPLAY_TEXT_BASE: readonly BitmapName[] = ['displayDuration', 'text1Line1', 'text1Line2', 'text1Line3', 'text1Line4', 'text1Line5', 'text1Line6', 'text1Line7', 'text1Line8', 'beepCount'];
const DISPLAY_TEXT_FIELDS: Record<'display-text' | 'display-text-key-input' | 'display-text-numeric-input', readonly BitmapName[]> = {
  'display-text': [...DISPLAY_TEXT_BASE, 'displayDevice'],
  'display-text-key-input': [...DISPLAY_TEXT_BASE, 'displayDevice', 'tlv'],
  'display-text-numeric-input': [
    ...DISPLAY_TEXT_BASE,
    'confirmInput', 'inputMinimumLength', 'text2Line1', 'text2Line2', 'text2Line3', 'text2Line4', 'text2Line5', 'text2Line6', 'text2Line7', 'text2Line8',
    'inputMaximumLength', 'echoInput', 'messageAuthenticationCode', 'tlv',
  ],
};
/** The strict writer's order: the spec's layout (2.26, 2.30). */
const DISPLAY_TEXT_ORDER = [0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfb, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xfd];

/** One old-version text: <position BCD><characters in the 7-bit set><00>; answers the text and the offset after its 00. */
function readOldText(data: Uint8Array, offset: number): DecodeResult<{ position: number; text: string; next: number }> {
  const position = bcdToDigits(data.subarray(offset, offset + 1));
  if (position === undefined) return failure('bad-bcd', 'display position is not BCD', offset);
  // The 7-bit set drops the eighth bit (decodeText 'zvt7'), so 80 is 00 with its parity bit: it ends the text too.
  let end = offset + 1;
  while (end < data.length && (data[end]! & 0x7f) !== 0) end++;
  if (end >= data.length) return failure('truncated', 'display text is not terminated by 00', offset);
  return success({ position: Number(position), text: decodeText(data.subarray(offset + 1, end), 'zvt7'), next: end + 1 });
}

function decodeDisplayTextOld(kind: 'display-text-old' | 'display-text-key-input-old', data: Uint8Array): DecodeResult<ZvtMessage> {
  if (data.length === 0) return failure('missing-field', 'the display text needs text 1', 0);
  const first = readOldText(data, 0);
  if (!first.ok) return first;
  const texts = [{ position: first.value.position, text: first.value.text }];
  let offset = first.value.next;
  if (offset === data.length) return success({ kind, texts });
  const durationSeconds = data[offset]!;
  offset += 1;
  if (offset < data.length) {
    const second = readOldText(data, offset);
    if (!second.ok) return second;
    texts.push({ position: second.value.position, text: second.value.text });
    if (second.value.next !== data.length) return failure('trailing-bytes', 'bytes after text 2', second.value.next);
  }
  return success({ kind, texts, durationSeconds });
}

function encodeDisplayTextOld(message: DisplayTextOldMessage): DecodeResult<Uint8Array> {
  const { texts } = message;
  if (texts.length < 1 || texts.length > 2) return failure('bad-value', 'the old display text has one or two texts');
  // With text 2 the duration is mandatory (2.27): the PT's default of 5 s then.
  const duration = message.durationSeconds ?? (texts.length === 2 ? 5 : undefined);
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 0 || duration > 255)) return failure('bad-value', 'display duration must be 0..255 seconds');
  const parts: Uint8Array[] = [];
  for (const [index, entry] of texts.entries()) {
    if (index === 1) parts.push(new Uint8Array([duration!]));
    const position = digitsToBcd(String(entry.position), 1);
    if (!position) return failure('bad-value', 'display position must be 0..99');
    const text = encodeText(entry.text, 'zvt7');
    if (text.includes(0x00)) return failure('bad-value', 'display text must not contain 00');
    parts.push(position, text, new Uint8Array([0x00]));
  }
  if (texts.length === 1 && duration !== undefined) parts.push(new Uint8Array([duration]));
  return success(concatBytes(parts));
}

function decodeAcknowledgement(classByte: number, instruction: number, data: Uint8Array, fields: FieldCodecOptions): DecodeResult<ZvtMessage> {
  const list = data.length > 0 ? decodeBitmapList(data, 0, fields) : undefined;
  const parsed = list?.ok && !list.value.unparsed ? list.value.fields : undefined;
  const extra = data.length === 0 ? {} : parsed ? { fields: parsed } : { data: data.slice() };
  // 84 00 is a positive completion too (PA00P016 5.2.3).
  if (classByte === 0x80 || instruction === 0x00) {
    if (classByte === 0x80 && instruction !== 0x00) return success({ kind: 'unknown', classByte, instruction, data: data.slice() });
    return success(classByte === 0x84 ? { kind: 'positive-ack', alternative: true, ...extra } : { kind: 'positive-ack', ...extra });
  }
  return success({ kind: 'negative-ack', resultCode: instruction, ...extra });
}

/** BMP 0C as "hh:mm:ss", 0D as month and day, 0E as month and year (2000 + YY), where the digits make sense. */
function derivedDateFields(fields: BitmapFields): Pick<StatusInformationMessage, 'timeOfDay' | 'monthDay' | 'expiry'> {
  const out: Pick<StatusInformationMessage, 'timeOfDay' | 'monthDay' | 'expiry'> = {};
  const timeOfDay = clockTime(fields.time);
  if (timeOfDay) out.timeOfDay = timeOfDay;
  if (fields.date && /^\d{4}$/.test(fields.date)) {
    const [month, day] = [Number(fields.date.slice(0, 2)), Number(fields.date.slice(2, 4))];
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) out.monthDay = { month, day };
  }
  if (fields.expiryDate && /^\d{4}$/.test(fields.expiryDate)) {
    const [year, month] = [2000 + Number(fields.expiryDate.slice(0, 2)), Number(fields.expiryDate.slice(2, 4))];
    if (month >= 1 && month <= 12) out.expiry = { month, year };
  }
  return out;
}

function decodeTlvAt(data: Uint8Array, offset: number): DecodeResult<{ nodes: TlvNode[]; next: number }> {
  const entry = BITMAPS_BY_ID.get(0x06);
  if (!entry) return failure('bad-tlv', 'BMP 06 missing from the table');
  const content = decodeBitmapContent(entry, data, offset + 1);
  if (!content.ok) return content;
  return success({ nodes: content.value.value as TlvNode[], next: content.value.next });
}

function tlvContainerEndsAt(data: Uint8Array, offset: number): boolean {
  const container = decodeTlvAt(data, offset);
  return container.ok && container.value.next === data.length;
}

function textOf(node: TlvNode | undefined, charset: Charset): string | undefined {
  return node ? decodeText(node.value, charset) : undefined;
}

/** Charset named by TLV tag 14 inside the container, else the session's. */
function containerCharset(nodes: TlvNode[] | undefined, fallback: Charset): Charset {
  const tag = findTlv(nodes, 0x14);
  const code = tag?.value[0];
  return (code !== undefined ? charsetFromIsoCode(code) : undefined) ?? fallback;
}

function decodeIntermediateStatus(data: Uint8Array, options: CodecOptions): DecodeResult<IntermediateStatusMessage> {
  const status = data[0];
  if (status === undefined) return failure('missing-field', 'intermediate status byte missing', 0);
  const message: IntermediateStatusMessage = { kind: 'intermediate-status', status };
  // 3.7 says a TLV container comes only after the timeout byte, but the spec's own trace in 5.1
  // ("04 FF 09 17 06 06 1F 73 ...") sends it straight after the status: accept both, preferring
  // the documented layout when the bytes allow either.
  let containerAt: number | undefined;
  if (data.length > 2 && data[2] === 0x06 && tlvContainerEndsAt(data, 2)) containerAt = 2;
  else if (data.length > 2 && data[1] === 0x06 && tlvContainerEndsAt(data, 1)) containerAt = 1;
  else if (data.length > 2) return failure('unknown-bitmap', 'only a TLV container (06) may follow the timeout', 2);
  if (data.length >= 2 && containerAt !== 1) {
    const timeout = data[1] ?? 0;
    const digits = bcdToDigits(new Uint8Array([timeout]));
    // Timeout is 1 byte BCD minutes (3.7); a terminal sending binary still means minutes.
    message.timeoutMinutes = digits === undefined ? timeout : Number(digits);
  }
  if (containerAt !== undefined) {
    const container = decodeTlvAt(data, containerAt);
    if (!container.ok) return container;
    message.tlv = container.value.nodes;
    const charset = containerCharset(container.value.nodes, options.charset ?? 'cp437');
    const named = readTlvFields(container.value.nodes, charset);
    if (named) message.tlvFields = named;
    const display = findTlv(container.value.nodes, 0x24);
    if (display?.children) message.displayTexts = display.children.filter((node) => node.tag === 0x07).map((node) => decodeText(node.value, charset));
  }
  return success(message);
}

function decodePrintLine(data: Uint8Array, options: CodecOptions): DecodeResult<PrintLineMessage> {
  const attribute = data[0];
  if (attribute === undefined) return failure('missing-field', 'print line attribute missing', 0);
  if (attribute === 0xff) return success({ kind: 'print-line', attribute, text: '', linefeeds: data[1] ?? 1 });
  // Tolerant reader: a TLV container may follow the text (06 LL ... up to the end); text holds no 06 (ACK).
  const containerAt = data.indexOf(0x06, 1);
  const container = containerAt > 0 && tlvContainerEndsAt(data, containerAt) ? decodeTlvAt(data, containerAt) : undefined;
  const textEnd = container?.ok ? containerAt : data.length;
  const message: PrintLineMessage = { kind: 'print-line', attribute, text: decodeText(data.subarray(1, textEnd), options.charset ?? 'cp437') };
  if (container?.ok) {
    message.tlv = container.value.nodes;
    const receiptType = findTlv(container.value.nodes, 0x1f07)?.value;
    if (receiptType?.length === 1) message.receiptType = receiptType[0];
  }
  return success(message);
}

/** Attribute 1xxx xxxx other than 80 marks the last line of a receipt (table 16). */
export function isLastLineAttribute(attribute: number): boolean {
  return (attribute & 0x80) !== 0 && attribute !== 0x80 && attribute !== 0xff;
}

function decodePrintTextBlock(data: Uint8Array, options: CodecOptions): DecodeResult<PrintTextBlockMessage> {
  if (data[0] !== 0x06) return failure('missing-field', 'Print Text-Block carries a TLV container (06)', 0);
  const container = decodeTlvAt(data, 0);
  if (!container.ok) return container;
  if (container.value.next !== data.length) return failure('length-mismatch', 'bytes after the TLV container', container.value.next);
  const nodes = container.value.nodes;
  const charset = containerCharset(nodes, options.charset ?? 'cp437');
  const lines: ReceiptLine[] = [];
  let attribute = 0;
  let endOfReceipt = false;
  const texts = findTlv(nodes, 0x25);
  for (const node of texts?.children ?? []) {
    // Tag 09 applies to the lines after it; as the last item with 1xxx xxxx it ends the receipt (9.4.2).
    if (node.tag === 0x09) {
      attribute = node.value[0] ?? 0;
      endOfReceipt = isLastLineAttribute(attribute);
    } else if (node.tag === 0x07) {
      lines.push({ attribute, text: decodeText(node.value, charset) });
      endOfReceipt = false;
    }
  }
  const receiptType = findTlv(nodes, 0x1f07)?.value[0];
  const message: PrintTextBlockMessage = { kind: 'print-text-block', lines, endOfReceipt, tlv: nodes };
  if (receiptType !== undefined) message.receiptType = receiptType;
  return success(message);
}

/**
 * TLV 1F42 is BCD (9.4.12.1); bytes that are not BCD are shown as their hex nibbles. Some terminals
 * send the serial number as hex digits instead (reference README): written out as ASCII
 * characters like 1F40/1F41 ("1A2F" = 31 41 32 46), which read as BCD would give "31413246".
 * With the vendor profile's serialNumberAsHex, a value made only of ASCII hex digits is read as
 * those digits; anything else still as nibbles.
 */
function readSerialNumber(value: Uint8Array, asHex: boolean): string {
  if (asHex && value.length > 0 && value.every(isAsciiHexDigit)) return String.fromCharCode(...value).toUpperCase();
  if (asHex) return bytesToNibbles(value);
  return bcdToDigits(value) ?? bytesToNibbles(value);
}

function isAsciiHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** Device information of TLV E4 / 1F40..1F44 (9.4.12). Serial number: see readSerialNumber. */
export function readDeviceInformation(nodes: TlvNode[] | undefined, options: CodecOptions = {}): DeviceInformation | undefined {
  if (!nodes) return undefined;
  const charset = options.charset ?? 'cp437';
  const serial = findTlv(nodes, 0x1f42);
  const terminal = findTlv(nodes, 0x1f44);
  const state = findTlv(nodes, 0x1f43)?.value[0];
  const info: DeviceInformation = stripUndefined({
    deviceName: textOf(findTlv(nodes, 0x1f40), charset),
    softwareVersion: textOf(findTlv(nodes, 0x1f41), charset),
    serialNumber: serial ? readSerialNumber(serial.value, options.serialNumberAsHex === true) : undefined,
    deviceState: state,
    terminalId: terminal ? (bcdToDigits(terminal.value) ?? bytesToNibbles(terminal.value)) : undefined,
  });
  return Object.keys(info).length > 0 ? info : undefined;
}

const SOFTWARE_VERSION = { id: 0, name: 'additionalText', length: { kind: 'lllvar' }, value: 'text' } as const;

function decodeStatusEnquiryCompletion(data: Uint8Array, options: CodecOptions): DecodeResult<CompletionMessage> {
  const message: CompletionMessage = { kind: 'completion', form: 'status-enquiry' };
  let offset = 0;
  const first = data[0];
  if (first !== undefined && first >> 4 === 0xf && data.length > 3) {
    // <SW-version> LLLVAR in the 7-bit ZVT set with umlauts (2.56.5).
    const version = decodeBitmapContent({ ...SOFTWARE_VERSION }, data, 0, { charset: options.charset === 'utf8' ? 'utf8' : 'zvt7' });
    if (!version.ok) return version;
    message.softwareVersion = version.value.value as string;
    offset = version.value.next;
  }
  const status = data[offset];
  if (status === undefined) return failure('missing-field', 'terminal status code missing', offset);
  message.terminalStatus = status;
  offset++;
  if (offset < data.length) {
    if (data[offset] !== 0x06) return failure('unknown-bitmap', 'only a TLV container (06) may follow the terminal status', offset);
    const container = decodeTlvAt(data, offset);
    if (!container.ok) return container;
    if (container.value.next !== data.length) return failure('length-mismatch', 'bytes after the TLV container', container.value.next);
    message.tlv = container.value.nodes;
    const device = readDeviceInformation(container.value.nodes, options);
    if (device) message.device = device;
    const named = readTlvFields(container.value.nodes, containerCharset(container.value.nodes, options.charset ?? 'cp437'));
    if (named) message.tlvFields = named;
  }
  return success(message);
}

function decodeBitmapCompletion(data: Uint8Array, options: CodecOptions): DecodeResult<CompletionMessage> {
  const list = decodeBitmapList(data, 0, fieldOptions(options));
  if (!list.ok) return list;
  const fields = list.value.fields;
  // Tolerant reader: BMPs outside the 3.2 layout are kept, not dropped (some terminals send e.g. 04 or 87 here).
  const { resultCode, time, fullDate, paymentType, terminalId, currency, tlv: container, ...other } = fields;
  void [resultCode, time, fullDate, paymentType, terminalId, currency, container];
  const message: CompletionMessage = stripUndefined({
    kind: 'completion' as const,
    form: 'bitmaps' as const,
    resultCode: fields.resultCode,
    time: fields.time,
    fullDate: fields.fullDate,
    // BMP 19 in a completion is the status byte of table 3, not a payment type.
    statusByte: fields.paymentType,
    terminalId: fields.terminalId,
    currency: fields.currency,
    tlv: fields.tlv,
    otherFields: Object.keys(other).length > 0 ? other : undefined,
    unparsed: list.value.unparsed,
  });
  const device = readDeviceInformation(fields.tlv, options);
  if (device) message.device = device;
  const named = readTlvFields(fields.tlv, containerCharset(fields.tlv, options.charset ?? 'cp437'));
  if (named) message.tlvFields = named;
  return success(message);
}

function decodeCompletion(data: Uint8Array, options: CodecOptions): DecodeResult<CompletionMessage> {
  const form = options.completionForm ?? 'auto';
  if (form === 'bitmaps') return decodeBitmapCompletion(data, options);
  if (form === 'status-enquiry') return decodeStatusEnquiryCompletion(data, options);
  if (data.length === 0) return decodeBitmapCompletion(data, options);
  // A lone status byte, or an LLLVAR prefix at the start, can only be the Status Enquiry layout.
  const first = data[0] ?? 0;
  if (data.length === 1 || (first >> 4 === 0xf && readVariableLength(data, 0, 3).ok)) return decodeStatusEnquiryCompletion(data, options);
  const bitmaps = decodeBitmapCompletion(data, options);
  if (bitmaps.ok && !bitmaps.value.unparsed) return bitmaps;
  const positional = decodeStatusEnquiryCompletion(data, options);
  return positional.ok ? positional : bitmaps;
}

/** Result code 6F "wrong currency", the only one the PT's currency code follows (2.2.9). */
const WRONG_CURRENCY = 0x6f;
/** Result code B8 "pre-authorisations open", the answer to 06 23 87 FF FF that BMP 87 follows (2.10.1). */
const PRE_AUTHORISATIONS_OPEN = 0xb8;

function bitmapsToTheEnd(data: Uint8Array, offset: number, options: CodecOptions): boolean {
  const list = decodeBitmapList(data, offset, fieldOptions(options));
  return list.ok && list.value.unparsed === undefined;
}

function decodeTerminalAbort(data: Uint8Array, options: CodecOptions): DecodeResult<TerminalAbortMessage> {
  const resultCode = data[0];
  if (resultCode === undefined) return failure('missing-field', 'abort result code missing', 0);
  const message: TerminalAbortMessage = { kind: 'terminal-abort', resultCode };
  let offset = 1;
  // <CC> comes only with 6F, and only to an ECR that sent one (2.2.9): without it the TLV container
  // may follow the result code, told from a BCD currency code by starting with 06 and parsing,
  // together with any bitmaps after it, to the end.
  if (resultCode === WRONG_CURRENCY && data.length - offset >= 2 && !(data[offset] === 0x06 && bitmapsToTheEnd(data, offset, options))) {
    const currency = bcdToDigits(data.subarray(offset, offset + 2));
    if (currency === undefined) return failure('bad-bcd', 'currency code is not BCD', offset);
    message.currency = Number(currency);
    offset += 2;
  }
  // Then optional bitmaps in any order: 87 after B8 (2.10.1), 06 (3.3); others kept (tolerant reader).
  const read = readLayoutBitmaps('terminal-abort', data, offset, fieldOptions(options));
  if (!read.ok) return read;
  const { receiptNumber, tlv: nodes } = read.value.fields;
  // 87 belongs to the answer of "Enquire if Pre-Authorisations exist" (B8); after any other code it is a foreign BMP.
  const enquiryAnswer = resultCode === PRE_AUTHORISATIONS_OPEN;
  const otherFields: BitmapFields | undefined = !enquiryAnswer && receiptNumber !== undefined ? { receiptNumber, ...read.value.otherFields } : read.value.otherFields;
  if (enquiryAnswer && receiptNumber !== undefined) message.receiptNumber = receiptNumber;
  if (nodes !== undefined) {
    message.tlv = nodes;
    const code = findTlv(nodes, 0x1f16);
    if (code) message.extendedErrorCode = code.value.reduce((value, byte) => value * 256 + byte, 0);
    const text = findTlv(nodes, 0x1f17);
    if (text) message.extendedErrorText = decodeText(text.value, options.charset ?? 'cp437');
    const named = readTlvFields(nodes, options.charset ?? 'cp437');
    if (named) message.tlvFields = named;
  }
  const open = enquiryAnswer ? openReceiptNumbers(receiptNumber, nodes) : undefined;
  if (open) message.openReceiptNumbers = open;
  if (otherFields) message.otherFields = otherFields;
  if (read.value.unparsed) message.unparsed = read.value.unparsed;
  return success(message);
}

/** APDU bytes -> typed message, or a typed error. Never throws. */
export function decodeApdu(apdu: Uint8Array, options: CodecOptions = {}): DecodeResult<ZvtMessage> {
  try {
    const parsed = parseApdu(apdu);
    if (!parsed.ok) return parsed;
    return decodeData(parsed.value.classByte, parsed.value.instruction, parsed.value.data, options);
  } catch (error) {
    // Defence in depth: a bug must not take the session down; report it as a decode error.
    return failure('bad-value', `decoder fault: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** For tools: bytes that are either a bare APDU or one whole serial block (DLE STX ... CRC). */
export function decodeApduOrFrame(bytes: Uint8Array, options: CodecOptions = {}): DecodeResult<{ message: ZvtMessage; apdu: Uint8Array; framed: boolean }> {
  if (bytes[0] === 0x10 && bytes[1] === 0x02) {
    const events = new SerialFrameDecoder().push(bytes);
    const frame = events.find((event) => event.type === 'frame');
    if (!frame || frame.type !== 'frame') {
      const error = events.find((event) => event.type === 'error');
      return failure('truncated', error && error.type === 'error' ? `serial block: ${error.message}` : 'incomplete serial block');
    }
    const message = decodeApdu(frame.apdu, options);
    return message.ok ? success({ message: message.value, apdu: frame.apdu, framed: true }) : message;
  }
  const message = decodeApdu(bytes, options);
  return message.ok ? success({ message: message.value, apdu: bytes, framed: false }) : message;
}

// --- encoding ------------------------------------------------------------------------------

function withPassword(password: string, rest: DecodeResult<Uint8Array>): DecodeResult<Uint8Array> {
  const head = passwordBytes(password);
  if (!head.ok) return head;
  if (!rest.ok) return rest;
  return success(concatBytes([head.value, rest.value]));
}

/**
 * Tag 25 of Print Text-Block (PA00P015 3.5, 9.4.2): the lines as tag 07 in the session charset,
 * like Print Line (3.4); 'auto' is no encoding and sends the spec's CP437 (chapter 15.2).
 */
function encodeTextBlockTlv(message: PrintTextBlockMessage, charset: Charset | undefined): TlvNode[] {
  const encoding: Charset = charset === undefined || charset === 'auto' ? 'cp437' : charset;
  const children: TlvNode[] = [];
  let attribute = 0;
  for (const line of message.lines) {
    if (line.attribute !== attribute) {
      children.push(tlv(0x09, [line.attribute]));
      attribute = line.attribute;
    }
    children.push(tlv(0x07, encodeText(line.text, encoding)));
  }
  // Receipt end: attribute 1xxx xxxx (not 80) as the last item (9.4.2 tag 25).
  if (message.endOfReceipt) children.push(tlv(0x09, [0x81]));
  const nodes: TlvNode[] = [{ tag: 0x25, constructed: true, value: encodeTlvList(children), children }];
  if (message.receiptType !== undefined) nodes.push(tlv(0x1f07, [message.receiptType]));
  return nodes;
}

/** Unknown BMPs a terminal sent are kept raw (Unparsed.raw) and written back after the known fields. */
function withUnparsed(known: DecodeResult<Uint8Array>, unparsed: Unparsed | undefined): DecodeResult<Uint8Array> {
  if (!known.ok || !unparsed) return known;
  return success(concatBytes([known.value, unparsed.raw]));
}

function encodeData(message: ZvtMessage, options: CodecOptions): DecodeResult<Uint8Array> {
  const fields = fieldOptions(options);
  switch (message.kind) {
    case 'registration': {
      const head = passwordBytes(message.password);
      if (!head.ok) return head;
      if (!Number.isInteger(message.config) || message.config < 0 || message.config > 255) return failure('bad-value', 'config byte out of range');
      const parts: Uint8Array[] = [head.value, new Uint8Array([message.config])];
      // Service byte and TLV require the currency (2.1): default to EUR 0978 then.
      const needsCurrency = message.currency !== undefined || message.serviceByte !== undefined || message.tlv !== undefined;
      if (needsCurrency) {
        const currency = digitsToBcd(String(message.currency ?? 978), 2);
        if (!currency) return failure('bad-value', 'currency code must be up to 4 digits');
        parts.push(currency);
      }
      const rest = encodeBitmapList(stripUndefined({ serviceByte: message.serviceByte, tlv: message.tlv }), fields);
      if (!rest.ok) return rest;
      parts.push(rest.value);
      return success(concatBytes(parts));
    }
    case 'status-enquiry':
      if (message.password === undefined) {
        if (message.serviceByte !== undefined || message.tlv !== undefined) return failure('bad-value', 'service byte and TLV need the password (2.56.1)');
        return success(new Uint8Array(0));
      }
      return withPassword(message.password, encodeBitmapList(stripUndefined({ serviceByte: message.serviceByte, tlv: message.tlv }), fields));
    case 'end-of-day':
      return withPassword(message.password, encodeBitmapList(stripUndefined({ tlv: message.tlv }), fields));
    case 'send-turnover-totals':
      return passwordBytes(message.password);
    case 'repeat-receipt':
      return withPassword(message.password, encodeBitmapList(stripUndefined({ serviceByte: message.serviceByte, tlv: message.tlv }), fields));
    case 'reversal':
      return withPassword(message.password, encodeBitmapList(pickBitmapFields(message), fields, ['password'], FIELD_ORDER.reversal));
    case 'refund':
      return withPassword(message.password, encodeBitmapList(pickBitmapFields(message), fields, ['password'], FIELD_ORDER.refund));
    case 'authorization':
      return encodeBitmapList(pickBitmapFields(message), fields, [], FIELD_ORDER.authorization);
    case 'status-information':
      return withUnparsed(encodeBitmapList(pickBitmapFields(message), fields, [], FIELD_ORDER.statusInformation), message.unparsed);
    case 'log-off':
    case 'selftest':
    case 'print-system-configuration':
      return success(new Uint8Array(0));
    case 'diagnosis':
    case 'software-update':
      return encodeBitmapList(stripUndefined({ tlv: message.tlv }), fields);
    case 'abort':
      return encodeBitmapList(stripUndefined({ cardOutputDirection: message.cardOutputDirection, cardReaderActivation: message.cardReaderActivation }), fields);
    case 'set-date-time':
      return encodeBitmapList({ fullDate: message.fullDate, time: message.time }, fields);
    case 'display-text':
    case 'display-text-key-input':
    case 'display-text-numeric-input': {
      const picked = pickBitmapFields(message);
      const extra = Object.keys(picked).find((name) => !DISPLAY_TEXT_FIELDS[message.kind].includes(name as BitmapName));
      if (extra) return failure('bad-value', `${extra} is not a field of ${message.kind}`);
      return encodeBitmapList(picked, fields, [], DISPLAY_TEXT_ORDER);
    }
    case 'display-text-old':
    case 'display-text-key-input-old':
      return encodeDisplayTextOld(message);
    case 'pre-authorisation':
    case 'partial-reversal':
    case 'book-total':
    case 'pre-authorisation-reversal':
    case 'external-reversal':
      return encodePreAuthorisationFamily(message, fields);
    case 'read-card':
      return encodeReadCard(message, fields);
    case 'activate-card-reader':
      return encodeActivateCardReader(message, fields);
    case 'write-file':
      return encodeWriteFile(message, fields);
    case 'file-request':
      return encodeFileRequest(message, fields);
    case 'intermediate-status': {
      const parts: Uint8Array[] = [new Uint8Array([message.status])];
      if (message.timeoutMinutes !== undefined || message.tlv !== undefined) {
        const minutes = message.timeoutMinutes ?? 0;
        // BCD (3.7); a value above 99 can only have come from a terminal that sends binary: written back as it came.
        const timeout = minutes > 99 && minutes <= 0xff && Number.isInteger(minutes) ? new Uint8Array([minutes]) : digitsToBcd(String(minutes), 1);
        if (!timeout) return failure('bad-value', 'timeout must be 0..99 minutes');
        parts.push(timeout);
      }
      if (message.tlv !== undefined) {
        const container = encodeBitmapList({ tlv: message.tlv });
        if (!container.ok) return container;
        parts.push(container.value);
      }
      return success(concatBytes(parts));
    }
    case 'print-line':
      if (message.attribute === 0xff) return success(new Uint8Array([0xff, message.linefeeds ?? 1]));
      if (message.tlv !== undefined) {
        const text = encodeText(message.text, fields.charset);
        // A 06 in the text would read back as the start of the container.
        if (text.includes(0x06)) return failure('bad-value', 'print line text with a TLV container may not contain byte 06');
        const container = encodeBitmapList({ tlv: message.tlv });
        if (!container.ok) return container;
        return success(concatBytes([[message.attribute], text, container.value]));
      }
      return success(concatBytes([[message.attribute], encodeText(message.text, fields.charset)]));
    case 'print-text-block':
      return encodeBitmapList({ tlv: message.tlv ?? encodeTextBlockTlv(message, options.charset) });
    case 'completion': {
      if (message.form === 'status-enquiry') {
        const parts: Uint8Array[] = [];
        if (message.softwareVersion !== undefined) {
          const text = encodeText(message.softwareVersion, options.charset === 'utf8' ? 'utf8' : 'zvt7');
          if (text.length > 999) return failure('too-long', 'software version longer than an LLLVAR');
          parts.push(writeVariableLength(text.length, 3), text);
        }
        parts.push(new Uint8Array([message.terminalStatus ?? 0]));
        if (message.tlv !== undefined) {
          const container = encodeBitmapList({ tlv: message.tlv });
          if (!container.ok) return container;
          parts.push(container.value);
        }
        return success(concatBytes(parts));
      }
      return withUnparsed(encodeBitmapList(
        stripUndefined({
          ...message.otherFields,
          resultCode: message.resultCode,
          time: message.time,
          fullDate: message.fullDate,
          paymentType: message.statusByte,
          terminalId: message.terminalId,
          currency: message.currency,
          tlv: message.tlv,
        }),
        fields,
        [],
        FIELD_ORDER.completion,
      ), message.unparsed);
    }
    case 'terminal-abort': {
      const parts: Uint8Array[] = [new Uint8Array([message.resultCode])];
      if (message.currency !== undefined) {
        if (message.resultCode !== WRONG_CURRENCY) return failure('bad-value', 'the currency code follows only result code 6F (2.2.9)');
        const currency = digitsToBcd(String(message.currency), 2);
        if (!currency) return failure('bad-value', 'currency code must be up to 4 digits');
        parts.push(currency);
      }
      if (message.receiptNumber !== undefined && message.resultCode !== PRE_AUTHORISATIONS_OPEN) {
        return failure('bad-value', 'the receipt number (BMP 87) follows only result code B8 (2.10.1)');
      }
      // Without <CC> the bytes after 6F must start with the TLV container, or a reader takes them for one.
      const relayed = message.otherFields !== undefined || message.unparsed !== undefined;
      const containerFirst = message.tlv !== undefined && message.otherFields?.receiptNumber === undefined;
      if (message.resultCode === WRONG_CURRENCY && message.currency === undefined && relayed && !containerFirst) {
        return failure('bad-value', 'after result code 6F bitmaps other than the TLV container need the currency code first (2.2.9)');
      }
      // A relayed 87 after another code (kept in otherFields by the reader) goes back in its place.
      const receiptNumber = message.resultCode === PRE_AUTHORISATIONS_OPEN ? message.receiptNumber : message.otherFields?.receiptNumber;
      const rest = writeLayoutBitmaps('terminal-abort', { receiptNumber, tlv: message.tlv }, message, fields);
      if (!rest.ok) return rest;
      parts.push(rest.value);
      return success(concatBytes(parts));
    }
    case 'positive-ack':
    case 'negative-ack':
      if (message.fields) return encodeBitmapList(message.fields, fields);
      return success(message.data ?? new Uint8Array(0));
    case 'unknown':
      return success(message.data);
  }
}

function controlField(message: ZvtMessage): readonly [number, number] {
  switch (message.kind) {
    case 'positive-ack':
      return message.alternative ? [0x84, 0x00] : [0x80, 0x00];
    case 'negative-ack':
      return [0x84, message.resultCode];
    case 'unknown':
      return [message.classByte, message.instruction];
    default:
      return COMMAND_CODES[message.kind];
  }
}

/** Typed message -> APDU bytes (no transport framing). Never throws. */
export function encodeMessage(message: ZvtMessage, options: CodecOptions = {}): DecodeResult<Uint8Array> {
  try {
    const data = encodeData(message, options);
    if (!data.ok) return data;
    const [classByte, instruction] = controlField(message);
    return buildApdu(classByte, instruction, data.value);
  } catch (error) {
    return failure('bad-value', `encoder fault: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** 80 00 00: the ECR's answer to every PT command (chapter 3). */
export const POSITIVE_ACKNOWLEDGEMENT = new Uint8Array([0x80, 0x00, 0x00]);

export function negativeAcknowledgement(resultCode: number): Uint8Array {
  return new Uint8Array([0x84, resultCode & 0xff, 0x00]);
}
