/**
 * The fault guides: decision trees as data in resources/fault-guides/*.json. Loading checks
 * the schema and the shape of each tree (start and every branch exist, every node reachable,
 * every leaf a resolution or an escalation); a malformed file is a load error that the test
 * suite catches before a manager ever sees it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FaultGuide, type GuideNode } from '../../../../shared/domain/incidents';
import { resourcesDir } from '../../paths';

export function guidesDir(): string {
  return path.join(resourcesDir(), 'fault-guides');
}

function branches(node: GuideNode): string[] {
  if (node.kind === 'question') return node.answers.map((a) => a.next);
  if (node.kind === 'command') return [node.onOk, node.onFault];
  return [];
}

/** Problems of one tree's shape; empty when it is sound. */
export function treeProblems(guide: FaultGuide): string[] {
  const problems: string[] = [];
  const nodes = new Map(Object.entries(guide.nodes));
  if (!nodes.has(guide.start)) problems.push(`start node "${guide.start}" does not exist`);
  for (const [id, node] of nodes) {
    for (const next of branches(node)) if (!nodes.has(next)) problems.push(`node "${id}" leads to missing node "${next}"`);
  }
  const reached = new Set<string>();
  const queue = [guide.start];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (reached.has(id) || !nodes.has(id)) continue;
    reached.add(id);
    queue.push(...branches(nodes.get(id) as GuideNode));
  }
  for (const id of nodes.keys()) if (!reached.has(id)) problems.push(`node "${id}" cannot be reached from the start`);
  // Every path must end: a cycle without an exit would trap the manager.
  const canEnd = new Set<string>([...nodes].filter(([, n]) => n.kind === 'resolution' || n.kind === 'escalation').map(([id]) => id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, node] of nodes) {
      if (!canEnd.has(id) && branches(node).some((next) => canEnd.has(next))) {
        canEnd.add(id);
        grew = true;
      }
    }
  }
  for (const id of reached) if (!canEnd.has(id)) problems.push(`node "${id}" never reaches a resolution or escalation`);
  return problems;
}

export function parseGuide(text: string, source: string): FaultGuide {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`);
  }
  const parsed = FaultGuide.safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const problems = treeProblems(parsed.data);
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return parsed.data;
}

export function loadGuides(dir: string = guidesDir()): FaultGuide[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return files.map((file) => parseGuide(fs.readFileSync(path.join(dir, file), 'utf8'), file));
}
