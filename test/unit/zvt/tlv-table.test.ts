/**
 * The TLV data objects of PA00P015 rev 13.08, table 9.4.1 with the formats of 9.4.2-9.4.14, read
 * into named, typed fields (bytes in, fields out), and the card data among them held masked.
 * Sources are named per test: the spec's own examples (chapter 5.1, 9.4.2), the Registration a
 * real ECR sends in ecrterm's PACKET_LIST, and, where neither gives bytes, values built from the
 * format the spec's section states.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  CARD_DATA_TLV_TAGS,
  carriesCardData,
  decodeApdu,
  encodeMessage,
  encodeTlvList,
  hexToBytes,
  tlv,
  type TlvNode,
  type ZvtMessage,
} from '../../../electron/node/protocol/zvt';
import { NAMED_TLV_TAGS, readTlvFields, type TlvFields } from '../../../electron/node/protocol/zvt/tlv-fields';
import { SPEC_CONSTRUCTED_TAGS, SPEC_PRIMITIVE_TAGS, unreadTlvTags } from '../../conformance/spec-tlv-tags';

const hex = (text: string): Uint8Array => {
  const bytes = hexToBytes(text);
  if (!bytes) throw new Error(`not hex: ${text}`);
  return bytes;
};
const ascii = (text: string): number[] => [...text].map((character) => character.charCodeAt(0));

/** 04 0F with result code 00 and the nodes as its TLV container (BMP 06). */
function statusInformation(nodes: TlvNode[]): Uint8Array {
  const body = encodeTlvList(nodes);
  const length = body.length < 0x80 ? [body.length] : body.length <= 0xff ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  const data = [0x27, 0x00, 0x06, ...length, ...body];
  const apduLength = data.length < 0xff ? [data.length] : [0xff, data.length & 0xff, data.length >> 8];
  return Uint8Array.from([0x04, 0x0f, ...apduLength, ...data]);
}

function decoded(bytes: Uint8Array): Extract<ZvtMessage, { kind: 'status-information' | 'intermediate-status' | 'completion' }> {
  const result = decodeApdu(bytes);
  if (!result.ok) throw new Error(`${bytesToHex(bytes)}: ${result.error.message}`);
  return result.value as Extract<ZvtMessage, { kind: 'status-information' | 'intermediate-status' | 'completion' }>;
}

function fieldsOf(nodes: TlvNode[]): TlvFields {
  const message = decoded(statusInformation(nodes));
  expect(message.kind).toBe('status-information');
  return message.tlvFields ?? {};
}

describe('TLV table 9.4.1: every data object is read', () => {
  it('names every primitive tag of the table, or says where it is named or why it is held masked', () => {
    expect(unreadTlvTags().primitive.map((tag) => tag.toString(16).toUpperCase())).toEqual([]);
    expect(SPEC_PRIMITIVE_TAGS.length).toBe(173);
    // A card-data tag never also gets a plain field: only its masked card number (1F08-1F0A) or nothing.
    expect([...CARD_DATA_TLV_TAGS].filter((tag) => NAMED_TLV_TAGS.has(tag) && ![0x1f08, 0x1f09, 0x1f0a].includes(tag))).toEqual([]);
  });

  it('reads every constructed tag of the table as a field of its own or through its children', () => {
    expect(unreadTlvTags().constructed.map((tag) => tag.toString(16).toUpperCase())).toEqual([]);
    expect(SPEC_CONSTRUCTED_TAGS.length).toBe(47);
  });
});

describe('TLV fields from the spec examples', () => {
  it('5.1: an Intermediate Status with display texts (24) and a message sequence id (1F73)', () => {
    const message = decoded(hex('04 FF 19 17 03 06 15 24 0D 07 0B 30 30 20 41 70 70 72 6F 76 65 64 1F 73 03 00 00 08'));
    expect(message.kind).toBe('intermediate-status');
    expect(message.tlvFields).toMatchObject({ displayTexts: ['00 Approved'], textLines: ['00 Approved'], messageSequenceId: 8 });
  });

  it('5.1: the Completion of a Registration echoes the permitted commands (26) and MsgSeqId 000000', () => {
    const message = decoded(hex('06 0F 18 19 00 29 65 00 00 28 49 09 78 06 0C 26 04 0A 02 06 D3 1F 73 03 00 00 00'));
    expect(message.kind).toBe('completion');
    expect(message.tlvFields).toMatchObject({ permittedCommands: ['06D3'], zvtCommand: '06D3', messageSequenceId: 0 });
  });

  it('9.4.2 1F71: "1F71 04 15 20 1F6D: the payment terminal recognizes tags 15, 20 and 1F6D"', () => {
    expect(fieldsOf([tlv(0x1f71, [0x15, 0x20, 0x1f, 0x6d])]).recognisedTags).toEqual([0x15, 0x20, 0x1f6d]);
  });

  it("ecrterm PACKET_LIST 2: a real ECR's Registration TLV (displays, printer width, APDU size, charsets, languages, EMV config, receipt and transaction parameters)", () => {
    const message = decodeApdu(
      hex(
        '06 00 63 00 00 00 FE 09 78 03 00 06 59 10 02 16 02 12 01 40 1A 02 10 00 26 28 0A 02 04 0F 0A 02 06 0F 0A 02 06 1E 0A 02 04 FF 0A 02 06 D8 0A 02 06 DB 0A 02 06 D9 0A 02 06 DA 0A 02 06 DD 0A 02 06 D3 27 03 14 01 FF 28 10 15 02 44 45 15 02 45 4E 15 02 46 52 15 02 49 54 40 02 C0 00 1F 04 02 F1 00 1F 05 01 00',
      ),
    );
    expect(message.ok).toBe(true);
    if (!message.ok || message.value.kind !== 'registration') return;
    expect(readTlvFields(message.value.tlv)).toMatchObject({
      merchantDisplay: { columns: 16, lines: 2 },
      printerLineWidth: 40,
      maximumApduLength: 4096,
      permittedCommands: ['040F', '060F', '061E', '04FF', '06D8', '06DB', '06D9', '06DA', '06DD', '06D3'],
      supportedCharsets: [0xff],
      supportedLanguages: ['DE', 'EN', 'FR', 'IT'],
      emvConfiguration: 'C000',
      receiptParameter: {
        positiveCustomerReceipt: true,
        negativeCustomerReceipt: true,
        positiveMerchantReceipt: true,
        negativeMerchantReceipt: true,
        customerReceiptFirst: false,
        shortReceipt: false,
        withoutProductData: false,
        ecrPrints: true,
        barcodes: false,
      },
      transactionParameter: { sendUnprocessedCardData: false, swipeReader: false },
    });
  });
});

describe('TLV fields by section (values built from the formats of 9.4.2-9.4.14)', () => {
  it('9.4.2: file transfer, receipts, reservation, end-of-day mode, cashback, tip, EPurse, ECR id', () => {
    expect(
      fieldsOf([
        tlv(0x2d, [tlv(0x1d, [0x06]), tlv(0x1e, [0x01, 0x00]), tlv(0x1f00, [0x02, 0x00]), tlv(0x1f80, ascii('recon.csv')), tlv(0x1f81, ascii('text/csv'))]),
        tlv(0x1f01, [0x04]),
        tlv(0x1f02, [0x00, 0x0c]),
        tlv(0x1f06, [0x03]),
        tlv(0x1f07, [0x03]),
        tlv(0x1f13, [0x01]),
        tlv(0x1f26, [0x01]),
        tlv(0x1f25, [0x00, 0x00, 0x00, 0x00, 0x20, 0x00]),
        tlv(0x1f36, [0x00, 0x00, 0x00, 0x00, 0x01, 0x50]),
        tlv(0x1f30, [0x00, 0x00, 0x00, 0x00, 0x50, 0x00]),
        tlv(0x1f35, [0x12, 0x34, 0x56, 0x78]),
        tlv(0x1f2d, [0x02]),
        tlv(0x1f28, [0x01]),
        tlv(0x1f2a, ascii('BLZ/1234567')),
        tlv(0x1f2a, ascii('Kto/12345')),
        tlv(0x1f37, [0x83]),
        tlv(0x1f3b, [0x01]),
        tlv(0x13, ascii('Z3')),
        tlv(0x10, []),
        tlv(0x1f15, [0xe2]),
        tlv(0x1f82, [0x01, 0x23, 0x45, 0x67, 0x89, 0x01]),
      ]),
    ).toMatchObject({
      fileId: 'reconciliation-data',
      startPosition: 256,
      fileTotalLength: 512,
      fileName: 'recon.csv',
      mimeType: 'text/csv',
      receiptId: 'end-of-day-receipt',
      fromTaNumber: 12,
      reservationParameter: 'reservation-extension',
      receiptType: 'administration',
      ecrFunctionRequest: 'end-of-day',
      endOfDayMode: 'forced',
      cashbackAmount: 2000,
      tipAmount: 150,
      ePurseTopUpAmount: 5000,
      ecrIdentification: '12345678',
      cardDataInputType: 'barcode',
      emergencyMode: true,
      additionalCardholderInformation: ['BLZ/1234567', 'Kto/12345'],
      receiptInformation: { positive: true, signatureField: true, negative: false, mandatory: true },
      transactionInformation: { tippable: true },
      extraResultCode: 'Z3',
      merchantDisplay: null,
      cardReadingControl: { identification: 'offline-sha256', readUid: true, readRemainingBalance: true },
      transactionReferenceNumber: '012345678901',
    });
  });

  it('9.4.2: date and time containers 2E, 34, 35 and the reference transaction 69 keep their own dates', () => {
    const date = (text: string) => Array.from(hex(text));
    const fields = fieldsOf([
      tlv(0x34, [tlv(0x1f0e, date('20261205')), tlv(0x1f0f, date('081530'))]),
      tlv(0x35, [tlv(0x1f0f, date('030000')), tlv(0x1f0e, date('20261206'))]),
      tlv(0x69, [tlv(0x2e, [tlv(0x1f0e, date('20261201')), tlv(0x1f0f, date('235959'))])]),
    ]);
    expect(fields).toMatchObject({
      terminalDateTime: { date: { year: 2026, month: 12, day: 5 }, time: '08:15:30' },
      rebootDateTime: { date: { year: 2026, month: 12, day: 6 }, time: '03:00:00' },
      referenceTransaction: { date: { year: 2026, month: 12, day: 1 }, time: '23:59:59' },
      timestamp: { date: { year: 2026, month: 12, day: 1 }, time: '23:59:59' },
      date: { year: 2026, month: 12, day: 5 },
      time: '08:15:30',
    });
  });

  it('9.4.2: 1F6A remaining amount is negative with a D nibble; 1F6B/1F6C age check; 1F60 technologies; 1F70 partial approval', () => {
    expect(
      fieldsOf([
        tlv(0x1f6a, [0xd0, 0x00, 0x00, 0x00, 0x12, 0x34]),
        tlv(0x1f6b, [0x18]),
        tlv(0x1f6c, [0x01]),
        tlv(0x1f60, [0x05]),
        tlv(0x1f70, [0x02]),
        tlv(0x1f79, [0x01]),
        tlv(0x1f72, [0x01]),
      ]),
    ).toMatchObject({
      remainingAmount: -1234,
      minimumAge: 18,
      ageVerificationResult: 'reached',
      allowedCardTechnologies: ['magnetic-stripe', 'contactless'],
      partialApproval: true,
      actionRequest: 'logon-after-reboot',
      extendedContactlessDetection: true,
    });
  });

  it('9.4.3 bonus points (E1), 9.4.4 fleet cards (20, 21), 9.4.7 prepaid (63)', () => {
    const fields = fieldsOf([
      tlv(0xe1, [tlv(0xc1, ascii('ME')), tlv(0xc2, hex('00 00 00 00 00 00 01 50')), tlv(0xc3, hex('00 00 00 00 00 00 12 00')), tlv(0xc4, hex('00 00 00 42')), tlv(0xc5, hex('00 00 00 00 01 20'))]),
      tlv(0x20, [tlv(0x02, [0x00, 0x07]), tlv(0x03, [0x01, 0x23]), tlv(0x04, [0x12, 0x34, 0x56]), tlv(0x05, [0x00, 0x00, 0x11]), tlv(0x0e, [0x02, 0x01]), tlv(0x1f0c, ascii('B-PC 123'))]),
      tlv(0x21, [tlv(0x05, [0x00, 0x00, 0x01]), tlv(0x05, [0x00, 0x00, 0x02])]),
      tlv(0x63, [tlv(0x81, ascii('0800123456')), tlv(0x83, ascii('E')), tlv(0x84, hex('00 00 00 00 05 00')), tlv(0x85, hex('00 00 00 01 00 00'))]),
    ]);
    expect(fields).toMatchObject({
      bonusTransactionType: 'collect',
      bonusPoints: 150,
      remainingBonusPoints: 1200,
      ecrTransactionNumber: 42,
      bonusPointsAmount: 120,
      driverNumber: 7,
      vehicleNumber: 123,
      mileage: 123456,
      goodsGroup: 11,
      serviceCode: 201,
      licensePlate: 'B-PC 123',
      permittedGoodsGroups: [1, 2],
      prepaidPhoneNumber: '0800123456',
      prepaidType: 'e-loading',
      minimumChargeAmount: 500,
      maximumChargeAmount: 10000,
    });
  });

  it('9.4.5 EMV: applications with name, priority and country (60 in 62), invalid applications (6A), receipt parameter (45), receipt texts (64-68)', () => {
    const fields = fieldsOf([
      tlv(0x62, [
        tlv(0x60, [tlv(0x43, hex('A0 00 00 00 04 10 10')), tlv(0x42, ascii('MASTERCARD')), tlv(0x48, [0x01]), tlv(0x4b, [0x02, 0x76])]),
        tlv(0x60, [tlv(0x43, hex('A0 00 00 03 33 01 01 01')), tlv(0x44, ascii('UnionPay'))]),
      ]),
      tlv(0x6a, [tlv(0x43, hex('A0 00 00 00 03 10 10'))]),
      tlv(0x45, [0x12, 0x00, 0x00, 0x00]),
      tlv(0x64, [tlv(0x09, [0x00]), tlv(0x07, ascii('SHOP 12'))]),
      tlv(0x66, [tlv(0x46, ascii('AID A0000000041010\nTC 1234')), tlv(0x68, [tlv(0x07, ascii('APPROVED'))])]),
      tlv(0x4a, ascii('girocard')),
    ]);
    expect(fields).toMatchObject({
      applications: [
        { applicationId: 'A0000000041010', name: 'MASTERCARD', priority: '01', issuerCountryCode: '0276' },
        { applicationId: 'A000000333010101', preferredName: 'UnionPay' },
      ],
      invalidApplications: [{ applicationId: 'A0000000031010' }],
      emvReceiptParameter: { merchantReceipt: 'authorised', customerReceipt: 'all' },
      receiptHeader: ['SHOP 12'],
      customerReceipt: ['AID A0000000041010', 'TC 1234', 'APPROVED'],
      transactionOutcome: ['APPROVED'],
      productDisplay: 'girocard',
    });
  });

  it('9.4.6 menus (2B with 2C items), 9.4.10 input (32)', () => {
    const fields = fieldsOf([
      tlv(0x2b, [
        tlv(0x16, [0x01]),
        tlv(0x17, [0x02]),
        tlv(0x18, [0x02]),
        tlv(0x2c, [tlv(0x07, ascii('Visa')), tlv(0x19, [0x01]), tlv(0x50, [0x00, 0xff, 0x00])]),
        tlv(0x2c, [tlv(0x07, ascii('Maestro')), tlv(0x19, [0x02])]),
      ]),
      tlv(0x32, [tlv(0x1f38, [0x02]), tlv(0x1f39, [0x00, 0x3c]), tlv(0x1f21, [0x09, 0x78]), tlv(0x1f3a, ascii('100'))]),
    ]);
    expect(fields).toMatchObject({
      menu: {
        type: 1,
        context: 'application-selection',
        target: 'customer-display',
        items: [
          { text: 'Visa', returnValue: 1, backgroundColor: '#00FF00' },
          { text: 'Maestro', returnValue: 2 },
        ],
      },
      inputMode: 'amount',
      inputTimeout: 60,
      isoCurrency: 978,
      inputResult: '100',
    });
  });

  it('9.4.8 DCC: the container E2 with one amount information (31) per currency type, markup and card name', () => {
    const amount = (type: number, value: string, currency: string) =>
      tlv(0x31, [tlv(0x1f1d, [type]), tlv(0x1f1e, [0x02]), tlv(0x1f20, Array.from(hex(value))), tlv(0x1f21, Array.from(hex(currency)))]);
    const fields = fieldsOf([
      tlv(0xe2, [
        amount(1, '00 00 00 00 12 34', '09 78'),
        amount(3, '00 00 00 00 13 56', '08 40'),
        tlv(0x1f1b, [0x03, 0x50]),
        tlv(0x1f1c, ascii('VISA')),
        tlv(0x1f22, [0x01]),
        tlv(0x1f23, ascii('RID123')),
      ]),
    ]);
    expect(fields).toMatchObject({
      amountInformation: [
        { type: 'base-currency', decimals: 2, amount: 1234, currency: 978 },
        { type: 'foreign-currency', decimals: 2, amount: 1356, currency: 840 },
      ],
      dccMarkupPercent: 3.5,
      dccCardName: 'VISA',
      dccInvertedRateUnit: 1,
      dccRetrievalId: 'RID123',
    });
  });

  it('9.4.9 barcodes in a Print Text-Block (E3 in 25): BCD product codes without the F pad, QR codes as text', () => {
    const fields = fieldsOf([
      tlv(0x25, [
        tlv(0x09, [0x00]),
        tlv(0x07, ascii('Coupon')),
        tlv(0xe3, [tlv(0x1f2e, [0x02]), tlv(0x1f2f, hex('40 06 38 13 33 93 1F'))]),
        tlv(0xe3, [tlv(0x1f2e, [0x0a]), tlv(0x1f2f, ascii('https://example.cn/r/1'))]),
      ]),
    ]);
    expect(fields.barcodes).toEqual([
      { type: 'ean-13', productCode: '4006381333931' },
      { type: 'qr-m', productCode: 'https://example.cn/r/1' },
    ]);
    expect(fields.printTexts).toEqual(['Coupon']);
  });

  it('9.4.11 value added services, 9.4.12 configuration (E4, E7, locks), 9.4.13 SEPA', () => {
    const fields = fieldsOf([
      tlv(0xe8, [tlv(0x1f65, [0x05]), tlv(0x1f67, [0xab, 0xcd]), tlv(0x1f68, [0x01]), tlv(0x1f68, [0x02])]),
      tlv(0xe4, [tlv(0x1f40, ascii('cVEND')), tlv(0x1f43, [0x02])]),
      tlv(0x1f44, [0x52, 0x50, 0x02, 0x45]),
      tlv(0x1f55, [0x80, 0x41]),
      tlv(0xe7, [tlv(0x1f57, [0x00, 0x12, 0x34]), tlv(0x1f58, [0x27, 0x06])]),
      tlv(0x1f59, ascii('girocard')),
      tlv(0x1f59, ascii('Mastercard')),
      tlv(0x1f5e, ascii('DE89370400440532013000')),
      tlv(0x1f51, ascii('MANDATE-1')),
    ]);
    expect(fields).toMatchObject({
      processingSelection: ['read', 'redeem'],
      retailerId: 'ABCD',
      loyaltyIds: ['01', '02'],
      deviceName: 'cVEND',
      deviceState: 'no-keys',
      terminalIdentifier: '52500245',
      terminalLocks: ['end-of-day', 'card-reader-not-found', 'mdb-not-ready'],
      merchantSamNumber: '001234',
      merchantSamExpiry: { year: 2027, month: 6 },
      paymentApplications: ['girocard', 'Mastercard'],
      iban: 'DE89370400440532013000',
      debitMandateId: 'MANDATE-1',
    });
  });

  it('leaves out a value that does not fit its format and keeps the tag raw', () => {
    const message = decoded(statusInformation([tlv(0x1f0e, Array.from(hex('20261305'))), tlv(0x12, [0x4a]), tlv(0x1f11, [0x07]), tlv(0x1f55, [0x80])]));
    expect(message.kind === 'status-information' && message.tlvFields).toBeFalsy();
    expect(message.kind === 'status-information' && message.tlv?.map((node) => node.tag)).toEqual([0x1f0e, 0x12, 0x1f11, 0x1f55]);
  });
});

describe('card data in TLV objects is held masked (like BMPs 22, 23, 2D)', () => {
  const PAN = '4761739001010010';
  // 1F09 track 2: PAN, D separator, expiry 2512, service code 201, discretionary data.
  const track2 = hex(`${PAN} D2 51 22 01 12 34 56 78 9F`);
  const track1 = ascii(`%B${PAN}^DOE/JOHN^2512201123456789?`);
  const prepaidPin = ascii('8231 4490 1125');

  function cardMessage() {
    return decoded(
      statusInformation([
        tlv(0x1f09, Array.from(track2)),
        tlv(0x1f08, track1),
        tlv(0x30, [tlv(0x41, [0x05]), tlv(0x1f19, [0x00]), tlv(0x1f1a, Array.from(hex(`${PAN}`)))]),
        tlv(0x63, [tlv(0x80, prepaidPin), tlv(0x82, ascii('Guthaben 15 EUR'))]),
        tlv(0x1f74, ascii('geheim')),
      ]),
    );
  }

  const everything = (message: unknown): string =>
    JSON.stringify(message, (_, value: unknown) => (value instanceof Uint8Array ? bytesToHex(value, '') + '|' + new TextDecoder('latin1').decode(value) : value));

  it('names the masked card numbers and nothing of the PIN or the password', () => {
    const message = cardMessage();
    expect(message.tlvFields).toMatchObject({
      track2: '476173******0010',
      track1: '476173******0010',
      cardAcceptance: [{ zvtCardTypeId: 5, accept: true, maskedPan: '476173******0010' }],
      topUpText: 'Guthaben 15 EUR',
    });
    const text = everything(message);
    for (const secret of [PAN, '8231', 'DOE/JOHN', 'geheim', '2512201']) expect(text).not.toContain(secret);
    expect(carriesCardData(message)).toBe(true);
  });

  it('writes back only the masked data, and reads that back the same (a fixed point)', () => {
    const message = cardMessage();
    const written = encodeMessage(message);
    expect(written.ok).toBe(true);
    if (!written.ok) return;
    const bytes = written.value;
    expect(bytesToHex(bytes, '')).not.toContain(PAN);
    expect(new TextDecoder('latin1').decode(bytes)).not.toMatch(/4761739001010010|8231|geheim/);
    const again = decoded(bytes);
    expect(again.tlvFields).toEqual(message.tlvFields);
  });

  it('finds card data at any depth, also in a message without card-data BMPs; a plain message carries none', () => {
    const nested = decoded(statusInformation([tlv(0x20, [tlv(0x1f0c, ascii('B-PC 1')), tlv(0x1f09, Array.from(track2))])]));
    expect(carriesCardData(nested)).toBe(true);
    expect(everything(nested)).not.toContain(PAN);
    expect(carriesCardData(decoded(statusInformation([tlv(0x1f12, [0x02])])))).toBe(false);
  });
});
