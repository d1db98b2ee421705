/**
 * Conformance with bezahl-online/zvt (Go, github.com/bezahl-online/zvt), whose tests were written
 * against a real terminal (TID 29001006): what they assert, in our field names and units. Sources:
 * command/command_test.go (TestCommandMarshal, TestCommandUnmarshal4/6/7, TestFromOBJs with the
 * `Objects` of a Debit Mastercard payment), command/authorisation_test.go (TestFormatPAN,
 * TestAuthProcess04ff, TestAuthProcess040f), command/register_test.go (TestRegister: the
 * Registration it sends and the Completion it expects). Their binary captures (testdata/*.hex) are
 * rebuilt here from the BMP and TLV objects the tests list for them.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { bytesToHex, decodeApdu, describeResultCode, encodeMessage, type ZvtMessage } from '../../../electron/node/protocol/zvt';
import { startSimulator } from '../../../electron/node/simulator/index';
import { bytes } from './samples';

const ascii = (text: string): number[] => [...text].map((character) => character.charCodeAt(0));
/** LLVAR / LLLVAR length digits F0..F9. */
const lengthDigits = (length: number, digits: number): number[] => [...String(length).padStart(digits, '0')].map((digit) => 0xf0 + Number(digit));

function apdu(classByte: number, instruction: number, data: number[]): Uint8Array {
  const length = data.length < 0xff ? [data.length] : [0xff, data.length & 0xff, data.length >> 8];
  return Uint8Array.from([classByte, instruction, ...length, ...data]);
}

function decoded<K extends ZvtMessage['kind']>(bytesIn: Uint8Array, kind: K): Extract<ZvtMessage, { kind: K }> {
  const result = decodeApdu(bytesIn);
  if (!result.ok) throw new Error(`${bytesToHex(bytesIn)}: ${result.error.message}`);
  expect(result.value.kind).toBe(kind);
  return result.value as Extract<ZvtMessage, { kind: K }>;
}

/** command_test.go `Objects`: the BMPs of a Debit Mastercard payment of 0.01 EUR, receipt 22. */
const PAYMENT_BMPS = [
  0x27, 0x00,
  0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  0x0b, 0x00, 0x00, 0x22,
  0x0c, 0x16, 0x49, 0x23,
  0x0d, 0x03, 0x08,
  0x17, 0x00, 0x01,
  0x19, 0x70,
  0x22, ...lengthDigits(8, 2), 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0x57, 0x26,
  0x29, 0x29, 0x00, 0x10, 0x06,
  0x2a, ...ascii('100764992      '),
  0x3b, ...ascii('291675'), 0x00, 0x00,
  0x3c, ...lengthDigits(14, 3), ...ascii('GEN.NR.:291675'),
  0x49, 0x09, 0x78,
  0x87, 0x00, 0x22,
  0x88, 0x00, 0x00, 0x22,
  0x8a, 0x2e,
  0x8b, ...lengthDigits(17, 2), ...ascii('Debit Mastercard'), 0x00,
];
/** TestCommandUnmarshal6: the TLV container of the same Status-Information (24 text, 43 AID, 46/47 EMV print data, 1F10, 1F12). */
const PAYMENT_TLV = [
  0x24, 0x10, 0x07, 0x0e, ...ascii('GEN.NR.:291675'),
  0x43, 0x07, 0xa0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10,
  0x46, 0x1f, ...ascii('A0000000041010 5F260EFC5D28E451'),
  0x47, 0x1f, ...ascii('A0000000041010 5F260EFC5D28E451'),
  0x1f, 0x10, 0x01, 0x00,
  0x1f, 0x12, 0x01, 0x02,
];

describe('bezahl-online/zvt command/command_test.go', () => {
  it('TestFromOBJs / TestCommandUnmarshal6: the Debit Mastercard payment, every field it asserts', () => {
    const message = decoded(apdu(0x04, 0x0f, [...PAYMENT_BMPS, 0x06, PAYMENT_TLV.length, ...PAYMENT_TLV]), 'status-information');
    expect(message).toMatchObject({
      resultCode: 0,
      amount: 1, // Amount 1 (cent)
      receiptNumber: 22, // ReceiptNr
      turnoverNumber: 22, // TurnoverNr
      trace: 22, // TraceNr
      date: '0308',
      monthDay: { month: 3, day: 8 },
      time: '164923',
      timeOfDay: '16:49:23',
      terminalId: '29001006', // TID
      contractNumber: '100764992', // VU, its space padding dropped
      authorisationAttribute: '291675', // AID, its NUL padding dropped
      cardName: 'Debit Mastercard',
      cardType: 46,
      maskedPan: '************5726', // "XXXX XXXX XXXX 5726"
      cardSequenceNumber: 1, // SeqNr
      paymentType: 0x70,
      additionalText: 'GEN.NR.:291675',
      currency: 978,
    });
    expect(message.tlvFields).toMatchObject({
      textLines: ['GEN.NR.:291675'],
      applicationId: 'A0000000041010',
      customerEmvPrintData: 'A0000000041010 5F260EFC5D28E451',
      merchantEmvPrintData: 'A0000000041010 5F260EFC5D28E451',
    });
    // The masked PAN never carries more than the last four digits.
    expect(JSON.stringify(message)).not.toMatch(/\d{7,}5726/);
  });

  it('TestCommandUnmarshal4: 04 0F 27 6C 29 <TID> — aborted by timeout or abort key, worded in both languages', () => {
    const message = decoded(bytes('04 0F 07 27 6C 29 29 00 10 06'), 'status-information');
    expect(message).toMatchObject({ resultCode: 0x6c, terminalId: '29001006' });
    expect(describeResultCode(0x6c)).toMatchObject({ en: 'Aborted by timeout or abort key', zh: '超时或按取消键中止' });
  });

  it('TestCommandUnmarshal7/8: 06 1E 01 6C — the Abort with its result code', () => {
    expect(decoded(bytes('06 1E 01 6C'), 'terminal-abort')).toEqual({ kind: 'terminal-abort', resultCode: 0x6c });
  });

  it('TestCommandUnmarshal5: 04 FF 01 0E — an Intermediate Status without timeout or TLV', () => {
    expect(decoded(bytes('04 FF 01 0E'), 'intermediate-status')).toMatchObject({ status: 0x0e });
  });

  it('TestCommandMarshal: an Authorisation with 04, 05 and a TLV container holding tag 06 and 1F04 reads and writes the same bytes', () => {
    const sent = bytes('06 01 17 04 00 00 00 01 00 00 05 02 06 0C 06 06 26 04 0A 02 06 D3 1F 04 01 02');
    const message = decoded(sent, 'authorization');
    expect(message).toMatchObject({ amount: 10_000, pumpNumber: 2 });
    expect(message.tlv?.map((node) => node.tag)).toEqual([0x06, 0x1f04]);
    const again = encodeMessage(message);
    expect(again.ok && bytesToHex(again.value)).toBe(bytesToHex(sent));
    // Their marshaller refuses BMP FF (no such bitmap); a request carrying one is a typed error here.
    expect(decodeApdu(bytes('06 01 03 FF 00 01'))).toMatchObject({ ok: false, error: { code: 'unknown-bitmap' } });
  });
});

describe('bezahl-online/zvt command/authorisation_test.go', () => {
  it('TestFormatPAN: E nibbles are masked digits, a trailing F is padding', () => {
    const pan = (digits: number[]) => decoded(apdu(0x04, 0x0f, [0x22, ...lengthDigits(digits.length, 2), ...digits]), 'status-information').maskedPan;
    expect(pan([0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0x57, 0x26])).toBe('************5726');
    expect(pan([0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0x57, 0x2f])).toBe('************572');
  });

  it('TestAuthProcess04ff: the Intermediate Status text from TLV 24 / 07 with its line break', () => {
    const text = ascii('Karte vorhalten\neinstecken/durchziehen');
    const message = decoded(apdu(0x04, 0xff, [0x0a, 0x01, 0x06, text.length + 4, 0x24, text.length + 2, 0x07, text.length, ...text]), 'intermediate-status');
    expect(message).toMatchObject({ status: 0x0a, timeoutMinutes: 1, displayTexts: ['Karte vorhalten\neinstecken/durchziehen'] });
  });
});

describe('bezahl-online/zvt command/register_test.go against poscare simulate', () => {
  it('TestRegister: their Registration (config 8E, EUR, service byte 03, TLV 26 = 06 D3 and 1F73) is answered 80 00, then 06 0F 19 29 49 and no TLV', async () => {
    const registration = bytes('06 00 16 12 34 56 8E 09 78 03 03 06 0C 26 04 0A 02 06 D3 1F 73 03 00 00 00');
    expect(decoded(registration, 'registration')).toMatchObject({ password: '123456', config: 0x8e, currency: 978, serviceByte: 0x03 });

    const simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 } });
    try {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const connection = net.createConnection({ host: '127.0.0.1', port: simulator.tcpPort! }, () => resolve(connection));
        connection.once('error', reject);
      });
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
      socket.write(registration);
      const expected = '80 00 00 06 0F 0A 19 00 29 52 50 00 01 49 09 78';
      await expect.poll(() => bytesToHex(received), { timeout: 5000 }).toBe(expected);
      socket.write(bytes('80 00 00'));
      socket.destroy();
    } finally {
      await simulator.close();
    }
  });
});
