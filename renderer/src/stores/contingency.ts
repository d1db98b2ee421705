import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DownSession, PlanView } from '../../../shared/domain/contingency';
import type { Device } from '../../../shared/domain/devices';
import type { Overall } from '../../../shared/domain/status';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';
import { useDevicesStore } from './devices';

type ContingencyMethod = Extract<MethodName, `contingency.${string}`>;

/**
 * The contingency plan and the "terminal down" session. `showDown` is whether the full-window
 * checklist is shown: it opens by itself when the core opens a session by itself.
 */
export const useContingencyStore = defineStore('contingency', () => {
  const view = ref<PlanView>();
  const loadError = ref<ApiError>();
  const session = ref<DownSession | null>(null);
  const showDown = ref(false);
  let subscribed = false;

  const plan = computed(() => view.value?.plan);

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    on('contingency.changed', (event) => {
      session.value = event.session;
      if (event.reason === 'autoOpened') showDown.value = true;
      if (event.what === 'plan') void load();
    });
  }

  async function load(): Promise<void> {
    subscribe();
    const result = await call('contingency.get');
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    loadError.value = undefined;
    view.value = result.value;
    session.value = result.value.session;
  }

  /** Calls a contingency method; answers the value or the error (a plan answer replaces the plan, a session answer the session). */
  async function act<M extends ContingencyMethod>(method: M, input: MethodInput<M>): Promise<{ value?: MethodOutput<M>; error?: ApiError }> {
    const result = await call(method, input);
    if (!result.ok) return { error: result.error };
    const value = result.value as unknown;
    if (value && typeof value === 'object' && 'plan' in value) view.value = value as PlanView;
    else if (value && typeof value === 'object' && 'outageStart' in value) session.value = (value as DownSession).endedAt ? null : (value as DownSession);
    return { value: result.value };
  }

  /** The plan's backup terminals still in the registry, each with its live overall status; `downId`, the terminal that is down, is left out. */
  function backupsFor(downId?: string): { device: Device; overall: Overall }[] {
    const devices = useDevicesStore();
    return (plan.value?.backupDeviceIds ?? []).flatMap((id) => {
      const device = devices.byId.get(id);
      return device && id !== downId ? [{ device, overall: devices.statuses[id]?.overall ?? 'unknown' }] : [];
    });
  }

  return { view, plan, loadError, session, showDown, subscribe, load, act, backupsFor };
});
