/**
 * Conformance with EVerest zvt (Rust, EVerest/everest-core, the crate zvt: src/packets.rs and
 * src/packets/tlv.rs), whose tests compare their types with captures of a Feig cVEND terminal.
 * Where a test asserts `expected.zvt_serialize() == capture`, the capture is exactly the bytes
 * of the expected value, rebuilt here from the ZVT layout and EVerest's tags; where it only
 * deserialises, the same fields in the order EVerest writes them (a reader takes any order). Two
 * captures are in packets.rs as literal bytes. Differences on purpose: card numbers are masked
 * here (first six, last four digits: the console never holds a full PAN), and fixed-length text
 * (2A contract number) drops its space padding.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, decodeApdu, encodeMessage, type ZvtMessage } from '../../../electron/node/protocol/zvt';
import { bytes } from './samples';

const ascii = (text: string): number[] => [...text].map((character) => character.charCodeAt(0));
const lengthDigits = (length: number, digits: number): number[] => [...String(length).padStart(digits, '0')].map((digit) => 0xf0 + Number(digit));
const bcd = (digits: string): number[] => (digits.match(/../g) ?? []).map((pair) => parseInt(pair, 16));

function apdu(classByte: number, instruction: number, data: number[]): Uint8Array {
  const length = data.length < 0xff ? [data.length] : [0xff, data.length & 0xff, data.length >> 8];
  return Uint8Array.from([classByte, instruction, ...length, ...data]);
}

function container(nodes: number[]): number[] {
  return nodes.length < 0x80 ? [0x06, nodes.length, ...nodes] : [0x06, 0x81, nodes.length, ...nodes];
}

function decoded<K extends ZvtMessage['kind']>(input: Uint8Array, kind: K): Extract<ZvtMessage, { kind: K }> {
  const result = decodeApdu(input);
  if (!result.ok) throw new Error(`${bytesToHex(input)}: ${result.error.message}`);
  expect(result.value.kind).toBe(kind);
  return result.value as Extract<ZvtMessage, { kind: K }>;
}

/** EVerest asserts serialize(expected) == capture: our encoder must write the same bytes back. */
function writesBack(input: Uint8Array, message: ZvtMessage): void {
  const again = encodeMessage(message);
  expect(again.ok && bytesToHex(again.value)).toBe(bytesToHex(input));
}

describe('EVerest zvt packets.rs: ECR commands', () => {
  it('test_read_card: 06 C0 with timeout 15, card type 16, dialog control 2, TLV 1F15 D0 and 1F60 07', () => {
    const input = apdu(0x06, 0xc0, [0x0f, 0x19, 0x10, 0xfc, 0x02, ...container([0x1f, 0x15, 0x01, 0xd0, 0x1f, 0x60, 0x01, 0x07])]);
    const message = decoded(input, 'read-card');
    expect(message).toMatchObject({ timeoutSeconds: 15, cardReadType: 16, dialogControl: 2 });
    expect(message.tlv?.map((node) => [node.tag, bytesToHex(node.value)])).toEqual([
      [0x1f15, 'D0'],
      [0x1f60, '07'],
    ]);
    writesBack(input, message);
  });

  it('test_registration: 06 00 with password 123456, config DE, EUR', () => {
    const input = bytes('06 00 06 12 34 56 DE 09 78');
    const message = decoded(input, 'registration');
    expect(message).toMatchObject({ password: '123456', config: 0xde, currency: 978 });
    writesBack(input, message);
  });

  it('test_end_of_day: 06 50 with password 123456', () => {
    const input = bytes('06 50 03 12 34 56');
    const message = decoded(input, 'end-of-day');
    expect(message).toMatchObject({ password: '123456' });
    writesBack(input, message);
  });

  it('test_pre_auth_data: 06 22 of 25.00 EUR, payment type 40, with the reference number container E9 (1F62 "AC", 1F63 "384HH2")', () => {
    const reference = [0xe9, 0x0e, 0x1f, 0x62, 0x02, ...ascii('AC'), 0x1f, 0x63, 0x06, ...ascii('384HH2')];
    const input = apdu(0x06, 0x22, [0x04, ...bcd('000000002500'), 0x49, 0x09, 0x78, 0x19, 0x40, ...container(reference)]);
    const message = decoded(input, 'pre-authorisation');
    expect(message).toMatchObject({ amount: 2500, currency: 978, paymentType: 0x40 });
    const e9 = message.tlv?.find((node) => node.tag === 0xe9);
    expect(e9?.children?.map((node) => [node.tag, new TextDecoder().decode(node.value)])).toEqual([
      [0x1f62, 'AC'],
      [0x1f63, '384HH2'],
    ]);
  });

  it('test_partial_reversal: 06 23 for receipt 491, 12.95 EUR unused, payment type 40, reference MF2246', () => {
    const reference = [0xe9, 0x0e, 0x1f, 0x62, 0x02, ...ascii('AC'), 0x1f, 0x63, 0x06, ...ascii('MF2246')];
    // EVerest writes its fields as declared: 87, 04, 19, 49, 06. 2.10 lists no 19: kept, not refused.
    const input = apdu(0x06, 0x23, [0x87, 0x04, 0x91, 0x04, ...bcd('000000001295'), 0x19, 0x40, 0x49, 0x09, 0x78, ...container(reference)]);
    const message = decoded(input, 'partial-reversal');
    expect(message).toMatchObject({ receiptNumber: 491, amount: 1295, currency: 978 });
    expect(message.otherFields).toMatchObject({ paymentType: 0x40 });
  });

  it('test_pre_auth_reversal: 06 25 with payment type 40, currency, receipt 231 (87 last)', () => {
    const message = decoded(apdu(0x06, 0x25, [0x19, 0x40, 0x49, 0x09, 0x78, 0x87, 0x02, 0x31]), 'pre-authorisation-reversal');
    expect(message).toMatchObject({ paymentType: 0x40, currency: 978, receiptNumber: 231 });
  });
});

describe('EVerest zvt packets.rs: terminal messages', () => {
  it('test_completion_data: 06 0F with status byte 10, TID 52523535, EUR', () => {
    const input = bytes('06 0F 0A 19 10 29 52 52 35 35 49 09 78');
    const message = decoded(input, 'completion');
    expect(message).toMatchObject({ statusByte: 0x10, terminalId: '52523535', currency: 978 });
    writesBack(input, message);
  });

  it('test_intermediate_status: 04 FF status 17 with timeout 0', () => {
    const input = bytes('04 FF 02 17 00');
    const message = decoded(input, 'intermediate-status');
    expect(message).toMatchObject({ status: 0x17 });
    writesBack(input, message);
  });

  it('test_partial_reversal_abort: 06 1E B8 87 FF FF — no pre-authorisation open', () => {
    const input = bytes('06 1E 04 B8 87 FF FF');
    const message = decoded(input, 'terminal-abort');
    expect(message).toMatchObject({ resultCode: 184, receiptNumber: null, openReceiptNumbers: [] });
    writesBack(input, message);
  });

  it('test_status_information (literal bytes 1): a MIFARE card with four applications, written back byte for byte', () => {
    const input = Uint8Array.from([
      4, 15, 100, 39, 0, 6, 96, 76, 10, 0, 0, 0, 0, 0, 0, 8, 255, 105, 20, 31, 69, 12, 12, 120, 128, 116, 3, 128, 49, 192, 115, 214, 49, 192, 31, 76, 1, 1, 31, 77, 2, 254, 4, 31,
      79, 2, 4, 0, 31, 80, 1, 32, 96, 11, 67, 9, 160, 0, 0, 0, 89, 69, 67, 1, 0, 96, 12, 67, 10, 160, 0, 0, 3, 89, 16, 16, 2, 128, 1, 96, 11, 67, 9, 210, 118, 0, 0, 37, 71, 65, 1,
      0, 96, 9, 67, 7, 160, 0, 0, 0, 4, 16, 16,
    ]);
    const message = decoded(input, 'status-information');
    expect(message.resultCode).toBe(0);
    expect(message.tlvFields).toMatchObject({
      uid: '00000000000008FF6914',
      ats: '0C788074038031C073D631C0',
      contactlessCardType: 'mifare',
      cardSubtype: 0xfe04,
      atqa: '0400',
      sak: 0x20,
    });
    expect(message.tlvFields?.applications?.map((entry) => entry.applicationId)).toEqual(['A00000005945430100', 'A0000003591010028001', 'D27600002547410100', 'A0000000041010']);
    writesBack(input, message);
  });

  it('test_status_information (literal bytes 2): no applications on the card', () => {
    const message = decoded(
      Uint8Array.from([4, 15, 34, 39, 0, 6, 30, 76, 10, 0, 0, 0, 4, 99, 200, 178, 174, 79, 128, 31, 76, 1, 1, 31, 77, 2, 0, 3, 31, 79, 2, 68, 0, 31, 80, 1, 0]),
      'status-information',
    );
    expect(message.tlvFields).toMatchObject({ uid: '0000000463C8B2AE4F80', contactlessCardType: 'mifare', cardSubtype: 3, atqa: '4400', sak: 0 });
    expect(message.tlvFields?.applications).toBeUndefined();
  });

  /** The BMPs of a payment Status-Information in EVerest's field order. */
  function payment(fields: { amount: string; trace: string; time: string; date: string; expiry: string; sequence?: string; pan: string; receipt: string; aid: string; vu: string; cardType: number; cardTypeId: number; name: string; text?: string }): Uint8Array {
    const pan = fields.pan.length % 2 ? `${fields.pan}F` : fields.pan;
    return apdu(0x04, 0x0f, [
      0x04, ...bcd(fields.amount),
      0x0b, ...bcd(fields.trace),
      0x0c, ...bcd(fields.time),
      0x0d, ...bcd(fields.date),
      0x0e, ...bcd(fields.expiry),
      ...(fields.sequence ? [0x17, ...bcd(fields.sequence)] : []),
      0x19, 0x60,
      0x22, ...lengthDigits(pan.length / 2, 2), ...bcd(pan),
      0x27, 0x00,
      0x29, ...bcd('52523535'),
      0x2a, ...ascii(fields.vu.padEnd(15, ' ')),
      0x3b, ...ascii(fields.aid), 0x00, 0x00,
      ...(fields.text ? [0x3c, ...lengthDigits(fields.text.length, 3), ...ascii(fields.text)] : []),
      0x87, ...bcd(fields.receipt),
      0x49, 0x09, 0x78,
      0x8a, fields.cardType,
      0x8b, ...lengthDigits(fields.name.length + 1, 2), ...ascii(fields.name), 0x00,
      0x8c, fields.cardTypeId,
    ]);
  }

  it('test_status_information (1680728165): a MasterCard payment of 25.00 EUR', () => {
    const message = decoded(
      payment({ amount: '000000002500', trace: '000975', time: '225558', date: '0405', expiry: '2405', pan: '5598845555548074', receipt: '0231', aid: '750071', vu: '804011926', cardType: 6, cardTypeId: 1, name: 'MasterCard' }),
      'status-information',
    );
    expect(message).toMatchObject({
      resultCode: 0,
      amount: 2500,
      paymentType: 0x60,
      currency: 978,
      time: '225558',
      timeOfDay: '22:55:58',
      date: '0405',
      monthDay: { month: 4, day: 5 },
      maskedPan: '559884******8074',
      receiptNumber: 231,
      authorisationAttribute: '750071',
      trace: 975,
      terminalId: '52523535',
      expiryDate: '2405',
      expiry: { month: 5, year: 2024 },
      cardType: 6,
      networkCardType: 1,
      cardName: 'MasterCard',
      contractNumber: '804011926',
    });
    expect(JSON.stringify(message)).not.toContain('5598845555548074');
  });

  it('test_status_information (1680728215): additional text with CR line breaks, amount 0', () => {
    const text = 'AS-Proc-Code= 00 076 06\rCapt.-Ref.= 0099\rAID59= 081520\r DAUER   7 TAGE';
    const message = decoded(
      payment({ amount: '000000000000', trace: '000977', time: '225558', date: '0405', expiry: '2405', pan: '5598845555548074', receipt: '0232', aid: '750071', vu: '804011926', cardType: 6, cardTypeId: 1, name: 'MasterCard', text }),
      'status-information',
    );
    expect(message).toMatchObject({ amount: 0, receiptNumber: 232, trace: 977, additionalText: text });
  });

  it('test_status_information (1682066249, after a pre-authorisation): girocard with a 19-digit PAN and sequence number 2', () => {
    const message = decoded(
      payment({ amount: '000000002500', trace: '001012', time: '103720', date: '0421', expiry: '2612', sequence: '0002', pan: '4711008005757038004', receipt: '0249', aid: '018372', vu: '16004008', cardType: 5, cardTypeId: 0, name: 'girocard' }),
      'status-information',
    );
    expect(message).toMatchObject({
      amount: 2500,
      trace: 1012,
      receiptNumber: 249,
      cardSequenceNumber: 2,
      maskedPan: '471100*********8004',
      expiry: { month: 12, year: 2026 },
      cardType: 5,
      networkCardType: 0,
      cardName: 'girocard',
      contractNumber: '16004008',
    });
  });

  it('test_status_information (1680761828): end-of-day totals, receipts 233-234, two Eurocard payments of 9.58 EUR', () => {
    const groups = [
      [0, '000000000000'],
      [0, '000000000000'],
      [2, '000000000958'],
      [0, '000000000000'],
      [0, '000000000000'],
      [0, '000000000000'],
      [0, '000000000000'],
    ] as const;
    const single = [...bcd('0233'), ...bcd('0234'), ...groups.flatMap(([count, total]) => [count, ...bcd(total)])];
    const message = decoded(
      apdu(0x04, 0x0f, [0x04, ...bcd('000000000958'), 0x0b, ...bcd('000982'), 0x0c, ...bcd('081706'), 0x0d, ...bcd('0406'), 0x27, 0x00, 0x60, ...lengthDigits(single.length, 3), ...single]),
      'status-information',
    );
    expect(message).toMatchObject({ resultCode: 0, amount: 958, trace: 982, date: '0406', timeOfDay: '08:17:06' });
    expect(message.singleTotals).toMatchObject({ receiptStart: 233, receiptEnd: 234 });
    expect(message.singleTotals?.groups.find((group) => group.group === 'eurocard')).toEqual({ group: 'eurocard', count: 2, amount: 958 });
  });

  it('test_status_information_read_card: track 2 (masked), maximum pre-authorisation, card identification and the applications on chip (62)', () => {
    const app = (aid: string, type: string) => {
      const inner = [0x43, aid.length / 2, ...bcd(aid), 0x41, 0x02, ...bcd(type)];
      return [0x60, inner.length, ...inner];
    };
    const onChip = [...app('A0000003591010028001', '0005'), ...app('A0000000043060', '002E')];
    const nodes = [
      0x1f, 0x0b, 0x06, ...bcd('000000010000'),
      0x1f, 0x14, 0x10, ...bcd('3F56A32065CC4DBE8330C37609F91996'),
      0x4c, 0x0a, ...bcd('00000000000008B3C880'),
      0x1f, 0x45, 0x0c, ...bcd('0C788074038031C073D631C0'),
      0x1f, 0x4c, 0x01, 0x01,
      0x1f, 0x4d, 0x02, 0xfe, 0x04,
      0x1f, 0x4f, 0x02, 0x04, 0x00,
      0x1f, 0x50, 0x01, 0x20,
      0x62, onChip.length, ...onChip,
    ];
    const track2 = '6725904411001000142D24122012386013860F';
    const message = decoded(apdu(0x04, 0x0f, [0x27, 0x00, 0x23, ...lengthDigits(track2.length / 2, 2), ...bcd(track2), ...container(nodes)]), 'status-information');
    expect(message.resultCode).toBe(0);
    // Track 2 holds the PAN, the expiry and discretionary data: only the masked PAN is kept.
    expect(message.track2).toBe('672590*********0142');
    expect(JSON.stringify(message)).not.toContain('6725904411001000142');
    expect(message.tlvFields).toMatchObject({
      maximumPreAuthorisation: 10_000,
      cardIdentificationItem: '3F56A32065CC4DBE8330C37609F91996',
      uid: '00000000000008B3C880',
      contactlessCardType: 'mifare',
      cardSubtype: 0xfe04,
      atqa: '0400',
      sak: 32,
      applications: [
        { applicationId: 'A0000003591010028001', zvtCardTypeId: 5 },
        { applicationId: 'A0000000043060', zvtCardTypeId: 0x2e },
      ],
    });
  });

  it('test_receipt_printout_completion: the Status Enquiry Completion with version, TID, device information and the date-time container 34', () => {
    const version = 'GER-APP-v2.0.9;cS02.01.01-10.10-2-2;CC26';
    const device = [0x1f, 0x40, 0x0a, ...ascii('cVEND plug'), 0x1f, 0x41, version.length, ...ascii(version), 0x1f, 0x42, 0x04, ...bcd('18632442'), 0x1f, 0x43, 0x01, 0x00];
    const dateTime = [0x1f, 0x0e, 0x04, ...bcd('20230405'), 0x1f, 0x0f, 0x03, ...bcd('225655')];
    const nodes = [0x1f, 0x44, 0x04, ...bcd('52523535'), 0xe4, device.length, ...device, 0x34, dateTime.length, ...dateTime];
    const input = apdu(0x06, 0x0f, [...lengthDigits(version.length, 3), ...ascii(version), 0x00, ...container(nodes)]);
    const result = decodeApdu(input, { completionForm: 'status-enquiry' });
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'completion') return;
    expect(result.value).toMatchObject({ softwareVersion: version, terminalStatus: 0 });
    expect(result.value.device).toMatchObject({ terminalId: '52523535', deviceName: 'cVEND plug', softwareVersion: version, serialNumber: '18632442', deviceState: 0 });
    expect(result.value.tlvFields).toMatchObject({ date: { year: 2023, month: 4, day: 5 }, time: '22:56:55' });
  });
});
