/**
 * Time, injected: the protocol layer never calls the global timers itself. It imports nothing
 * outside protocol/, so it names the part of the app's Clock (electron/node/clock.ts) it uses;
 * that Clock, made once in the composition root, satisfies this one, and tests pass the shared
 * fake (test/helpers/clock.ts).
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
