/**
 * An ECR that follows PA00P015 rev 13.08 byte by byte, written against the specification and
 * NOT against our codec: every request is typed in by hand from the command's chapter, and every
 * answer is read with this file's own small reader (the BMP lengths below are copied from the
 * spec's tables), refusing any bitmap the command's layout does not list. It drives
 * `poscare simulate`'s terminal over real TCP on 127.0.0.1 through the four basic flows:
 * Registration (2.1), Status Enquiry (2.56), Authorisation of 12.34 EUR (2.2) and End-of-Day (2.16).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const hex = (bytes: Uint8Array | number[]): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(' ');
const bytes = (text: string): number[] => text.trim().split(/\s+/).map((pair) => parseInt(pair, 16));
const ACK = '80 00 00';

/** The ECR side of one TCP link: writes APDUs, reads whole APDUs (PA00P016 5.2.4 length field). */
class StrictEcr {
  private buffer = new Uint8Array(0);
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      const next = new Uint8Array(this.buffer.length + chunk.length);
      next.set(this.buffer);
      next.set(chunk, this.buffer.length);
      this.buffer = next;
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static async connect(port: number): Promise<StrictEcr> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const connection = net.createConnection({ host: '127.0.0.1', port }, () => resolve(connection));
      connection.once('error', reject);
    });
    cleanups.push(() => void socket.destroy());
    return new StrictEcr(socket);
  }

  send(apdu: string): void {
    this.socket.write(Uint8Array.from(bytes(apdu)));
  }

  /** The next APDU: CLASS INSTR LEN DATA, LEN = FF LL HH for 255 and more data bytes. */
  async receive(): Promise<Uint8Array> {
    for (;;) {
      const apdu = this.take();
      if (apdu) return apdu;
      if (this.closed) throw new Error(`link closed; pending bytes: ${hex(this.buffer)}`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  private take(): Uint8Array | undefined {
    if (this.buffer.length < 3) return undefined;
    let header = 3;
    let length = this.buffer[2]!;
    if (length === 0xff) {
      if (this.buffer.length < 5) return undefined;
      length = this.buffer[3]! | (this.buffer[4]! << 8);
      header = 5;
    }
    if (this.buffer.length < header + length) return undefined;
    const apdu = this.buffer.slice(0, header + length);
    this.buffer = this.buffer.slice(header + length);
    return apdu;
  }

  /** Sends a command, expects the PT's 80 00, then exactly this message, and acknowledges it. */
  async exchange(request: string, answer: string): Promise<void> {
    this.send(request);
    await this.expect(ACK);
    await this.expect(answer);
    this.send(ACK);
  }

  /** Reads one APDU and expects it to be exactly these bytes. */
  async expect(expected: string): Promise<void> {
    expect(hex(await this.receive())).toBe(hex(bytes(expected)));
  }
}

// ---- BMP formats, copied from PA00P015 chapter 13 / 3.1 (not from our bitmaps.ts) ----------
type Format = number | 'LL' | 'LLL' | 'TLV';
const FORMAT: Record<number, Format> = {
  0x04: 6, 0x0b: 3, 0x0c: 3, 0x0d: 2, 0x0e: 2, 0x17: 2, 0x19: 1, 0x22: 'LL', 0x27: 1, 0x29: 4, 0x2a: 15,
  0x37: 3, 0x3b: 8, 0x3c: 'LLL', 0x49: 2, 0x4c: 'LL', 0x60: 'LLL', 0x87: 2, 0x88: 3, 0x8a: 1, 0x8b: 'LL',
  0x8c: 1, 0x9a: 'LLL', 0xa0: 1, 0xaa: 3, 0xba: 5, 0x06: 'TLV',
};

/** Splits a BMP list; throws on a BMP the command's layout does not allow or a length that lies. */
function readBitmaps(data: Uint8Array, allowed: number[]): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let at = 0;
  while (at < data.length) {
    const id = data[at]!;
    if (!allowed.includes(id)) throw new Error(`BMP ${hex([id])} is not in this command's layout (${hex(allowed)}); data ${hex(data)}`);
    if (out.has(id)) throw new Error(`BMP ${hex([id])} twice`);
    const format = FORMAT[id]!;
    let start = at + 1;
    let length: number;
    if (typeof format === 'number') length = format;
    else if (format === 'TLV') {
      const first = data[start]!;
      if (first < 0x80) [length, start] = [first, start + 1];
      else if (first === 0x81) [length, start] = [data[start + 1]!, start + 2];
      else [length, start] = [(data[start + 1]! << 8) | data[start + 2]!, start + 3];
    } else {
      const digits = format === 'LL' ? 2 : 3;
      length = 0;
      for (let index = 0; index < digits; index++) {
        const byte = data[start + index]!;
        if (byte >> 4 !== 0xf) throw new Error(`BMP ${hex([id])}: ${hex([byte])} is no F0..F9 length digit`);
        length = length * 10 + (byte & 0x0f);
      }
      start += digits;
    }
    if (start + length > data.length) throw new Error(`BMP ${hex([id])} runs past the end`);
    out.set(id, data.slice(start, start + length));
    at = start + length;
  }
  return out;
}

const bcd = (value: Uint8Array | undefined): string => (value ? hex(value).replace(/ /g, '') : '');

/** 3.1.1: the bitmaps of Status-Information after Authorisation. */
const PAYMENT_STATUS_BMPS = [0x27, 0x04, 0x0b, 0x37, 0x0c, 0x0d, 0x0e, 0x17, 0x19, 0x22, 0x29, 0x3b, 0x49, 0x4c, 0x87, 0x8a, 0x8c, 0x9a, 0xba, 0x2a, 0x3c, 0xa0, 0x88, 0x8b, 0x06];
/** 3.1.3 / 2.16.4: the bitmaps of Status-Information after End-of-Day. */
const END_OF_DAY_STATUS_BMPS = [0x27, 0x04, 0x60, 0x0b, 0x0c, 0x0d, 0x9a];

function dataOf(apdu: Uint8Array, classByte: number, instruction: number): Uint8Array {
  expect(hex(apdu.slice(0, 2)), `expected ${hex([classByte, instruction])}, got ${hex(apdu)}`).toBe(hex([classByte, instruction]));
  return apdu.slice(apdu[2] === 0xff ? 5 : 3);
}

async function simulator(options: Parameters<typeof startSimulator>[0] = {}): Promise<RunningSimulator> {
  const running = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 }, ...options });
  cleanups.push(() => running.close());
  return running;
}

describe('an ECR that follows the specification byte by byte, against poscare simulate over TCP', () => {
  it('completes Registration, Status Enquiry, a 12.34 EUR Authorisation and End-of-Day with the layouts of each chapter', async () => {
    const ecr = await StrictEcr.connect((await simulator()).tcpPort!);

    // 2.1 Registration: password 000000, config 00 (PT prints, no intermediate status), CC 0978 EUR.
    ecr.send('06 00 06 00 00 00 00 09 78');
    await ecr.expect(ACK);
    // Completion after Registration: [19<status-byte>] [29<TID>] [49<CC>] [06<TLV>] — no 27, 0C, AA.
    await ecr.expect('06 0F 0A 19 00 29 52 50 00 01 49 09 78');
    ecr.send(ACK);

    // 2.56 Status Enquiry with password: Completion = [<SW-version> LLLVAR] <terminal-status-code>.
    ecr.send('05 01 03 00 00 00');
    await ecr.expect(ACK);
    const version = [...'PosCare-SIM 1.0.0'].map((character) => character.charCodeAt(0).toString(16)).join(' ');
    await ecr.expect(`06 0F 15 F0 F1 F7 ${version} 00`);
    ecr.send(ACK);

    // 2.2 Authorisation: 04<amount 6 byte BCD> 49<CC>.
    ecr.send('06 01 0A 04 00 00 00 00 12 34 49 09 78');
    await ecr.expect(ACK);
    const status = readBitmaps(dataOf(await ecr.receive(), 0x04, 0x0f), PAYMENT_STATUS_BMPS);
    expect(bcd(status.get(0x27))).toBe('00');
    expect(bcd(status.get(0x04))).toBe('000000001234');
    expect(bcd(status.get(0x49)), 'answered in the currency asked for (EUR), not substituted').toBe('0978');
    expect(bcd(status.get(0x29))).toBe('52500001');
    expect(bcd(status.get(0x0c))).toMatch(/^([01]\d|2[0-3])[0-5]\d[0-5]\d$/);
    expect(bcd(status.get(0x0d))).toMatch(/^(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/);
    const trace = bcd(status.get(0x0b));
    expect(trace).toMatch(/^\d{6}$/);
    ecr.send(ACK);
    // 2.2.9: Completion without data; config 00: no Print Line before it.
    await ecr.expect('06 0F 00');
    ecr.send(ACK);

    // 2.16 End-of-Day: <password>.
    ecr.send('06 50 03 00 00 00');
    await ecr.expect(ACK);
    const totals = readBitmaps(dataOf(await ecr.receive(), 0x04, 0x0f), END_OF_DAY_STATUS_BMPS);
    expect(bcd(totals.get(0x27))).toBe('00');
    expect(bcd(totals.get(0x04))).toBe('000000001234');
    expect(totals.has(0x49), 'no currency: the End-of-Day request carried none (3.1.3)').toBe(false);
    const single = totals.get(0x60)!;
    expect(single.length, 'BMP 60: 2+2 receipt numbers and 7 card groups of 1+6 bytes').toBe(53);
    const groups = Array.from({ length: 7 }, (_, index) => ({ count: single[4 + index * 7]!, amount: Number(bcd(single.slice(5 + index * 7, 11 + index * 7))) }));
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(1);
    expect(groups.reduce((sum, group) => sum + group.amount, 0)).toBe(1234);
    ecr.send(ACK);
    await ecr.expect('06 0F 00');
    ecr.send(ACK);
  });

  it('honours the config byte: intermediate status and receipts as Print Line only when asked, and no currency in the Completion when none was sent', async () => {
    const ecr = await StrictEcr.connect((await simulator()).tcpPort!);
    // Config 8E: ECR prints payment and administration receipts via Print Line (bits 1, 2, 7), wants intermediate status (bit 3). No <CC>.
    await ecr.exchange('06 00 04 00 00 00 8E', '06 0F 07 19 00 29 52 50 00 01');

    ecr.send('06 01 0A 04 00 00 00 00 12 34 49 09 78');
    await ecr.expect(ACK);
    const seen: string[] = [];
    const lines: string[] = [];
    for (;;) {
      const apdu = await ecr.receive();
      const code = hex(apdu.slice(0, 2));
      seen.push(code);
      if (code === '06 0F') {
        expect(hex(apdu)).toBe('06 0F 00');
        ecr.send(ACK);
        break;
      }
      if (code === '04 FF') expect(apdu[2], 'Intermediate Status: <status> [<timeout>]').toBeLessThanOrEqual(2);
      else if (code === '04 0F') expect(bcd(readBitmaps(dataOf(apdu, 0x04, 0x0f), PAYMENT_STATUS_BMPS).get(0x49))).toBe('0978');
      else if (code === '06 D1') lines.push(String.fromCharCode(...dataOf(apdu, 0x06, 0xd1).slice(1)));
      else throw new Error(`unexpected ${hex(apdu)}`);
      ecr.send(ACK);
    }
    expect(seen[0]).toBe('04 FF');
    expect(seen.indexOf('04 0F')).toBeLessThan(seen.indexOf('06 D1'));
    expect(lines.join('\n')).toContain('AMOUNT 12.34 EUR');
  });

  it('sends receipts the way the ECR listed at Registration (tag 26: Print Text-Block) and formats them to its printer width (tag 12)', async () => {
    const ecr = await StrictEcr.connect((await simulator()).tcpPort!);
    // 2.1 with CC, then 06<TLV>: 26 lists 04 0F, 06 0F, 06 1E and 06 D3 (Print Text-Block, no Print
    // Line; each command in a tag 0A, 9.4.2), 12 = 24 characters (BCD).
    const list = '26 10 0A 02 04 0F 0A 02 06 0F 0A 02 06 1E 0A 02 06 D3';
    ecr.send(`06 00 1D 00 00 00 8E 09 78 06 15 ${list} 12 01 24`);
    await ecr.expect(ACK);
    // The Completion echoes the width the PT formats to (tag 12).
    await ecr.expect('06 0F 0F 19 00 29 52 50 00 01 49 09 78 06 03 12 01 24');
    ecr.send(ACK);

    ecr.send('06 01 0A 04 00 00 00 00 12 34 49 09 78');
    await ecr.expect(ACK);
    const seen: string[] = [];
    let block: Uint8Array | undefined;
    for (;;) {
      const apdu = await ecr.receive();
      const code = hex(apdu.slice(0, 2));
      seen.push(code);
      ecr.send(ACK);
      if (code === '06 D3') block = dataOf(apdu, 0x06, 0xd3);
      if (code === '06 0F') break;
    }
    // Config 8E asked for intermediate status (bit 3) and receipts by Print Line (bit 7); the list
    // names Print Text-Block as the way receipts come. Intermediate status follows the config byte,
    // as real terminals send it to ECRs that list only 06 D3 (bezahl-online zvt's captures).
    expect(seen).toEqual(['04 FF', '04 FF', '04 0F', '06 D3', '06 0F']);
    // 06 D3: 06<TLV> with 25 (print text) holding 07 text lines; none wider than 24 characters.
    const text = Buffer.from(block!).toString('latin1');
    const lines = [...text.matchAll(/\x07([\s\S])/g)].map((match) => match.index!).map((at) => text.substr(at + 2, text.charCodeAt(at + 1)));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('\n')).toContain('AMOUNT 12.34 EUR');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(24);
  });

  it('sends no intermediate status and no Print Line to an ECR that registered with config 00', async () => {
    const ecr = await StrictEcr.connect((await simulator()).tcpPort!);
    await ecr.exchange('06 00 04 00 00 00 00', '06 0F 07 19 00 29 52 50 00 01');
    // An Authorisation without <CC>: the Status-Information carries no currency either (3.1.1 note).
    ecr.send('06 01 07 04 00 00 00 00 05 00');
    await ecr.expect(ACK);
    const status = readBitmaps(dataOf(await ecr.receive(), 0x04, 0x0f), PAYMENT_STATUS_BMPS);
    expect(status.has(0x49)).toBe(false);
    ecr.send(ACK);
    await ecr.expect('06 0F 00');
    ecr.send(ACK);
  });

  it('refuses a currency it does not take instead of answering in another one', async () => {
    const ecr = await StrictEcr.connect((await simulator()).tcpPort!);
    // 2.1: wrong currency at Registration -> 84 1E 6F [<CC>] with the PT's currency (CNY 0156).
    ecr.send('06 00 06 00 00 00 00 08 40');
    await ecr.expect('84 1E 03 6F 01 56');
    // 2.2.9: an Authorisation in USD is aborted with 6F and the PT's currency.
    await ecr.exchange('06 01 0A 04 00 00 00 00 12 34 49 08 40', '06 1E 03 6F 01 56');
    // The refusal changed nothing: a EUR payment afterwards is the first one (trace 1).
    ecr.send('06 01 0A 04 00 00 00 00 12 34 49 09 78');
    await ecr.expect(ACK);
    const status = readBitmaps(dataOf(await ecr.receive(), 0x04, 0x0f), PAYMENT_STATUS_BMPS);
    expect(bcd(status.get(0x0b))).toBe('000001');
    ecr.send(ACK);
    await ecr.expect('06 0F 00');
    ecr.send(ACK);
  });

  it('aborts without a currency code unless the result code is 6F (2.2.9)', async () => {
    const running = await simulator({ faults: [{ name: 'host-unreachable' }] });
    const ecr = await StrictEcr.connect(running.tcpPort!);
    ecr.send('06 01 0A 04 00 00 00 00 12 34 49 09 78');
    await ecr.expect(ACK);
    const abort = dataOf(await ecr.receive(), 0x06, 0x1e);
    expect(abort[0]).toBe(0xa3);
    // After the result code only a TLV container (1F16 / 1F17) may follow.
    if (abort.length > 1) expect(abort[1]).toBe(0x06);
    ecr.send(ACK);
  });

  it('imitates the verbose Completion of some real terminals only when the deviation is switched on', async () => {
    const ecr = await StrictEcr.connect((await simulator({ deviations: ['verbose-completion'], now: () => new Date(2026, 11, 4, 9, 8, 7) })).tcpPort!);
    await ecr.exchange('06 00 06 00 00 00 00 09 78', '06 0F 14 27 00 0C 09 08 07 AA 26 12 04 19 00 29 52 50 00 01 49 09 78');
  });

  it('shows display texts (06 E0, 06 E1, 06 85) as 2.26-2.28 lay them out: 80 00 only, or 80 00 01 <key-code>, and no Completion', async () => {
    const running = await simulator();
    const ecr = await StrictEcr.connect(running.tcpPort!);
    // 2.26: F0 duration 10 s, F1 "HALLO", F2 "OK" in the larger font (prefix 14), F9 two beeps.
    ecr.send('06 E0 12 F0 0A F1 F0 F5 48 41 4C 4C 4F F2 F0 F3 14 4F 4B F9 02');
    await ecr.expect(ACK);
    expect(running.terminal.displayed).toEqual(['HALLO', 'OK']);
    // "The illustrated order is variable": the same text with the BMPs the other way round.
    ecr.send('06 E0 12 F9 02 F2 F0 F3 14 4F 4B F1 F0 F5 48 41 4C 4C 4F F0 0A');
    await ecr.expect(ACK);
    expect(running.terminal.displayed).toEqual(['HALLO', 'OK']);
    // 2.28: with function-key input the PT answers the key code (0D = <OK>).
    ecr.send('06 E1 08 F1 F0 F5 4B 41 53 53 45');
    await ecr.expect('80 00 01 0D');
    // 2.27, the old version: <position><text>00 [<duration><position><text>00], 7-bit set with umlauts (7B = ä).
    ecr.send('06 85 0E 00 48 7B 4C 4C 4F 00 05 20 57 45 4C 54 00');
    await ecr.expect(ACK);
    expect(running.terminal.displayed).toEqual(['HäLLO', 'WELT']);
    // A BMP the layout does not have (27, a result code) is refused, not shown.
    ecr.send('06 E0 02 27 00');
    await ecr.expect('84 9A 00');
  });

  it('refuses a reservation extension without its AID with 84 9A, as 2.8 requires it (3B), and runs one that has it', async () => {
    const ecr = await StrictEcr.connect((await simulator()).tcpPort!);
    await ecr.exchange('06 00 06 00 00 00 00 09 78', '06 0F 0A 19 00 29 52 50 00 01 49 09 78');
    // 06 22: 04 amount 10.00, 49 EUR, 0B trace 000001 without 1F06: an extension of reservation trace 1; no 3B.
    ecr.send('06 22 0E 04 00 00 00 00 10 00 49 09 78 0B 00 00 01');
    await ecr.expect('84 9A 00');
    // A primary reservation (no trace) needs no AID: the terminal carries it out.
    ecr.send('06 22 0A 04 00 00 00 00 20 00 49 09 78');
    await ecr.expect(ACK);
  });

  it("answers ecrterm's Registration (PACKET_LIST 2: 27 with CP437, 12 width 40, 26 commands) with 27 03 14 01 FF as the real terminal in its capture does", async () => {
    const ecr = await StrictEcr.connect((await simulator()).tcpPort!);
    ecr.send(
      '06 00 63 00 00 00 FE 09 78 03 00 06 59 10 02 16 02 12 01 40 1A 02 10 00 26 28 0A 02 04 0F 0A 02 06 0F 0A 02 06 1E 0A 02 04 FF 0A 02 06 D8 0A 02 06 DB 0A 02 06 D9 0A 02 06 DA 0A 02 06 DD 0A 02 06 D3 27 03 14 01 FF 28 10 15 02 44 45 15 02 45 4E 15 02 46 52 15 02 49 54 40 02 C0 00 1F 04 02 F1 00 1F 05 01 00',
    );
    await ecr.expect(ACK);
    await ecr.expect('06 0F 14 19 00 29 52 50 00 01 49 09 78 06 08 27 03 14 01 FF 12 01 40');
    ecr.send(ACK);
  });
});
