import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { TransactionTotals } from '../../../shared/domain/transactions';
import type { ApiError } from '../../../shared/ipc/result';
import { call } from '../api/client';

/** Card takings of one terminal: today and since Monday (store days). */
export interface TerminalTakings {
  terminalId: string;
  today: TransactionTotals;
  week: TransactionTotals;
}

/**
 * The home screen's own figures: card takings per terminal for today and this week. Everything
 * else on the home screen (terminal states, incidents, backups, attention) is read from the
 * sections' stores.
 */
export const useHomeStore = defineStore('home', () => {
  const takings = ref<TerminalTakings[]>([]);
  const error = ref<ApiError>();
  const loaded = ref(false);

  async function loadTakings(terminalIds: readonly string[], today: string, weekStart: string): Promise<void> {
    const totals = (terminalId: string, from: string) => call('transactions.totals', { from, to: today, terminalId });
    const rows = await Promise.all(terminalIds.map(async (terminalId) => ({ terminalId, today: await totals(terminalId, today), week: await totals(terminalId, weekStart) })));
    const failed = rows.flatMap((row) => [row.today, row.week]).find((result) => !result.ok);
    error.value = failed && !failed.ok ? failed.error : undefined;
    takings.value = rows.flatMap((row) => (row.today.ok && row.week.ok ? [{ terminalId: row.terminalId, today: row.today.value, week: row.week.value }] : []));
    loaded.value = true;
  }

  return { takings, error, loaded, loadTakings };
});
