/**
 * Bytes in, fields out: frames from the public test suites of other ZVT implementations and from
 * the specification, each with its source. Where another implementation reads a field differently
 * from PA00P015 (e.g. Portalum reads BMP 29 as binary, the spec says 4 byte BCD), the spec wins and
 * the test says so.
 */
import { describe, expect, it } from 'vitest';
import { charsetFromIsoCode, decodeApdu, decodeText, describeResultCode, displayLines, encodeMessage, encodeText, type DisplayTextMessage, type StatusInformationMessage, type ZvtMessage } from '../../../electron/node/protocol/zvt';
import { bytes } from './samples';

function decoded(hex: string, options: Parameters<typeof decodeApdu>[1] = {}): ZvtMessage {
  const result = decodeApdu(bytes(hex.replace(/[-\s]/g, '')), options);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const statusInformation = (hex: string): StatusInformationMessage => {
  const message = decoded(hex);
  expect(message.kind).toBe('status-information');
  return message as StatusInformationMessage;
};

describe('Portalum.Zvt src/Portalum.Zvt.UnitTest/StatusInformationParserTest.cs', () => {
  it('Parse_AbortByKey: result code 6C with its text in en and zh-CN, additional text, TID', () => {
    const message = statusInformation('040F1E276C292800486 93CF0F1F941626272756368206475726368204B756E6465');
    expect(message.resultCode).toBe(0x6c);
    expect(message.additionalText).toBe('Abbruch durch Kunde');
    expect(describeResultCode(message.resultCode!)).toMatchObject({ en: 'Aborted by timeout or abort key', zh: '超时或按取消键中止' });
    // Portalum asserts 671107177 (the bytes read as binary); BMP 29 is 4 byte BCD (3.1.1).
    expect(message.terminalId).toBe('28004869');
  });

  it('Parse_SystemError: result code FF and the additional text', () => {
    const message = statusInformation('040F1827FF292800486 93CF0F1F3426574726167206661 6C736368');
    expect(message.resultCode).toBe(0xff);
    expect(message.additionalText).toBe('Betrag falsch');
    expect(describeResultCode(0xff).en).toMatch(/system error/i);
  });

  it('Parse_PaymentGood1: amount, currency, card name, expiry as month and year, time as hh:mm:ss, sequence and turnover numbers', () => {
    const message = statusInformation(
      '040F7727000400000000204 00B0004700C2239530D10060E251217000119702 2F0F8EEEEEEEEEEEE4771292800486 92A3130303436313736332020202020203B3631313830340000 3CF0F1F447454E2E4E522E3A363131383034490978870470880004708A2E8BF1F7446562697420 4D617374657263617264 00',
    );
    expect(message).toMatchObject({
      amount: 2040,
      currency: 978,
      cardName: 'Debit Mastercard',
      cardType: 0x2e,
      additionalText: 'GEN.NR.:611804',
      turnoverNumber: 470,
      cardSequenceNumber: 1,
      receiptNumber: 470,
      trace: 470,
      time: '223953',
      timeOfDay: '22:39:53',
      date: '1006',
      monthDay: { month: 10, day: 6 },
      expiryDate: '2512',
      expiry: { month: 12, year: 2025 },
      maskedPan: '************4771',
      // Padded with spaces to its 15 bytes by the terminal: the padding is no part of the number.
      contractNumber: '100461763',
    });
  });

  it('Parse_TlvInfos1: card technology NFC (1F12 = 02) and no cardholder authentication (1F10 = 00) from the TLV container', () => {
    const message = statusInformation(
      '04-0F-65-27-00-0C-23-13-55-0D-10-29-0E-99-99-22-F0-F8-EE-EE-EE-EE-EE-EE-47-71-A0-01-29-00-00-00-06-87-00-08-0B-00-00-00-8A-06-8B-F1-F1-4D-41-53-54-45-52-43-41-52-44-00-06-2E-2F-08-1F-12-01-02-1F-10-01-00-60-1B-43-07-A0-00-00-00-04-10-10-44-10-44-65-62-69-74-20-4D-61-73-74-65-72-63-61-72-64-1F-2B-04-10-01-50-08',
    );
    expect(message.cardName).toBe('MASTERCARD');
    expect(message.terminalId).toBe('00000006');
    expect(message.resultCode).toBe(0);
    // 0E 99 99 is no month: no expiry rather than a wrong one.
    expect(message.expiry).toBeUndefined();
    expect(message.tlvFields).toMatchObject({
      cardTechnology: 'contactless',
      cardholderAuthentication: 'none',
      applicationId: 'A0000000041010',
      applicationPreferredName: 'Debit Mastercard',
      longTrace: 10015008,
    });
  });

  it('Parse_TlvInfos2: card technology chip (1F12 = 01), offline encrypted PIN (1F10 = 03)', () => {
    const message = statusInformation(
      '04-0F-6C-27-00-04-00-00-00-00-20-40-0C-21-09-16-0D-11-01-0E-99-99-22-F0-F8-EE-EE-EE-EE-EE-EE-47-71-A0-01-29-00-00-00-06-87-00-05-0B-00-00-00-8A-06-8B-F1-F1-4D-41-53-54-45-52-43-41-52-44-00-06-2E-2F-08-1F-12-01-01-1F-10-01-03-60-1B-43-07-A0-00-00-00-04-10-10-44-10-44-65-62-69-74-20-4D-61-73-74-65-72-63-61-72-64-1F-2B-04-10-01-60-05',
    );
    expect(message.amount).toBe(2040);
    expect(message.timeOfDay).toBe('21:09:16');
    expect(message.tlvFields).toMatchObject({ cardTechnology: 'chip', cardholderAuthentication: 'offline-encrypted-pin' });
  });
});

describe('PA00P015 rev 13.08 special values and character sets', () => {
  it('3.1.1: a receipt number of FFFF means none (null), not a decode error', () => {
    expect(statusInformation('040F05 2700 87FFFF')).toMatchObject({ resultCode: 0, receiptNumber: null });
    // FFFF is "none" only for the receipt number: a trace of FFFFFF is still not BCD.
    expect(decodeApdu(bytes('040F04 0BFFFFFF'.replace(/\s/g, '')))).toMatchObject({ ok: false, error: { code: 'bad-bcd' } });
  });

  it('9.4.2: TLV 1F0E date as year, month, day and 1F0F time as hh:mm:ss inside the Status-Information', () => {
    const message = statusInformation('040F11 2700 060D 1F0E0420261204 1F0F03093015'.replace(/\s/g, ''));
    expect(message.tlvFields).toMatchObject({ date: { year: 2026, month: 12, day: 4 }, time: '09:30:15' });
  });

  it('keeps an unknown but well-formed TLV tag raw and still names the known ones', () => {
    const message = statusInformation('040F0C 2700 0608 DF7F01AA 1F1201 02'.replace(/\s/g, ''));
    expect(message.tlvFields).toEqual({ cardTechnology: 'contactless' });
    expect(message.tlv?.find((node) => node.tag === 0xdf7f)?.value).toEqual(new Uint8Array([0xaa]));
  });

  it('refuses a TLV container whose length lies, with a typed error', () => {
    const result = decodeApdu(bytes('040F0527000609 1F12'.replace(/\s/g, '')));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['truncated', 'bad-tlv', 'length-mismatch']).toContain(result.error.code);
  });

  it('15.1: print line in the 7-bit ZVT set reads ä ö ü ß (7B 7C 7D 7E) and Ä Ö Ü (5B 5C 5D)', () => {
    expect(decoded('06D108 00 5B7B5C7C5D7D7E'.replace(/\s/g, ''), { charset: 'zvt7' })).toEqual({ kind: 'print-line', attribute: 0, text: 'ÄäÖöÜüß' });
  });

  it('9.4.2 tag 14: print line in ISO 8859-1 and in UTF-8, and CP437 by default', () => {
    expect(decoded('06D105 00 E4F6FCDF', { charset: 'latin1' })).toMatchObject({ text: 'äöüß' });
    expect(decoded('06D109 00 C3A4C3B6C3BCC39F', { charset: 'utf8' })).toMatchObject({ text: 'äöüß' });
    expect(decoded('06D105 00 84949AE1')).toMatchObject({ text: 'äöÜß' });
  });

  it('3.3: Abort 06 1E with 1F16/1F17 names the extended error', () => {
    const message = decoded('061E0D 6C 060A 1F160100 1F1703 4B6579'.replace(/\s/g, ''));
    expect(message).toMatchObject({ kind: 'terminal-abort', resultCode: 0x6c, extendedErrorText: 'Key', tlvFields: { extendedErrorCode: 0, extendedErrorText: 'Key' } });
  });
});

describe('PA00P015 2.26-2.30 display texts, and ISO 8859-15 (tag 14 value 0F)', () => {
  it('reads 06 E0 in any BMP order, with the larger-font prefix 14 per line, and writes it back in the chapter’s order', () => {
    const message = decoded('06E012F90 2F2F0F3144F4BF1F0F548414C4C4FF00A');
    expect(message).toMatchObject({ kind: 'display-text', displayDuration: 10, text1Line1: 'HALLO', text1Line2: '\u0014OK', beepCount: 2 });
    expect(displayLines(message as DisplayTextMessage)).toEqual([{ text: 'HALLO', large: false }, { text: 'OK', large: true }]);
    const written = encodeMessage(message);
    expect(written.ok && Buffer.from(written.value).toString('hex').toUpperCase()).toBe('06E012F00AF1F0F548414C4C4FF2F0F3144F4BF902');
  });

  it('reads the numeric-input fields of 06 E2 (E0 minimum and E9 maximum length, EA echo, text 2) and refuses a BMP 06 E0 does not have', () => {
    const message = decoded('06E210 F1F0F3 504C5A E001 E905 EAFF E1F0F1 2A');
    expect(message).toMatchObject({ kind: 'display-text-numeric-input', text1Line1: 'PLZ', inputMinimumLength: 1, inputMaximumLength: 5, echoInput: 0xff, text2Line1: '*' });
    expect(decodeApdu(bytes('06E002E001'))).toMatchObject({ ok: false, error: { code: 'unexpected-field' } });
  });

  it('reads the old 06 85 / 06 88 (position, 7-bit text with umlauts, 00) and refuses an unterminated text', () => {
    expect(decoded('06850E00487B4C4C4F00052057454C5400')).toEqual({ kind: 'display-text-old', texts: [{ position: 0, text: 'HäLLO' }, { position: 20, text: 'WELT' }], durationSeconds: 5 });
    expect(decoded('06880400414200')).toEqual({ kind: 'display-text-key-input-old', texts: [{ position: 0, text: 'AB' }] });
    const written = encodeMessage({ kind: 'display-text-old', texts: [{ position: 0, text: 'HäLLO' }, { position: 20, text: 'WELT' }] });
    expect(written.ok && Buffer.from(written.value).toString('hex').toUpperCase()).toBe('06850E00487B4C4C4F00052057454C5400');
    expect(decodeApdu(bytes('0685030041 42'))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    // fast-check's counterexample (seed -1595560845): 80 is 00 with its eighth bit, so it ends text 1;
    // before, it was read as a NUL inside the text, which the writer then refused.
    const parity = decoded('0685070047728 07E6500'.replace(/ /g, ''));
    expect(parity).toEqual({ kind: 'display-text-old', texts: [{ position: 0, text: 'Gr' }, { position: 65, text: '' }], durationSeconds: 0x7e });
    const again = encodeMessage(parity as ZvtMessage);
    expect(again.ok && Buffer.from(again.value).toString('hex').toUpperCase()).toBe('06850700477200' + '7E6500');
  });

  it('decodes ISO 8859-15 where it differs from Latin-1 (A4 is the euro sign), and tag 14 value 0F selects it', () => {
    expect(charsetFromIsoCode(0x0f)).toBe('latin9');
    expect(decodeText(bytes('A4BCBD'), 'latin9')).toBe('€Œœ');
    expect(decodeText(bytes('A4'), 'latin1')).toBe('¤');
    expect(Buffer.from(encodeText('12,00 €', 'latin9')).toString('hex')).toBe('31322c303020a4');
  });
});
