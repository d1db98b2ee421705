import type { TransactionRecord } from '../../../../shared/domain/transactions';

/** An amount in yuan with two decimals; a reversal or refund takes money back and shows a minus. */
export function transactionAmount(row: Pick<TransactionRecord, 'kind' | 'amountCents'>): string {
  const sign = row.kind === 'reversal' || row.kind === 'refund' ? '-' : '';
  return `${sign}${(row.amountCents / 100).toFixed(2)}`;
}
