import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { HandDayTotal, StatementFindings, StatementImportResult, StatementPreview } from '../../../shared/domain/statements';
import type { MethodInput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call } from '../api/client';

type Outcome<T> = { value?: T; error?: ApiError };

/** Acquirer statements: preview and import a file, the findings of a date range, hand-entered day totals. */
export const useStatementsStore = defineStore('statements', () => {
  const findings = ref<StatementFindings>();
  /** The hand-entered day totals of standalone terminals in the range. */
  const handTotals = ref<(HandDayTotal & { enteredAt: string })[]>([]);
  const range = ref<{ from: string; to: string }>();

  async function act<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>): Promise<Outcome<T>> {
    const result = await promise;
    return result.ok ? { value: result.value } : { error: result.error };
  }

  const preview = (input: MethodInput<'statements.preview'>): Promise<Outcome<StatementPreview>> => act(call('statements.preview', input));
  const importFile = (input: MethodInput<'statements.import'>): Promise<Outcome<StatementImportResult>> => act(call('statements.import', input));

  async function load(from: string, to: string): Promise<ApiError | undefined> {
    range.value = { from, to };
    const [result, totals] = await Promise.all([call('statements.findings', { from, to }), call('statements.handTotals', { from, to })]);
    if (!result.ok) return result.error;
    if (!totals.ok) return totals.error;
    findings.value = result.value;
    handTotals.value = totals.value;
    return undefined;
  }

  async function saveHandTotal(input: MethodInput<'statements.saveHandTotal'>): Promise<ApiError | undefined> {
    const result = await call('statements.saveHandTotal', input);
    if (!result.ok) return result.error;
    if (range.value) await load(range.value.from, range.value.to);
    return undefined;
  }

  return { findings, handTotals, range, preview, importFile, load, saveHandTotal };
});
