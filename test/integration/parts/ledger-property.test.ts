import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../electron/node/app';
import { ledgerSums } from '../../../electron/node/db/parts';
import { silentLogger } from '../../../electron/node/log/logger';
import { PartFields, PartMove } from '../../../shared/domain/parts';
import { AppError } from '../../../shared/ipc/result';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

const temp = tempDir();
const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock: new FakeClock(), resolveHost: () => Promise.resolve(true) });
afterAll(() => {
  core.dispose();
  temp.cleanup();
});
const parts = core.services.parts;
let serial = 0;

const step = fc.record({
  kind: fc.constantFrom('receive', 'consume', 'adjust', 'return', 'reverse' as const),
  quantity: fc.integer({ min: 1, max: 8 }),
  up: fc.boolean(),
  override: fc.boolean(),
});

describe('the stock ledger (property)', () => {
  it('keeps on hand == sum of movements, never below zero without a recorded override, and alerts exactly while below minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(step, { maxLength: 25 }), (minimum, steps) => {
        serial += 1;
        const part = parts.create(PartFields.parse({ name: `Part ${serial}`, partNumber: `P-${serial}`, category: 'other', minimumStock: minimum, reorderQuantity: 2 }));
        let expected = 0;
        let lastAlertId: string | undefined;
        for (const s of steps) {
          const before = expected;
          try {
            if (s.kind === 'reverse') {
              const target = parts.movements({ partId: part.id }).find((m) => m.kind !== 'reversal' && m.reversedById === null);
              if (!target) continue;
              const { movement } = parts.reverse({ movementId: target.id, reason: 'typo', override: s.override });
              expected += movement.delta;
            } else {
              const input = PartMove.parse({ partId: part.id, kind: s.kind, quantity: s.quantity, override: s.override, ...(s.kind === 'adjust' ? { direction: s.up ? 'up' : 'down', reason: 'count' } : {}) });
              const { movement } = parts.move(input);
              expected += movement.delta;
              expect(movement.override).toBe(expected < 0);
            }
          } catch (error) {
            // Refused: only a move below zero without override; nothing changed.
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).code).toBe('conflict');
            expect(s.override).toBe(false);
          }
          const now = parts.get(part.id);
          expect(now.onHand).toBe(expected);
          expect(ledgerSums(core.db).get(part.id)).toBe(expected);
          const alert = parts.attentionItems().find((i) => i.id.startsWith(`parts.low:${part.id}:`));
          expect(alert !== undefined).toBe(expected < minimum);
          expect(now.belowMinimum).toBe(expected < minimum);
          // The same id for as long as it stays below; a new one on each new crossing.
          const wasBelow = before < minimum;
          if (alert && wasBelow && lastAlertId) expect(alert.id).toBe(lastAlertId);
          if (alert && !wasBelow && lastAlertId) expect(alert.id).not.toBe(lastAlertId);
          if (alert) lastAlertId = alert.id;
        }
        const ledger = parts.movements({ partId: part.id });
        expect(ledger[0]?.balanceAfter ?? 0).toBe(expected);
        for (const m of ledger) if (m.balanceAfter < 0 && m.delta < 0) expect(m.override).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
