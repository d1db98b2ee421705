/**
 * Reconnect delays: exponential with full-range jitter around the nominal value, so a shop's
 * terminals that lost power together do not all knock at once when it returns.
 */
export interface BackoffPolicy {
  initialMs: number;
  maximumMs: number;
  factor: number;
  /** 0..1: the delay is nominal * (1 - jitter + 2 * jitter * random). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maximumMs: 60_000, factor: 2, jitter: 0.2 };

/** Delay before reconnect attempt `attempt` (1 = the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const nominal = Math.min(policy.maximumMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  const spread = nominal * policy.jitter;
  return Math.max(0, Math.round(nominal - spread + 2 * spread * random()));
}
