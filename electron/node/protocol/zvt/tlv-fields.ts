import { bcdToDigits, bytesToNibbles } from './bytes';
import { cardNibblesToMasked, maskTrack1 } from './bitmaps';
import { decodeText, type Charset } from './charset';
import { decodeTag, type TlvNode } from './tlv';

/**
 * The data objects of PA00P015 9.4 (table 9.4.1, formats in 9.4.2-9.4.14) as named, typed
 * fields: amounts in minor units, dates as parts, times as "hh:mm:ss", bit fields as named
 * flags, enumerations as words (an unlisted value stays its number). A tag whose value does not
 * fit its format is left out of the named fields; every tag, named or not, stays in the raw
 * `tlv` list of the message (kept, never an error). Card data and secrets (1F08-1F0A, 1F1A,
 * 1F31, 1F5C, 1F5D, 1F74, 1F75, 4D, 80) arrive here already masked (bitmaps.ts): tracks and
 * PANs are named as masked card numbers; PINs, keys and passwords get no named field.
 *
 * Where a tag may occur more than once (text lines, goods groups, applications, amounts) the
 * field is a list; otherwise the first occurrence, searched depth first through containers, wins.
 */
export interface TlvFields {
  // ---- 9.4.2 Miscellaneous
  reversalId?: string; // 01, hex (8 byte binary)
  textLines?: string[]; // 07, every occurrence
  receiptNumber?: number; // 08
  attribute?: number; // 09
  zvtCommand?: string; // 0A, CLASS INSTR as hex (first)
  infoField?: string; // 0B
  infoField2?: string; // 0C
  assignmentNumber?: string; // 0F
  /** 10: columns and lines of the merchant display; null: the tag is empty, no display (9.4.2). */
  merchantDisplay?: DisplaySize | null;
  customerDisplay?: DisplaySize | null; // 11
  printerLineWidth?: number; // 12, BCD (ecrterm sends 12 01 40: 40 characters)
  extraResultCode?: string; // 13, ASCII, e.g. "Z3" for EMV
  charsetCode?: number; // 14
  languageCode?: string; // 15
  maximumApduLength?: number; // 1A
  diagnosisType?: DiagnosisType | number; // 1B
  fileId?: FileId | number; // 1D
  startPosition?: number; // 1E
  fileTotalLength?: number; // 1F00
  receiptId?: ReceiptId | number; // 1F01
  fromTaNumber?: number; // 1F02
  toTaNumber?: number; // 1F03
  receiptParameter?: ReceiptParameter; // 1F04
  transactionParameter?: { sendUnprocessedCardData: boolean; swipeReader: boolean }; // 1F05
  reservationParameter?: ReservationParameter | number; // 1F06
  receiptType?: ReceiptType | number; // 1F07
  /** 1F08: magnet-stripe track 1, held as its masked card number. */
  track1?: string;
  track2?: string; // 1F09, masked card number
  track3?: string; // 1F0A, masked card number
  hostData?: string; // 1F0D, hex
  /** 1F0E: YYYYMMDD (the first found; see also timestamp, terminalDateTime, rebootDateTime). */
  date?: CalendarDate;
  /** 1F0F: "hh:mm:ss". */
  time?: string;
  cardholderAuthentication?: CardholderAuthentication; // 1F10
  online?: boolean; // 1F11
  cardTechnology?: CardTechnology; // 1F12
  ecrFunctionRequest?: EcrFunctionRequest | number; // 1F13
  cardIdentificationItem?: string; // 1F14, hex (asked for with 1F15, never card data)
  cardReadingControl?: CardReadingControl; // 1F15
  extendedErrorCode?: number; // 1F16
  extendedErrorText?: string; // 1F17
  cardInsertionEndsKeyInput?: boolean; // 1F18
  uniqueTransactionId?: number; // 1F1F
  isoCurrency?: number; // 1F21 (first), e.g. 978
  decimals?: number; // 1F1E (first)
  cashbackAmount?: number; // 1F25, minor units
  endOfDayMode?: 'normal' | 'forced' | 'automatic' | number; // 1F26
  extendedProductName?: string; // 1F27
  emergencyMode?: boolean; // 1F28
  limitOverridden?: boolean; // 1F29
  additionalCardholderInformation?: string[]; // 1F2A, up to two
  longTrace?: number; // 1F2B
  profileName?: string; // 1F2C
  cardDataInputType?: 'magnetic-stripe' | 'chip' | 'barcode' | number; // 1F2D
  ePurseTopUpAmount?: number; // 1F30, minor units
  smid?: string; // 1F32, hex
  messageData?: string; // 1F33, hex
  mac?: string; // 1F34, hex
  ecrIdentification?: string; // 1F35, 8 digits
  tipAmount?: number; // 1F36, minor units
  receiptInformation?: { positive: boolean; signatureField: boolean; negative: boolean; mandatory: boolean }; // 1F37
  transactionInformation?: { tippable: boolean }; // 1F3B
  encryptedCardholderInformation?: string; // 1F3E, hex (encrypted for the host)
  remainingBalance?: number; // 1F3F, minor units
  ats?: string; // 1F45, hex: answer to select of a contactless card
  commandApdus?: string; // 1F46, hex
  /** 1F47: 01-04 contactless level 1 errors, 05 whitelist, FF unknown (details in 1F16/1F17). */
  cardReadErrorCode?: number;
  contactlessCardType?: ContactlessCardType; // 1F4C
  cardSubtype?: number; // 1F4D, PC/SC Part 3 Sup. 1 (e.g. 0xFE04)
  atqa?: string; // 1F4F, hex (reserved in 13.08; ATQA in later revisions and in EVerest zvt)
  sak?: number; // 1F50 (reserved in 13.08; SAK in later revisions and in EVerest zvt)
  cardPollTimeout?: number; // 1F5B, seconds; 0 infinite
  allowedCardTechnologies?: CardTechnology[]; // 1F60
  customerIndex?: number; // 1F61
  referenceNumberPrefix?: string; // 1F62, two letters naming the reference (in container E9)
  referenceNumber?: string; // 1F63, the individual reference number (in container E9)
  /** 1F6A: minor units; negative when the first nibble is D. */
  remainingAmount?: number;
  minimumAge?: number; // 1F6B
  ageVerificationResult?: 'not-reached' | 'reached' | 'card-unsupported' | 'terminal-unsupported' | number; // 1F6C
  paymentAtZeroAmount?: boolean; // 1F6D (06 E6 mode control)
  partialApproval?: boolean; // 1F70
  recognisedTags?: number[]; // 1F71
  extendedContactlessDetection?: boolean; // 1F72
  messageSequenceId?: number; // 1F73
  extendedDukptInformation?: boolean; // 1F76
  dukptEngineIndex?: number; // 1F77
  actionRequest?: 'logon-after-reboot' | number; // 1F79
  fileName?: string; // 1F80
  mimeType?: string; // 1F81
  transactionReferenceNumber?: string; // 1F82, n11
  acquirerId?: string; // 1F83, n11
  // ---- 9.4.3 Bonus points
  bonusTransactionType?: 'top-up' | 'collect' | 'redeem' | 'enquire' | 'credit' | string; // C1
  bonusPoints?: number; // C2
  remainingBonusPoints?: number; // C3
  ecrTransactionNumber?: number; // C4
  bonusPointsAmount?: number; // C5, minor units
  // ---- 9.4.4 Fleet cards
  driverNumber?: number; // 02
  vehicleNumber?: number; // 03
  mileage?: number; // 04
  /** 05 outside 21/22 (the goods group of the fleet container). */
  goodsGroup?: number;
  restrictionCode1?: number; // 06
  restrictionCode2?: number; // 0D
  serviceCode?: number; // 0E
  maximumPreAuthorisation?: number; // 1F0B, minor units (BCD)
  licensePlate?: string; // 1F0C
  permittedGoodsGroups?: number[]; // 21
  blockedGoodsGroups?: number[]; // 22
  // ---- 9.4.5 EMV
  emvConfiguration?: string; // 40, hex bit field
  zvtCardTypeId?: number; // 41
  applicationName?: string; // 42
  applicationId?: string; // 43, hex
  applicationPreferredName?: string; // 44
  emvReceiptParameter?: { merchantReceipt: EmvReceiptChoice; customerReceipt: EmvReceiptChoice }; // 45
  customerEmvPrintData?: string; // 46
  merchantEmvPrintData?: string; // 47
  networkCardTypeId?: number; // 49
  productDisplay?: string; // 4A
  issuerCountryCode?: string; // 4B
  uid?: string; // 4C, hex
  /** Every tag 60 (application), also inside 61/62 (applications on stripe / chip, Read Card). */
  applications?: Application[];
  invalidApplications?: Application[]; // 6A
  receiptHeader?: string[]; // 64
  receiptAdvertising?: string[]; // 65
  customerReceipt?: string[]; // 66 (46 and 68)
  merchantReceipt?: string[]; // 67 (47 and 68)
  transactionOutcome?: string[]; // 68
  /** 69: the original transaction's time stamp (2E inside), e.g. for a reversal. */
  referenceTransaction?: DateTime;
  // ---- 9.4.6 Menus
  menu?: Menu; // 2B
  // ---- 9.4.7 Prepaid (80, the prepaid PIN, is held masked)
  prepaidPhoneNumber?: string; // 81
  topUpText?: string; // 82
  prepaidType?: 'pin-printing' | 'e-loading' | string; // 83
  minimumChargeAmount?: number; // 84
  maximumChargeAmount?: number; // 85
  // ---- 9.4.8 DCC
  dccMarkupPercent?: number; // 1F1B, e.g. 3.5
  dccCardName?: string; // 1F1C
  dccInvertedRateUnit?: number; // 1F22
  dccRetrievalId?: string; // 1F23
  dccReferenceNumber?: string; // 1F24
  /** Every tag 31 (amount information: 1F1D type, 1F1E decimals, 1F20 amount, 1F21 currency), e.g. in the DCC container E2. */
  amountInformation?: AmountInformation[];
  // ---- 9.4.9 Barcodes (E3 inside 25)
  barcodes?: Barcode[];
  // ---- 9.4.10 Input
  inputMode?: 'text' | 'number' | 'amount' | number; // 1F38
  inputTimeout?: number; // 1F39, seconds
  inputResult?: string; // 1F3A
  input?: string; // 1F3C
  alphanumericData?: string; // 1F3D
  // ---- 9.4.11 Value added services
  processingSelection?: ('read' | 'write' | 'redeem' | 'delete')[]; // 1F65
  walletData?: string; // 1F66, hex
  retailerId?: string; // 1F67, hex
  loyaltyIds?: string[]; // 1F68, hex
  voucherIds?: string[]; // 1F69, hex
  // ---- 9.4.12 Configuration (serial number 1F42 is the message's `device`)
  deviceName?: string; // 1F40
  softwareVersion?: string; // 1F41
  deviceState?: 'ready' | 'initialisation-needed' | 'no-keys' | 'fraud' | number; // 1F43
  terminalIdentifier?: string; // 1F44, 8 digits
  keyGenerationNumber?: number; // 1F54
  terminalLocks?: TerminalLock[]; // 1F55
  customerIdentifier?: string; // 1F56, hex (4eye CID)
  merchantSamNumber?: string; // 1F57
  merchantSamExpiry?: { year: number; month: number }; // 1F58
  paymentApplications?: string[]; // 1F59
  // ---- 9.4.13 SEPA direct debit
  debitMandateId?: string; // 1F51
  debitCreditorId?: string; // 1F52
  debitPreNotification?: string; // 1F53
  iban?: string; // 1F5E
  bic?: string; // 1F5F
  // ---- 9.4.14 ExpressPay membership
  membershipProductId?: string; // 9F5A, hex
  membershipNumber?: string; // 9F5B, hex
  // ---- constructed (9.4.2.2)
  openPreAuthorisations?: number[]; // 23: receipt numbers (08)
  displayTexts?: string[]; // 24
  printTexts?: string[]; // 25
  permittedCommands?: string[]; // 26: CLASS INSTR as hex, e.g. "06D3"
  supportedCharsets?: number[]; // 27
  supportedLanguages?: string[]; // 28
  timestamp?: DateTime; // 2E
  cardAcceptance?: CardAcceptance[]; // 30
  terminalDateTime?: DateTime; // 34
  rebootDateTime?: DateTime; // 35
}

export interface DisplaySize {
  columns: number;
  lines: number;
}
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}
export interface DateTime {
  date?: CalendarDate;
  time?: string;
}
export interface Application {
  applicationId?: string; // 43, hex
  zvtCardTypeId?: number; // 41
  name?: string; // 42
  preferredName?: string; // 44
  priority?: string; // 48, hex
  productDisplay?: string; // 4A
  issuerCountryCode?: string; // 4B
}
export interface AmountInformation {
  type?: 'base-currency' | 'exchange-rate' | 'foreign-currency' | 'commission' | 'balance' | number; // 1F1D
  decimals?: number; // 1F1E
  amount?: number; // 1F20, minor units of its currency
  currency?: number; // 1F21
}
export interface Barcode {
  type?: BarcodeType | number; // 1F2E
  /** 1F2F: digits (BCD types), text (QR) or hex (Code 128 values). */
  productCode?: string;
}
export interface CardAcceptance {
  zvtCardTypeId?: number; // 41
  accept?: boolean; // 1F19 (00 accept, 01 deny)
  maskedPan?: string; // 1F1A
}
export interface Menu {
  type?: number; // 16
  context?: 'other' | 'application-selection' | 'language-selection' | number; // 17
  target?: 'merchant-display' | 'customer-display' | number; // 18
  items: { text?: string; returnValue?: number; backgroundColor?: string }[]; // 2C: 07, 19, 50
}

export type ContactlessCardType = 'iso7816-4' | 'mifare' | 'felica' | number;
export type CardTechnology = 'magnetic-stripe' | 'chip' | 'contactless';
export type CardholderAuthentication =
  | 'none'
  | 'signature'
  | 'online-pin'
  | 'offline-encrypted-pin'
  | 'offline-plaintext-pin'
  | 'offline-encrypted-pin-signature'
  | 'offline-plaintext-pin-signature'
  | 'online-pin-signature'
  | 'unknown';
export type DiagnosisType = 'line' | 'extended' | 'configuration' | 'emv-configuration' | 'ep2-configuration';
export type FileId = 'merchant-journal' | 'application-log' | 'ecr-protocol-log' | 'communication-module-log' | 'pin-pad-log' | 'reconciliation-data';
export type ReceiptId = 'last-receipt' | 'merchant-payment-receipt' | 'customer-payment-receipt' | 'end-of-day-receipt' | 'journal' | 'reconciliation';
export type ReservationParameter =
  | 'pre-authorisation'
  | 'reservation'
  | 'reservation-extension'
  | 'book-total'
  | 'booking'
  | 'telephonic-reservation'
  | 'telephonic-extension';
export type ReceiptType = 'merchant' | 'customer' | 'administration';
export type EcrFunctionRequest = 'extended-diagnosis' | 'end-of-day' | 'configuration-diagnosis' | 'opt-pre-initialisation' | 'emv-configuration-diagnosis' | 'tax-free';
export type EmvReceiptChoice = 'none' | 'authorised' | 'all' | number;
export type BarcodeType =
  | 'upc-a'
  | 'upc-e'
  | 'ean-13'
  | 'ean-8'
  | 'code-39'
  | 'itf'
  | 'codabar'
  | 'code-128'
  | 'ean-128'
  | 'qr-l'
  | 'qr-m'
  | 'qr-q'
  | 'qr-h';
export type TerminalLock =
  | 'end-of-day'
  | 'initialisation'
  | 'diagnosis'
  | 'service'
  | 'out-of-order'
  | 'printer'
  | 'start-up-needed'
  | 'secure-module-changed'
  | 'transaction-log-defective'
  | 'card-reader-not-found'
  | 'card-still-inserted'
  | 'secure-link-not-ready'
  | 'activation-needed'
  | 'low-battery'
  | 'contactless-reader-not-initialised'
  | 'mdb-not-ready';
export interface ReceiptParameter {
  positiveCustomerReceipt: boolean;
  negativeCustomerReceipt: boolean;
  positiveMerchantReceipt: boolean;
  negativeMerchantReceipt: boolean;
  customerReceiptFirst: boolean;
  shortReceipt: boolean;
  withoutProductData: boolean;
  ecrPrints: boolean;
  /** Byte 1, b8: barcodes (E3) in Print Text-Block. */
  barcodes: boolean;
}
export interface CardReadingControl {
  /** 1xxx xxnn: send 1F14 computed with this algorithm. */
  identification?: 'default' | 'online' | 'offline-sha256' | number;
  readUid: boolean;
  readRemainingBalance: boolean;
}

// ---------------------------------------------------------------------------------------------
// Readers: each returns undefined when the value does not fit the format of its tag.

type Reader = (value: Uint8Array, charset: Charset) => unknown;

const byte: Reader = (value) => (value.length === 1 ? value[0] : undefined);
const integer: Reader = (value) => (value.length >= 1 && value.length <= 6 ? value.reduce((sum, next) => sum * 256 + next, 0) : undefined);
const flag: Reader = (value) => (value.length === 1 && (value[0] === 0 || value[0] === 1) ? value[0] === 1 : undefined);
/** 1 byte binary, 00 off and any other value on (1F6D, 1F70). */
const switchByte: Reader = (value) => (value.length === 1 ? value[0] !== 0 : undefined);
const bcdNumber: Reader = (value) => {
  const digits = bcdToDigits(value);
  const number = digits === undefined || digits === '' ? undefined : Number(digits);
  return number !== undefined && Number.isSafeInteger(number) ? number : undefined;
};
const bcdDigits: Reader = (value) => {
  const digits = bcdToDigits(value);
  return digits === '' ? undefined : digits;
};
const text: Reader = (value, charset) => {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end--;
  return decodeText(value.subarray(0, end), charset);
};
/** "ASCII encoded" in the spec; read in the session's charset, which agrees on ASCII. */
const ascii: Reader = text;
const hex: Reader = (value) => (value.length > 0 ? bytesToNibbles(value) : undefined);
const maskedCardNumber: Reader = (value) => {
  const masked = cardNibblesToMasked(value);
  return masked === '' ? undefined : masked;
};

/** A byte mapped to a word; an unlisted value stays its number. */
function enumeration<T extends string>(words: Record<number, T>, width: 'byte' | 'integer' = 'byte'): Reader {
  return (value, charset) => {
    const number = (width === 'byte' ? byte : integer)(value, charset) as number | undefined;
    return number === undefined ? undefined : (words[number] ?? number);
  };
}

/** Named bits of a one-byte bit field, least significant bit first (1F60, 1F65). */
function lowBits<T extends string>(names: readonly T[]): Reader {
  return (value) => (value.length === 1 ? names.filter((_, index) => ((value[0] ?? 0) & (1 << index)) !== 0) : undefined);
}

/** Named bits of a bit field, most significant bit of the first byte first. */
function bitNames<T extends string>(names: readonly (T | undefined)[]): Reader {
  return (value) => {
    if (value.length === 0) return undefined;
    const out: T[] = [];
    names.forEach((name, index) => {
      const current = value[index >> 3] ?? 0;
      if (name !== undefined && (current & (0x80 >> (index & 7))) !== 0) out.push(name);
    });
    return out;
  };
}

const bit = (value: Uint8Array, index: number): boolean => ((value[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;

function calendarDate(value: Uint8Array): CalendarDate | undefined {
  const digits = value.length === 4 ? bcdToDigits(value) : undefined;
  if (!digits) return undefined;
  const [year, month, day] = [Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8))];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? { year, month, day } : undefined;
}

/** "hhmmss" -> "hh:mm:ss" when it is a time of day, else undefined. */
export function clockTime(digits: string | undefined): string | undefined {
  const match = digits === undefined ? null : /^([01]\d|2[0-3])([0-5]\d)([0-5]\d)$/.exec(digits);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : undefined;
}

const timeOfDay: Reader = (value) => (value.length === 3 ? clockTime(bcdToDigits(value)) : undefined);

/** SSZZ (BCD): columns and lines; an empty tag means "no display". */
const displaySize: Reader = (value) => {
  if (value.length === 0) return null;
  const digits = value.length === 2 ? bcdToDigits(value) : undefined;
  return digits ? { columns: Number(digits.slice(0, 2)), lines: Number(digits.slice(2, 4)) } : undefined;
};

/** 1F6A: BCD, a D in the first nibble marks a negative sum. */
const signedAmount: Reader = (value) => {
  if (value.length === 0 || value.length > 7) return undefined;
  const negative = value[0] !== undefined && value[0] >> 4 === 0x0d;
  const digits = bcdToDigits(negative ? Uint8Array.from([(value[0] ?? 0) & 0x0f, ...value.subarray(1)]) : value);
  return digits === undefined ? undefined : (negative ? -1 : 1) * Number(digits);
};

/** 1F71: a list of tag numbers, each written as in 9.3.1 (read by the TLV parser's own tag reader). */
const tagList: Reader = (value) => {
  const tags: number[] = [];
  for (let offset = 0; offset < value.length; ) {
    const tag = decodeTag(value, offset);
    if (!tag.ok) return undefined;
    tags.push(tag.value.tag);
    offset += tag.value.size;
  }
  return tags;
};

/** 1F12 by value, 1F60 by bit: the same three technologies in the same order. */
const CARD_TECHNOLOGIES: readonly CardTechnology[] = ['magnetic-stripe', 'chip', 'contactless'];
const CARDHOLDER_AUTHENTICATION: Record<number, CardholderAuthentication> = {
  0x00: 'none',
  0x01: 'signature',
  0x02: 'online-pin',
  0x03: 'offline-encrypted-pin',
  0x04: 'offline-plaintext-pin',
  0x05: 'offline-encrypted-pin-signature',
  0x06: 'offline-plaintext-pin-signature',
  0x07: 'online-pin-signature',
  0xff: 'unknown',
};
const BONUS_TRANSACTION: Record<string, NonNullable<TlvFields['bonusTransactionType']>> = { GL: 'top-up', ME: 'collect', MS: 'redeem', MU: 'enquire', MW: 'credit' };
const BARCODE_TYPES: Record<number, BarcodeType> = {
  0: 'upc-a',
  1: 'upc-e',
  2: 'ean-13',
  3: 'ean-8',
  4: 'code-39',
  5: 'itf',
  6: 'codabar',
  7: 'code-128',
  8: 'ean-128',
  9: 'qr-l',
  10: 'qr-m',
  11: 'qr-q',
  12: 'qr-h',
};
const TERMINAL_LOCKS: readonly TerminalLock[] = [
  'end-of-day',
  'initialisation',
  'diagnosis',
  'service',
  'out-of-order',
  'printer',
  'start-up-needed',
  'secure-module-changed',
  'transaction-log-defective',
  'card-reader-not-found',
  'card-still-inserted',
  'secure-link-not-ready',
  'activation-needed',
  'low-battery',
  'contactless-reader-not-initialised',
  'mdb-not-ready',
];
const EMV_RECEIPT: Record<string, EmvReceiptChoice> = { '0': 'none', '1': 'authorised', '2': 'all' };

/** Single-valued primitive tags: the first occurrence is named. */
const TABLE: Record<number, { name: keyof TlvFields; read: Reader }> = {
  0x01: { name: 'reversalId', read: hex },
  0x02: { name: 'driverNumber', read: bcdNumber },
  0x03: { name: 'vehicleNumber', read: bcdNumber },
  0x04: { name: 'mileage', read: bcdNumber },
  0x06: { name: 'restrictionCode1', read: bcdNumber },
  0x08: { name: 'receiptNumber', read: bcdNumber },
  0x09: { name: 'attribute', read: byte },
  0x0a: { name: 'zvtCommand', read: (value) => (value.length === 2 ? bytesToNibbles(value) : undefined) },
  0x0b: { name: 'infoField', read: ascii },
  0x0c: { name: 'infoField2', read: ascii },
  0x0d: { name: 'restrictionCode2', read: bcdNumber },
  0x0e: { name: 'serviceCode', read: bcdNumber },
  0x0f: { name: 'assignmentNumber', read: ascii },
  0x10: { name: 'merchantDisplay', read: displaySize },
  0x11: { name: 'customerDisplay', read: displaySize },
  0x12: { name: 'printerLineWidth', read: (value, charset) => (value.length === 1 ? bcdNumber(value, charset) : undefined) },
  0x13: { name: 'extraResultCode', read: ascii },
  0x14: { name: 'charsetCode', read: integer },
  0x15: { name: 'languageCode', read: ascii },
  0x1a: { name: 'maximumApduLength', read: integer },
  0x1b: { name: 'diagnosisType', read: enumeration<DiagnosisType>({ 1: 'line', 2: 'extended', 3: 'configuration', 4: 'emv-configuration', 5: 'ep2-configuration' }, 'integer') },
  0x1d: {
    name: 'fileId',
    read: enumeration<FileId>(
      { 1: 'merchant-journal', 2: 'application-log', 3: 'ecr-protocol-log', 4: 'communication-module-log', 5: 'pin-pad-log', 6: 'reconciliation-data' },
      'integer',
    ),
  },
  0x1e: { name: 'startPosition', read: integer },
  0x40: { name: 'emvConfiguration', read: hex },
  0x41: { name: 'zvtCardTypeId', read: integer },
  0x42: { name: 'applicationName', read: ascii },
  0x43: { name: 'applicationId', read: hex },
  0x44: { name: 'applicationPreferredName', read: ascii },
  0x45: {
    name: 'emvReceiptParameter',
    read: (value) => {
      const digits = value.length === 4 ? bytesToNibbles(value) : undefined;
      if (!digits) return undefined;
      const choice = (digit: string): EmvReceiptChoice => EMV_RECEIPT[digit] ?? parseInt(digit, 16);
      return { merchantReceipt: choice(digits[0] ?? ''), customerReceipt: choice(digits[1] ?? '') };
    },
  },
  0x46: { name: 'customerEmvPrintData', read: text },
  0x47: { name: 'merchantEmvPrintData', read: text },
  0x49: { name: 'networkCardTypeId', read: integer },
  0x4a: { name: 'productDisplay', read: ascii },
  0x4b: { name: 'issuerCountryCode', read: bcdDigits },
  0x4c: { name: 'uid', read: hex },
  0x81: { name: 'prepaidPhoneNumber', read: ascii },
  0x82: { name: 'topUpText', read: text },
  0x83: {
    name: 'prepaidType',
    read: (value, charset) => {
      const type = ascii(value, charset) as string;
      return type === 'P' ? 'pin-printing' : type === 'E' ? 'e-loading' : type || undefined;
    },
  },
  0x84: { name: 'minimumChargeAmount', read: bcdNumber },
  0x85: { name: 'maximumChargeAmount', read: bcdNumber },
  0xc1: {
    name: 'bonusTransactionType',
    read: (value) => {
      if (value.length !== 2) return undefined;
      const code = String.fromCharCode(value[0] ?? 0, value[1] ?? 0);
      return BONUS_TRANSACTION[code] ?? code;
    },
  },
  0xc2: { name: 'bonusPoints', read: bcdNumber },
  0xc3: { name: 'remainingBonusPoints', read: bcdNumber },
  0xc4: { name: 'ecrTransactionNumber', read: bcdNumber },
  0xc5: { name: 'bonusPointsAmount', read: bcdNumber },
  0x1f00: { name: 'fileTotalLength', read: integer },
  0x1f01: {
    name: 'receiptId',
    read: enumeration<ReceiptId>(
      { 1: 'last-receipt', 2: 'merchant-payment-receipt', 3: 'customer-payment-receipt', 4: 'end-of-day-receipt', 5: 'journal', 6: 'reconciliation' },
      'integer',
    ),
  },
  0x1f02: { name: 'fromTaNumber', read: integer },
  0x1f03: { name: 'toTaNumber', read: integer },
  0x1f04: {
    name: 'receiptParameter',
    read: (value) =>
      value.length === 0
        ? undefined
        : {
            positiveCustomerReceipt: bit(value, 0),
            negativeCustomerReceipt: bit(value, 1),
            positiveMerchantReceipt: bit(value, 2),
            negativeMerchantReceipt: bit(value, 3),
            customerReceiptFirst: bit(value, 4),
            shortReceipt: bit(value, 5),
            withoutProductData: bit(value, 6),
            ecrPrints: bit(value, 7),
            barcodes: bit(value, 8),
          },
  },
  0x1f05: { name: 'transactionParameter', read: (value) => (value.length === 0 ? undefined : { sendUnprocessedCardData: bit(value, 0), swipeReader: bit(value, 1) }) },
  0x1f06: {
    name: 'reservationParameter',
    read: enumeration<ReservationParameter>(
      {
        1: 'pre-authorisation',
        2: 'reservation',
        3: 'reservation-extension',
        4: 'book-total',
        5: 'booking',
        6: 'telephonic-reservation',
        7: 'telephonic-extension',
      },
      'integer',
    ),
  },
  0x1f07: { name: 'receiptType', read: enumeration<ReceiptType>({ 1: 'merchant', 2: 'customer', 3: 'administration' }, 'integer') },
  0x1f08: { name: 'track1', read: (value) => maskTrack1(decodeText(value, 'latin1')) },
  0x1f09: { name: 'track2', read: maskedCardNumber },
  0x1f0a: { name: 'track3', read: maskedCardNumber },
  0x1f0b: { name: 'maximumPreAuthorisation', read: bcdNumber },
  0x1f0c: { name: 'licensePlate', read: ascii },
  0x1f0d: { name: 'hostData', read: hex },
  0x1f0e: { name: 'date', read: calendarDate },
  0x1f0f: { name: 'time', read: timeOfDay },
  0x1f10: { name: 'cardholderAuthentication', read: (value) => (value.length === 1 ? CARDHOLDER_AUTHENTICATION[value[0] ?? -1] : undefined) },
  0x1f11: { name: 'online', read: flag },
  0x1f12: { name: 'cardTechnology', read: (value) => (value.length === 1 ? CARD_TECHNOLOGIES[value[0] ?? -1] : undefined) },
  0x1f13: {
    name: 'ecrFunctionRequest',
    read: enumeration<EcrFunctionRequest>({
      0: 'extended-diagnosis',
      1: 'end-of-day',
      2: 'configuration-diagnosis',
      3: 'opt-pre-initialisation',
      4: 'emv-configuration-diagnosis',
      5: 'tax-free',
    }),
  },
  0x1f14: { name: 'cardIdentificationItem', read: hex },
  0x1f15: {
    name: 'cardReadingControl',
    read: (value) => {
      const first = value[0];
      if (first === undefined) return undefined;
      const algorithm = first & 0x03;
      const identification = bit(value, 0) ? ((['default', 'online', 'offline-sha256'] as const)[algorithm] ?? algorithm) : undefined;
      return { ...(identification === undefined ? {} : { identification }), readUid: bit(value, 1), readRemainingBalance: bit(value, 2) };
    },
  },
  0x1f16: { name: 'extendedErrorCode', read: integer },
  0x1f17: { name: 'extendedErrorText', read: text },
  0x1f18: { name: 'cardInsertionEndsKeyInput', read: flag },
  0x1f1b: {
    name: 'dccMarkupPercent',
    read: (value, charset) => {
      const hundredths = value.length === 2 ? (bcdNumber(value, charset) as number | undefined) : undefined;
      return hundredths === undefined ? undefined : hundredths / 100;
    },
  },
  0x1f1c: { name: 'dccCardName', read: ascii },
  0x1f1e: { name: 'decimals', read: integer },
  0x1f1f: { name: 'uniqueTransactionId', read: integer },
  0x1f21: { name: 'isoCurrency', read: bcdNumber },
  0x1f22: { name: 'dccInvertedRateUnit', read: bcdNumber },
  0x1f23: { name: 'dccRetrievalId', read: ascii },
  0x1f24: { name: 'dccReferenceNumber', read: ascii },
  0x1f25: { name: 'cashbackAmount', read: bcdNumber },
  0x1f26: { name: 'endOfDayMode', read: enumeration({ 0: 'normal', 1: 'forced', 2: 'automatic' } as const) },
  0x1f27: { name: 'extendedProductName', read: text },
  0x1f28: { name: 'emergencyMode', read: flag },
  0x1f29: { name: 'limitOverridden', read: flag },
  0x1f2b: { name: 'longTrace', read: bcdNumber },
  0x1f2c: { name: 'profileName', read: ascii },
  0x1f2d: { name: 'cardDataInputType', read: enumeration({ 0: 'magnetic-stripe', 1: 'chip', 2: 'barcode' } as const) },
  0x1f30: { name: 'ePurseTopUpAmount', read: bcdNumber },
  0x1f32: { name: 'smid', read: hex },
  0x1f33: { name: 'messageData', read: hex },
  0x1f34: { name: 'mac', read: hex },
  0x1f35: { name: 'ecrIdentification', read: (value, charset) => (value.length === 4 ? bcdDigits(value, charset) : undefined) },
  0x1f36: { name: 'tipAmount', read: bcdNumber },
  0x1f37: {
    name: 'receiptInformation',
    read: (value) => {
      const first = value[0];
      return first === undefined
        ? undefined
        : { positive: (first & 0x01) !== 0, signatureField: (first & 0x02) !== 0, negative: (first & 0x04) !== 0, mandatory: (first & 0x80) !== 0 };
    },
  },
  0x1f38: { name: 'inputMode', read: enumeration({ 0: 'text', 1: 'number', 2: 'amount' } as const) },
  0x1f39: { name: 'inputTimeout', read: (value, charset) => (value.length === 2 ? integer(value, charset) : undefined) },
  0x1f3a: { name: 'inputResult', read: text },
  0x1f3b: { name: 'transactionInformation', read: (value) => (value.length === 0 ? undefined : { tippable: ((value[0] ?? 0) & 0x01) !== 0 }) },
  0x1f3c: { name: 'input', read: text },
  0x1f3d: { name: 'alphanumericData', read: text },
  0x1f3e: { name: 'encryptedCardholderInformation', read: hex },
  0x1f3f: { name: 'remainingBalance', read: bcdNumber },
  0x1f40: { name: 'deviceName', read: ascii },
  0x1f41: { name: 'softwareVersion', read: ascii },
  0x1f43: { name: 'deviceState', read: enumeration({ 0: 'ready', 1: 'initialisation-needed', 2: 'no-keys', 3: 'fraud' } as const) },
  0x1f44: { name: 'terminalIdentifier', read: (value, charset) => (value.length === 4 ? bcdDigits(value, charset) : undefined) },
  0x1f45: { name: 'ats', read: hex },
  0x1f46: { name: 'commandApdus', read: hex },
  0x1f47: { name: 'cardReadErrorCode', read: byte },
  0x1f4c: { name: 'contactlessCardType', read: enumeration<'iso7816-4' | 'mifare' | 'felica'>({ 0: 'iso7816-4', 1: 'mifare', 2: 'felica' }, 'integer') },
  0x1f4d: { name: 'cardSubtype', read: integer },
  0x1f4f: { name: 'atqa', read: hex },
  0x1f50: { name: 'sak', read: byte },
  0x1f51: { name: 'debitMandateId', read: text },
  0x1f52: { name: 'debitCreditorId', read: text },
  0x1f53: { name: 'debitPreNotification', read: text },
  0x1f54: { name: 'keyGenerationNumber', read: integer },
  0x1f55: { name: 'terminalLocks', read: (value, charset) => (value.length === 2 ? bitNames(TERMINAL_LOCKS)(value, charset) : undefined) },
  0x1f56: { name: 'customerIdentifier', read: hex },
  0x1f57: { name: 'merchantSamNumber', read: bcdDigits },
  0x1f58: {
    name: 'merchantSamExpiry',
    read: (value) => {
      const digits = value.length === 2 ? bcdToDigits(value) : undefined;
      const month = digits ? Number(digits.slice(2, 4)) : 0;
      return digits && month >= 1 && month <= 12 ? { year: 2000 + Number(digits.slice(0, 2)), month } : undefined;
    },
  },
  0x1f5b: { name: 'cardPollTimeout', read: integer },
  0x1f5e: { name: 'iban', read: ascii },
  0x1f5f: { name: 'bic', read: ascii },
  0x1f60: { name: 'allowedCardTechnologies', read: lowBits(CARD_TECHNOLOGIES) },
  0x1f61: { name: 'customerIndex', read: integer },
  0x1f62: { name: 'referenceNumberPrefix', read: ascii },
  0x1f63: { name: 'referenceNumber', read: ascii },
  0x1f65: { name: 'processingSelection', read: lowBits(['read', 'write', 'redeem', 'delete'] as const) },
  0x1f66: { name: 'walletData', read: hex },
  0x1f67: { name: 'retailerId', read: hex },
  0x1f6a: { name: 'remainingAmount', read: signedAmount },
  0x1f6b: { name: 'minimumAge', read: bcdNumber },
  0x1f6c: { name: 'ageVerificationResult', read: enumeration({ 0: 'not-reached', 1: 'reached', 2: 'card-unsupported', 3: 'terminal-unsupported' } as const) },
  0x1f6d: { name: 'paymentAtZeroAmount', read: switchByte },
  0x1f70: { name: 'partialApproval', read: switchByte },
  0x1f71: { name: 'recognisedTags', read: tagList },
  0x1f72: { name: 'extendedContactlessDetection', read: flag },
  0x1f73: { name: 'messageSequenceId', read: (value, charset) => (value.length === 3 ? bcdNumber(value, charset) : undefined) },
  0x1f76: { name: 'extendedDukptInformation', read: flag },
  0x1f77: { name: 'dukptEngineIndex', read: integer },
  0x1f79: { name: 'actionRequest', read: enumeration({ 1: 'logon-after-reboot' } as const) },
  0x1f80: { name: 'fileName', read: text },
  0x1f81: { name: 'mimeType', read: ascii },
  0x1f82: { name: 'transactionReferenceNumber', read: bcdDigits },
  0x1f83: { name: 'acquirerId', read: bcdDigits },
  0x9f5a: { name: 'membershipProductId', read: hex },
  0x9f5b: { name: 'membershipNumber', read: hex },
};

/** Primitive tags that may repeat: every occurrence is listed. */
const REPEATED: Record<number, { name: keyof TlvFields; read: Reader }> = {
  0x07: { name: 'textLines', read: text },
  0x1f2a: { name: 'additionalCardholderInformation', read: ascii },
  0x1f59: { name: 'paymentApplications', read: ascii },
  0x1f68: { name: 'loyaltyIds', read: hex },
  0x1f69: { name: 'voucherIds', read: hex },
};

/**
 * Primitive tags of the table that get no field of their own, and why: 05 goods group is named
 * below (in 21/22 or alone), 1C is a file's raw block, 1F1D/1F20 live in `amountInformation`,
 * 1F19 in `cardAcceptance`, 1F2E/1F2F in `barcodes`, 16-19 and 50 in `menu`, 48 in
 * `applications`, 1F42 is the message's `device.serialNumber` (it depends on the vendor
 * profile), 1F78's format is not given. The card data and secrets are listed in bitmaps.ts.
 */
export const TLV_TAGS_NAMED_ELSEWHERE: ReadonlySet<number> = new Set([0x05, 0x16, 0x17, 0x18, 0x19, 0x1c, 0x48, 0x50, 0x1f19, 0x1f1d, 0x1f20, 0x1f2e, 0x1f2f, 0x1f42, 0x1f78]);

/** The tags `readTlvFields` names, primitive ones of the table and repeated ones (for the conformance report and its test). */
export const NAMED_TLV_TAGS: ReadonlySet<number> = new Set([...Object.keys(TABLE), ...Object.keys(REPEATED)].map(Number));

// ---------------------------------------------------------------------------------------------
// Constructed data objects (9.4.2.2 and the sections after it).

function childValue(node: TlvNode, tag: number, read: Reader, charset: Charset): unknown {
  const child = node.children?.find((entry) => entry.tag === tag);
  return child ? read(child.value, charset) : undefined;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** The 07 lines of a container (and of 46/47 print data inside 66/67, split at line breaks). */
function linesOf(node: TlvNode, charset: Charset): string[] {
  const lines: string[] = [];
  for (const child of node.children ?? []) {
    if (child.tag === 0x07) lines.push(text(child.value, charset) as string);
    else if (child.tag === 0x46 || child.tag === 0x47) lines.push(...(text(child.value, charset) as string).split(/\r\n|\r|\n/));
    else if (child.tag === 0x68) lines.push(...linesOf(child, charset));
  }
  return lines;
}

function application(node: TlvNode, charset: Charset): Application {
  return compact({
    applicationId: childValue(node, 0x43, hex, charset) as string | undefined,
    zvtCardTypeId: childValue(node, 0x41, integer, charset) as number | undefined,
    name: childValue(node, 0x42, ascii, charset) as string | undefined,
    preferredName: childValue(node, 0x44, ascii, charset) as string | undefined,
    priority: childValue(node, 0x48, hex, charset) as string | undefined,
    productDisplay: childValue(node, 0x4a, ascii, charset) as string | undefined,
    issuerCountryCode: childValue(node, 0x4b, bcdDigits, charset) as string | undefined,
  });
}

function dateTime(node: TlvNode, charset: Charset): DateTime {
  return compact({ date: childValue(node, 0x1f0e, calendarDate, charset) as CalendarDate | undefined, time: childValue(node, 0x1f0f, timeOfDay, charset) as string | undefined });
}

function amountInformation(node: TlvNode, charset: Charset): AmountInformation {
  const type = childValue(node, 0x1f1d, enumeration({ 1: 'base-currency', 2: 'exchange-rate', 3: 'foreign-currency', 4: 'commission', 5: 'balance' } as const), charset);
  return compact({
    type: type as AmountInformation['type'],
    decimals: childValue(node, 0x1f1e, integer, charset) as number | undefined,
    amount: childValue(node, 0x1f20, bcdNumber, charset) as number | undefined,
    currency: childValue(node, 0x1f21, bcdNumber, charset) as number | undefined,
  });
}

function barcode(node: TlvNode, charset: Charset): Barcode {
  const type = childValue(node, 0x1f2e, enumeration(BARCODE_TYPES), charset) as Barcode['type'];
  const code = node.children?.find((entry) => entry.tag === 0x1f2f)?.value;
  let productCode: string | undefined;
  if (code) {
    if (type === 'code-128' || type === 'ean-128') productCode = hex(code, charset) as string | undefined;
    else if (typeof type === 'string' && type.startsWith('qr-')) productCode = text(code, charset) as string;
    else productCode = bytesToNibbles(code).replace(/F$/, '');
  }
  return compact({ type, productCode });
}

function cardAcceptance(node: TlvNode, charset: Charset): CardAcceptance {
  const decision = childValue(node, 0x1f19, byte, charset) as number | undefined;
  return compact({
    zvtCardTypeId: childValue(node, 0x41, integer, charset) as number | undefined,
    accept: decision === 0 ? true : decision === 1 ? false : undefined,
    maskedPan: childValue(node, 0x1f1a, maskedCardNumber, charset) as string | undefined,
  });
}

function menu(node: TlvNode, charset: Charset): Menu {
  const items = (node.children ?? [])
    .filter((child) => child.tag === 0x2c)
    .map((item) => {
      const color = childValue(item, 0x50, integer, charset) as number | undefined;
      return compact({
        text: childValue(item, 0x07, text, charset) as string | undefined,
        returnValue: childValue(item, 0x19, integer, charset) as number | undefined,
        backgroundColor: color === undefined ? undefined : `#${color.toString(16).padStart(6, '0').toUpperCase()}`,
      });
    });
  return compact({
    type: childValue(node, 0x16, integer, charset) as number | undefined,
    context: childValue(node, 0x17, enumeration({ 1: 'other', 2: 'application-selection', 3: 'language-selection' } as const, 'integer'), charset) as Menu['context'],
    target: childValue(node, 0x18, enumeration({ 1: 'merchant-display', 2: 'customer-display' } as const, 'integer'), charset) as Menu['target'],
    items,
  });
}

function childList(node: TlvNode, tag: number, read: Reader, charset: Charset): unknown[] {
  return (node.children ?? []).filter((child) => child.tag === tag).map((child) => read(child.value, charset)).filter((value) => value !== undefined);
}

/** Constructed tags read as one field (the first occurrence) or, with `list`, one entry each. */
const CONTAINERS: Record<number, { name: keyof TlvFields; read: (node: TlvNode, charset: Charset) => unknown; list?: true }> = {
  0x21: { name: 'permittedGoodsGroups', read: (node, charset) => childList(node, 0x05, bcdNumber, charset) },
  0x22: { name: 'blockedGoodsGroups', read: (node, charset) => childList(node, 0x05, bcdNumber, charset) },
  0x23: { name: 'openPreAuthorisations', read: (node, charset) => childList(node, 0x08, bcdNumber, charset) },
  0x24: { name: 'displayTexts', read: linesOf },
  0x25: { name: 'printTexts', read: linesOf },
  0x26: { name: 'permittedCommands', read: (node, charset) => childList(node, 0x0a, TABLE[0x0a]?.read ?? hex, charset) },
  0x27: { name: 'supportedCharsets', read: (node, charset) => childList(node, 0x14, integer, charset) },
  0x28: { name: 'supportedLanguages', read: (node, charset) => childList(node, 0x15, ascii, charset) },
  0x2b: { name: 'menu', read: menu },
  0x2e: { name: 'timestamp', read: dateTime },
  0x30: { name: 'cardAcceptance', read: cardAcceptance, list: true },
  0x31: { name: 'amountInformation', read: amountInformation, list: true },
  0x34: { name: 'terminalDateTime', read: dateTime },
  0x35: { name: 'rebootDateTime', read: dateTime },
  0x60: { name: 'applications', read: application, list: true },
  0x64: { name: 'receiptHeader', read: linesOf },
  0x65: { name: 'receiptAdvertising', read: linesOf },
  0x66: { name: 'customerReceipt', read: linesOf },
  0x67: { name: 'merchantReceipt', read: linesOf },
  0x68: { name: 'transactionOutcome', read: linesOf },
  0x69: { name: 'referenceTransaction', read: (node, charset) => dateTime(node.children?.find((child) => child.tag === 0x2e) ?? node, charset) },
  0x6a: { name: 'invalidApplications', read: application, list: true },
  0xe3: { name: 'barcodes', read: barcode, list: true },
};

/** The constructed tags `readTlvFields` names. */
export const NAMED_TLV_CONTAINERS: ReadonlySet<number> = new Set(Object.keys(CONTAINERS).map(Number));

/** Named fields of every data object in the table, searched through constructed tags too. */
export function readTlvFields(nodes: readonly TlvNode[] | undefined, charset: Charset = 'cp437'): TlvFields | undefined {
  if (!nodes || nodes.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  const push = (name: string, value: unknown) => {
    const list = (out[name] as unknown[] | undefined) ?? [];
    list.push(value);
    out[name] = list;
  };
  const visit = (list: readonly TlvNode[], parent: number | undefined) => {
    for (const node of list) {
      const container = node.children ? CONTAINERS[node.tag] : undefined;
      if (container) {
        if (container.list) push(container.name, container.read(node, charset));
        else if (out[container.name] === undefined) out[container.name] = container.read(node, charset);
      }
      if (node.children) {
        visit(node.children, node.tag);
        continue;
      }
      // A goods group (05) outside the lists 21/22 is the fleet container's own.
      if (node.tag === 0x05 && parent !== 0x21 && parent !== 0x22) {
        if (out.goodsGroup === undefined) {
          const group = bcdNumber(node.value, charset);
          if (group !== undefined) out.goodsGroup = group;
        }
        continue;
      }
      const repeated = REPEATED[node.tag];
      if (repeated) {
        const value = repeated.read(node.value, charset);
        if (value !== undefined) push(repeated.name, value);
        continue;
      }
      const entry = TABLE[node.tag];
      if (!entry || out[entry.name] !== undefined) continue;
      const value = entry.read(node.value, charset);
      if (value !== undefined) out[entry.name] = value;
    }
  };
  visit(nodes, undefined);
  return Object.keys(out).length > 0 ? (out as TlvFields) : undefined;
}
