import { bcdToDigits, bytesToNibbles } from './bytes';
import { decodeText, type Charset } from './charset';
import type { TlvNode } from './tlv';

/**
 * The data objects of PA00P015 9.4 (table 9.4.1) as named, typed fields. Tags not in this table
 * stay in the raw `tlv` list of the message (kept, never an error); a tag in the table whose value
 * does not fit its format is left out of the named fields and stays raw too.
 */
export interface TlvFields {
  reversalId?: string; // 01
  textLines?: string[]; // 07 (every occurrence)
  receiptNumber?: number; // 08
  attribute?: number; // 09
  zvtCommand?: string; // 0A, CLASS INSTR as hex
  infoField?: string; // 0B
  infoField2?: string; // 0C
  printerLineWidth?: number; // 12
  extraResultCode?: string; // 13, hex
  charsetCode?: number; // 14
  languageCode?: string; // 15
  maximumApduLength?: number; // 1A
  diagnosisType?: number; // 1B
  paymentType?: number; // 2F
  zvtCardTypeId?: number; // 41
  applicationName?: string; // 42
  applicationId?: string; // 43, hex
  applicationPreferredName?: string; // 44
  customerEmvPrintData?: string; // 46
  merchantEmvPrintData?: string; // 47
  networkCardTypeId?: number; // 49
  issuerCountryCode?: string; // 4B
  uid?: string; // 4C, hex
  receiptType?: number; // 1F07
  maximumPreAuthorisation?: number; // 1F0B, minor units (BCD)
  cardIdentificationItem?: string; // 1F14, hex (asked for with 1F15, never card data)
  /** 1F0E: YYYYMMDD. */
  date?: { year: number; month: number; day: number };
  /** 1F0F: "hh:mm:ss". */
  time?: string;
  cardholderAuthentication?: CardholderAuthentication; // 1F10
  online?: boolean; // 1F11
  cardTechnology?: CardTechnology; // 1F12
  extendedErrorCode?: number; // 1F16
  extendedErrorText?: string; // 1F17
  dccCardName?: string; // 1F1C
  referenceNumberPrefix?: string; // 1F62, two letters naming the reference (in container E9)
  referenceNumber?: string; // 1F63, the individual reference number (in container E9)
  longTrace?: number; // 1F2B
  deviceName?: string; // 1F40
  softwareVersion?: string; // 1F41
  deviceState?: number; // 1F43
  ats?: string; // 1F45, hex: answer to select of a contactless card
  /** 1F47: 01-04 contactless level 1 errors, 05 whitelist, FF unknown (details in 1F16/1F17). */
  cardReadErrorCode?: number;
  /** 1F4C: the contactless card's type. */
  contactlessCardType?: ContactlessCardType;
  cardSubtype?: number; // 1F4D, PC/SC Part 3 Sup. 1 (e.g. 0xFE04)
  atqa?: string; // 1F4F, hex (reserved in 13.08; ATQA in later revisions and in EVerest zvt)
  sak?: number; // 1F50 (reserved in 13.08; SAK in later revisions and in EVerest zvt)
  /** Every tag 60 (application: 43 AID, 41 ZVT card type), also inside 62 "applications on chip" (Read Card). */
  applications?: { applicationId?: string; zvtCardTypeId?: number }[];
}

export type ContactlessCardType = 'iso7816-4' | 'mifare' | 'felica' | number;
const CONTACTLESS_CARD_TYPE: Record<number, ContactlessCardType> = { 0: 'iso7816-4', 1: 'mifare', 2: 'felica' };

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

/** 1F12 (9.4.2). */
const CARD_TECHNOLOGY: Record<number, CardTechnology> = { 0: 'magnetic-stripe', 1: 'chip', 2: 'contactless' };
/** 1F10 (9.4.2). */
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

type Reader = (value: Uint8Array, charset: Charset) => unknown;

const byte: Reader = (value) => (value.length === 1 ? value[0] : undefined);
const integer: Reader = (value) => (value.length >= 1 && value.length <= 6 ? value.reduce((sum, next) => sum * 256 + next, 0) : undefined);
const bcdNumber: Reader = (value) => {
  const digits = bcdToDigits(value);
  return digits === undefined || digits === '' ? undefined : Number(digits);
};
const bcdDigits: Reader = (value) => bcdToDigits(value);
const text: Reader = (value, charset) => {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end--;
  return decodeText(value.subarray(0, end), charset);
};
const hex: Reader = (value) => bytesToNibbles(value);

const TABLE: Record<number, { name: keyof TlvFields; read: Reader }> = {
  0x01: { name: 'reversalId', read: bcdDigits },
  0x08: { name: 'receiptNumber', read: bcdNumber },
  0x09: { name: 'attribute', read: byte },
  0x0a: { name: 'zvtCommand', read: hex },
  0x0b: { name: 'infoField', read: text },
  0x0c: { name: 'infoField2', read: text },
  0x12: { name: 'printerLineWidth', read: byte },
  0x13: { name: 'extraResultCode', read: hex },
  0x14: { name: 'charsetCode', read: byte },
  0x15: { name: 'languageCode', read: text },
  0x1a: { name: 'maximumApduLength', read: integer },
  0x1b: { name: 'diagnosisType', read: byte },
  0x2f: { name: 'paymentType', read: byte },
  0x41: { name: 'zvtCardTypeId', read: integer },
  0x42: { name: 'applicationName', read: text },
  0x43: { name: 'applicationId', read: hex },
  0x44: { name: 'applicationPreferredName', read: text },
  0x46: { name: 'customerEmvPrintData', read: text },
  0x47: { name: 'merchantEmvPrintData', read: text },
  0x49: { name: 'networkCardTypeId', read: integer },
  0x4b: { name: 'issuerCountryCode', read: bcdDigits },
  0x4c: { name: 'uid', read: hex },
  0x1f07: { name: 'receiptType', read: byte },
  0x1f0b: { name: 'maximumPreAuthorisation', read: bcdNumber },
  0x1f14: { name: 'cardIdentificationItem', read: hex },
  0x1f0e: {
    name: 'date',
    read: (value) => {
      const digits = value.length === 4 ? bcdToDigits(value) : undefined;
      if (!digits) return undefined;
      const [year, month, day] = [Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8))];
      return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? { year, month, day } : undefined;
    },
  },
  0x1f0f: { name: 'time', read: (value) => (value.length === 3 ? clockTime(bcdToDigits(value)) : undefined) },
  0x1f10: { name: 'cardholderAuthentication', read: (value) => (value.length === 1 ? CARDHOLDER_AUTHENTICATION[value[0] ?? -1] : undefined) },
  0x1f11: { name: 'online', read: (value) => (value.length === 1 && (value[0] === 0 || value[0] === 1) ? value[0] === 1 : undefined) },
  0x1f12: { name: 'cardTechnology', read: (value) => (value.length === 1 ? CARD_TECHNOLOGY[value[0] ?? -1] : undefined) },
  0x1f16: { name: 'extendedErrorCode', read: integer },
  0x1f17: { name: 'extendedErrorText', read: text },
  0x1f1c: { name: 'dccCardName', read: text },
  0x1f62: { name: 'referenceNumberPrefix', read: text },
  0x1f63: { name: 'referenceNumber', read: text },
  0x1f2b: { name: 'longTrace', read: bcdNumber },
  0x1f40: { name: 'deviceName', read: text },
  0x1f41: { name: 'softwareVersion', read: text },
  0x1f43: { name: 'deviceState', read: byte },
  0x1f45: { name: 'ats', read: hex },
  0x1f47: { name: 'cardReadErrorCode', read: byte },
  0x1f4c: {
    name: 'contactlessCardType',
    read: (value, charset) => {
      const number = integer(value, charset) as number | undefined;
      return number === undefined ? undefined : (CONTACTLESS_CARD_TYPE[number] ?? number);
    },
  },
  0x1f4d: { name: 'cardSubtype', read: integer },
  0x1f4f: { name: 'atqa', read: hex },
  0x1f50: { name: 'sak', read: byte },
};

/** One tag 60 (application) as { applicationId (43), zvtCardTypeId (41) }. */
function application(node: TlvNode, charset: Charset): { applicationId?: string; zvtCardTypeId?: number } {
  const out: { applicationId?: string; zvtCardTypeId?: number } = {};
  for (const child of node.children ?? []) {
    if (child.tag === 0x43 && out.applicationId === undefined) out.applicationId = hex(child.value, charset) as string;
    if (child.tag === 0x41 && out.zvtCardTypeId === undefined) {
      const id = integer(child.value, charset) as number | undefined;
      if (id !== undefined) out.zvtCardTypeId = id;
    }
  }
  return out;
}

/** "hhmmss" -> "hh:mm:ss" when it is a time of day, else undefined. */
export function clockTime(digits: string | undefined): string | undefined {
  const match = digits === undefined ? null : /^([01]\d|2[0-3])([0-5]\d)([0-5]\d)$/.exec(digits);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : undefined;
}

/** Named fields of every data object in the table, searched through constructed tags too. */
export function readTlvFields(nodes: readonly TlvNode[] | undefined, charset: Charset = 'cp437'): TlvFields | undefined {
  if (!nodes || nodes.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  const visit = (list: readonly TlvNode[]) => {
    for (const node of list) {
      if (node.tag === 0x60 && node.children) {
        const applications = (out.applications as ReturnType<typeof application>[] | undefined) ?? [];
        applications.push(application(node, charset));
        out.applications = applications;
      }
      if (node.children) visit(node.children);
      if (node.tag === 0x07) {
        const lines = (out.textLines as string[] | undefined) ?? [];
        lines.push(text(node.value, charset) as string);
        out.textLines = lines;
        continue;
      }
      const entry = TABLE[node.tag];
      if (!entry || out[entry.name] !== undefined) continue;
      const value = entry.read(node.value, charset);
      if (value !== undefined) out[entry.name] = value;
    }
  };
  visit(nodes);
  return Object.keys(out).length > 0 ? (out as TlvFields) : undefined;
}
