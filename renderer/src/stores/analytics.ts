import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AnalyticsSummary } from '../../../shared/domain/analytics';
import type { ApiError } from '../../../shared/ipc/result';
import { call } from '../api/client';

/** Reliability figures for the whole store or one device. */
export const useAnalyticsStore = defineStore('analytics', () => {
  const summaries = ref<Record<string, AnalyticsSummary>>({});
  const error = ref<ApiError>();

  async function load(deviceId?: string): Promise<void> {
    const result = await call('analytics.summary', deviceId ? { deviceId } : {});
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = undefined;
    summaries.value = { ...summaries.value, [deviceId ?? 'all']: result.value };
  }

  return { summaries, error, load };
});
