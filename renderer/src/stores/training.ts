import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StaffMember, TrainingCell, TrainingOverview } from '../../../shared/domain/training';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

type TrainingMethod = Extract<MethodName, `staff.${string}` | `training.${string}`>;

/** The staff roster and training: one overview (people, modules, assignments, records, statuses), reloaded on every change. */
export const useTrainingStore = defineStore('training', () => {
  const overview = ref<TrainingOverview>();
  const loadError = ref<ApiError>();
  let subscribed = false;

  const activeStaff = computed<StaffMember[]>(() => (overview.value?.staff ?? []).filter((s) => !s.archived));
  const activeModules = computed(() => (overview.value?.modules ?? []).filter((m) => !m.archived));
  const cells = computed(() => new Map((overview.value?.cells ?? []).map((c) => [`${c.staffId}/${c.moduleId}`, c])));

  function cell(staffId: string, moduleId: string): TrainingCell | undefined {
    return cells.value.get(`${staffId}/${moduleId}`);
  }

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      on('training.changed', () => void load());
    }
    const result = await call('training.overview');
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    loadError.value = undefined;
    overview.value = result.value;
  }

  /** Calls a roster or training method and reloads; answers the value or the error. */
  async function act<M extends TrainingMethod>(method: M, input: MethodInput<M>): Promise<{ value?: MethodOutput<M>; error?: ApiError }> {
    const result = await call(method, input);
    if (!result.ok) return { error: result.error };
    await load();
    return { value: result.value };
  }

  return { overview, loadError, activeStaff, activeModules, cell, load, act };
});
