import type { BitmapFields, Unparsed } from './bitmaps';
import type { TlvNode } from './tlv';
import type { TlvFields } from './tlv-fields';

/**
 * Typed ZVT messages, keyed by `kind`. Amounts are integers in minor currency units; dates and
 * times are digit strings as on the wire ("hhmmss", "MMDD", "YYMMDD", "YYMM"); passwords are six
 * digits (PA00P015 1.2). Card numbers only ever appear masked.
 */

// --- ECR -> PT (PA00P015 chapter 2) ---------------------------------------------------------

/** 06 00 (2.1): <password><config-byte>[<CC>[03<service-byte>][06<TLV>]] */
export interface RegistrationMessage {
  kind: 'registration';
  password: string;
  /** Table 1: bit 1 ECR prints payment receipts, bit 2 admin receipts, bit 3 wants intermediate status, bit 7 print via Print Line. */
  config: number;
  currency?: number;
  serviceByte?: number;
  tlv?: TlvNode[];
}

/** 06 02 (2.24): no data; the PT answers 80 00 and nothing else. */
export interface LogOffMessage {
  kind: 'log-off';
}

/** 05 01 (2.56): [<password>[03<service-byte>][06<TLV>]] */
export interface StatusEnquiryMessage {
  kind: 'status-enquiry';
  password?: string;
  /** Table 12: bit 1 = do NOT send the software version, bit 2 = send the TLV status container. */
  serviceByte?: number;
  tlv?: TlvNode[];
}

/** 06 70 (2.17): [06<TLV>] — tag 1B selects the diagnosis type. */
export interface DiagnosisMessage {
  kind: 'diagnosis';
  tlv?: TlvNode[];
}

/** 06 79 (2.48): no data. */
export interface SelftestMessage {
  kind: 'selftest';
}

/** 06 1A (2.45): no data. */
export interface PrintSystemConfigurationMessage {
  kind: 'print-system-configuration';
}

/** 06 50 (2.16): <password>[06<TLV>] */
export interface EndOfDayMessage {
  kind: 'end-of-day';
  password: string;
  tlv?: TlvNode[];
}

/** 06 10 (2.43): <password> */
export interface SendTurnoverTotalsMessage {
  kind: 'send-turnover-totals';
  password: string;
}

/** 06 20 (2.20): <password>[03<service-byte>][06<TLV>] — service bit 0: send Status-Information again. */
export interface RepeatReceiptMessage {
  kind: 'repeat-receipt';
  password: string;
  serviceByte?: number;
  tlv?: TlvNode[];
}

/** 08 10 (2.37): [06<TLV>] */
export interface SoftwareUpdateMessage {
  kind: 'software-update';
  tlv?: TlvNode[];
}

/** 06 B0 (2.23): [D2<card-output-direction>][FA<card-reader-activation>]; the PT answers 80 00 only. */
export interface AbortMessage {
  kind: 'abort';
  cardOutputDirection?: number;
  cardReaderActivation?: number;
}

/** 06 01 (2.2): bitmaps only — [04<amount>] [49<CC>] [19<payment-type>] ... [06<TLV>] */
export type AuthorizationMessage = { kind: 'authorization' } & BitmapFields;

/** 06 30 (2.9): <password> 87<receipt-no> [04<amount>] ... */
export type ReversalMessage = { kind: 'reversal'; password: string; receiptNumber: number } & BitmapFields;

/** 06 31 (2.15): <password> [04<amount>] ... */
export type RefundMessage = { kind: 'refund'; password: string } & BitmapFields;

/**
 * What a tolerant reader keeps of a command with optional bitmaps beyond the chapter's layout:
 * known BMPs the layout does not list ("All other data will be ignored by the PT", 2.8) and the
 * bytes from the first unknown BMP on. The console never sets them; a decoded message carries
 * them so that encoding it gives the same bytes back.
 */
export interface ExtraBitmaps {
  otherFields?: BitmapFields;
  unparsed?: Unparsed;
}

/** BMPs the Pre-Authorisation layout lists (2.8; 3A of 2.2.1 is not among them). */
type AuthorisationFamilyFields = Pick<
  BitmapFields,
  | 'amount'
  | 'currency'
  | 'paymentType'
  | 'expiryDate'
  | 'maskedPan'
  | 'track1'
  | 'track2'
  | 'track3'
  | 'timeout'
  | 'maxStatusInfos'
  | 'pumpNumber'
  | 'trace'
  | 'authorisationAttribute'
  | 'additionalText'
  | 'cardType'
  | 'tlv'
>;

/**
 * 06 22 (2.8): [04<amount>] [49<CC>] [19<payment-type>] [0E<expiry-date>] [22<card-number>]
 * [2D<track 1>] [23<track 2>] [24<track 3>] [01<timeout>] [02<max. status infos>] [05<pump no.>]
 * [0B<trace-number>] [3B<AID>] [3C<additional-data>] [8A<card type>] [06<TLV>]. "Remaining bitmaps
 * see Authorization" refers to 2.2.1 for their meaning and adds none (a 3A is read into otherFields,
 * never written). A trace number (0B or TLV 1F2B) makes it an extension.
 */
export type PreAuthorisationMessage = { kind: 'pre-authorisation' } & AuthorisationFamilyFields & ExtraBitmaps;

/**
 * 06 23 (2.10): [87<receipt-no>] [04<amount>] [49<CC>] [3C<additional-data>] [0B<trace-number>]
 * [3B<AID>] [06<TLV>]; the amount is the unused part. 87 FF FF (receiptNumber null) is "Enquire
 * if Pre-Authorisations exist" (2.10.1), answered by 06 1E B8 with the open receipt numbers.
 */
export type PartialReversalMessage = { kind: 'partial-reversal'; receiptNumber?: number | null } & Pick<
  BitmapFields,
  'amount' | 'currency' | 'additionalText' | 'trace' | 'authorisationAttribute' | 'tlv'
> &
  ExtraBitmaps;

/** 06 24 (2.13): 87<receipt-no> [04<amount>] [49<CC>] [19<payment-type>] [3C] [0B<trace>] [3B<AID>] [8A<card type>] [06<TLV>]; the amount is the used part. */
export type BookTotalMessage = { kind: 'book-total'; receiptNumber: number } & Pick<
  BitmapFields,
  'amount' | 'currency' | 'paymentType' | 'additionalText' | 'trace' | 'authorisationAttribute' | 'cardType' | 'tlv'
> &
  ExtraBitmaps;

/** 06 25 (2.14): 87<receipt-no> [04<amount>] [49<CC>] [19<payment-type>] [06<TLV>] — a pre-authorisation reversed after a null filling. */
export type PreAuthorisationReversalMessage = { kind: 'pre-authorisation-reversal'; receiptNumber: number } & Pick<BitmapFields, 'amount' | 'currency' | 'paymentType' | 'tlv'> &
  ExtraBitmaps;

/** 06 26 (2.11): 04<amount> 49<CC> 0B<trace> 3B<AID> [0E<expiry-date>] [22<card-number>] [23<track 2>] 06<TLV with 1F06>. */
export type ExternalReversalMessage = { kind: 'external-reversal'; amount: number; currency: number; trace: number; authorisationAttribute: string; tlv: TlvNode[] } & Pick<
  BitmapFields,
  'expiryDate' | 'maskedPan' | 'track2'
> &
  ExtraBitmaps;

/**
 * 06 C0 (2.21): [<timeout>[19<card-type>][FC<dialog-control>][06<TLV>]]. The timeout is positional,
 * one binary byte of seconds (00 = infinite), and must be there when anything follows it. The PT
 * answers with a Status-Information carrying the card data and no Completion (3.1.2).
 */
export interface ReadCardMessage extends ExtraBitmaps {
  kind: 'read-card';
  timeoutSeconds?: number;
  /** BMP 19 <card-type>, table 6: 0001xxxx / 0010xxxx chip, 0101xxxx chip and magnetic stripe, others magnetic stripe. */
  cardReadType?: number;
  /** BMP FC, table 7: bit 0 set = the PT shows its own insert/remove prompts (default). */
  dialogControl?: number;
  /** Tags 1F15 card reading control, 1F60 allowed card technologies (overrides 19), 1F6B age verification. */
  tlv?: TlvNode[];
}

/** One file of tag 2D in Write File (2.41) and the file request (04 0C). */
export interface FileEntry {
  /** Tag 1D, binary (9.4.2: 01 merchant journal ... 06 reconciliation data). */
  fileId?: number;
  /** Tag 1F80. */
  fileName?: string;
  /** Tag 1F00, total length in bytes. */
  totalLength?: number;
  /** Tag 1F81. */
  mimeType?: string;
  /** Tag 1E, the byte offset (file request, transmission). */
  offset?: number;
}

/**
 * 08 14 (2.41.1): <service password> 06<TLV> with one tag 2D per file (1D or 1F80, 1F00, 1F81).
 * The PT then asks for each block with 04 0C (2.41.2), the ECR answers 80 00 06<2D with 1C block
 * and 1E offset> (2.41.3), and the PT ends with 06 0F or 06 1E <result-code> (2.41.4).
 */
export interface WriteFileMessage extends ExtraBitmaps {
  kind: 'write-file';
  password: string;
  /** Derived from tag 2D when decoding; builds the TLV when encoding without `tlv`. */
  files: FileEntry[];
  tlv?: TlvNode[];
}

/** 08 50 (2.22): [FA<card-reader-activation>]; the PT answers 80 00, no Completion. */
export interface ActivateCardReaderMessage extends ExtraBitmaps {
  kind: 'activate-card-reader';
  cardReaderActivation?: number;
}

// --- PT -> ECR (PA00P015 chapter 3) ---------------------------------------------------------

/** 04 0F (3.1): [27<result-code>] [<transaction-data>] [06<TLV>] */
export type StatusInformationMessage = {
  kind: 'status-information';
  unparsed?: Unparsed;
  /** Derived when decoding: BMP 0C as "hh:mm:ss". */
  timeOfDay?: string;
  /** Derived: BMP 0D (MMDD). */
  monthDay?: { month: number; day: number };
  /** Derived: BMP 0E (YYMM) as month and four-digit year. */
  expiry?: { month: number; year: number };
  /** Derived: the TLV container's data objects of table 9.4.1 by name (card technology, date, time, ...). */
  tlvFields?: TlvFields;
} & BitmapFields;

/** 04 FF (3.7): <intermediate-status> [<timeout>] [06<TLV>] */
export interface IntermediateStatusMessage {
  kind: 'intermediate-status';
  /** Table 17 code. */
  status: number;
  /** New T4 in minutes (1 byte BCD). */
  timeoutMinutes?: number;
  tlv?: TlvNode[];
  /** Text lines of TLV tag 24 (display texts), when sent. Derived from `tlv`. */
  displayTexts?: string[];
  /** Derived: named data objects of the container. */
  tlvFields?: TlvFields;
}

/** 06 D1 (3.5): <attribute> <text> */
export interface PrintLineMessage {
  kind: 'print-line';
  /** Table 16: 1xxx xxxx (not 80) = last line of a receipt; FF = line feeds; 01xx centred; 0x1x double width; 0xx1 double height. */
  attribute: number;
  text: string;
  /** With attribute FF: the number of line feeds. */
  linefeeds?: number;
  /**
   * A TLV container after the text, as terminals in the field send it (later revisions of 3.5;
   * Portalum.Zvt's captures carry 1F07 receipt type on every line): kept and written back.
   */
  tlv?: TlvNode[];
  /** TLV 1F07 (9.4.2): 1 merchant, 2 cardholder, 3 administration receipt; derived. */
  receiptType?: number;
}

export interface ReceiptLine {
  attribute: number;
  text: string;
}

/** 06 D3 (3.6): 06<TLV> with tag 25 (print texts: 09 attribute, 07 text lines) and 1F07 receipt type. */
export interface PrintTextBlockMessage {
  kind: 'print-text-block';
  /** Derived from tag 25 when decoding; used to build the TLV when encoding without `tlv`. */
  lines: ReceiptLine[];
  /** Tag 1F07: 1 merchant copy, 2 customer copy, 3 administration receipt. */
  receiptType?: number;
  /** A final attribute 1xxx xxxx (not 80): this block ends a receipt. */
  endOfReceipt: boolean;
  tlv?: TlvNode[];
}

export interface DeviceInformation {
  deviceName?: string; // TLV 1F40
  softwareVersion?: string; // 1F41
  /** 1F42; BCD per spec, hex digits on some terminals. */
  serialNumber?: string;
  deviceState?: number; // 1F43
  terminalId?: string; // 1F44
}

/**
 * 06 0F (3.2). Two layouts: bitmaps [27][0C][AA][19<status-byte>][29<TID>][49<CC>][06<TLV>] for
 * most commands, and positional [<SW-version LLLVAR>] <terminal-status-code> [06<TLV>] after a
 * Status Enquiry (2.56.5).
 */
export interface CompletionMessage {
  kind: 'completion';
  form: 'bitmaps' | 'status-enquiry';
  resultCode?: number;
  time?: string;
  fullDate?: string;
  /** Registration table 3: bit 0 initialisation needed, bit 1 diagnosis needed, bit 2 OPT action needed. */
  statusByte?: number;
  terminalId?: string;
  currency?: number;
  softwareVersion?: string;
  /** Chapter 11 code (status-enquiry form). */
  terminalStatus?: number;
  tlv?: TlvNode[];
  /** From TLV containers E4 / 1F4x, derived. */
  device?: DeviceInformation;
  /** Every data object of table 9.4 in the container as a named field (e.g. 34 date/time, 14 charset, 12 line width), derived. */
  tlvFields?: TlvFields;
  /** Known BMPs outside the 3.2 layout that a terminal sent anyway (tolerant reader); written back by the encoder. */
  otherFields?: BitmapFields;
  unparsed?: Unparsed;
}

/**
 * 06 1E (3.3, 2.2.9, 2.10.1): <result-code> [<CC>] [87<receipt-no>] [06<TLV>]. The currency code
 * comes only with result code 6F; the receipt number with B8, the answer to "Enquire if
 * Pre-Authorisations exist" (FFFF: none open). Other bitmaps are kept (tolerant reader).
 */
export interface TerminalAbortMessage extends ExtraBitmaps {
  kind: 'terminal-abort';
  resultCode: number;
  currency?: number;
  /** BMP 87; null = FFFF, "no pre-authorisation open" (2.10.1). */
  receiptNumber?: number | null;
  tlv?: TlvNode[];
  /** Derived: BMP 87 (unless FFFF) and every 08 in TLV tag 23, the open pre-authorisations (2.10.1, 9.4.2.2). */
  openReceiptNumbers?: number[];
  /** TLV 1F16 / 1F17, derived. */
  extendedErrorCode?: number;
  extendedErrorText?: string;
  /** Derived: named data objects of the container. */
  tlvFields?: TlvFields;
}

/** 04 0C (2.41.2): 06<TLV> with tag 2D (1D or 1F80, 1E offset of the next block, 1F00, 1F81): the PT asks for the next block of a Write File. */
export interface FileRequestMessage extends ExtraBitmaps {
  kind: 'file-request';
  tlv: TlvNode[];
  /** Derived from tag 2D. */
  file?: FileEntry;
}

/** 04 01 (3.4): AA<date> 0C<time> */
export interface SetDateTimeMessage {
  kind: 'set-date-time';
  fullDate: string;
  time: string;
}

/** 80 00 (or 84 00, which 5.2.3 counts as positive), optionally with data (e.g. TLV 1F73). */
export interface PositiveAckMessage {
  kind: 'positive-ack';
  /** Sent as 84 00. */
  alternative?: boolean;
  fields?: BitmapFields;
  /** Data that is not a BMP list. */
  data?: Uint8Array;
}

/** 84 xx, xx != 00: error id of chapter 10 in the APRC. */
export interface NegativeAckMessage {
  kind: 'negative-ack';
  resultCode: number;
  fields?: BitmapFields;
  data?: Uint8Array;
}

/** Any other CLASS/INSTR: kept raw so the session can still acknowledge it. */
export interface UnknownMessage {
  kind: 'unknown';
  classByte: number;
  instruction: number;
  data: Uint8Array;
}

/**
 * 06 E0 (2.26), 06 E1 (2.28) and 06 E2 (2.30): text for the PT's display, all bitmaps optional
 * and in any order: F0 duration (seconds), F1-F8 text lines (a leading 0x14 = larger font,
 * see displayLines), F9 beep tones, FD display device; 06 E1 adds a TLV (1F18: card inserts
 * answer too); 06 E2 adds the numeric input: E1-E8 text 2, E0/E9 minimum/maximum length, EA
 * echo, FB confirmation, EB MAC, TLV 1F35. The PT answers 80 00 (E0), 80 00 01 <key-code> (E1)
 * or 80 00 xx <ASCII digits or key-code> (E2); no Completion.
 */
export interface DisplayTextMessage extends BitmapFields {
  kind: 'display-text' | 'display-text-key-input' | 'display-text-numeric-input';
}

/**
 * 06 85 (2.27) and 06 88 (2.29), the old versions: <text 1>[<duration><text 2>], each text
 * <position BCD><characters><00>, in the 7-bit set with umlauts; a set top bit asks for a beep.
 */
export interface DisplayTextOldMessage {
  kind: 'display-text-old' | 'display-text-key-input-old';
  texts: { position: number; text: string }[];
  /** Seconds, 0 = until replaced; absent = the PT's default (5 s). */
  durationSeconds?: number;
}

export type EcrCommand =
  | RegistrationMessage
  | LogOffMessage
  | StatusEnquiryMessage
  | DiagnosisMessage
  | SelftestMessage
  | PrintSystemConfigurationMessage
  | EndOfDayMessage
  | SendTurnoverTotalsMessage
  | RepeatReceiptMessage
  | SoftwareUpdateMessage
  | AbortMessage
  | AuthorizationMessage
  | ReversalMessage
  | RefundMessage
  | DisplayTextMessage
  | DisplayTextOldMessage
  | PreAuthorisationMessage
  | PartialReversalMessage
  | BookTotalMessage
  | PreAuthorisationReversalMessage
  | ExternalReversalMessage
  | ReadCardMessage
  | WriteFileMessage
  | ActivateCardReaderMessage;

export type TerminalMessage =
  | StatusInformationMessage
  | IntermediateStatusMessage
  | PrintLineMessage
  | PrintTextBlockMessage
  | CompletionMessage
  | TerminalAbortMessage
  | SetDateTimeMessage
  | FileRequestMessage;

export type AcknowledgementMessage = PositiveAckMessage | NegativeAckMessage;

export type ZvtMessage = EcrCommand | TerminalMessage | AcknowledgementMessage | UnknownMessage;
export type MessageKind = ZvtMessage['kind'];
export type EcrCommandKind = EcrCommand['kind'];

/** The PT's key codes in the answer to a display text with key input (2.28, 2.30). */
export const KEY_CODES: Readonly<Record<number, string>> = {
  0x0d: 'ok',
  0x18: 'correction',
  0x1b: 'stop',
  0x46: 'function',
  0x55: 'up',
  0x44: 'down',
  0x6c: 'timeout',
  0x31: 'f1',
  0x32: 'f2',
  0x33: 'f3',
  0x34: 'f4',
  0xdc: 'card-present',
};

/** The display lines of a display-text message: text 1 lines 1-8 (omitted lines empty), a leading 0x14 read as the larger font. */
export function displayLines(message: BitmapFields, text: 'text1' | 'text2' = 'text1'): { text: string; large: boolean }[] {
  const lines: { text: string; large: boolean }[] = [];
  for (let index = 1; index <= 8; index++) {
    const value = message[`${text}Line${index}` as keyof BitmapFields] as string | undefined;
    lines.push(value?.startsWith('\u0014') ? { text: value.slice(1), large: true } : { text: value ?? '', large: false });
  }
  while (lines.length > 0 && lines[lines.length - 1]!.text === '' && !lines[lines.length - 1]!.large) lines.pop();
  return lines;
}

/** CLASS and INSTR of each command (PA00P015 chapter 14). */
export const COMMAND_CODES = {
  registration: [0x06, 0x00],
  authorization: [0x06, 0x01],
  'log-off': [0x06, 0x02],
  'status-enquiry': [0x05, 0x01],
  diagnosis: [0x06, 0x70],
  selftest: [0x06, 0x79],
  'print-system-configuration': [0x06, 0x1a],
  'end-of-day': [0x06, 0x50],
  'send-turnover-totals': [0x06, 0x10],
  'repeat-receipt': [0x06, 0x20],
  'software-update': [0x08, 0x10],
  abort: [0x06, 0xb0],
  reversal: [0x06, 0x30],
  refund: [0x06, 0x31],
  'status-information': [0x04, 0x0f],
  'intermediate-status': [0x04, 0xff],
  'print-line': [0x06, 0xd1],
  'print-text-block': [0x06, 0xd3],
  completion: [0x06, 0x0f],
  'terminal-abort': [0x06, 0x1e],
  'set-date-time': [0x04, 0x01],
  'display-text': [0x06, 0xe0],
  'display-text-key-input': [0x06, 0xe1],
  'display-text-numeric-input': [0x06, 0xe2],
  'display-text-old': [0x06, 0x85],
  'display-text-key-input-old': [0x06, 0x88],
  'pre-authorisation': [0x06, 0x22],
  'partial-reversal': [0x06, 0x23],
  'book-total': [0x06, 0x24],
  'pre-authorisation-reversal': [0x06, 0x25],
  'external-reversal': [0x06, 0x26],
  'read-card': [0x06, 0xc0],
  'write-file': [0x08, 0x14],
  'activate-card-reader': [0x08, 0x50],
  'file-request': [0x04, 0x0c],
} as const satisfies Record<Exclude<MessageKind, 'positive-ack' | 'negative-ack' | 'unknown'>, readonly [number, number]>;

export const KIND_BY_CODE: ReadonlyMap<number, keyof typeof COMMAND_CODES> = new Map(
  (Object.entries(COMMAND_CODES) as [keyof typeof COMMAND_CODES, readonly [number, number]][]).map(([kind, [classByte, instruction]]) => [
    (classByte << 8) | instruction,
    kind,
  ]),
);

/**
 * Commands whose sequence ends with the PT's 80 00: Log-Off (2.24 "The PT always responds with
 * 80 00"), Abort (2.23) and Activate Card-Reader (2.22 "the PT sends no Completion"). All others
 * hand the PT the master rights until Completion or Abort.
 */
export const ENDS_WITH_ACKNOWLEDGEMENT: ReadonlySet<EcrCommandKind> = new Set(['log-off', 'abort', 'activate-card-reader']);

/** Commands whose Status-Information hands the master rights back, without a Completion (2.21 Read Card, 3.1.2). */
export const ENDS_WITH_STATUS_INFORMATION: ReadonlySet<EcrCommandKind> = new Set(['read-card']);
