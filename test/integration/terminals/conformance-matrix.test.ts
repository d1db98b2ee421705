/**
 * `npm run conformance` stays true: every ECR command of the matrix is written and read back by our
 * codec, and the simulator runs each one's sequence over real TCP to its end (Completion, Abort, the
 * 80 00 of commands that end with it, or Read Card's Status-Information), never "no answer" or a
 * message we cannot decode.
 */
import { describe, expect, it } from 'vitest';
import { conformanceMatrix } from '../../conformance/matrix';

describe('the conformance matrix', () => {
  it('lists every command as written, read and answered to the end of its sequence', async () => {
    const rows = await conformanceMatrix();
    const gap = rows.findIndex((row) => row.length === 0);
    const commands = rows.slice(1, gap);
    const secondGap = rows.findIndex((row, index) => index > gap && row.length === 0);
    const messages = rows.slice(gap + 2, secondGap);
    const tlvRows = rows.slice(secondGap + 2);
    expect(tlvRows.map((row) => [row[0], row[3]])).toEqual([
      ['primitive', 'yes'],
      ['constructed', 'yes'],
    ]);
    expect(commands.length).toBeGreaterThanOrEqual(30);
    for (const [kind, , chapter, writes, reads, answers] of commands) {
      expect([kind, chapter, writes, reads]).toEqual([kind, chapter, 'yes', 'yes']);
      expect(answers, `${kind} ${chapter}`).toMatch(/^80 00/);
      expect(answers, `${kind} ${chapter}`).not.toMatch(/no answer|undecodable/);
      expect(answers, `${kind} ${chapter}`).toMatch(/(06 0F|06 1E|^80 00|04 0F)$/);
    }
    // Refusals are the spec's answers to what was asked: only the enquiry ends with 06 1E (B8, 2.10.1).
    expect(commands.filter((row) => row[5]?.endsWith('06 1E')).map((row) => row[2])).toEqual(['2.10.1']);
    expect(messages.length).toBeGreaterThanOrEqual(8);
    for (const [kind, , chapter, writes, reads] of messages) expect([kind, chapter, writes, reads]).toEqual([kind, chapter, 'yes', 'yes']);
  }, 60_000);
});
