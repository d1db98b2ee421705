/**
 * Time, injected: the protocol layer never calls the global timers itself, so tests drive it
 * with a ManualClock and the app passes systemClock.
 */
export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, milliseconds) => globalThis.setTimeout(callback, milliseconds),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

interface ManualTimer {
  id: number;
  due: number;
  callback: () => void;
}

/** A clock that only moves when told to; timers fire in due order during advance(). */
export class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];
  private nextId = 1;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    const timer = { id: this.nextId++, due: this.current + Math.max(0, milliseconds), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Pending timers, for assertions that nothing is left running. */
  get pending(): number {
    return this.timers.length;
  }

  advance(milliseconds: number): void {
    const target = this.current + milliseconds;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.timers) if (timer.due <= target && (!next || timer.due < next.due || (timer.due === next.due && timer.id < next.id))) next = timer;
      if (!next) break;
      const fired = next;
      this.timers = this.timers.filter((timer) => timer !== fired);
      this.current = Math.max(this.current, fired.due);
      fired.callback();
    }
    this.current = target;
  }
}
