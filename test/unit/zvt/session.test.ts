import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import { bytesToHex, encodeMessage, encodeSerialFrame, encodeText, tlv, ZvtSession } from '../../../electron/node/protocol/zvt';
import { bytes } from './samples';
import { createLink, settle, track } from './terminal-double';

const STATUS_ENQUIRY = '05 01 00';

describe('a ZVT session over TCP', () => {
  it('runs a status enquiry: 80 00, completion with terminal status, acknowledged by the ECR', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'status-enquiry' });
    expect(link.outbox()).toEqual([STATUS_ENQUIRY]);
    link.send('80 00 00');
    link.send({ kind: 'completion', form: 'status-enquiry', softwareVersion: 'V1.0', terminalStatus: 0x00 });
    expect(link.outbox()).toEqual(['80 00 00']);
    const outcome = await result;
    expect(outcome).toMatchObject({ ok: true, value: { command: 'status-enquiry', completion: { form: 'status-enquiry', terminalStatus: 0, softwareVersion: 'V1.0' } } });
    expect(link.session.busy).toBe(false);
    expect(link.clock.pending).toBe(0);
  });

  it('collects intermediate status, status information and receipt lines until the completion', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'authorization', amount: 1234, currency: 978 });
    expect(link.outbox()).toEqual(['06 01 0A 04 00 00 00 00 12 34 49 09 78']);
    link.send('80 00 00');
    link.send({ kind: 'intermediate-status', status: 0x0a });
    link.send({ kind: 'intermediate-status', status: 0x17, timeoutMinutes: 1 });
    link.send({ kind: 'status-information', resultCode: 0, amount: 1234, trace: 5, receiptNumber: 9, cardName: 'girocard', maskedPan: '672000******1234' });
    link.send({ kind: 'print-line', attribute: 0x00, text: 'Kartenzahlung' });
    link.send({ kind: 'print-line', attribute: 0x81, text: 'Danke' });
    link.send({ kind: 'print-text-block', lines: [{ attribute: 0, text: 'Kopie' }], endOfReceipt: true, receiptType: 2 });
    link.send({ kind: 'completion', form: 'bitmaps' });
    expect(link.outbox()).toEqual(Array(7).fill('80 00 00'));
    const outcome = await result;
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.intermediateStatus.map((message) => message.status)).toEqual([0x0a, 0x17]);
    expect(outcome.value.statusInformation[0]).toMatchObject({ resultCode: 0, amount: 1234, receiptNumber: 9, maskedPan: '672000******1234' });
    expect(outcome.value.receipt.map((line) => line.text)).toEqual(['Kartenzahlung', 'Danke', 'Kopie']);
    expect(outcome.value.textBlocks).toHaveLength(1);
  });

  it('restarts T4 with every terminal message and takes the timeout of intermediate status', async () => {
    const link = createLink('tcp');
    const result = track(link.session.execute({ kind: 'end-of-day', password: '000000' }));
    link.send('80 00 00');
    link.clock.advance(170_000);
    link.send({ kind: 'intermediate-status', status: 0x04 });
    link.clock.advance(170_000);
    link.send({ kind: 'intermediate-status', status: 0x04, timeoutMinutes: 10 });
    link.clock.advance(500_000);
    await settle();
    expect(result.done()).toBe(false);
    link.clock.advance(100_001);
    expect(await result.promise).toMatchObject({ ok: false, error: { code: 'timeout', timer: 'T4' } });
  });

  it('times out with T3 when the terminal does not answer the command', async () => {
    const link = createLink('tcp');
    const result = track(link.session.execute({ kind: 'status-enquiry' }));
    link.clock.advance(4_999);
    await settle();
    expect(result.done()).toBe(false);
    link.clock.advance(1);
    expect(await result.promise).toMatchObject({ ok: false, error: { code: 'timeout', timer: 'T3' } });
  });

  it('honours timeout overrides of the vendor profile', async () => {
    const link = createLink('tcp', { id: 'slow', name: 'Slow network', timeouts: { responseMs: 20_000 } });
    const result = track(link.session.execute({ kind: 'status-enquiry' }));
    link.clock.advance(19_000);
    await settle();
    expect(result.done()).toBe(false);
    link.clock.advance(1_000);
    expect(await result.promise).toMatchObject({ ok: false, error: { timer: 'T3' } });
  });

  it('reports a negative acknowledgement with its result code and texts', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'diagnosis' });
    link.send('84 83 00');
    expect(await result).toMatchObject({
      ok: false,
      error: { code: 'negative-ack', result: { code: 0x83, en: 'Function not possible', zh: '功能不可用' } },
    });
  });

  it('reports an abort from the terminal with the receipt that came before it', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'authorization', amount: 100 });
    link.send('80 00 00');
    link.send({ kind: 'status-information', resultCode: 0x05 });
    link.send({ kind: 'print-line', attribute: 0x81, text: 'Abgelehnt' });
    link.send('06 1E 01 6C');
    expect(link.outbox()).toEqual(['06 01 07 04 00 00 00 00 01 00', '80 00 00', '80 00 00', '80 00 00']);
    expect(await result).toMatchObject({
      ok: false,
      error: { code: 'aborted', result: { code: 0x6c }, abort: { resultCode: 0x6c }, progress: { receipt: [{ text: 'Abgelehnt' }] } },
    });
  });

  it('ends Log-Off and Abort on the terminal 80 00, without waiting for a completion', async () => {
    const link = createLink('tcp');
    const logOff = link.session.execute({ kind: 'log-off' });
    link.send('80 00 00');
    expect(await logOff).toMatchObject({ ok: true, value: { command: 'log-off' } });
    const abort = link.session.execute({ kind: 'abort' });
    link.send('80 00 00');
    expect(await abort).toMatchObject({ ok: true, value: { command: 'abort' } });
    expect(link.clock.pending).toBe(0);
  });

  it('queues concurrent commands and runs them one at a time in order', async () => {
    const link = createLink('tcp');
    const first = link.session.execute({ kind: 'status-enquiry' });
    const second = link.session.execute({ kind: 'selftest' });
    const third = link.session.execute({ kind: 'log-off' });
    expect(link.outbox()).toEqual([STATUS_ENQUIRY]);
    expect(link.session.queueLength).toBe(2);
    link.send('80 00 00');
    link.send('06 0F 01 00');
    expect(link.outbox()).toEqual(['80 00 00', '06 79 00']);
    link.send('80 00 00');
    link.send('06 0F 00');
    expect(link.outbox()).toEqual(['80 00 00', '06 02 00']);
    link.send('80 00 00');
    const results = await Promise.all([first, second, third]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
  });

  it('fails the running and queued commands when the link closes, then works on a new link', async () => {
    const link = createLink('tcp');
    const first = link.session.execute({ kind: 'authorization', amount: 1 });
    const second = link.session.execute({ kind: 'status-enquiry' });
    link.send('80 00 00');
    link.send({ kind: 'intermediate-status', status: 0x0a });
    link.session.linkClosed('socket closed');
    expect(await first).toMatchObject({ ok: false, error: { code: 'link-closed', message: 'socket closed', progress: { intermediateStatus: [{ status: 0x0a }] } } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'link-closed' } });
    expect(link.clock.pending).toBe(0);
    link.outbox();
    const again = link.session.execute({ kind: 'log-off' });
    link.send('80 00 00');
    expect(await again).toMatchObject({ ok: true });
  });

  it('fails like a closed link when the transport throws on write', async () => {
    const session = new ZvtSession({
      write: () => {
        throw new Error('port gone');
      },
      clock: new FakeClock(0),
      transportKind: 'tcp',
    });
    expect(await session.execute({ kind: 'status-enquiry' })).toMatchObject({ ok: false, error: { code: 'link-closed', message: 'write failed: port gone' } });
    expect(session.busy).toBe(false);
  });

  it('answers messages it cannot read with 84 9A and keeps waiting', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'authorization', amount: 1 });
    link.send('80 00 00');
    link.outbox();
    link.send('04 0F 03 04 00 00');
    expect(link.outbox()).toEqual(['84 9A 00']);
    link.send('06 0F 00');
    expect(await result).toMatchObject({ ok: true });
    expect(link.events.some((event) => event.type === 'apdu-in' && event.error?.code === 'truncated')).toBe(true);
  });

  it('refuses commands it does not implement from the terminal with 84 83', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'diagnosis' });
    link.send('80 00 00');
    link.outbox();
    link.send('06 D8 01 00');
    expect(link.outbox()).toEqual(['84 83 00']);
    link.send('06 0F 00');
    expect(await result).toMatchObject({ ok: true, value: { other: [{ kind: 'unknown', instruction: 0xd8 }] } });
  });

  it('takes a terminal message without a preceding 80 00 as acceptance of the command', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'print-system-configuration' });
    link.send({ kind: 'print-line', attribute: 0, text: 'Konfiguration' });
    link.send('06 0F 00');
    expect(await result).toMatchObject({ ok: true, value: { receipt: [{ text: 'Konfiguration' }] } });
  });

  it('acknowledges and reports messages that arrive while no command runs', () => {
    const link = createLink('tcp');
    link.send({ kind: 'intermediate-status', status: 0x0f });
    expect(link.outbox()).toEqual(['80 00 00']);
    expect(link.events.find((event) => event.type === 'unsolicited')).toMatchObject({ message: { kind: 'intermediate-status', status: 0x0f } });
  });

  it('sends Abort 06 B0 while the terminal holds the master rights and still waits for its 06 1E', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'authorization', amount: 1 });
    link.send('80 00 00');
    link.outbox();
    expect(link.session.abortCurrent()).toBe(true);
    expect(link.outbox()).toEqual(['06 B0 00']);
    link.send('80 00 00');
    link.send('06 1E 01 6C');
    expect(await result).toMatchObject({ ok: false, error: { code: 'aborted' } });
  });

  it('refuses Abort for a vendor that does not accept it from the ECR', async () => {
    const link = createLink('tcp', { id: 'no-abort', name: 'No-abort terminal', noAbortFromEcr: true });
    expect(await link.session.execute({ kind: 'abort' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    void link.session.execute({ kind: 'authorization', amount: 1 });
    expect(link.session.abortCurrent()).toBe(false);
  });

  it('registers without Print Line for a vendor whose terminals cannot send it', () => {
    const link = createLink('tcp', { id: 'no-print', name: 'No print line', noPrintLine: true });
    void link.session.execute({ kind: 'registration', password: '000000', config: 0x8e });
    expect(link.outbox()).toEqual(['06 00 04 00 00 00 0E']);
  });

  it('switches to the charset the terminal echoes in the registration completion', async () => {
    const link = createLink('tcp');
    const registration = link.session.execute({ kind: 'registration', password: '000000', config: 0x8e, currency: 978, tlv: [tlv(0x14, [0xfe])] });
    link.send('80 00 00');
    link.send({ kind: 'completion', form: 'bitmaps', tlv: [tlv(0x14, [0xfe])] });
    await registration;
    expect(link.session.charset).toBe('utf8');
    const print = link.session.execute({ kind: 'print-system-configuration' });
    link.send('80 00 00');
    link.send(bytesToHex(Uint8Array.from([0x06, 0xd1, 0x03, 0x00, ...encodeText('ü', 'utf8')])));
    link.send('06 0F 00');
    expect(await print).toMatchObject({ ok: true, value: { receipt: [{ text: 'ü' }] } });
  });

  it('uses the fixed charset of a vendor profile', () => {
    const link = createLink('tcp', { id: 'latin', name: 'Latin-1 terminal', fixedCharset: 'latin1' });
    expect(link.session.charset).toBe('latin1');
  });

  it('resolves every command after dispose and accepts no more', async () => {
    const link = createLink('tcp');
    const running = link.session.execute({ kind: 'status-enquiry' });
    link.session.dispose();
    expect(await running).toMatchObject({ ok: false, error: { code: 'disposed' } });
    expect(await link.session.execute({ kind: 'log-off' })).toMatchObject({ ok: false, error: { code: 'disposed' } });
  });

  it('drops an APDU whose length lied when T3 runs out, so the next answer is read again', async () => {
    const link = createLink('tcp');
    const first = track(link.session.execute({ kind: 'status-enquiry' }));
    // "80 00" announcing 5 data bytes that never come: the real answer would vanish into it.
    link.sendRaw('80 00 05');
    link.clock.advance(5_000);
    expect(await first.promise).toMatchObject({ ok: false, error: { code: 'protocol', timer: 'T3', message: expect.stringContaining('3 of 8 declared byte(s) dropped') } });
    link.outbox();
    const second = link.session.execute({ kind: 'status-enquiry' });
    expect(link.outbox()).toEqual([STATUS_ENQUIRY]);
    link.send('80 00 00');
    link.send({ kind: 'completion', form: 'status-enquiry', softwareVersion: 'V1.0', terminalStatus: 0x00 });
    expect(await second).toMatchObject({ ok: true, value: { completion: { terminalStatus: 0 } } });
    expect(link.clock.pending).toBe(0);
  });

  it('fails the command when an APDU stalls inside for longer than T3, even while T4 still runs', async () => {
    const link = createLink('tcp');
    const first = track(link.session.execute({ kind: 'end-of-day', password: '000000' }));
    link.send('80 00 00');
    // A Status-Information announcing 48 bytes; pieces trickle in but never complete it.
    link.sendRaw('04 0F 30 27 00');
    for (let second = 0; second < 4; second++) {
      link.clock.advance(1_000);
      link.sendRaw('04');
    }
    link.clock.advance(999);
    await settle();
    expect(first.done()).toBe(false);
    link.clock.advance(1);
    expect(await first.promise).toMatchObject({ ok: false, error: { code: 'protocol', message: expect.stringContaining('PA00P016 5.2.5 case b') } });
    expect(link.events.some((event) => event.type === 'frame-error' && event.code === 'stalled-apdu')).toBe(true);
    link.outbox();
    const next = link.session.execute({ kind: 'log-off' });
    link.send('80 00 00');
    expect(await next).toMatchObject({ ok: true });
  });

  it('lets an APDU arrive in pieces within T3 and restarts the stall timer for the next one', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'status-enquiry' });
    const completion = encodeMessage({ kind: 'completion', form: 'status-enquiry', softwareVersion: 'V1.0', terminalStatus: 0x00 });
    if (!completion.ok) throw new Error(completion.error.message);
    link.sendRaw('80 00');
    link.clock.advance(4_000);
    // The 80 00 ends 4 s after it began; the completion starts in the same chunk and gets its own T3.
    link.sendRaw(new Uint8Array([0x00, ...completion.value.subarray(0, 2)]));
    link.clock.advance(4_000);
    link.sendRaw(completion.value.subarray(2));
    expect(await result).toMatchObject({ ok: true, value: { completion: { form: 'status-enquiry', softwareVersion: 'V1.0' } } });
    expect(link.clock.pending).toBe(0);
  });

  it('forgets a stalled partial APDU that arrived while no command ran', async () => {
    const link = createLink('tcp');
    link.sendRaw('04 0F 10 27');
    link.clock.advance(5_000);
    expect(link.events.some((event) => event.type === 'frame-error' && event.code === 'stalled-apdu')).toBe(true);
    const next = link.session.execute({ kind: 'log-off' });
    link.send('80 00 00');
    expect(await next).toMatchObject({ ok: true });
  });

  it('reports a command it cannot encode instead of sending it', async () => {
    const link = createLink('tcp');
    expect(await link.session.execute({ kind: 'end-of-day', password: 'secret' })).toMatchObject({ ok: false, error: { code: 'invalid-command' } });
    expect(link.outbox()).toEqual([]);
  });
});

describe('a ZVT session over serial', () => {
  it('acknowledges every block on the line and answers every terminal message with 80 00', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    expect(link.outbox()).toEqual([STATUS_ENQUIRY]);
    link.ack();
    link.send('80 00 00');
    expect(link.outbox()).toEqual(['ACK']);
    link.send('06 0F 01 00');
    expect(link.outbox()).toEqual(['ACK', '80 00 00']);
    link.ack();
    expect(await result).toMatchObject({ ok: true, value: { completion: { terminalStatus: 0 } } });
    expect(link.clock.pending).toBe(0);
  });

  it('sends the ACK of a block and the answer it triggers in one write', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.outbox();
    link.ack();
    link.send('80 00 00');
    link.written.length = 0;
    link.send('06 0F 01 00');
    expect(link.written).toHaveLength(1);
    expect(bytesToHex(link.written[0] as Uint8Array)).toBe(`06 ${bytesToHex(encodeSerialFrame(bytes('80 00 00')))}`);
    link.ack();
    expect(await result).toMatchObject({ ok: true });
  });

  it('repeats a block after a NAK', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.nak();
    expect(link.outbox()).toEqual([STATUS_ENQUIRY, STATUS_ENQUIRY]);
    link.ack();
    link.send('80 00 00');
    link.send('06 0F 01 00');
    link.ack();
    expect(await result).toMatchObject({ ok: true });
    expect(link.events.filter((event) => event.type === 'apdu-out').map((event) => event.type === 'apdu-out' && event.attempt)).toEqual([1, 2, 1]);
  });

  it('gives up after three NAKs (one transmission and two repeats)', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.nak();
    link.nak();
    link.nak();
    expect(link.outbox()).toEqual([STATUS_ENQUIRY, STATUS_ENQUIRY, STATUS_ENQUIRY]);
    expect(await result).toMatchObject({ ok: false, error: { code: 'nak' } });
  });

  it('repeats a block when no ACK comes within T2 and gives up after three tries', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.clock.advance(5_000);
    link.clock.advance(5_000);
    expect(link.outbox()).toEqual([STATUS_ENQUIRY, STATUS_ENQUIRY, STATUS_ENQUIRY]);
    link.clock.advance(5_000);
    expect(await result).toMatchObject({ ok: false, error: { code: 'timeout', timer: 'T2' } });
  });

  it('times out with T3 after the ACK when no 80 00 follows', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'selftest' });
    link.ack();
    link.clock.advance(5_000);
    expect(await result).toMatchObject({ ok: false, error: { code: 'timeout', timer: 'T3' } });
  });

  it('answers a block with a bad CRC with NAK and takes the repeated block once', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.ack();
    link.outbox();
    const corrupt = encodeSerialFrame(bytes('80 00 00'));
    corrupt[corrupt.length - 2] = (corrupt[corrupt.length - 2] ?? 0) ^ 0xff;
    link.sendRaw(corrupt);
    expect(link.outbox()).toEqual(['NAK']);
    link.send('80 00 00');
    link.send('06 0F 01 00');
    expect(link.outbox()).toEqual(['ACK', 'ACK', '80 00 00']);
    link.ack();
    expect(await result).toMatchObject({ ok: true });
  });

  it('ignores garbage between blocks and reports it', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.sendRaw('00 FF 41 10 00');
    link.ack();
    link.sendRaw('55 AA');
    link.send('80 00 00');
    link.send('06 0F 01 00');
    link.ack();
    expect(await result).toMatchObject({ ok: true });
    expect(link.events.filter((event) => event.type === 'frame-error' && event.code === 'garbage').length).toBeGreaterThan(0);
  });

  it('answers a block stalled mid-way with NAK after T1 and reads the repeat', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.ack();
    link.outbox();
    const frame = encodeSerialFrame(bytes('80 00 00'));
    link.sendRaw(frame.subarray(0, 4));
    link.clock.advance(199);
    expect(link.outbox()).toEqual([]);
    link.clock.advance(1);
    expect(link.outbox()).toEqual(['NAK']);
    link.sendRaw(frame);
    link.send('06 0F 01 00');
    link.ack();
    expect(await result).toMatchObject({ ok: true });
  });

  it('takes a terminal block as the ACK it did not send', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'status-enquiry' });
    link.send('80 00 00');
    link.send('06 0F 01 00');
    link.ack();
    expect(await result).toMatchObject({ ok: true });
    expect(link.events.some((event) => event.type === 'warning' && event.message.includes('ACK assumed'))).toBe(true);
  });

  it('fails the command when the answer to the terminal is refused three times', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'end-of-day', password: '000000' });
    link.ack();
    link.send('80 00 00');
    link.send({ kind: 'intermediate-status', status: 0x04 });
    link.nak();
    link.nak();
    link.nak();
    expect(await result).toMatchObject({ ok: false, error: { code: 'nak' } });
  });

  it('reports raw bytes in and out for the support log', async () => {
    const link = createLink('serial');
    const result = link.session.execute({ kind: 'log-off' });
    link.ack();
    link.send('80 00 00');
    await result;
    const types = link.events.map((event) => event.type);
    expect(types).toContain('bytes-out');
    expect(types).toContain('bytes-in');
    expect(types).toContain('apdu-in');
    expect(types[0]).toBe('command-start');
    expect(types).toContain('command-end');
  });
});

