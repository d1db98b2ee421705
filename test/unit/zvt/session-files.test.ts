/**
 * The ECR session on the commands whose sequence is not "80 00 ... 06 0F": Read Card (PA00P015
 * 2.21 / 3.1.2) ends with the Status-Information, and Write File (2.41) answers the terminal's
 * block requests 04 0C with 80 00 06<2D 1C block ...>, repeating a block asked for again (2.41.3).
 * The terminal's bytes are typed from the spec's layouts.
 */
import { describe, expect, it } from 'vitest';
import { createLink } from './terminal-double';

describe('Read Card (06 C0) in the session', () => {
  it('ends with the Status-Information, acknowledged, with no Completion', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'read-card', timeoutSeconds: 30, cardReadType: 0x50 });
    // <timeout> 1E, 19 50 (chip and magnetic stripe).
    expect(link.outbox()).toEqual(['06 C0 03 1E 19 50']);
    link.send('80 00 00');
    // 04 0F with 23 <track 2> LLVAR BCD: 6214 8300 0000 0012 D2812 (separator D).
    link.send('04 0F 0E 23 F1 F1 62 14 83 00 00 00 00 12 D2 81 2F');
    expect(link.outbox()).toEqual(['80 00 00']);
    const outcome = await result;
    expect(outcome).toMatchObject({ ok: true, value: { statusInformation: [{ track2: '621483******0012' }] } });
    expect(outcome.ok && outcome.value.completion).toBeUndefined();
    expect(link.session.busy).toBe(false);
    expect(link.clock.pending).toBe(0);
  });

  it('reports a card it could not read (27 <result-code> in the Status-Information) as a failure with the reason', async () => {
    const link = createLink('tcp');
    const result = link.session.execute({ kind: 'read-card' });
    expect(link.outbox()).toEqual(['06 C0 00']);
    link.send('80 00 00');
    link.send('04 0F 02 27 64');
    expect(await result).toMatchObject({ ok: false, error: { code: 'aborted', result: { code: 0x64, en: 'Card not readable' } } });
    expect(link.session.busy).toBe(false);
  });
});

describe('Write File (08 14) in the session', () => {
  const content = Uint8Array.from({ length: 450 }, (_, index) => index % 251);
  const command = { kind: 'write-file' as const, password: '000000', files: [{ fileId: 1, totalLength: content.length }] };

  /** 04 0C 06<2D: 1D 01 <id>, 1E 04 <offset>> (2.41.2). */
  const request = (offset: number) => {
    const o = [(offset >>> 24) & 0xff, (offset >>> 16) & 0xff, (offset >>> 8) & 0xff, offset & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    return `04 0C 0D 06 0B 2D 09 1D 01 01 1E 04 ${o}`;
  };

  /** The block the session sent in its 80 00 06<2D 1C ...> answer, and the offset it names. */
  function answered(hex: string): { offset: number; block: number[] } {
    const data = hex.split(' ').map((pair) => parseInt(pair, 16));
    expect(data.slice(0, 2)).toEqual([0x80, 0x00]);
    const body = data[2] === 0xff ? data.slice(5) : data.slice(3);
    expect(body[0]).toBe(0x06);
    const tlv = body.slice(body[1]! === 0x82 ? 4 : body[1]! === 0x81 ? 3 : 2);
    expect(tlv[0]).toBe(0x2d);
    let at = tlv[1] === 0x82 ? 4 : tlv[1] === 0x81 ? 3 : 2;
    let block: number[] = [];
    let offset = -1;
    while (at < tlv.length) {
      const tag = tlv[at] === 0x1f ? (tlv[at]! << 8) | tlv[at + 1]! : tlv[at]!;
      at += tag > 0xff ? 2 : 1;
      let length = tlv[at]!;
      at += 1;
      if (length === 0x81) length = tlv[at++]!;
      else if (length === 0x82) [length, at] = [(tlv[at]! << 8) | tlv[at + 1]!, at + 2];
      const value = tlv.slice(at, at + length);
      if (tag === 0x1c) block = value;
      if (tag === 0x1e) offset = value.reduce((sum, byte) => sum * 256 + byte, 0);
      at += length;
    }
    return { offset, block };
  }

  it('sends the announced files, answers each block request from the content and repeats a block asked again', async () => {
    const link = createLink('tcp');
    const result = link.session.execute(command, { files: new Map([['1', content]]) });
    // <password> 06 <2D: 1D 01 01, 1F00 04 00 00 01 C2>.
    expect(link.outbox()).toEqual(['08 14 11 00 00 00 06 0C 2D 0A 1D 01 01 1F 00 04 00 00 01 C2']);
    link.send('80 00 00');
    const received: number[] = [];
    for (const offset of [0, 200, 200, 400]) {
      link.send(request(offset));
      const [answer] = link.outbox();
      const { offset: at, block } = answered(answer!);
      expect(at).toBe(offset);
      expect(block).toEqual(Array.from(content.subarray(offset, offset + 200)));
      if (received.length === offset) received.push(...block);
    }
    expect(received).toEqual(Array.from(content));
    link.send('06 0F 00');
    expect(await result).toMatchObject({ ok: true, value: { filesSent: { 1: 450 } } });
  });

  it('refuses a block request past the end, for another file, or outside a Write File with 84 83', async () => {
    const link = createLink('tcp');
    const result = link.session.execute(command, { files: new Map([['1', content]]) });
    link.outbox();
    link.send('80 00 00');
    link.send(request(450));
    expect(link.outbox()).toEqual(['84 83 00']);
    link.send('04 0C 0A 06 08 2D 06 1D 01 07 1E 01 00');
    expect(link.outbox()).toEqual(['84 83 00']);
    link.send('06 1E 01 9A');
    expect(await result).toMatchObject({ ok: false, error: { code: 'aborted' } });

    const other = createLink('tcp');
    const diagnosis = other.session.execute({ kind: 'diagnosis' });
    other.outbox();
    other.send('80 00 00');
    other.send(request(0));
    expect(other.outbox()).toEqual(['84 83 00']);
    other.send('06 0F 00');
    expect((await diagnosis).ok).toBe(true);
  });

  it('refuses to start without the content of every announced file', async () => {
    const link = createLink('tcp');
    expect(await link.session.execute(command)).toMatchObject({ ok: false, error: { code: 'invalid-command' } });
    expect(link.outbox()).toEqual([]);
  });
});
