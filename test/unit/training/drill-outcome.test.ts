/**
 * A drill's outcome measures the trainee, not PosCare: an incident PosCare opened by itself (the
 * drill terminal stayed down past the auto-open delay) is "noticed" only when the trainee acts on
 * it (a step or the fault class), and the steps PosCare records itself are not the trainee's.
 */
import { describe, expect, it } from 'vitest';
import { drillOutcome } from '../../../electron/node/services/training/drill-service';
import type { Incident, IncidentStep } from '../../../shared/domain/incidents';

const START = '2026-12-05T02:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();
const drill = { startedAt: START, expectedClass: 'peripheral' as const, classifiedAt: null as string | null };

function step(minutes: number, prompt: string, answer: string, guideId: string | null = null): IncidentStep {
  return { id: minutes, at: at(minutes), guideId, nodeId: null, prompt, answer, note: '' };
}

function incident(fields: Partial<Incident>): Incident {
  return {
    id: 'i1', deviceId: 'd1', openedAt: at(5), closedAt: null, durationMs: 0, state: 'open', faultClass: null, cause: null, symptoms: '', severity: 'medium',
    fallbackUsed: '', partsUsed: '', costCents: 0, resolution: '', vendorTicket: '', autoOpened: false, autoResolved: false, guideId: null, steps: [], escalation: null,
    ...fields,
  } as Incident;
}

describe('drill outcome', () => {
  it('counts an incident the trainee opened from its opening', () => {
    expect(drillOutcome(drill, [incident({ openedAt: at(3) })], at(20)).noticedMs).toBe(3 * 60_000);
  });

  it('counts an incident PosCare opened by itself from the trainee’s first step, not from its opening', () => {
    const auto = incident({ autoOpened: true, openedAt: at(5), steps: [step(9, 'Is there paper?', 'No', 'printer'), step(11, 'Load a new roll', 'Done', 'printer')] });
    expect(drillOutcome(drill, [auto], at(20))).toMatchObject({ noticedMs: 9 * 60_000, steps: 2 });
  });

  it('takes the fault class set before any step as the moment the trainee noticed', () => {
    const auto = incident({ autoOpened: true, steps: [step(12, 'Is there paper?', 'No')] });
    expect(drillOutcome({ ...drill, classifiedAt: at(7) }, [auto], at(20)).noticedMs).toBe(7 * 60_000);
  });

  it('says "never noticed" when the trainee did nothing, and does not count PosCare’s own resolve step', () => {
    const untouched = incident({ autoOpened: true, autoResolved: true, closedAt: at(15), steps: [step(15, 'status', 'fault -> ok')] });
    expect(drillOutcome(drill, [untouched], at(20))).toMatchObject({ noticedMs: null, steps: 0, resolved: true });
  });

  it('has no outcome without an incident', () => {
    expect(drillOutcome(drill, [], at(20))).toMatchObject({ incidentId: null, noticedMs: null, steps: 0 });
  });
});
