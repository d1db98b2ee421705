import { describe, expect, it } from 'vitest';
import { bytesToHex, decodeApdu, encodeMessage, tlv, VENDOR_PROFILES, type PrintTextBlockMessage, type VendorProfile } from '../../../electron/node/protocol/zvt';
import { PROFILES_WITHOUT_ABORT, VENDOR_PROFILE_IDS, profileAcceptsAbort } from '../../../shared/domain/terminals';
import { bytes } from './samples';
import { createLink } from './terminal-double';

// Receipt lines as terminals put them on the wire (Print Line 06 D1, PA00P015 3.4: attribute byte,
// then the text). Built byte by byte from the code pages, not captured from a terminal.
/** "Grüße" in CP437 (ü = 81, ß = E1; chapter 15.2). */
const CP437_LINE = '06 D1 06 00 47 72 81 E1 65';
/** "Grüße" in Latin-1 (ü = FC, ß = DF), as Latin-1 terminals send it without saying so (reference README). */
const LATIN1_LINE = '06 D1 06 00 47 72 FC DF 65';
/** "Summe 12,34 €" in UTF-8 (€ = E2 82 AC). */
const UTF8_LINE = '06 D1 10 00 53 75 6D 6D 65 20 31 32 2C 33 34 20 E2 82 AC';
/** "Müller" in UTF-8 with the line cut inside the next character (E2 82 of €): not valid UTF-8 as a whole. */
const UTF8_CUT_LINE = '06 D1 0A 00 4D C3 BC 6C 6C 65 72 E2 82';
/** CP437 box drawing "├╝" (C3 BC) — which is also valid UTF-8 for "ü". */
const CP437_BOX_LINE = '06 D1 03 00 C3 BC';

/** Runs Print System Configuration (06 1A) and lets the terminal print the given raw lines. */
async function receiptOf(profile: VendorProfile, lines: string[]): Promise<string[]> {
  const link = createLink('tcp', profile);
  const result = link.session.execute({ kind: 'print-system-configuration' });
  link.send('80 00 00');
  for (const line of lines) link.send(line);
  link.send('06 0F 00');
  const outcome = await result;
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value.receipt.map((line) => line.text);
}

describe('the vendor profile catalogue', () => {
  it('has a protocol profile for every id the device form offers, and only no-abort refuses Abort', () => {
    expect(Object.keys(VENDOR_PROFILES).sort()).toEqual([...VENDOR_PROFILE_IDS].sort());
    for (const id of VENDOR_PROFILE_IDS) {
      expect(VENDOR_PROFILES[id].id).toBe(id);
      expect(VENDOR_PROFILES[id].noAbortFromEcr === true).toBe(PROFILES_WITHOUT_ABORT.includes(id));
      expect(profileAcceptsAbort(id)).toBe(!VENDOR_PROFILES[id].noAbortFromEcr);
    }
    expect(profileAcceptsAbort(undefined)).toBe(true);
  });
});

describe('a session honours the deviation of each vendor profile', () => {
  it('generic: receipt text without a charset from the terminal is UTF-8 when it is valid multi-byte UTF-8, else CP437', async () => {
    const link = createLink('tcp', VENDOR_PROFILES.generic);
    expect(link.session.charset).toBe('auto');
    expect(await receiptOf(VENDOR_PROFILES.generic, [UTF8_LINE, CP437_LINE])).toEqual(['Summe 12,34 €', 'Grüße']);
  });

  it('generic: a charset the terminal echoes at registration still wins over the detection', async () => {
    const link = createLink('tcp', VENDOR_PROFILES.generic);
    const registration = link.session.execute({ kind: 'registration', password: '000000', config: 0x8e, currency: 978, tlv: [tlv(0x14, [0x01])] });
    link.send('80 00 00');
    link.send({ kind: 'completion', form: 'bitmaps', tlv: [tlv(0x14, [0x01])] });
    await registration;
    expect(link.session.charset).toBe('latin1');
    const print = link.session.execute({ kind: 'print-system-configuration' });
    link.send('80 00 00');
    link.send(LATIN1_LINE);
    link.send('06 0F 00');
    expect(await print).toMatchObject({ ok: true, value: { receipt: [{ text: 'Grüße' }] } });
  });

  it('latin1: Latin-1 receipt bytes read as Latin-1, which the detection would misread as CP437', async () => {
    expect(await receiptOf(VENDOR_PROFILES.latin1, [LATIN1_LINE])).toEqual(['Grüße']);
    expect(await receiptOf(VENDOR_PROFILES.generic, [LATIN1_LINE])).toEqual(['Grⁿ▀e']);
    // Print Text-Block (06 D3, 3.5) too: tag 25 with the line in tag 07.
    const block = encodeMessage({ kind: 'print-text-block', lines: [{ attribute: 0, text: 'Grüße' }], endOfReceipt: true }, { charset: 'latin1' });
    if (!block.ok) throw new Error(block.error.message);
    expect(await receiptOf(VENDOR_PROFILES.latin1, [bytesToHex(block.value)])).toEqual(['Grüße']);
  });

  it('utf8: a line cut inside a UTF-8 character stays UTF-8, where the detection falls back to CP437', async () => {
    expect(await receiptOf(VENDOR_PROFILES.utf8, [UTF8_CUT_LINE])).toEqual(['Müller\uFFFD']);
    expect(await receiptOf(VENDOR_PROFILES.generic, [UTF8_CUT_LINE])).toEqual(['M├╝llerΓé']);
  });

  it('utf8 and cp437: a fixed charset ignores what the terminal echoes at registration', async () => {
    for (const profile of [VENDOR_PROFILES.utf8, VENDOR_PROFILES.cp437]) {
      const link = createLink('tcp', profile);
      const registration = link.session.execute({ kind: 'registration', password: '000000', config: 0x8e, currency: 978 });
      link.send('80 00 00');
      link.send({ kind: 'completion', form: 'bitmaps', tlv: [tlv(0x14, [0x01])] });
      await registration;
      expect(link.session.charset).toBe(profile.fixedCharset);
    }
  });

  it('cp437: box drawing that happens to be valid UTF-8 stays CP437', async () => {
    expect(await receiptOf(VENDOR_PROFILES.cp437, [CP437_BOX_LINE])).toEqual(['├╝']);
    expect(await receiptOf(VENDOR_PROFILES.generic, [CP437_BOX_LINE])).toEqual(['ü']);
  });

  it('serial-hex: a serial number (TLV 1F42) sent as hex digits is read as those digits, not as BCD', async () => {
    async function serialNumberSeenBy(profile: VendorProfile): Promise<string | undefined> {
      const link = createLink('tcp', profile);
      const result = link.session.execute({ kind: 'status-enquiry', password: '000000', serviceByte: 0x04 });
      link.send('80 00 00');
      // "1A2B3C4D" written out as ASCII hex digits inside E4 (9.4.12).
      link.send({ kind: 'completion', form: 'status-enquiry', terminalStatus: 0, tlv: [tlv(0xe4, [tlv(0x1f42, bytes('31 41 32 42 33 43 34 44'))])] });
      const outcome = await result;
      return outcome.ok ? outcome.value.completion?.device?.serialNumber : undefined;
    }
    expect(await serialNumberSeenBy(VENDOR_PROFILES['serial-hex'])).toBe('1A2B3C4D');
    expect(await serialNumberSeenBy(VENDOR_PROFILES.generic)).toBe('3141324233433444');
    // A BCD serial number still reads the same with the profile.
    expect(decodeApdu(bytes('06 0F 0B 00 06 08 E4 06 1F 42 03 12 34 56'), { completionForm: 'status-enquiry', serialNumberAsHex: true })).toMatchObject({
      ok: true,
      value: { device: { serialNumber: '123456' } },
    });
  });

  it('no-print-line: registration asks for no Print Line (config byte bit 7 cleared, PA00P015 2.1 table 1)', () => {
    const link = createLink('tcp', VENDOR_PROFILES['no-print-line']);
    void link.session.execute({ kind: 'registration', password: '000000', config: 0x8e });
    expect(link.outbox()).toEqual(['06 00 04 00 00 00 0E']);
    const generic = createLink('tcp', VENDOR_PROFILES.generic);
    void generic.session.execute({ kind: 'registration', password: '000000', config: 0x8e });
    expect(generic.outbox()).toEqual(['06 00 04 00 00 00 8E']);
  });

  it('no-abort: no 06 B0 goes out, neither as a command nor during a running one', async () => {
    const link = createLink('tcp', VENDOR_PROFILES['no-abort']);
    expect(await link.session.execute({ kind: 'abort' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    void link.session.execute({ kind: 'end-of-day', password: '000000' });
    link.send('80 00 00');
    link.outbox();
    expect(link.session.abortCurrent()).toBe(false);
    expect(link.outbox()).toEqual([]);
    const generic = createLink('tcp', VENDOR_PROFILES.generic);
    void generic.session.execute({ kind: 'end-of-day', password: '000000' });
    generic.send('80 00 00');
    generic.outbox();
    expect(generic.session.abortCurrent()).toBe(true);
    expect(generic.outbox()).toEqual(['06 B0 00']);
  });
});

describe('Print Text-Block encoding', () => {
  it('writes the lines in the charset asked for; auto and the default send CP437', () => {
    const message: PrintTextBlockMessage = { kind: 'print-text-block', lines: [{ attribute: 0, text: 'ü€' }], endOfReceipt: false };
    const text = (charset?: 'latin1' | 'utf8' | 'cp437' | 'auto') => {
      const encoded = encodeMessage(message, charset ? { charset } : {});
      if (!encoded.ok) throw new Error(encoded.error.message);
      return bytesToHex(encoded.value.subarray(-4));
    };
    // Tag 07 with its length, then the bytes of "ü€" (€ has no Latin-1 or CP437 byte: '?').
    const utf8 = encodeMessage(message, { charset: 'utf8' });
    expect(utf8.ok && bytesToHex(utf8.value)).toMatch(/07 05 C3 BC E2 82 AC$/);
    expect(text('latin1')).toBe('07 02 FC 3F');
    expect(text('cp437')).toBe('07 02 81 3F');
    expect(text('auto')).toBe('07 02 81 3F');
    expect(text()).toBe('07 02 81 3F');
    const decoded = utf8.ok ? decodeApdu(utf8.value, { charset: 'utf8' }) : undefined;
    expect(decoded).toMatchObject({ ok: true, value: { lines: [{ text: 'ü€' }] } });
  });
});
