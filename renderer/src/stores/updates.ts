import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { UpdateStatus } from '../../../shared/domain/updates';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

/**
 * The self-update state of the desktop app: a snapshot from `updates.get`, then every
 * `updates.state` event. `supported` is false where PosCare does not update itself (browser mode).
 */
export const useUpdatesStore = defineStore('updates', () => {
  const status = ref<UpdateStatus>();
  const supported = ref<boolean>();
  const actionError = ref<ApiError>();
  const installing = ref(false);
  let unsubscribe: (() => void) | undefined;

  /** Browser mode never asks: the server could only answer 'unavailable' (and the browser logs every such answer). */
  async function load(mode: 'electron' | 'browser'): Promise<void> {
    if (mode === 'browser') {
      supported.value = false;
      return;
    }
    const result = await call('updates.get');
    if (!result.ok) {
      // 'unavailable': this app does not update itself (not installed); anything else is a failure to show.
      if (result.error.code === 'unavailable') supported.value = false;
      else actionError.value = result.error;
      return;
    }
    supported.value = true;
    status.value = result.value;
    unsubscribe ??= on('updates.state', (next) => {
      status.value = next;
    });
  }

  async function check(): Promise<void> {
    actionError.value = undefined;
    const result = await call('updates.check');
    if (result.ok) status.value = result.value;
    else actionError.value = result.error;
  }

  async function installNow(): Promise<void> {
    actionError.value = undefined;
    installing.value = true;
    const result = await call('updates.installNow');
    if (!result.ok) {
      installing.value = false;
      actionError.value = result.error;
    }
  }

  function dispose(): void {
    unsubscribe?.();
    unsubscribe = undefined;
  }

  return { status, supported, actionError, installing, load, check, installNow, dispose };
});
