import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { TerminalAbortResult } from '../../../shared/domain/terminals';
import type { ApiError } from '../../../shared/ipc/result';
import { call } from '../api/client';

/** The live terminal links as the console controls them directly (the registry's commands go through the devices store). */
export const useTerminalsStore = defineStore('terminals', () => {
  /** Terminal (= device) ids whose Abort request is on its way. */
  const aborting = ref<Record<string, boolean>>({});

  /**
   * Asks the terminal to abort the command it runs (06 B0, PA00P015 2.23). The command itself then
   * ends as the terminal decides, and its caller sees that result.
   */
  async function abort(id: string): Promise<{ result?: TerminalAbortResult; error?: ApiError }> {
    aborting.value = { ...aborting.value, [id]: true };
    const result = await call('terminals.abort', { id });
    const next = { ...aborting.value };
    delete next[id];
    aborting.value = next;
    return result.ok ? { result: result.value } : { error: result.error };
  }

  return { aborting, abort };
});
