/** Issue 12, item 3: a checklist step may carry a photo of what was found; only a real image, only while open. */
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import { PlanCreate, type OccurrenceDetail } from '../../../shared/domain/maintenance';
import { FakeClock } from '../../helpers/clock';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../devices/fakes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

// A 1x1 PNG.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('a photo on a maintenance checklist step', () => {
  it('is kept with the step, replaced or removed while the occurrence is open, and refused when it is no image or the work is done', async () => {
    const temp = tempDir();
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock: new FakeClock(), resolveHost: () => Promise.resolve(true) });
    cleanups.push(temp.cleanup, () => core.dispose());
    const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'serial', path: 'COM3' } }));
    const plan = core.services.maintenance.createPlan(
      PlanCreate.parse({ title: 'Monthly', steps: [{ text: 'Cables' }, { text: 'Dust' }], target: { kind: 'devices', deviceIds: [device.id] }, schedule: { kind: 'rule', rule: 'FREQ=MONTHLY', start: '2026-03-01T09:00:00' } }),
    );
    const ref = { planId: plan.id, deviceId: device.id, original: '2026-03-01T09:00:00' };
    const call = async (input: Record<string, unknown>) => core.dispatch('maintenance.stepPhoto', { ...ref, ...input });

    const saved = await call({ index: 1, photo: PNG });
    expect(saved.ok && (saved.value as OccurrenceDetail).record.steps[1]!.photo).toBe(PNG);
    expect(core.services.maintenance.getOccurrence(ref).record.steps.map((s) => s.photo ?? null)).toEqual([null, PNG]);

    const notImage = await call({ index: 0, photo: 'data:text/html;base64,PHNjcmlwdD4=' });
    expect(notImage.ok ? '' : notImage.error.details?.issues?.[0]?.messageKey).toBe('devices.invalidPhoto');
    const noStep = await call({ index: 5, photo: PNG });
    expect(noStep.ok ? '' : noStep.error.details?.issues?.[0]?.messageKey).toBe('maintenance.noSuchStep');

    expect((await call({ index: 1, photo: null })).ok).toBe(true);
    expect(core.services.maintenance.getOccurrence(ref).record.steps[1]!.photo).toBeNull();

    core.services.maintenance.complete(ref, { doneBy: 'Li', minutesSpent: 5, partsUsed: '' });
    const closed = await call({ index: 0, photo: PNG });
    expect(closed.ok ? '' : closed.error.details?.issues?.[0]?.messageKey).toBe('maintenance.alreadyClosed');
    expect(core.services.maintenance.getOccurrence(ref).record.steps[0]!.photo ?? null).toBeNull();
  });
});
