/**
 * `npm run bench -- parts [--parts N] [--movements M]`: on-hand and below-minimum of N parts
 * (default 5,000) with M movements (default 1,000,000, spread over two years): `parts.list`
 * from the balance kept with each movement, against summing the whole ledger in the same run.
 */
import { FakeClock } from '../helpers/clock';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppCore } from '../../electron/node/app';
import { insertPart, ledgerSums, listParts, recordMovement } from '../../electron/node/db/parts';
import { createLogger } from '../../electron/node/log/logger';
import { PartFields } from '../../shared/domain/parts';

const quiet = createLogger({ sink: { write: () => undefined } });

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(2));
}

function time(fn: () => unknown, runs = 15): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function run(args: string[]): Promise<unknown> {
  const partCount = option(args, '--parts', 5000);
  const movementCount = option(args, '--movements', 1_000_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-bench-parts-'));
  const now = Date.parse('2026-03-31T12:00:00Z');
  const core = createAppCore({ dataDir, mode: 'browser', logger: quiet, clock: new FakeClock(now) });
  try {
    const ids: string[] = [];
    core.db.transaction(() => {
      for (let i = 0; i < partCount; i += 1) {
        const id = randomUUID();
        insertPart(core.db, id, PartFields.parse({ name: `Part ${i}`, partNumber: `P-${i}`, category: 'other', minimumStock: i % 7, reorderQuantity: 5 }), new Date(now).toISOString(), null);
        ids.push(id);
      }
    })();
    const span = 730 * 86_400_000;
    const fillStart = performance.now();
    const batch = 20_000;
    for (let done = 0; done < movementCount; done += batch) {
      core.db.transaction(() => {
        for (let j = done; j < Math.min(movementCount, done + batch); j += 1) {
          const receive = j % 3 === 0;
          recordMovement(core.db, { partId: ids[j % ids.length]!, at: new Date(now - span + Math.floor((j / movementCount) * span)).toISOString(), kind: receive ? 'receive' : 'consume', delta: receive ? 3 : -1, unitCostCents: 100, reason: '', incidentId: null, maintenance: null, override: false, reversesId: null }, () => undefined);
        }
      })();
    }
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const sums = ledgerSums(core.db);
    const balancesMatch = listParts(core.db).every((p) => sums.get(p.id) === p.onHand);
    const result = {
      parts: partCount,
      movements: movementCount,
      movementsPerSecond: Math.round(movementCount / fillSeconds),
      balancesMatchLedger: balancesMatch,
      ms: {
        onHandAndBelowMinimumFromBalance: time(() => listParts(core.db).map((p) => p.onHand < p.minimumStock)),
        onHandBySummingLedger: time(() => ledgerSums(core.db), 5),
        partsListCall: time(() => core.services.parts.list()),
        partsListCallThroughDispatch: time(() => core.dispatch('parts.list', {})),
        reorderList: time(() => core.services.parts.reorderList()),
        attentionItems: time(() => core.services.parts.attentionItems()),
      },
    };
    return result;
  } finally {
    core.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
