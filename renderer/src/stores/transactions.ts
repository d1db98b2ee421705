import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ReconciliationDayDetail, ReconciliationList, TransactionExportResult, TransactionRecord, TransactionTotals } from '../../../shared/domain/transactions';
import type { MethodInput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call } from '../api/client';

export type TransactionFilters = Omit<MethodInput<'transactions.search'>, 'cursor' | 'limit'>;

/** Transaction search (keyset pages), reconciliation and export. */
export const useTransactionsStore = defineStore('transactions', () => {
  const items = ref<TransactionRecord[]>([]);
  const error = ref<ApiError>();
  const loading = ref(false);
  /** Cursors of the pages seen so far; the last one is where the next page starts. */
  const cursors = ref<(string | undefined)[]>([undefined]);
  const page = ref(0);
  const nextCursor = ref<string | null>(null);
  const reconciliation = ref<ReconciliationList>();
  const day = ref<ReconciliationDayDetail>();
  /** Count and net amount of everything the filters match; undefined while it is being counted. */
  const totals = ref<TransactionTotals>();
  let filters: TransactionFilters | undefined;
  let searchNumber = 0;

  async function fetchPage(index: number): Promise<void> {
    if (!filters) return;
    loading.value = true;
    const cursor = cursors.value[index];
    const result = await call('transactions.search', { ...filters, limit: 50, ...(cursor ? { cursor } : {}) });
    loading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = undefined;
    items.value = result.value.items;
    page.value = index;
    nextCursor.value = result.value.nextCursor;
    if (result.value.nextCursor) cursors.value[index + 1] = result.value.nextCursor;
  }

  async function search(next: TransactionFilters): Promise<void> {
    filters = next;
    cursors.value = [undefined];
    totals.value = undefined;
    const mine = ++searchNumber;
    // The totals walk the range a day at a time: the first page shows while they are counted.
    void call('transactions.totals', next).then((result) => {
      if (mine === searchNumber && result.ok) totals.value = result.value;
    });
    await fetchPage(0);
  }

  const nextPage = () => (nextCursor.value ? fetchPage(page.value + 1) : Promise.resolve());
  const previousPage = () => (page.value > 0 ? fetchPage(page.value - 1) : Promise.resolve());

  async function reconcile(input: MethodInput<'transactions.reconcile'>): Promise<ApiError | undefined> {
    const result = await call('transactions.reconcile', input);
    if (!result.ok) return result.error;
    reconciliation.value = result.value;
    return undefined;
  }

  async function openDay(terminalId: string, businessDay: string): Promise<ApiError | undefined> {
    const result = await call('transactions.reconcileDay', { terminalId, businessDay });
    if (!result.ok) return result.error;
    day.value = result.value;
    return undefined;
  }

  async function exportRange(input: MethodInput<'transactions.export'>): Promise<{ value?: TransactionExportResult; error?: ApiError }> {
    const result = await call('transactions.export', input);
    return result.ok ? { value: result.value } : { error: result.error };
  }

  return { items, error, loading, page, nextCursor, totals, reconciliation, day, search, nextPage, previousPage, reconcile, openDay, exportRange };
});
