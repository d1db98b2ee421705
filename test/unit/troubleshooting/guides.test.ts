import { describe, expect, it } from 'vitest';
import { loadGuides, parseGuide, treeProblems } from '../../../electron/node/services/troubleshooting/guides';
import { ALL_CAUSES, FAULT_CAUSES, type FaultGuide } from '../../../shared/domain/incidents';

const guides = loadGuides();

describe('the fault guides', () => {
  it('cover every cause of the fault taxonomy with exactly one tree', () => {
    expect(guides.map((g) => g.cause).sort()).toEqual([...ALL_CAUSES].sort());
    for (const guide of guides) expect((FAULT_CAUSES[guide.faultClass] as readonly string[]).includes(guide.cause)).toBe(true);
  });

  for (const guide of guides) {
    it(`${guide.id}: is valid, every node is reachable and every path ends in a resolution or escalation`, () => {
      expect(treeProblems(guide)).toEqual([]);
      const kinds = Object.values(guide.nodes).map((n) => n.kind);
      expect(kinds.some((k) => k === 'resolution' || k === 'escalation')).toBe(true);
      // Leaves are exactly the resolutions and escalations.
      for (const node of Object.values(guide.nodes)) {
        if (node.kind === 'question') expect(node.answers.length).toBeGreaterThanOrEqual(2);
        for (const text of [node.text]) {
          expect(text['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
          expect(text.en).toMatch(/[A-Za-z]/);
        }
      }
    });
  }

  it('at least some steps run a terminal command and branch on its result', () => {
    expect(guides.filter((g) => Object.values(g.nodes).some((n) => n.kind === 'command')).length).toBeGreaterThanOrEqual(10);
  });

  const base: FaultGuide = {
    id: 'broken',
    faultClass: 'hardware',
    cause: 'power',
    title: { 'zh-CN': '坏', en: 'Broken' },
    start: 'a',
    nodes: {
      a: { kind: 'question', text: { 'zh-CN': '问', en: 'Q' }, answers: [{ label: { 'zh-CN': '是', en: 'Yes' }, next: 'b' }, { label: { 'zh-CN': '否', en: 'No' }, next: 'a' }] },
      b: { kind: 'resolution', text: { 'zh-CN': '好', en: 'Fine' } },
    },
  };

  it('reject a tree with a branch to a missing node, an unreachable node, or a loop with no way out', () => {
    expect(treeProblems(base)).toEqual([]);
    const missing = structuredClone(base);
    (missing.nodes.a as { answers: { next: string }[] }).answers[0]!.next = 'zz';
    expect(treeProblems(missing).join()).toContain('missing node "zz"');
    const orphan = structuredClone(base);
    orphan.nodes.c = { kind: 'escalation', text: { 'zh-CN': '升级', en: 'Escalate' } };
    expect(treeProblems(orphan).join()).toContain('"c" cannot be reached');
    const loop = structuredClone(base);
    (loop.nodes.a as { answers: { next: string }[] }).answers[0]!.next = 'a';
    expect(treeProblems(loop).join()).toContain('never reaches');
  });

  it('reject a file that is not a guide (missing English text, not JSON)', () => {
    const noEnglish = JSON.parse(JSON.stringify(base)) as { title: Record<string, string> };
    delete noEnglish.title.en;
    expect(() => parseGuide(JSON.stringify(noEnglish), 'x.json')).toThrow(/x\.json: title\.en/);
    expect(() => parseGuide('{', 'y.json')).toThrow(/y\.json: not JSON/);
  });
});
