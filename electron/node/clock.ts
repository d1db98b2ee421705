/**
 * Time, injected: the one Clock of the plain-Node side. `now()` is epoch milliseconds (as
 * Date.now()); a service that needs a Date or an ISO string makes one from it (`isoNow`). The
 * timers are the global ones' shapes. The composition root (app.ts) takes `systemClock` (or a
 * test's fake) once and passes it to every service; tests use the one fake in
 * test/helpers/clock.ts, whose time moves only when told.
 *
 * The ZVT protocol layer imports nothing outside itself, so it declares its own, smaller Clock
 * (protocol/zvt/clock.ts: now and timeouts); this Clock has the same members and satisfies it.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, milliseconds: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

type NodeTimer = ReturnType<typeof globalThis.setTimeout>;

/** The real clock; app.ts is the only place that picks it. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, milliseconds) => globalThis.setTimeout(callback, milliseconds),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as NodeTimer),
  setInterval: (callback, milliseconds) => globalThis.setInterval(callback, milliseconds),
  clearInterval: (handle) => globalThis.clearInterval(handle as NodeTimer),
};

/** The clock's time as an ISO string (what the database stores). */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

/** A background timer must not keep the process alive (the CLI exits when its work is done). */
export function unrefTimer(handle: TimerHandle): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}
