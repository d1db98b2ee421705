/**
 * Issue 17: the commands with optional trailing bitmaps, end to end. Our ECR session (the console's
 * terminal link) drives `poscare simulate`'s terminal over real TCP on 127.0.0.1 and over a socat
 * pty pair through the sequences of PA00P015: Pre-Authorisation 06 22 (2.8), Enquire if
 * Pre-Authorisations exist 06 23 87 FFFF (2.10.1), Partial-Reversal 06 23 (2.10), Book Total 06 24
 * (2.13), Pre-Authorisation Reversal 06 25 (2.14), Read Card 06 C0 (2.21 / 3.1.2, no Completion),
 * Activate Card-Reader 08 50 (2.22) and Write File 08 14 with the terminal's block requests 04 0C (2.41).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_BLOCK_SIZE, tlv, type CommandResult, type EcrCommand, type ExecuteOptions, type StatusInformationMessage } from '../../../electron/node/protocol/zvt';
import type { OpenTerminalLink } from '../../../electron/node/services/terminals/link';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import { openLink, simulatorOnPtyPair, type Cleanups } from '../../helpers/simulator';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function overTcp(): Promise<{ simulator: RunningSimulator; link: OpenTerminalLink }> {
  const simulator = await startSimulator({ tcp: { port: 0 } });
  cleanups.push(() => simulator.close());
  const link = await openLink(cleanups, { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort! });
  // Config 8E (table 1): the ECR prints receipts (Print Line) and wants Intermediate Status.
  expect((await link.session.execute({ kind: 'registration', password: '000000', config: 0x8e, currency: 978 })).ok).toBe(true);
  return { simulator, link };
}

async function run(link: OpenTerminalLink, command: EcrCommand, options?: ExecuteOptions): Promise<CommandResult> {
  return link.session.execute(command, options);
}

function statusOf(result: CommandResult): StatusInformationMessage {
  const progress = result.ok ? result.value : result.error.progress;
  const status = progress?.statusInformation[0];
  expect(status, JSON.stringify(result)).toBeDefined();
  return status!;
}

function abortOf(result: CommandResult) {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  return result.ok ? undefined : result.error.abort;
}

describe('pre-authorisations against the simulator over TCP', () => {
  it('reserves, lists the open reservations, books one in part and in total, and releases one', async () => {
    const { simulator, link } = await overTcp();
    // Nothing open: 06 1E B8 87 FF FF (2.10.1).
    const none = abortOf(await run(link, { kind: 'partial-reversal', receiptNumber: null }));
    expect(none).toMatchObject({ resultCode: 0xb8, receiptNumber: null, openReceiptNumbers: [] });

    const first = await run(link, { kind: 'pre-authorisation', amount: 5000, currency: 978 });
    expect(first.ok, JSON.stringify(first)).toBe(true);
    expect(statusOf(first)).toMatchObject({ resultCode: 0, amount: 5000, currency: 978, receiptNumber: 1, trace: 1 });
    // 2.8: without 04 the PT reserves its default pre-authorisation amount.
    const second = await run(link, { kind: 'pre-authorisation', currency: 978 });
    expect(statusOf(second)).toMatchObject({ amount: 10_000, receiptNumber: 2 });
    const third = await run(link, { kind: 'pre-authorisation', amount: 800, currency: 978 });
    expect(statusOf(third)).toMatchObject({ amount: 800, receiptNumber: 3 });
    // Reservations are not turnover until booked.
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 0, amount: 0 });

    // The ECR sent no TLV container: only the first open receipt number, in BMP 87.
    const open = abortOf(await run(link, { kind: 'partial-reversal', receiptNumber: null }));
    expect(open).toMatchObject({ resultCode: 0xb8, receiptNumber: 1, openReceiptNumbers: [1] });
    // With a TLV container in the command the PT may list them all as TLV tag 23.
    const listed = abortOf(await run(link, { kind: 'partial-reversal', receiptNumber: null, tlv: [] }));
    expect(listed).toMatchObject({ receiptNumber: 1, openReceiptNumbers: [1, 2, 3] });

    // Partial-Reversal sends the unused part: 50.00 reserved, 12.34 unused -> 37.66 booked.
    const partial = await run(link, { kind: 'partial-reversal', receiptNumber: 1, amount: 1234, currency: 978 });
    expect(partial.ok, JSON.stringify(partial)).toBe(true);
    expect(statusOf(partial)).toMatchObject({ amount: 3766, currency: 978 });
    // Book Total sends the used part.
    const booked = await run(link, { kind: 'book-total', receiptNumber: 2, amount: 4321, currency: 978 });
    expect(statusOf(booked)).toMatchObject({ amount: 4321 });
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 2, amount: 3766 + 4321 });
    // A reservation booked once cannot be booked again (B7: pre-authorisation incorrect).
    expect(abortOf(await run(link, { kind: 'book-total', receiptNumber: 2 }))).toMatchObject({ resultCode: 0xb7 });
    // More than was reserved is refused, and nothing is booked.
    expect(abortOf(await run(link, { kind: 'book-total', receiptNumber: 3, amount: 801 }))).toMatchObject({ resultCode: 0xb7 });
    // Pre-Authorisation Reversal releases the rest; it does not count as turnover.
    const released = await run(link, { kind: 'pre-authorisation-reversal', receiptNumber: 3, currency: 978 });
    expect(statusOf(released)).toMatchObject({ amount: 800 });
    expect(simulator.terminal.snapshot().turnover).toEqual({ count: 2, amount: 3766 + 4321 });
    expect(abortOf(await run(link, { kind: 'partial-reversal', receiptNumber: null }))).toMatchObject({ receiptNumber: null });

    // End-of-day adds up the bookings only.
    const endOfDay = await run(link, { kind: 'end-of-day', password: '000000' });
    expect(statusOf(endOfDay)).toMatchObject({ amount: 3766 + 4321 });
  });

  it('books a reservation named by its trace number (06 23 without 87, 2.10) and prints its receipt', async () => {
    const { link } = await overTcp();
    const reserved = await run(link, { kind: 'pre-authorisation', amount: 2000, currency: 978 });
    const trace = statusOf(reserved).trace!;
    const booking = await run(link, { kind: 'partial-reversal', trace, authorisationAttribute: statusOf(reserved).authorisationAttribute, amount: 500, currency: 978 });
    expect(booking.ok, JSON.stringify(booking)).toBe(true);
    expect(statusOf(booking)).toMatchObject({ amount: 1500 });
    expect(booking.ok && booking.value.receipt.map((line) => line.text)).toContain('BOOKING');
  });
});

describe('reservation extensions (2.8)', () => {
  it('adds an extension (06 22 with trace and AID) to its reservation, so the booking may use the sum; an unknown trace is B7', async () => {
    const { link } = await overTcp();
    const reserved = await run(link, { kind: 'pre-authorisation', amount: 2000, currency: 978 });
    const { trace, receiptNumber, authorisationAttribute } = statusOf(reserved);
    // Our strict writer refuses the extension without its AID before anything is sent.
    expect(await run(link, { kind: 'pre-authorisation', amount: 1000, currency: 978, trace })).toMatchObject({ ok: false, error: { code: 'invalid-command' } });
    const extended = await run(link, { kind: 'pre-authorisation', amount: 1000, currency: 978, trace, authorisationAttribute, tlv: [tlv(0x1f06, [0x03])] });
    expect(extended.ok, JSON.stringify(extended)).toBe(true);
    expect(extended.ok && extended.value.receipt.map((line) => line.text)).toContain('RESERVATION EXTENSION');
    // Still one open reservation, now worth 30.00: booking 25.00 is within it (it was not before).
    expect(abortOf(await run(link, { kind: 'partial-reversal', receiptNumber: null }))).toMatchObject({ resultCode: 0xb8, receiptNumber });
    const booked = await run(link, { kind: 'book-total', receiptNumber: receiptNumber!, amount: 2500, currency: 978 });
    expect(booked.ok, JSON.stringify(booked)).toBe(true);
    expect(statusOf(booked)).toMatchObject({ amount: 2500 });
    const unknown = await run(link, { kind: 'pre-authorisation', amount: 500, currency: 978, trace: 999, authorisationAttribute: 'X1' });
    expect(abortOf(unknown)).toMatchObject({ resultCode: 0xb7 });
  });
});

describe('card reader and files against the simulator', () => {
  it('Read Card ends with the Status-Information (no Completion) and the next command runs at once', async () => {
    const { link } = await overTcp();
    const read = await run(link, { kind: 'read-card', timeoutSeconds: 30, cardReadType: 0x50, dialogControl: 1 });
    expect(read.ok, JSON.stringify(read)).toBe(true);
    if (!read.ok) return;
    expect(read.value.completion).toBeUndefined();
    expect(read.value.statusInformation[0]?.track2).toMatch(/^\d{6}\*+\d{4}$/);
    // The session gave the master rights back: a status enquiry right after works.
    expect((await run(link, { kind: 'status-enquiry', password: '000000' })).ok).toBe(true);
    expect((await run(link, { kind: 'activate-card-reader', cardReaderActivation: 0x01 })).ok).toBe(true);
  });

  it('Write File sends every block the terminal asks for, over TCP and over a pty pair', async () => {
    const content = new Uint8Array(FILE_BLOCK_SIZE * 2 + 17).map((_, index) => (index * 7) % 256);
    const logo = new TextEncoder().encode('乐家便利店');
    const command: EcrCommand = {
      kind: 'write-file',
      password: '000000',
      files: [
        { fileId: 3, totalLength: content.length },
        { fileName: 'logo.txt', totalLength: logo.length, mimeType: 'text/plain' },
      ],
    };
    const files = new Map([
      ['3', content],
      ['logo.txt', logo],
    ]);
    const { simulator, link } = await overTcp();
    const written = await run(link, command, { files });
    expect(written.ok, JSON.stringify(written)).toBe(true);
    expect(written.ok && written.value.filesSent).toEqual({ 3: content.length, 'logo.txt': logo.length });
    expect(simulator.terminal.receivedFile(3)).toEqual(content);
    expect(simulator.terminal.receivedFile('logo.txt')).toEqual(logo);

    const pty = await simulatorOnPtyPair(cleanups);
    const serial = await openLink(cleanups, pty.connection);
    const overSerial = await serial.session.execute(command, { files });
    expect(overSerial.ok, JSON.stringify(overSerial)).toBe(true);
    expect(pty.simulator.terminal.receivedFile(3)).toEqual(content);
  }, 30_000);

  it('Write File is refused before anything is sent when the content is missing or its length is not 1F00', async () => {
    const { simulator, link } = await overTcp();
    const before = simulator.terminal.snapshot().commands;
    const missing = await run(link, { kind: 'write-file', password: '000000', files: [{ fileId: 1, totalLength: 4 }] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-command' } });
    const wrong = await run(link, { kind: 'write-file', password: '000000', files: [{ fileId: 1, totalLength: 5 }] }, { files: new Map([['1', new Uint8Array(4)]]) });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-command' } });
    expect(simulator.terminal.snapshot().commands).toBe(before);
  });
});
