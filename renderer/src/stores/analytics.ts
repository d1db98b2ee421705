import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AnalyticsQuery, AnalyticsSummary } from '../../../shared/domain/analytics';
import type { ApiError } from '../../../shared/ipc/result';
import { addDays, zonedDay } from '../../../shared/domain/time';
import { call, on } from '../api/client';

/** How long to wait after an incident change before reloading (a burst of changes reloads once). */
export const REFRESH_DELAY_MS = 250;

export const ANALYTICS_PRESETS = ['30d', '90d', '12m', 'custom'] as const;
export type AnalyticsPreset = (typeof ANALYTICS_PRESETS)[number];

/** The window the manager picked; `from`/`to` are local calendar days (YYYY-MM-DD), used by `custom` only. */
export interface AnalyticsRange {
  preset: AnalyticsPreset;
  from?: string;
  to?: string;
}

const DEFAULT_RANGE: AnalyticsRange = { preset: '12m' };
const DAY = 86_400_000;
const PRESET_DAYS: Record<Exclude<AnalyticsPreset, 'custom'>, number> = { '30d': 30, '90d': 90, '12m': 365 };

/**
 * The range after picking a preset: custom keeps the days already picked, else the last 30 days
 * up to today, today being the store's day (its time zone), not the PC's.
 */
export function withPreset(range: AnalyticsRange, preset: AnalyticsPreset, timeZone: string, now: Date = new Date()): AnalyticsRange {
  if (preset !== 'custom') return { preset };
  const today = zonedDay(now.getTime(), timeZone);
  return { preset, from: range.from ?? addDays(today, -30), to: range.to ?? today };
}

/** The API query of a range: presets count back from now, a custom range names whole store-local days (the core turns them into instants in the store's time zone and stops at now). */
function queryOf(range: AnalyticsRange, deviceId: string | undefined, now: Date = new Date()): AnalyticsQuery {
  const query: AnalyticsQuery = deviceId ? { deviceId } : {};
  if (range.preset === 'custom') {
    if (range.from) query.fromDay = range.from;
    if (range.to) query.toDay = range.to;
  } else {
    query.from = new Date(now.getTime() - PRESET_DAYS[range.preset] * DAY).toISOString();
    query.to = now.toISOString();
  }
  return query;
}

/** Reliability figures for the whole store ('all') or one device, over the window picked for each; reloaded when incidents change. */
export const useAnalyticsStore = defineStore('analytics', () => {
  const summaries = ref<Record<string, AnalyticsSummary>>({});
  const ranges = ref<Record<string, AnalyticsRange>>({});
  /** The last failed load per key (a validation error names the field: from or to). */
  const errors = ref<Record<string, ApiError | undefined>>({});
  let subscribed = false;
  let pending: ReturnType<typeof setTimeout> | undefined;

  const keyOf = (deviceId?: string) => deviceId ?? 'all';
  const rangeOf = (deviceId?: string): AnalyticsRange => ranges.value[keyOf(deviceId)] ?? DEFAULT_RANGE;
  const summaryOf = (deviceId?: string): AnalyticsSummary | undefined => summaries.value[keyOf(deviceId)];
  const errorOf = (deviceId?: string): ApiError | undefined => errors.value[keyOf(deviceId)];

  async function load(deviceId?: string): Promise<void> {
    const key = keyOf(deviceId);
    const result = await call('analytics.summary', queryOf(rangeOf(deviceId), deviceId));
    if (!result.ok) {
      errors.value = { ...errors.value, [key]: result.error };
      return;
    }
    errors.value = { ...errors.value, [key]: undefined };
    summaries.value = { ...summaries.value, [key]: result.value };
  }

  /** Picks the window of the board or of one device and loads its figures. */
  async function setRange(deviceId: string | undefined, range: AnalyticsRange): Promise<void> {
    ranges.value = { ...ranges.value, [keyOf(deviceId)]: { ...range } };
    await load(deviceId);
  }

  /** Every summary on screen is computed again (incidents opened, edited or resolved change every figure). */
  function refresh(): void {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      for (const key of Object.keys(summaries.value)) void load(key === 'all' ? undefined : key);
    }, REFRESH_DELAY_MS);
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    on('incidents.changed', refresh);
  }

  return { summaries, ranges, errors, rangeOf, summaryOf, errorOf, load, setRange, refresh, subscribe };
});
