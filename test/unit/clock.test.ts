import { describe, expect, it } from 'vitest';
import { isoNow, systemClock } from '../../electron/node/clock';
import type { Clock as ProtocolClock } from '../../electron/node/protocol/zvt/index';
import { FakeClock } from '../helpers/clock';

describe('the one clock', () => {
  it('is what the protocol layer needs (the app passes the same clock to the ZVT sessions)', () => {
    const forProtocol: ProtocolClock = systemClock;
    expect(Math.abs(forProtocol.now() - Date.now())).toBeLessThan(1_000);
  });

  it('fake: timeouts fire once and intervals every period, in due order, at their own time', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00.000Z'));
    const fired: string[] = [];
    const every = clock.setInterval(() => fired.push(`tick ${isoNow(clock).slice(11, 16)}`), 60_000);
    clock.setTimeout(() => fired.push(`once ${isoNow(clock).slice(11, 16)}`), 90_000);
    clock.advanceMinutes(3);
    expect(fired).toEqual(['tick 08:01', 'once 08:01', 'tick 08:02', 'tick 08:03']);
    clock.clearInterval(every);
    clock.advanceMinutes(5);
    expect(fired).toHaveLength(4);
    expect(clock.pending).toBe(0);
  });
});
