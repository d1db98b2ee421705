/**
 * A simulated ZVT payment terminal (the PT side of PA00P016), built on the same codec and framing
 * as the ECR side. It answers every command the console sends with realistic data: incrementing
 * trace and receipt numbers, totals that add up over the day's payments, receipt text; faults of
 * ./faults.ts change its answers. One ECR link at a time, like a real terminal.
 */
import {
  ApduStreamDecoder,
  ControlByte,
  charsetFromIsoCode,
  decodeApdu,
  digitsToBcd,
  displayLines,
  encodeMessage,
  encodeSerialFrame,
  negativeAcknowledgement,
  POSITIVE_ACKNOWLEDGEMENT,
  SerialFrameDecoder,
  findAllTlv,
  findTlv,
  type Charset,
  type CompletionMessage,
  type EcrCommand,
  type FileEntry,
  type ReceiptLine,
  type SingleTotals,
  type TerminalAbortMessage,
  type TerminalMessage,
  type TlvNode,
  parseApdu,
} from '../protocol/zvt/index';
import { decodeBitmapList } from '../protocol/zvt/bitmaps';
import { bcdToDigits, concatBytes } from '../protocol/zvt/bytes';
import { EXTENSION, fileEntryTlv, fileKey, preAuthorisationType, readFileEntry, sentTrace } from '../protocol/zvt/command-layouts';
import { tlv } from '../protocol/zvt/tlv';
import type { Transport } from '../transport/transport';
import { FAULT_NAMES, type FaultName } from './faults';

export type LinkKind = 'serial' | 'tcp';

/**
 * Known ways real terminals deviate from PA00P015, which the simulator can imitate on request
 * (off by default: by default every answer has exactly the layout of the command's chapter).
 */
export const SIMULATOR_DEVIATIONS = {
  /** Completion carries 27 0C AA 29 49 after every command (the generic 3.2 layout), not the command's own layout (2.1, 2.2.9, 2.16.6). */
  'verbose-completion': 'Completion with result code, time, date, TID and currency after every command',
  /** The home currency in every Status-Information and Abort, even when the ECR sent none (against 3.1.1 "only if the ECR had also sent"). */
  'always-currency': 'Currency code (49) in every Status-Information, asked for or not',
} as const;
export type SimulatorDeviation = keyof typeof SIMULATOR_DEVIATIONS;

export function isSimulatorDeviation(value: string): value is SimulatorDeviation {
  return Object.hasOwn(SIMULATOR_DEVIATIONS, value);
}

export interface SimulatorOptions {
  terminalId?: string;
  /** ISO 4217 numeric of the terminal's home currency; 156 = CNY. */
  currency?: number;
  /**
   * Currencies the terminal accepts in a request (BMP 49 / the <CC> of Registration). A request in
   * one of them is answered in that currency; any other is refused with result code 6F "wrong
   * currency" (PA00P015 2.1, 2.2.9), never answered in another currency. Default: the home
   * currency and EUR (978).
   */
  currencies?: number[];
  /**
   * Deviations of real terminals from the spec (vendor profiles of the simulator), all off by
   * default; see SIMULATOR_DEVIATIONS.
   */
  deviations?: SimulatorDeviation[];
  softwareVersion?: string;
  serialNumber?: string;
  /** Receipt text as Print Line (06 D1), Print Text-Block (06 D3), or not at all. */
  receiptMode?: 'print-line' | 'text-block' | 'none';
  /**
   * Imitates a terminal that always writes its texts in one charset and never says so (no echo
   * of TLV tag 14 at Registration, 9.4.2), as real ones do with Latin-1 or UTF-8 (reference README).
   * Default: CP437, or what the ECR asks for at Registration.
   */
  fixedCharset?: Extract<Charset, 'cp437' | 'latin1' | 'utf8'>;
  /**
   * First line of every receipt (the shop's name; non-ASCII shows the charset at work). Default:
   * the card set's merchant (SIMULATOR_MERCHANTS) in the charset in use: its Chinese name when the
   * text is UTF-8, its ASCII name in CP437 / Latin-1, which cannot carry Chinese.
   */
  receiptHeader?: string;
  /**
   * The shop the terminal stands in: 'china' (default: UnionPay debit, credit and QuickPass cards,
   * ZVT card type 198, a Chinese merchant) or 'germany' (girocard, Visa, Mastercard, no merchant
   * line: the simulator's earlier demo).
   */
  cardSet?: SimulatorCardSet;
  /** Imitates a terminal that sends the serial number (TLV 1F42) as ASCII hex digits, not BCD (reference README). */
  serialNumberAsHex?: boolean;
  /** Random source for garbage bytes (tests pass a seeded one). */
  random?: () => number;
  /** How long to wait for the ECR's ACK / 80 00 (ms). */
  answerTimeoutMs?: number;
  now?: () => Date;
}

interface Totals {
  receiptStart: number;
  count: number;
  amount: number;
  byGroup: Map<SingleTotals['groups'][number]['group'], { count: number; amount: number }>;
}

interface CardProfile {
  cardType: number;
  /** BMP 8B as a terminal writes it in CP437 / Latin-1 (ASCII). */
  name: string;
  /** BMP 8B as a Chinese terminal writes it when the text is UTF-8. */
  nameZh?: string;
  group: SingleTotals['groups'][number]['group'];
  pan: string;
  /** BMP 3B, the 8-character authorisation attribute (AID) the host returns. */
  aid: string;
}

export const SIMULATOR_CARD_SETS = ['china', 'germany'] as const;
export type SimulatorCardSet = (typeof SIMULATOR_CARD_SETS)[number];

export function isSimulatorCardSet(value: string): value is SimulatorCardSet {
  return (SIMULATOR_CARD_SETS as readonly string[]).includes(value);
}

/**
 * Card types of PA00P015 chapter 12 the simulator pays with, in turn. A Chinese counter takes
 * UnionPay cards: CUP-card is card type 198, counted in the BMP 60 group "other" (codes.ts).
 */
const CARD_SETS: Record<SimulatorCardSet, CardProfile[]> = {
  china: [
    { cardType: 198, name: 'UnionPay Debit', nameZh: '银联借记卡', group: 'other', pan: '621483******0012', aid: '62148301' },
    { cardType: 198, name: 'UnionPay Credit', nameZh: '银联贷记卡', group: 'other', pan: '625907******0020', aid: '62590702' },
    { cardType: 198, name: 'UnionPay QuickPass', nameZh: '云闪付', group: 'other', pan: '623456******0031', aid: '62345603' },
  ],
  germany: [
    { cardType: 0x05, name: 'girocard', group: 'girocard', pan: '672559******1234', aid: '40712801' },
    { cardType: 0x0a, name: 'VISA', group: 'visa', pan: '476173******0010', aid: '20833917' },
    { cardType: 0x06, name: 'Mastercard', group: 'eurocard', pan: '541333******0011', aid: '55120904' },
  ],
};

/** The merchant line a card set's receipts start with: Chinese where the charset carries it, else ASCII. */
export const SIMULATOR_MERCHANTS: Record<SimulatorCardSet, { zh: string; ascii: string } | undefined> = {
  china: { zh: '乐家便利店（演示）', ascii: 'LEJIA BIANLIDIAN (DEMO)' },
  germany: undefined,
};

class LinkClosed extends Error {}

/** The ECR sent Abort 06 B0 while the terminal held the master rights (PA00P015 2.23). */
class AbortedByEcr extends Error {}

/** The line under the terminal: framing, ACK/NAK, waiting for the ECR's answers. */
class TerminalLine {
  private readonly serialDecoder = new SerialFrameDecoder();
  private readonly tcpDecoder = new ApduStreamDecoder();
  private ackWaiter: ((signal: 'ack' | 'nak') => void) | undefined;
  private apduWaiter: ((apdu: Uint8Array) => void) | undefined;
  private closedWaiters = new Set<(error: Error) => void>();
  private ackPending = false;
  /** Serial: one block at a time waits for its ACK (PA00P016 3.2). */
  private sending: Promise<void> = Promise.resolve();
  /** Commands received and not yet finished: while there are any, an Abort can stop the running one. */
  commandsPending = 0;
  /** Sequence number of the last command received, and of the one being handled. */
  received = 0;
  handling = 0;
  /**
   * The command an Abort 06 B0 from the ECR is for: the last one received when it came. Kept by
   * number, not as a flag, because the ECR's 80 00 to one command's Completion, the next command
   * and its Abort can arrive in one TCP segment, before the first command has quite finished.
   */
  private abortTarget = 0;
  /** The command being handled was aborted by the ECR: it ends with 06 1E at its next step (2.23). */
  get abortRequested(): boolean {
    return this.abortTarget !== 0 && this.abortTarget === this.handling;
  }
  closed = false;

  constructor(
    readonly transport: Transport,
    readonly kind: LinkKind,
    private readonly faults: () => ReadonlySet<FaultName>,
    private readonly random: () => number,
    private readonly answerTimeoutMs: number,
    private readonly onApdu: (apdu: Uint8Array) => void,
  ) {
    transport.onData((chunk) => this.receive(chunk));
    transport.onClose(() => {
      this.closed = true;
      for (const waiter of this.closedWaiters) waiter(new LinkClosed('link closed'));
    });
  }

  private receive(chunk: Uint8Array): void {
    if (this.kind === 'tcp') {
      for (const event of this.tcpDecoder.push(chunk)) if (event.type === 'apdu') this.deliver(event.apdu);
      return;
    }
    for (const event of this.serialDecoder.push(chunk)) {
      if (event.type === 'ack' || event.type === 'nak') {
        const waiter = this.ackWaiter;
        this.ackWaiter = undefined;
        waiter?.(event.type);
      } else if (event.type === 'frame') {
        if (this.faults().has('nak-storm')) {
          void this.raw(new Uint8Array([ControlByte.NAK]));
          continue;
        }
        this.acknowledge();
        this.deliver(event.apdu);
      } else if (event.code === 'crc' || event.code === 'length') {
        // PA00P016 3.5: a block with a wrong CRC is answered NAK; the sender repeats it.
        void this.raw(new Uint8Array([ControlByte.NAK]));
      }
    }
  }

  private deliver(apdu: Uint8Array): void {
    if (apdu[0] === 0x06 && apdu[1] === 0xb0) {
      // Abort (2.23) may come while we hold the master rights: answer 80 00 at once and let the
      // running command end with 06 1E; with no command running there is nothing to stop.
      if (this.commandsPending > 0) this.abortTarget = this.received;
      this.send(POSITIVE_ACKNOWLEDGEMENT).catch(() => undefined);
      return;
    }
    const waiter = this.apduWaiter;
    if (waiter) {
      this.apduWaiter = undefined;
      waiter(apdu);
    } else {
      this.onApdu(apdu);
    }
  }

  /**
   * The ACK for a block leaves with the first bytes written after it (usually the answer, built
   * within the same turn of the event loop), or alone on the next turn: one write per turn.
   */
  private acknowledge(): void {
    if (this.ackPending) return;
    this.ackPending = true;
    setImmediate(() => {
      if (this.ackPending && !this.closed) this.raw(new Uint8Array(0)).catch(() => undefined);
    });
  }

  async raw(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new LinkClosed('link closed');
    if (this.ackPending) {
      this.ackPending = false;
      const withAck = new Uint8Array(bytes.length + 1);
      withAck[0] = ControlByte.ACK;
      withAck.set(bytes, 1);
      bytes = withAck;
    }
    if (bytes.length > 0) await this.transport.write(bytes);
  }

  /** Sends one APDU (serial: as a block, repeated on NAK up to three transmissions). */
  send(apdu: Uint8Array): Promise<void> {
    const sent = this.sending.then(() => this.sendNow(apdu));
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  private async sendNow(apdu: Uint8Array): Promise<void> {
    const faults = this.faults();
    if (faults.has('garbage')) {
      const garbage = new Uint8Array(3 + Math.floor(this.random() * 8)).map(() => Math.floor(this.random() * 256));
      // Never a DLE: garbage that happens to start a block would be a different test.
      await this.raw(garbage.map((byte) => (byte === ControlByte.DLE || byte === ControlByte.ACK || byte === ControlByte.NAK ? 0x55 : byte)));
    }
    if (this.kind === 'tcp') {
      await this.raw(apdu);
      return;
    }
    const frame = encodeSerialFrame(apdu);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const sent = frame.slice();
      if (this.faults().has('corrupt-crc')) sent[sent.length - 1] = (sent[sent.length - 1] ?? 0) ^ 0xa5;
      const signal = this.waitFor<'ack' | 'nak'>((resolve) => (this.ackWaiter = resolve));
      signal.catch(() => undefined); // awaited below; a failed write must not leave it unhandled
      await this.raw(sent);
      if ((await signal) === 'ack') return;
    }
    throw new LinkClosed('ECR refused the block three times');
  }

  /** Sends a message as master and waits for the ECR's 80 00 (PA00P016 5.1). */
  async exchange(apdu: Uint8Array): Promise<Uint8Array> {
    const answer = this.waitFor<Uint8Array>((resolve) => (this.apduWaiter = resolve));
    answer.catch(() => undefined); // awaited below; a failed send must not leave it unhandled
    await this.send(apdu);
    return answer;
  }

  private waitFor<T>(install: (resolve: (value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new LinkClosed('no answer from the ECR'));
      }, this.answerTimeoutMs);
      const onClosed = (error: Error) => {
        cleanup();
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.closedWaiters.delete(onClosed);
      };
      this.closedWaiters.add(onClosed);
      install((value) => {
        cleanup();
        resolve(value);
      });
    });
  }
}

export interface SimulatorSnapshot {
  faults: { name: FaultName; parameter?: number }[];
  trace: number;
  receiptNumber: number;
  registered: boolean;
  /** Config byte (table 1) and service byte (table 2) of the last Registration. */
  config: number;
  serviceByte: number;
  turnover: { count: number; amount: number };
  commands: number;
}

export class SimulatedTerminal {
  private readonly faults = new Map<FaultName, number | undefined>();
  private line: TerminalLine | undefined;
  private chain: Promise<void> = Promise.resolve();
  private trace = 0;
  private receiptNumber = 0;
  private turnoverNumber = 0;
  private commands = 0;
  private registered = false;
  private cardIndex = 0;
  private totals: Totals = SimulatedTerminal.emptyTotals(1);
  private readonly payments = new Map<number, { amount: number; card: CardProfile; reversed: boolean }>();
  /** Reservations (06 22) not yet booked or released, by receipt number (2.8, 2.10, 2.13, 2.14). */
  private readonly reservations = new Map<number, { amount: number; card: CardProfile; trace: number }>();
  /** The ECR sent a TLV container at Registration: it may get lists as TLV (2.10.1). */
  private tlvAtRegistration = false;
  /**
   * The ECR's list of permitted commands (TLV tag 26 of Registration, one tag 0A per command, 9.4.2):
   * it decides how receipts reach the ECR (Print Line or Print Text-Block). Intermediate Status
   * stays with the config byte: ECRs in the field (Portalum.Zvt, bezahl-online zvt) list only
   * 06 D3 and still ask for, and get, 04 FF from real terminals. Undefined: no list.
   */
  private permitted: ReadonlySet<number> | undefined;
  /** Characters per receipt line the ECR's printer takes (TLV tag 12 of Registration, 2.1); undefined: the terminal's own. */
  private lineWidth: number | undefined;
  /** Files the ECR wrote with 08 14 (2.41), by file id or name. */
  private readonly files = new Map<string, Uint8Array>();
  private lastStatusInformation: TerminalMessage | undefined;
  /** Registration config byte (table 1); 0 until an ECR registers: the terminal prints, sends no intermediate status. */
  private config = 0;
  private charset: Charset = 'cp437';
  private powerReturnsAt = 0;
  private readonly powerListeners = new Set<(on: boolean) => void>();
  private readonly terminalId: string;
  private readonly currency: number;
  private readonly currencies: ReadonlySet<number>;
  private readonly deviations: ReadonlySet<SimulatorDeviation>;
  /** The <CC> / BMP 49 of the command being handled, when the ECR sent one. */
  private requestedCurrency: number | undefined;
  /** Registration service byte (table 2): bit 1 = display texts in capitals. */
  private serviceByte = 0;
  /** What the ECR last put on the display (06 E0/E1/E2/85/88), line by line. */
  displayed: string[] = [];
  private softwareVersion: string;
  private readonly serialNumber: string;
  private readonly receiptMode: NonNullable<SimulatorOptions['receiptMode']>;
  private readonly fixedCharset: Charset | undefined;
  private readonly receiptHeader: string | undefined;
  private readonly cards: CardProfile[];
  private readonly merchant: { zh: string; ascii: string } | undefined;
  private readonly serialNumberAsHex: boolean;
  private readonly random: () => number;
  private readonly answerTimeoutMs: number;
  private readonly now: () => Date;

  constructor(options: SimulatorOptions = {}) {
    this.terminalId = options.terminalId ?? '52500001';
    this.currency = options.currency ?? 156;
    this.currencies = new Set(options.currencies ?? [this.currency, 978]);
    this.deviations = new Set(options.deviations ?? []);
    this.softwareVersion = options.softwareVersion ?? 'PosCare-SIM 1.0.0';
    this.serialNumber = options.serialNumber ?? '12345678';
    this.receiptMode = options.receiptMode ?? 'print-line';
    this.fixedCharset = options.fixedCharset;
    this.charset = options.fixedCharset ?? 'cp437';
    this.receiptHeader = options.receiptHeader;
    this.cards = CARD_SETS[options.cardSet ?? 'china'];
    this.merchant = SIMULATOR_MERCHANTS[options.cardSet ?? 'china'];
    this.serialNumberAsHex = options.serialNumberAsHex ?? false;
    this.random = options.random ?? Math.random;
    this.answerTimeoutMs = options.answerTimeoutMs ?? 5000;
    this.now = options.now ?? (() => new Date());
  }

  private static emptyTotals(receiptStart: number): Totals {
    return { receiptStart, count: 0, amount: 0, byGroup: new Map() };
  }

  // ---- faults ----------------------------------------------------------------------------

  setFault(name: FaultName, on: boolean, parameter?: number): void {
    if (!on) {
      this.faults.delete(name);
      return;
    }
    this.faults.set(name, parameter);
    if (name === 'link-drop') this.powerLoss(parameter ?? 5000);
  }

  clearFaults(): void {
    for (const name of [...this.faults.keys()]) this.setFault(name, false);
  }

  activeFaults(): ReadonlySet<FaultName> {
    return new Set(this.faults.keys());
  }

  snapshot(): SimulatorSnapshot {
    return {
      faults: FAULT_NAMES.filter((name) => this.faults.has(name)).map((name) => {
        const parameter = this.faults.get(name);
        return parameter === undefined ? { name } : { name, parameter };
      }),
      trace: this.trace,
      receiptNumber: this.receiptNumber,
      registered: this.registered,
      config: this.config,
      serviceByte: this.serviceByte,
      turnover: { count: this.totals.count, amount: this.totals.amount },
      commands: this.commands,
    };
  }

  /** Listeners learn when power goes (false) and returns (true); the server side closes/reopens ports. */
  onPower(listener: (on: boolean) => void): () => void {
    this.powerListeners.add(listener);
    return () => this.powerListeners.delete(listener);
  }

  get powered(): boolean {
    return Date.now() >= this.powerReturnsAt;
  }

  private powerLoss(durationMs: number): void {
    this.powerReturnsAt = Date.now() + durationMs;
    const line = this.line;
    this.line = undefined;
    if (line) void line.transport.close();
    for (const listener of [...this.powerListeners]) listener(false);
    const timer = setTimeout(() => {
      this.faults.delete('link-drop');
      for (const listener of [...this.powerListeners]) listener(true);
    }, durationMs);
    timer.unref?.();
  }

  // ---- links -----------------------------------------------------------------------------

  /** Serve one ECR link. A new link replaces the old one (a terminal has one ECR port). */
  attach(transport: Transport, kind: LinkKind): void {
    if (!this.powered) {
      void transport.close();
      return;
    }
    const previous = this.line;
    const line: TerminalLine = new TerminalLine(
      transport,
      kind,
      () => this.activeFaults(),
      this.random,
      this.answerTimeoutMs,
      // Commands are handled one after the other: the next one may arrive in the same chunk as
      // the ECR's 80 00 to our Completion, before our own continuation has run.
      (apdu) => {
        line.commandsPending++;
        const sequence = ++line.received;
        this.chain = this.chain.then(() => this.handle(line, apdu, sequence)).catch(() => undefined);
      },
    );
    this.line = line;
    if (previous && previous.transport !== transport) void previous.transport.close();
    transport.onClose(() => {
      if (this.line === line) {
        this.line = undefined;
          }
    });
  }

  private async delay(): Promise<void> {
    if (!this.faults.has('slow')) return;
    const ms = this.faults.get('slow') ?? 3000;
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private async handle(line: TerminalLine, apdu: Uint8Array, sequence: number): Promise<void> {
    line.handling = sequence;
    const decoded = decodeApdu(apdu);
    try {
      if (line.closed || this.line !== line) return;
      await this.delay();
      if (!decoded.ok) {
        await line.send(negativeAcknowledgement(0x9a)); // protocol error
        return;
      }
      const message = decoded.value;
      if (message.kind === 'positive-ack' || message.kind === 'negative-ack') return; // stray answer, nothing to do
      if (!isEcrCommand(message)) {
        // 84 83: function not possible (unknown or terminal-only command).
        await line.send(negativeAcknowledgement(0x83));
        return;
      }
      this.commands++;
      if (this.faults.has('busy')) {
        await line.send(negativeAcknowledgement(0x9c));
        return;
      }
      try {
        await this.run(line, message);
      } catch (error) {
        if (!(error instanceof AbortedByEcr)) throw error;
        // 6C: aborted via timeout or abort key (chapter 10).
        await this.abort(line, 0x6c, 'aborted by the ECR');
      }
    } catch (error) {
      if (!(error instanceof LinkClosed)) throw error;
    } finally {
      line.commandsPending--;
      // An Abort that came too late for this command does not stop the next one: it was for this one.
      line.handling = 0;
    }
  }

  // ---- commands --------------------------------------------------------------------------

  private encode(message: TerminalMessage): Uint8Array {
    // Texts in the character set agreed at registration (tag 14, 9.4.2); CP437 by default.
    const encoded = encodeMessage(message, { charset: this.charset });
    if (!encoded.ok) throw new Error(`simulator cannot encode ${message.kind}: ${encoded.error.message}`);
    return encoded.value;
  }

  private async master(line: TerminalLine, message: TerminalMessage): Promise<void> {
    await this.delay();
    // An Abort 06 B0 from the ECR stops the command before its next message (2.23).
    if (line.abortRequested && message.kind !== 'terminal-abort') throw new AbortedByEcr();
    await line.exchange(this.encode(message));
  }

  private async abort(line: TerminalLine, resultCode: number, text?: string): Promise<void> {
    const nodes: TlvNode[] = text ? [tlv(0x1f16, new Uint8Array([0, 0, resultCode])), tlv(0x1f17, new TextEncoder().encode(text))] : [];
    // 2.2.9: the PT's currency code only with result code 6F, and only to an ECR that sent one.
    const withCurrency = resultCode === WRONG_CURRENCY && (this.requestedCurrency !== undefined || this.deviations.has('always-currency'));
    await this.master(line, { kind: 'terminal-abort', resultCode, ...(withCurrency ? { currency: this.currency } : {}), ...(nodes.length ? { tlv: nodes } : {}) });
  }

  private dateParts(): { time: string; date: string; fullDate: string } {
    const now = this.now();
    const two = (value: number) => String(value).padStart(2, '0');
    return {
      time: `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`,
      date: `${two(now.getMonth() + 1)}${two(now.getDate())}`,
      fullDate: `${two(now.getFullYear() % 100)}${two(now.getMonth() + 1)}${two(now.getDate())}`,
    };
  }

  private terminalStatus(): number {
    if (this.faults.has('overheating')) return 0xdf;
    if (this.faults.has('paper-out') || this.faults.has('printer-jam')) return 0xcc;
    if (!this.registered) return 0x00; // registration is the ECR's business; the PT itself is ready
    return 0x00;
  }

  private printerFault(): string | undefined {
    if (this.faults.has('printer-jam')) return 'printer jam';
    if (this.faults.has('paper-out')) return 'paper out';
    return undefined;
  }

  /**
   * Receipt text to the ECR as the registration asked (config byte, table 1): only receipts the ECR
   * prints (bit 1 payment receipts, bit 2 administration receipts), and as Print Line / Text-Block
   * only with bit 7 set; with bit 7 clear the ECR compiles the receipt from the Status-Information.
   * Receipts the ECR does not print come out of the terminal's own printer.
   */
  private async receipt(line: TerminalLine, lines: string[], receiptType: number): Promise<void> {
    const mode = this.receiptCommand();
    if (mode === 'none') return;
    const ecrPrints = receiptType === 3 ? this.config & 0x04 : this.config & 0x02;
    if (!ecrPrints || !(this.config & 0x80)) return;
    const header = this.receiptHeader ?? (this.merchant && (this.charset === 'utf8' ? this.merchant.zh : this.merchant.ascii));
    if (header) lines = [header, ...lines];
    if (this.lineWidth !== undefined) lines = lines.flatMap((text) => wrap(text, this.lineWidth!));
    if (mode === 'text-block') {
      const receiptLines: ReceiptLine[] = lines.map((text) => ({ attribute: 0x00, text }));
      await this.master(line, { kind: 'print-text-block', lines: receiptLines, receiptType, endOfReceipt: true });
      return;
    }
    for (const [index, text] of lines.entries()) {
      // Table 16: 0xFF-less attribute 0x80|... marks the last line of a receipt.
      await this.master(line, { kind: 'print-line', attribute: index === lines.length - 1 ? 0x81 : 0x00, text });
    }
  }

  /** Whether the ECR's list of permitted commands (tag 26) lets the PT send CLASS INSTR; without a list, everything. */
  private allowed(code: number): boolean {
    return this.permitted === undefined || this.permitted.has(code);
  }

  /**
   * How receipt text reaches the ECR: the simulator's mode, unless the ECR's list of permitted
   * commands (tag 26) leaves out that command: then the other print command if listed, else none
   * (the PT prints itself, 9.4.2 "should the receipt be sent via Print Lines or Print Text-Block").
   */
  private receiptCommand(): NonNullable<SimulatorOptions['receiptMode']> {
    if (this.receiptMode === 'none') return 'none';
    const preferred = this.receiptMode === 'print-line' ? 0x06d1 : 0x06d3;
    if (this.allowed(preferred)) return this.receiptMode;
    if (this.allowed(preferred === 0x06d1 ? 0x06d3 : 0x06d1)) return this.receiptMode === 'print-line' ? 'text-block' : 'print-line';
    return 'none';
  }

  /** TLV 1F42: BCD as the spec says (9.4.12.1), or ASCII hex digits like some real terminals. */
  private serialNumberBytes(): Uint8Array {
    return this.serialNumberAsHex ? new TextEncoder().encode(this.serialNumber) : bcd(this.serialNumber);
  }

  /**
   * Completion (06 0F) in the layout of the command's own chapter: most commands end with an empty
   * 06 0F 00 (2.2.9 Authorisation, 2.16.6 End-of-Day, 2.17.6 Diagnosis, ...); Registration has
   * [19<status-byte>] [29<TID>] [49<CC>] [06<TLV>] (2.1) and Software-Update 27 0C AA (2.37.3).
   */
  private async completion(line: TerminalLine, layout: 'empty' | 'registration' | 'result-time-date' = 'empty', extra: { statusByte?: number; tlv?: TlvNode[] } = {}): Promise<void> {
    const { time, fullDate } = this.dateParts();
    const verbose = this.deviations.has('verbose-completion');
    const message: CompletionMessage = { kind: 'completion', form: 'bitmaps' };
    if (layout === 'result-time-date' || verbose) Object.assign(message, { resultCode: 0, time, fullDate });
    if (layout === 'registration' || verbose) {
      message.terminalId = this.terminalId;
      // 2.1: the PT only sends a currency code if the ECR sent one.
      const currency = this.requestedCurrency ?? (verbose ? this.currency : undefined);
      if (currency !== undefined) message.currency = currency;
    }
    if (extra.statusByte !== undefined) message.statusByte = extra.statusByte;
    if (extra.tlv !== undefined) message.tlv = extra.tlv;
    await this.master(line, message);
  }

  /** The currency a Status-Information carries: the ECR's (3.1.1), none if it sent none. */
  private answerCurrency(): { currency?: number } {
    if (this.requestedCurrency !== undefined) return { currency: this.requestedCurrency };
    return this.deviations.has('always-currency') ? { currency: this.currency } : {};
  }

  private currencyName(): string {
    return CURRENCY_NAMES[this.requestedCurrency ?? this.currency] ?? String(this.requestedCurrency ?? this.currency);
  }

  private async run(line: TerminalLine, command: EcrCommand): Promise<void> {
    this.requestedCurrency = 'currency' in command && typeof command.currency === 'number' ? command.currency : undefined;
    if (this.requestedCurrency !== undefined && !this.currencies.has(this.requestedCurrency)) return this.refuseCurrency(line, command);
    const ack = () => line.send(POSITIVE_ACKNOWLEDGEMENT);
    const overheated = this.faults.has('overheating');
    const hostDown = this.faults.has('host-unreachable');
    if (overheated && command.kind !== 'status-enquiry' && command.kind !== 'diagnosis') {
      // Out of order (status 0xDF): only the status enquiry and a diagnosis still run; commands
      // that end with 80 00 are refused with 84 FF, the others aborted with 06 1E FF (chapter 10).
      if (command.kind === 'log-off' || command.kind === 'abort') return line.send(negativeAcknowledgement(0xff));
      await ack();
      return this.abort(line, 0xff, 'terminal overheated');
    }
    const printer = this.printerFault();
    if (printer && PRINTING_COMMANDS.has(command.kind)) {
      // The terminal refuses to start what it cannot finish: its printer keeps the merchant copy and
      // the journal even where the ECR prints the customer's receipt. 0xCC: printer not ready.
      await ack();
      return this.abort(line, 0xcc, printer);
    }
    switch (command.kind) {
      case 'status-enquiry': {
        await ack();
        // Service byte (table 12): bit 1 set = no software version, bit 2 set = send the TLV
        // container (2.56.5): 1F44 TID (4 byte BCD) and E4 with 1F40 name, 1F41 version (ASCII), 1F42 serial number (BCD).
        const serviceByte = command.serviceByte ?? 0;
        const container: TlvNode[] = [
          tlv(0x1f44, bcd(this.terminalId)),
          tlv(0xe4, [tlv(0x1f40, new TextEncoder().encode('PosCare simulated terminal')), tlv(0x1f41, new TextEncoder().encode(this.softwareVersion)), tlv(0x1f42, this.serialNumberBytes())]),
        ];
        await this.master(line, {
          kind: 'completion',
          form: 'status-enquiry',
          ...(serviceByte & 0x02 ? {} : { softwareVersion: this.softwareVersion }),
          terminalStatus: this.terminalStatus(),
          ...(serviceByte & 0x04 ? { tlv: container } : {}),
        });
        return;
      }
      case 'log-off':
        this.registered = false;
        this.config = 0;
        this.serviceByte = 0;
        this.permitted = undefined;
        this.lineWidth = undefined;
        this.charset = this.fixedCharset ?? 'cp437';
        await ack();
        return;
      case 'abort':
        await ack();
        return;
      case 'registration': {
        await ack();
        this.registered = true;
        this.config = command.config;
        // Character sets (2.1, tags 27 and 14 of 9.4.2): a single tag 14 (in 27, or alone as some ECRs
        // send it) configures the set; the terminal echoes it in tag 27 when it can use it, and from
        // then on every text it sends is in that set. A list gets back the sets both sides have, and
        // the terminal stays with its default, CP437. One it cannot use is not echoed.
        const codes = findAllTlv(command.tlv, 0x14).flatMap((node) => (node.value.length === 1 ? [node.value[0]!] : []));
        const usable = codes.filter((entry) => charsetFromIsoCode(entry) !== undefined);
        const code = codes.length === 1 ? usable[0] : undefined;
        // A terminal with a fixed charset keeps it and echoes nothing.
        const charset = this.fixedCharset || code === undefined ? undefined : charsetFromIsoCode(code);
        this.charset = this.fixedCharset ?? charset ?? 'cp437';
        this.serviceByte = command.serviceByte ?? 0;
        this.tlvAtRegistration = command.tlv !== undefined;
        const list = findTlv(command.tlv, 0x26);
        this.permitted = list ? new Set((list.children ?? []).filter((node) => node.tag === 0x0a && node.value.length === 2).map((node) => (node.value[0]! << 8) | node.value[1]!)) : undefined;
        // Tag 12: the ECR printer's line width (1 byte BCD); the PT answers with the width it formats to.
        const width = findTlv(command.tlv, 0x12)?.value;
        const digits = width?.length === 1 ? bcdToDigits(width) : undefined;
        const askedWidth = digits === undefined ? NaN : Number(digits);
        this.lineWidth = Number.isInteger(askedWidth) && askedWidth >= MIN_LINE_WIDTH ? Math.min(askedWidth, MAX_LINE_WIDTH) : undefined;
        const echo: TlvNode[] = [];
        const common = this.fixedCharset ? [] : codes.length === 1 ? (charset && code !== undefined ? [code] : []) : usable;
        if (common.length > 0) echo.push(tlv(0x27, common.map((entry) => tlv(0x14, [entry]))));
        if (this.lineWidth !== undefined) echo.push(tlv(0x12, bcd(String(this.lineWidth))));
        await this.completion(line, 'registration', { statusByte: 0x00, ...(echo.length ? { tlv: echo } : {}) });
        return;
      }
      case 'diagnosis':
        await ack();
        if (hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        await this.intermediate(line, 0x04); // waiting for the host
        await this.receipt(line, ['DIAGNOSIS', `TID ${this.terminalId}`, 'HOST CONNECTION OK', overheated ? 'TEMPERATURE TOO HIGH' : 'TEMPERATURE OK', 'DIAGNOSIS OK'], 3);
        await this.completion(line);
        return;
      case 'selftest':
        await ack();
        await this.receipt(line, ['SELFTEST', 'CARD READER OK', 'PIN PAD OK', 'PRINTER OK', 'SELFTEST OK'], 3);
        await this.completion(line);
        return;
      case 'print-system-configuration':
        await ack();
        await this.receipt(
          line,
          ['SYSTEM CONFIGURATION', `TID ${this.terminalId}`, `SW ${this.softwareVersion}`, `SN ${this.serialNumber}`, `CURRENCY ${this.currency}`, 'END'],
          3,
        );
        await this.completion(line);
        return;
      case 'software-update': {
        // 2.37: the terminal calls its terminal management system (TMS), loads, completes; the new
        // version shows in the next Status Enquiry.
        await ack();
        if (hostDown) return this.abort(line, 0xa3, 'terminal management system unreachable');
        await this.intermediate(line, 0xd2); // connecting to host
        await this.intermediate(line, 0xd3); // connected to host
        await this.intermediate(line, 0x0e); // please wait (loading)
        this.softwareVersion = nextVersion(this.softwareVersion);
        await this.completion(line, 'result-time-date');
        return;
      }
      case 'repeat-receipt': {
        await ack();
        if (!this.lastStatusInformation) return this.abort(line, 0x83, 'no receipt to repeat');
        await this.delay();
        await line.exchange(this.encode(this.lastStatusInformation));
        await this.receipt(line, ['*** COPY ***', `RECEIPT ${this.receiptNumber}`, `TRACE ${this.trace}`], 2);
        await this.completion(line);
        return;
      }
      case 'end-of-day':
      case 'send-turnover-totals':
        await ack();
        if (command.kind === 'end-of-day' && hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        return this.endOfDay(line, command.kind === 'end-of-day');
      case 'authorization':
        await ack();
        if (hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        if (!command.amount || command.amount <= 0) return this.abort(line, 0xc8, 'amount too small');
        return this.payment(line, command.amount, 1, undefined, { readsCard: true });
      case 'refund': {
        await ack();
        if (hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        if (!command.amount || command.amount <= 0) return this.abort(line, 0xc8, 'amount too small');
        // BMP 60 totals are unsigned BCD (3.1.3): a refund must not take a card group below zero,
        // so it goes to a card whose turnover since the last end-of-day covers it.
        const card = this.cardCovering(command.amount);
        if (!card) return this.abort(line, 0xc3, 'refund exceeds the turnover since end-of-day');
        return this.payment(line, command.amount, -1, card, { readsCard: true });
      }
      case 'display-text':
      case 'display-text-key-input':
      case 'display-text-numeric-input':
      case 'display-text-old':
      case 'display-text-key-input-old': {
        // Service byte bit 1 (table 2): the ECR asked for display texts in capitals.
        const lines = 'texts' in command ? command.texts.map((t) => t.text) : displayLines(command).map((l) => l.text);
        this.displayed = this.serviceByte & 0x02 ? lines.map((text) => text.toUpperCase()) : lines;
        // No Completion (2.26-2.30). Nobody presses keys on a simulated terminal: the key input is
        // answered as if <OK> were pressed, the numeric input as a timeout (6C).
        if (command.kind === 'display-text' || command.kind === 'display-text-old') return ack();
        if (command.kind === 'display-text-numeric-input') return line.send(new Uint8Array([0x80, 0x00, 0x01, 0x6c]));
        return line.send(new Uint8Array([0x80, 0x00, 0x01, 0x0d]));
      }
      case 'pre-authorisation': {
        await ack();
        if (hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        // 2.8: without 04 the PT reserves its default pre-authorisation amount.
        const amount = command.amount ?? DEFAULT_RESERVATION;
        if (amount <= 0) return this.abort(line, 0xc8, 'amount too small');
        // An extension (1F06 = 3, or a trace number without 1F06) adds its amount to the open
        // reservation with that trace number; booking it later books up to the sum.
        if (preAuthorisationType(command) === EXTENSION) {
          const receipt = this.reservationByTrace(sentTrace(command));
          const reservation = receipt === undefined ? undefined : this.reservations.get(receipt);
          if (!reservation) return this.abort(line, 0xb7, 'no open reservation with this trace number');
          reservation.amount += amount;
          return this.payment(line, amount, 1, reservation.card, { turnover: false, keep: 'none', title: 'RESERVATION EXTENSION', readsCard: true });
        }
        return this.payment(line, amount, 1, undefined, { turnover: false, keep: 'reservation', title: 'PRE-AUTHORISATION', readsCard: true });
      }
      case 'partial-reversal':
      case 'book-total':
      case 'pre-authorisation-reversal': {
        await ack();
        if (command.kind === 'partial-reversal' && command.receiptNumber === null) return this.enquireReservations(line, command.tlv !== undefined);
        if (hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        // A Booking of a Reservation (06 23 without 87) names it by its trace number (0B, 2.10).
        const receiptNumber = typeof command.receiptNumber === 'number' ? command.receiptNumber : this.reservationByTrace('trace' in command ? command.trace : undefined);
        const reservation = receiptNumber === undefined ? undefined : this.reservations.get(receiptNumber);
        if (receiptNumber === undefined || !reservation) return this.abort(line, 0xb7, 'no open pre-authorisation with this receipt number');
        // 06 23 sends the unused part (default 0), 06 24 the used part (default all), 06 25 releases everything.
        const booked =
          command.kind === 'partial-reversal' ? reservation.amount - (command.amount ?? 0) : command.kind === 'book-total' ? (command.amount ?? reservation.amount) : 0;
        if (booked < 0 || booked > reservation.amount) return this.abort(line, 0xb7, 'amount beyond the pre-authorised amount');
        this.reservations.delete(receiptNumber);
        if (command.kind === 'pre-authorisation-reversal') {
          return this.payment(line, reservation.amount, -1, reservation.card, { turnover: false, keep: 'none', title: 'PRE-AUTHORISATION REVERSAL' });
        }
        return this.payment(line, booked, 1, reservation.card, { title: 'BOOKING' });
      }
      case 'external-reversal': {
        // 2.11: a reservation (1F06 = 2) or its extension (3) made here or on another terminal, named
        // by amount, currency, trace and AID; any other reservation type is refused.
        await ack();
        if (hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        const type = findTlv(command.tlv, 0x1f06)?.value;
        if (type?.length !== 1 || (type[0] !== 2 && type[0] !== 3)) return this.abort(line, 0xb5, 'reservation type (1F06) must be 2 or 3');
        const receipt = this.reservationByTrace(command.trace);
        const reservation = receipt === undefined ? undefined : this.reservations.get(receipt);
        if (receipt !== undefined) this.reservations.delete(receipt);
        return this.payment(line, command.amount, -1, reservation?.card, { turnover: false, keep: 'none', title: 'RESERVATION REVERSAL' });
      }
      case 'read-card':
        await ack();
        return this.readCard(line);
      case 'activate-card-reader':
        await ack();
        return;
      case 'write-file':
        await ack();
        return this.receiveFiles(line, command.files);
      case 'reversal': {
        await ack();
        if (hostDown) return this.abort(line, 0xa3, 'payment host unreachable');
        const original = this.payments.get(command.receiptNumber);
        if (!original) return this.abort(line, 0xb5, 'reversal not possible');
        if (original.reversed) return this.abort(line, 0xb4, 'already reversed');
        if ((this.totals.byGroup.get(original.card.group)?.amount ?? 0) < original.amount) return this.abort(line, 0xb5, 'reversal not possible');
        original.reversed = true;
        return this.payment(line, original.amount, -1, original.card);
      }
    }
  }

  /** The next card in turn whose group turnover covers `amount`, else any that does. */
  private cardCovering(amount: number): CardProfile | undefined {
    for (let offset = 0; offset < this.cards.length; offset++) {
      const card = this.cards[(this.cardIndex + offset) % this.cards.length];
      if (card && (this.totals.byGroup.get(card.group)?.amount ?? 0) >= amount) {
        this.cardIndex += offset + 1;
        return card;
      }
    }
    return undefined;
  }

  /**
   * A currency the terminal does not take: Registration answers 84 1E 6F [<CC>] (2.1); a payment is
   * acknowledged and aborted with 06 1E 6F <CC> (2.2.9), the terminal's own currency code in both.
   */
  private async refuseCurrency(line: TerminalLine, command: EcrCommand): Promise<void> {
    const own = digitsToBcd(String(this.currency), 2) ?? new Uint8Array([0, 0]);
    if (command.kind === 'registration') {
      await line.send(new Uint8Array([0x84, 0x1e, 0x03, WRONG_CURRENCY, ...own]));
      return;
    }
    await line.send(POSITIVE_ACKNOWLEDGEMENT);
    await this.abort(line, WRONG_CURRENCY);
  }

  /** Intermediate Status (3.7), only to an ECR that asked for it at registration (config bit 3, table 1). */
  private async intermediate(line: TerminalLine, status: number): Promise<void> {
    if (this.config & 0x08) return this.master(line, { kind: 'intermediate-status', status });
    await this.delay();
    if (line.abortRequested) throw new AbortedByEcr();
  }

  /**
   * One card transaction: intermediate status, new trace and receipt numbers, Status-Information,
   * receipt, Completion. A payment counts in the turnover (sign -1: refund, reversal) and can be
   * reversed; a reservation (06 22) is kept open for booking and counts only once booked.
   */
  private async payment(line: TerminalLine, amount: number, sign: 1 | -1, card?: CardProfile, options: PaymentOptions = {}): Promise<void> {
    const turnover = options.turnover ?? true;
    const keep = options.keep ?? (sign > 0 ? 'payment' : 'none');
    const chosen = card ?? this.cards[this.cardIndex++ % this.cards.length] ?? this.cards[0]!;
    // Chinese only where the text can carry it (UTF-8); CP437 and Latin-1 get the ASCII name.
    const cardName = this.charset === 'utf8' && chosen.nameZh ? chosen.nameZh : chosen.name;
    await this.intermediate(line, 0x0a); // insert card
    if (this.faults.has('card-unreadable') && options.readsCard) return this.abort(line, CARD_NOT_READABLE, 'card not readable');
    await this.intermediate(line, 0x04); // waiting for host
    this.trace = (this.trace % 999_999) + 1;
    this.receiptNumber = (this.receiptNumber % 9_999) + 1;
    this.turnoverNumber = (this.turnoverNumber % 999_999) + 1;
    const { time, date } = this.dateParts();
    if (keep === 'payment') this.payments.set(this.receiptNumber, { amount, card: chosen, reversed: false });
    if (keep === 'reservation') this.reservations.set(this.receiptNumber, { amount, card: chosen, trace: this.trace });
    if (turnover) {
      const group = this.totals.byGroup.get(chosen.group) ?? { count: 0, amount: 0 };
      group.count += 1;
      group.amount += sign * amount;
      this.totals.byGroup.set(chosen.group, group);
      this.totals.count += 1;
      this.totals.amount += sign * amount;
    }
    const statusInformation: TerminalMessage = {
      kind: 'status-information',
      resultCode: 0,
      amount,
      trace: this.trace,
      receiptNumber: this.receiptNumber,
      turnoverNumber: this.turnoverNumber,
      time,
      date,
      cardType: chosen.cardType,
      cardName,
      maskedPan: chosen.pan,
      terminalId: this.terminalId,
      contractNumber: '1234567890',
      authorisationAttribute: chosen.aid,
      ...this.answerCurrency(),
    };
    this.lastStatusInformation = statusInformation;
    await this.delay();
    if (line.abortRequested) throw new AbortedByEcr();
    await line.exchange(this.encode(statusInformation));
    const money = `${(amount / 100).toFixed(2)} ${this.currencyName()}`;
    await this.receipt(
      line,
      [options.title ?? (sign > 0 ? 'PAYMENT' : 'REFUND / REVERSAL'), `TID ${this.terminalId}`, `${cardName} ${chosen.pan}`, `TRACE ${this.trace}  RECEIPT ${this.receiptNumber}`, `AMOUNT ${money}`, 'APPROVED'],
      2,
    );
    await this.completion(line);
  }

  /**
   * 2.10.1: 06 23 87 FF FF asks which pre-authorisations are open. The PT ends with 06 1E B8 and
   * 87 <the first open receipt number> (FFFF: none); an ECR that sent a TLV container (in the
   * command or at Registration) gets all of them as TLV tag 23 with one 08 each (9.4.2).
   */
  private async enquireReservations(line: TerminalLine, commandHadTlv: boolean): Promise<void> {
    const open = [...this.reservations.keys()].sort((a, b) => a - b);
    const message: TerminalAbortMessage = { kind: 'terminal-abort', resultCode: 0xb8, receiptNumber: open[0] ?? null };
    if ((commandHadTlv || this.tlvAtRegistration) && open.length > 1) {
      message.tlv = [tlv(0x23, open.map((receipt) => tlv(0x08, bcd(String(receipt).padStart(4, '0')))))];
    }
    await this.master(line, message);
  }

  private reservationByTrace(trace: number | undefined): number | undefined {
    if (trace === undefined) return undefined;
    for (const [receipt, reservation] of this.reservations) if (reservation.trace === trace) return receipt;
    return undefined;
  }

  /**
   * 2.21 / 3.1.2: the card is "inserted", its track 2 read (masked with E as terminals do when
   * masking is on) and sent in a Status-Information, which hands the master rights back: no
   * Completion follows.
   */
  private async readCard(line: TerminalLine): Promise<void> {
    const card = this.cards[this.cardIndex++ % this.cards.length] ?? this.cards[0]!;
    await this.intermediate(line, 0x0a); // insert card
    // The result code only in the error case (3.1.2): 64 card not readable.
    if (this.faults.has('card-unreadable')) return this.master(line, { kind: 'status-information', resultCode: CARD_NOT_READABLE });
    await this.master(line, { kind: 'status-information', track2: card.pan });
  }

  /**
   * 2.41: for each file of 08 14, ask for blocks with 04 0C (2D: 1D or 1F80, 1E offset, 1F00) until
   * the file's length is there, repeating a block that came wrong up to three times; then 06 0F,
   * or 06 1E with a result code when the ECR cannot deliver.
   */
  private async receiveFiles(line: TerminalLine, files: FileEntry[]): Promise<void> {
    const received: [string, Uint8Array][] = [];
    for (const file of files) {
      const key = fileKey(file);
      const total = file.totalLength;
      if (key === undefined || total === undefined) return this.abort(line, 0x83, 'each file needs an id or a name and its length (2.41.1)');
      const chunks: Uint8Array[] = [];
      let offset = 0;
      let repeats = 0;
      while (offset < total) {
        const asked: FileEntry = { ...file, offset };
        delete asked.mimeType;
        await this.delay();
        if (line.abortRequested) throw new AbortedByEcr();
        const answer = await line.exchange(this.encode({ kind: 'file-request', tlv: [fileRequestTlv(asked)] }));
        const block = readFileBlock(answer, this.charset);
        if (block && block.offset === offset && block.data.length > 0 && offset + block.data.length <= total) {
          chunks.push(block.data);
          offset += block.data.length;
          repeats = 0;
          continue;
        }
        // The same offset asked again is the PT's request to repeat the block (2.41.3).
        if (++repeats >= 3) return this.abort(line, 0x9a, 'file block not delivered');
      }
      received.push([key, concatBytes(chunks)]);
    }
    for (const [key, data] of received) this.files.set(key, data);
    await this.completion(line);
  }

  /** What the ECR wrote with 08 14, by file id (as a decimal string) or name. */
  receivedFile(key: string | number): Uint8Array | undefined {
    return this.files.get(String(key));
  }

  private async endOfDay(line: TerminalLine, close: boolean): Promise<void> {
    // Counts are transactions (payments, reversals, refunds), amounts the net turnover; refunds
    // and reversals never take a group below zero, so the total is the sum of the groups (3.1.3).
    const groups = (['girocard', 'jcb', 'eurocard', 'amex', 'visa', 'diners', 'other'] as const).map((group) => ({
      group,
      count: this.totals.byGroup.get(group)?.count ?? 0,
      amount: this.totals.byGroup.get(group)?.amount ?? 0,
    }));
    const singleTotals: SingleTotals = {
      receiptStart: this.totals.receiptStart,
      receiptEnd: Math.max(this.totals.receiptStart, this.receiptNumber),
      groups,
    };
    if (close) this.trace = (this.trace % 999_999) + 1;
    const { time, date } = this.dateParts();
    await this.master(line, {
      kind: 'status-information',
      resultCode: 0,
      amount: this.totals.amount,
      trace: this.trace,
      time,
      date,
      singleTotals,
      ...this.answerCurrency(),
    });
    await this.receipt(
      line,
      [close ? 'END OF DAY' : 'TURNOVER TOTALS', ...groups.filter((g) => g.count > 0).map((g) => `${g.group} ${g.count}x ${(g.amount / 100).toFixed(2)}`), `TOTAL ${this.totals.count}x ${(this.totals.amount / 100).toFixed(2)}`],
      3,
    );
    if (close) {
      this.totals = SimulatedTerminal.emptyTotals(this.receiptNumber + 1);
      // A reversal is possible only within the open batch.
      this.payments.clear();
    }
    await this.completion(line);
  }
}

interface PaymentOptions {
  /** Counts in the day's turnover (BMP 60 totals); false for a reservation and its release. */
  turnover?: boolean;
  /** Kept for a later reversal ('payment') or booking ('reservation'). */
  keep?: 'payment' | 'reservation' | 'none';
  /** First receipt line. */
  title?: string;
  /** The customer presents a card (payment, refund, reservation); a booking or release does not. */
  readsCard?: boolean;
}

/** Receipt line widths the simulated terminal can format to (tag 12); wider asks get its widest. */
const MIN_LINE_WIDTH = 16;
const MAX_LINE_WIDTH = 48;

/** A receipt line cut to `width` characters a line (the PT formats to the ECR printer's width, 2.1). */
function wrap(text: string, width: number): string[] {
  const chars = [...text];
  if (chars.length <= width) return [text];
  const out: string[] = [];
  for (let start = 0; start < chars.length; start += width) out.push(chars.slice(start, start + width).join(''));
  return out;
}

/** What the PT reserves when 06 22 carries no amount (2.8: "the default amount stored"): 100.00. */
const DEFAULT_RESERVATION = 10_000;

function fileRequestTlv(file: FileEntry): TlvNode {
  const node = fileEntryTlv(file, 'cp437');
  if (!node.ok) throw new Error(`simulator cannot write a file request: ${node.error.message}`);
  return node.value;
}

/** The ECR's 80 00 06<2D with 1C block and 1E offset> (2.41.3); undefined when it is anything else. */
function readFileBlock(apdu: Uint8Array, charset: Charset): { offset: number; data: Uint8Array } | undefined {
  const parsed = parseApdu(apdu);
  if (!parsed.ok || parsed.value.classByte !== 0x80 || parsed.value.instruction !== 0x00) return undefined;
  const list = decodeBitmapList(parsed.value.data, 0, { charset });
  const file = list.ok ? findTlv(list.value.fields.tlv, 0x2d) : undefined;
  const block = file?.children?.find((child) => child.tag === 0x1c);
  const offset = file ? readFileEntry(file, charset).offset : undefined;
  return block && offset !== undefined ? { offset, data: block.value } : undefined;
}

/** Result code 64: card not readable (chapter 10). */
const CARD_NOT_READABLE = 0x64;

/** Result code 6F: wrong currency (chapter 10). */
const WRONG_CURRENCY = 0x6f;

const CURRENCY_NAMES: Record<number, string> = { 156: 'CNY', 978: 'EUR', 840: 'USD', 826: 'GBP', 756: 'CHF', 344: 'HKD' };

/** Commands that print (or would print) a receipt on the terminal's printer. */
const PRINTING_COMMANDS: ReadonlySet<EcrCommand['kind']> = new Set([
  'authorization',
  'reversal',
  'refund',
  'print-system-configuration',
  'diagnosis',
  'selftest',
  'end-of-day',
  'send-turnover-totals',
  'repeat-receipt',
  'pre-authorisation',
  'partial-reversal',
  'book-total',
  'pre-authorisation-reversal',
  'external-reversal',
]);

const ECR_COMMAND_KINDS = new Set<string>([
  'registration',
  'log-off',
  'status-enquiry',
  'diagnosis',
  'selftest',
  'print-system-configuration',
  'end-of-day',
  'send-turnover-totals',
  'repeat-receipt',
  'software-update',
  'abort',
  'authorization',
  'reversal',
  'refund',
  'display-text',
  'display-text-key-input',
  'display-text-numeric-input',
  'display-text-old',
  'display-text-key-input-old',
  'pre-authorisation',
  'partial-reversal',
  'book-total',
  'pre-authorisation-reversal',
  'external-reversal',
  'read-card',
  'activate-card-reader',
  'write-file',
]);

/** "PosCare-SIM 1.0.0" -> "PosCare-SIM 1.0.1": the last number counts up. */
export function nextVersion(version: string): string {
  const match = /^(.*?)(\d+)(\D*)$/.exec(version);
  return match ? `${match[1] ?? ''}${Number(match[2]) + 1}${match[3] ?? ''}` : `${version}.1`;
}

/** Digits as BCD, padded on the left to whole bytes (PA00P015 9.4.12: 1F42, 1F44). */
function bcd(digits: string): Uint8Array {
  const clean = digits.replace(/\D/g, '');
  return digitsToBcd(clean, Math.ceil(clean.length / 2)) ?? new Uint8Array(0);
}

function isEcrCommand(message: { kind: string }): message is EcrCommand {
  return ECR_COMMAND_KINDS.has(message.kind);
}
