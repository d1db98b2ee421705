import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AnalyticsSummary } from '../../../shared/domain/analytics';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

/** How long to wait after an incident change before reloading (a burst of changes reloads once). */
export const REFRESH_DELAY_MS = 250;

/** Reliability figures for the whole store or one device; reloaded when incidents change. */
export const useAnalyticsStore = defineStore('analytics', () => {
  const summaries = ref<Record<string, AnalyticsSummary>>({});
  const error = ref<ApiError>();
  let subscribed = false;
  let pending: ReturnType<typeof setTimeout> | undefined;

  async function load(deviceId?: string): Promise<void> {
    const result = await call('analytics.summary', deviceId ? { deviceId } : {});
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = undefined;
    summaries.value = { ...summaries.value, [deviceId ?? 'all']: result.value };
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

  return { summaries, error, load, refresh, subscribe };
});
