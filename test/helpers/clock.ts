import type { Clock, TimerHandle } from '../../electron/node/clock';

interface FakeTimer {
  id: number;
  due: number;
  every: number | undefined;
  callback: () => void;
}

/**
 * The one fake clock of the tests (it is also the ZVT protocol's Clock): time moves only through
 * advance() / advanceMinutes() (timers fire in due order on the way) or by setting `time`
 * (no timers fire).
 */
export class FakeClock implements Clock {
  time: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start: number = Date.parse('2026-03-02T08:00:00.000Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    return this.add(callback, milliseconds, undefined);
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  setInterval(callback: () => void, milliseconds: number): TimerHandle {
    return this.add(callback, milliseconds, Math.max(1, milliseconds));
  }

  clearInterval(handle: TimerHandle): void {
    this.clearTimeout(handle);
  }

  private add(callback: () => void, milliseconds: number, every: number | undefined): number {
    const timer = { id: this.nextId++, due: this.time + Math.max(0, milliseconds), every, callback };
    this.timers.push(timer);
    return timer.id;
  }

  /** Pending timers, for assertions that nothing is left running. */
  get pending(): number {
    return this.timers.length;
  }

  advance(milliseconds: number): void {
    const target = this.time + milliseconds;
    while (this.fireNext(target));
    this.time = target;
  }

  /** As advance(), letting the work each timer started (promises, I/O callbacks) settle before the next one fires. */
  async advanceSettling(milliseconds: number): Promise<void> {
    const target = this.time + milliseconds;
    while (this.fireNext(target)) await new Promise((resolve) => setImmediate(resolve));
    this.time = target;
  }

  private fireNext(target: number): boolean {
    let next: FakeTimer | undefined;
    for (const timer of this.timers) if (timer.due <= target && (!next || timer.due < next.due || (timer.due === next.due && timer.id < next.id))) next = timer;
    if (!next) return false;
    const fired = next;
    this.time = Math.max(this.time, fired.due);
    if (fired.every === undefined) this.timers = this.timers.filter((timer) => timer !== fired);
    else fired.due += fired.every;
    fired.callback();
    return true;
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}
