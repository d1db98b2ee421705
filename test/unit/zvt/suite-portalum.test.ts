/**
 * Conformance with Portalum.Zvt (C#, Portalum/Portalum.Zvt, src/Portalum.Zvt.UnitTest): the frames
 * of PrintLineTest.cs (ProcessData_LineReceived1, ..._LineReceivedCardCompleteWithTlv,
 * ..._LineReceived2 with its two corrupt lengths), PrintTextBlockTest.cs (cardholder and
 * administration receipts from a hobex terminal, CP437) and IntermediateStatusInformationParserTest.cs,
 * with what those tests assert. StatusInformationParserTest.cs is in conformance.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeApdu, describeIntermediateStatus, encodeMessage, bytesToHex, DECODE_ERROR_CODES, type ZvtMessage } from '../../../electron/node/protocol/zvt';
import { bytes } from './samples';

const frame = (hex: string): Uint8Array => bytes(hex.replace(/-/g, ' '));

function decoded<K extends ZvtMessage['kind']>(hex: string, kind: K, charset?: 'latin1'): Extract<ZvtMessage, { kind: K }> {
  const result = decodeApdu(frame(hex), charset ? { charset } : {});
  if (!result.ok) throw new Error(`${hex}: ${result.error.message}`);
  expect(result.value.kind).toBe(kind);
  return result.value as Extract<ZvtMessage, { kind: K }>;
}

/** ProcessData_LineReceived1: a turnover report ("Kassenschnitt") as Print Lines, then the Completion 27 E0. */
const KASSENSCHNITT = [
  '06-D1-14-40-2A-2A-20-4B-41-53-53-45-4E-53-43-48-4E-49-54-54-20-2A-2A',
  '06-D1-0E-40-54-45-53-54-20-50-6F-72-74-61-6C-75-6D',
  '06-D1-09-40-52-49-45-44-47-20-35-30',
  '06-D1-0E-40-36-38-35-30-20-44-4F-52-4E-42-49-52-4E',
  '06-D1-01-40',
  '06-D1-01-40',
  '06-D1-02-00-20',
  '06-D1-19-00-54-65-72-6D-69-6E-61-6C-2D-49-44-3A-20-20-20-20-32-38-30-30-34-38-36-39',
  '06-D1-14-00-31-38-2E-31-30-2E-32-30-32-31-20-32-32-3A-35-35-3A-35-30',
  '06-D1-02-00-20',
  '06-D1-19-00-20-20-20-20-20-20-20-20-41-6E-7A-61-68-6C-20-20-20-20-20-20-20-45-55-52',
  '06-D1-17-00-56-69-73-61-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20',
  '06-D1-19-00-20-20-20-20-20-20-20-20-20-20-20-20-20-30-20-20-20-20-20-20-30-2C-30-30',
  '06-D1-17-00-56-20-50-41-59-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20',
  '06-D1-19-00-20-20-20-20-20-20-20-20-20-20-20-20-20-30-20-20-20-20-20-20-30-2C-30-30',
  '06-D1-17-00-4D-61-73-74-65-72-63-61-72-64-20-20-20-20-20-20-20-20-20-20-20-20',
  '06-D1-19-00-20-20-20-20-20-20-20-20-20-20-20-20-20-30-20-20-20-20-20-20-30-2C-30-30',
  '06-D1-17-00-4D-61-65-73-74-72-6F-2F-44-4D-43-20-41-54-20-20-20-20-20-20-20-20',
  '06-D1-19-00-20-20-20-20-20-20-20-20-20-20-20-20-20-30-20-20-20-20-20-20-30-2C-30-30',
  '06-D1-17-00-2D-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20-20',
  '06-D1-19-00-20-20-20-20-20-20-20-20-20-20-20-20-20-30-20-20-20-20-20-20-30-2C-30-30',
  '06-D1-19-40-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D',
  '06-D1-19-00-47-65-73-61-6D-74-20-20-20-20-20-20-20-30-20-20-20-20-20-20-30-2C-30-30',
  '06-D1-02-00-20',
  '06-D1-19-40-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D',
  '06-D1-19-00-56-69-73-61-20-20-20-20-20-20-20-20-20-20-20-20-23-3A-30-30-30-34-39-39',
  '06-D1-19-00-56-55-3A-20-20-20-20-20-20-20-20-20-20-20-20-31-30-30-34-36-31-37-36-33',
  '06-D1-19-40-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D-3D',
  '06-D1-02-00-20',
  '06-D1-01-81',
  '06-0F-02-27-E0',
];

describe('Portalum.Zvt PrintLineTest.cs', () => {
  it('ProcessData_LineReceived1: every line reads, in order, the last one ends the receipt, and the Completion carries result code E0', () => {
    const messages = KASSENSCHNITT.map((hex) => decodeApdu(frame(hex)));
    expect(messages.every((message) => message.ok)).toBe(true);
    const lines = messages.flatMap((message) => (message.ok && message.value.kind === 'print-line' ? [message.value] : []));
    expect(lines[0]).toMatchObject({ attribute: 0x40, text: '** KASSENSCHNITT **' });
    expect(lines[1]?.text).toBe('TEST Portalum');
    expect(lines[4]).toMatchObject({ attribute: 0x40, text: '' });
    expect(lines.map((line) => line.text)).toContain('Terminal-ID:    28004869');
    expect(lines.map((line) => line.text)).toContain('VU:            100461763');
    expect(lines.at(-1)).toMatchObject({ attribute: 0x81, text: '' });
    const completion = messages.at(-1);
    expect(completion?.ok && completion.value).toMatchObject({ kind: 'completion', resultCode: 0xe0 });
    // Each line is written back as it came.
    for (const [index, message] of messages.entries()) {
      if (!message.ok || message.value.kind !== 'print-line') continue;
      const again = encodeMessage(message.value);
      expect(again.ok && bytesToHex(again.value)).toBe(bytesToHex(frame(KASSENSCHNITT[index]!)));
    }
  });

  it('ProcessData_LineReceivedCardCompleteWithTlv: a TLV container with 1F07 (receipt type) after the text is not text; Latin-1 Ä', () => {
    const merchant = decoded('06-D1-19-40-2A-2A-20-48-C4-4E-44-4C-45-52-42-45-4C-45-47-20-2A-2A-06-04-1F-07-01-01', 'print-line', 'latin1');
    expect(merchant).toMatchObject({ attribute: 0x40, text: '** HÄNDLERBELEG **', receiptType: 1 });
    const customer = decoded('06-D1-18-40-2A-2A-20-4B-55-4E-44-45-4E-42-45-4C-45-47-20-2A-2A-06-04-1F-07-01-02', 'print-line');
    expect(customer).toMatchObject({ text: '** KUNDENBELEG **', receiptType: 2 });
    const masked = decoded('06-D1-1F-00-4E-72-3A-20-20-2A-2A-2A-2A-20-2A-2A-2A-2A-20-2A-2A-2A-2A-20-34-38-32-31-06-04-1F-07-01-02', 'print-line');
    expect(masked.text).toBe('Nr:  **** **** **** 4821');
    const last = decoded('06-D1-07-81-06-04-1F-07-01-02', 'print-line');
    expect(last).toMatchObject({ attribute: 0x81, text: '', receiptType: 2 });
    // Written back with its container.
    const again = encodeMessage(merchant, { charset: 'latin1' });
    expect(again.ok && bytesToHex(again.value)).toBe(bytesToHex(frame('06-D1-19-40-2A-2A-20-48-C4-4E-44-4C-45-52-42-45-4C-45-47-20-2A-2A-06-04-1F-07-01-01')));
  });

  it('ProcessData_LineReceived2: a length field larger or smaller than the data is refused with a typed error', () => {
    for (const hex of ['06-D1-10-40-2A-2A-20-4B-41-53-53-45-4E-53-43-48-4E-49-54-54-20-2A-2A', '06-D1-18-40-2A-2A-20-4B-41-53-53-45-4E-53-43-48-4E-49-54-54-20-2A-2A']) {
      const result = decodeApdu(frame(hex));
      expect(result.ok, hex).toBe(false);
      if (!result.ok) expect(DECODE_ERROR_CODES).toContain(result.error.code);
    }
  });
});

describe('Portalum.Zvt PrintTextBlockTest.cs', () => {
  it('Parse_CardholderReceipt: receipt type 2, complete, the first line and KUNDENBELEG, CP437 ü', () => {
    const block = decoded(
      '06-D3-FF-8E-02-06-82-02-8A-1F-07-01-02-25-82-02-82-07-18-20-20-4C-65-69-68-73-74-65-6C-6C-75-6E-67-20-76-6F-6E-20-68-6F-62-65-78-07-16-20-20-20-20-20-66-81-72-20-50-4F-52-54-41-4C-55-4D-20-47-6D-62-48-07-12-20-20-20-20-20-20-20-20-48-65-72-72-20-54-65-73-74-31-07-15-20-20-20-20-20-5A-56-54-20-54-43-' +
  '50-2F-49-50-2C-20-44-48-43-50-07-1B-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-07-1B-31-39-2E-31-30-2E-32-30-32-31-20-20-20-20-20-20-20-20-20-31-33-3A-33-30-3A-30-34-07-1B-30-30-30-30-30-31-33-20-20-20-20-30-30-30-34-20-20-20-20-20-20-30-30-30-30-30-31-07-13-20-' +
  '20-20-20-20-20-20-20-4B-55-4E-44-45-4E-42-45-4C-45-47-07-1B-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-07-12-54-65-72-6D-69-6E-61-6C-3A-20-41-48-30-30-30-30-30-36-07-11-42-65-6C-65-67-23-20-20-3A-20-48-30-30-34-30-30-31-07-12-4C-3A-2A-2A-2A-2A-2A-2A-2A-2A-2A-2A-' +
  '2A-2A-30-30-30-30-07-13-41-49-44-3A-20-41-30-30-30-30-30-30-30-30-34-31-30-31-30-07-11-4B-61-72-74-65-3A-20-4D-41-53-54-45-52-43-41-52-44-07-18-41-70-70-2E-20-20-3A-20-44-65-62-69-74-20-4D-61-73-74-65-72-63-61-72-64-07-13-20-20-20-20-20-20-20-20-43-6F-6E-74-61-63-74-6C-65-73-73-07-04-4B-41-55-46-07-' +
  '01-20-07-05-53-55-4D-4D-45-07-12-20-20-20-20-20-20-20-20-20-45-55-52-3A-20-31-2C-30-30-07-01-20-07-1B-54-72-61-63-65-23-3A-20-20-20-20-20-20-20-20-20-20-20-20-31-30-30-30-34-30-30-31-07-01-20-07-09-52-65-66-65-72-65-6E-7A-3A-07-01-20-07-1A-20-41-75-74-6F-72-69-73-69-65-72-75-6E-67-73-63-6F-64-65-3A-' +
  '33-36-37-36-35-35-07-11-20-20-20-20-20-20-20-20-20-28-52-43-20-30-30-31-29-07-14-20-20-20-20-47-65-6E-65-68-6D-69-67-74-20-33-36-37-36-35-35-07-10-20-20-20-20-20-20-20-30-30-31-30-30-34-30-30-31-07-01-20-07-19-20-41-56-3A-20-2B-30-34-2E-30-37-20-28-4A-75-6E-20-31-31-20-32-30-32-31-29-07-1B-54-49-3A-' +
  '20-45-20-44-54-3A-20-30-2F-30-2F-20-4F-46-3A-20-30-2F-30-2F-20-43-47-3A-07-0F-20-20-20-20-20-20-20-20-20-20-20-31-2F-30-2F-07-01-20-07-01-20-07-01-20-07-01-20-07-01-20-09-01-81',
      'print-text-block',
    );
    expect(block.receiptType).toBe(2);
    expect(block.endOfReceipt).toBe(true);
    const text = block.lines.map((line) => line.text).join('\n');
    expect(text.startsWith('  Leihstellung von hobex')).toBe(true);
    expect(text).toContain('KUNDENBELEG');
    expect(text).toContain('für PORTALUM GmbH');
  });

  it('Parse_MerchantReceipt: the merchant’s copy, receipt type 1, HÄNDLERBELEG with CP437 8E and KEIN CVM', () => {
    const block = decoded(
      '06-D3-FF-A4-02-06-82-02-A0-1F-07-01-01-25-82-02-98-07-18-20-20-4C-65-69-68-73-74-65-6C-6C-75-6E-67-20-76-6F-6E-20-68-6F-62-65-78-07-16-20-20-20-20-20-66-81-72-20-50-4F-52-54-41-4C-55-4D-20-47-6D-62-48-07-12-20-20-20-20-20-20-20-20-48-65-72-72-20-54-65-73-74-31-07-15-20-20-20-20-20-5A-56-54-20-54-43-' +
  '50-2F-49-50-2C-20-44-48-43-50-07-1B-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-07-1B-31-39-2E-31-30-2E-32-30-32-31-20-20-20-20-20-20-20-20-20-31-33-3A-33-30-3A-30-34-07-1B-30-30-30-30-30-31-33-20-20-20-20-30-30-30-34-20-20-20-20-20-20-30-30-30-30-30-31-07-13-20-' +
  '20-20-20-20-20-20-48-8E-4E-44-4C-45-52-42-45-4C-45-47-07-1B-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-2D-07-12-54-65-72-6D-69-6E-61-6C-3A-20-41-48-30-30-30-30-30-36-07-11-42-65-6C-65-67-23-20-20-3A-20-48-30-30-34-30-30-31-07-12-4C-3A-2A-2A-2A-2A-2A-2A-2A-2A-2A-2A-' +
  '2A-2A-30-30-30-30-07-13-41-49-44-3A-20-41-30-30-30-30-30-30-30-30-34-31-30-31-30-07-11-4B-61-72-74-65-3A-20-4D-41-53-54-45-52-43-41-52-44-07-18-41-70-70-2E-20-20-3A-20-44-65-62-69-74-20-4D-61-73-74-65-72-63-61-72-64-07-13-20-20-20-20-20-20-20-20-43-6F-6E-74-61-63-74-6C-65-73-73-07-04-4B-41-55-46-07-' +
  '01-20-07-05-53-55-4D-4D-45-07-12-20-20-20-20-20-20-20-20-20-45-55-52-3A-20-31-2C-30-30-07-01-20-07-1B-54-72-61-63-65-23-3A-20-20-20-20-20-20-20-20-20-20-20-20-31-30-30-30-34-30-30-31-07-01-20-07-09-52-65-66-65-72-65-6E-7A-3A-07-01-20-07-1A-20-41-75-74-6F-72-69-73-69-65-72-75-6E-67-73-63-6F-64-65-3A-' +
  '33-36-37-36-35-35-07-11-20-20-20-20-20-20-20-20-20-28-52-43-20-30-30-31-29-07-14-20-20-20-20-47-65-6E-65-68-6D-69-67-74-20-33-36-37-36-35-35-07-10-20-20-20-20-20-20-20-30-30-31-30-30-34-30-30-31-07-01-20-07-11-20-20-20-20-20-20-20-20-20-4B-45-49-4E-20-43-56-4D-07-01-20-07-19-20-41-56-3A-20-2B-30-34-' +
  '2E-30-37-20-28-4A-75-6E-20-31-31-20-32-30-32-31-29-07-1B-54-49-3A-20-45-20-44-54-3A-20-30-2F-30-2F-20-4F-46-3A-20-30-2F-30-2F-20-43-47-3A-07-0F-20-20-20-20-20-20-20-20-20-20-20-31-2F-30-2F-07-01-20-07-01-20-07-01-20-07-01-20-07-01-20-09-01-81',
      'print-text-block',
    );
    expect(block.receiptType).toBe(1);
    expect(block.endOfReceipt).toBe(true);
    const text = block.lines.map((line) => line.text).join('\n');
    expect(text.startsWith('  Leihstellung von hobex')).toBe(true);
    expect(text).toContain('HÄNDLERBELEG');
    expect(text).toContain('KEIN CVM');
  });

  it('Parse_AdministrationReceipt: receipt type 3 with "Abschluss - keine TX"', () => {
    const block = decoded('06-D3-AC-06-81-A9-1F-07-01-03-25-81-A2-07-1B-30-32-2E-31-31-2E-32-30-32-31-20-20-20-20-20-20-20-20-20-31-37-3A-30-35-3A-30-32-07-0C-54-49-44-3A-41-48-30-30-30-30-30-36-07-14-41-62-73-63-68-6C-75-73-73-20-2D-20-6B-65-69-6E-65-20-54-58-07-19-20-41-56-3A-20-2B-30-34-2E-30-37-20-28-4A-75-6E-20-31-31-20-' +
  '32-30-32-31-29-07-1B-54-49-3A-20-45-20-44-54-3A-20-30-2F-30-2F-20-4F-46-3A-20-30-2F-30-2F-20-43-47-3A-07-0F-20-20-20-20-20-20-20-20-20-20-20-31-2F-30-2F-07-01-20-07-01-20-07-01-20-07-01-20-07-01-20-07-01-20-07-01-20-09-01-81', 'print-text-block');
    expect(block.receiptType).toBe(3);
    expect(block.endOfReceipt).toBe(true);
    expect(block.lines.map((line) => line.text)).toContain('Abschluss - keine TX');
  });
});

describe('Portalum.Zvt IntermediateStatusInformationParserTest.cs', () => {
  it('GetMessage_InsertCard: 0A is "Insert card" (and 请插卡)', () => {
    expect(decoded('04-FF-01-0A', 'intermediate-status').status).toBe(0x0a);
    expect(describeIntermediateStatus(0x0a)).toMatchObject({ en: 'Insert card', zh: '请插卡' });
  });

  it('GetMessage_EmptyData: an Intermediate Status without its status byte is a typed error', () => {
    const result = decodeApdu(frame('04-FF-00'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(DECODE_ERROR_CODES).toContain(result.error.code);
  });

  it('GetMessage_TlvData: status FF with timeout 10 and the display text "EUR 1.23" / "Bitte warten" from TLV 24', () => {
    const message = decoded('04-FF-1E-FF-10-06-1A-24-18-07-08-45-55-52-20-31-2E-32-33-07-0C-42-69-74-74-65-20-77-61-72-74-65-6E', 'intermediate-status');
    expect(message).toMatchObject({ status: 0xff, timeoutMinutes: 10, displayTexts: ['EUR 1.23', 'Bitte warten'] });
  });
});
