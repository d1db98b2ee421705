import type { TransactionRecord } from '../../../../shared/domain/transactions';

/** An amount in yuan with two decimals; a reversal or refund takes money back and shows a minus. */
export function transactionAmount(row: Pick<TransactionRecord, 'kind' | 'amountCents'>): string {
  const sign = row.kind === 'reversal' || row.kind === 'refund' ? '-' : '';
  return `${sign}${(row.amountCents / 100).toFixed(2)}`;
}

/** A sum of money in yuan with two decimals and thousands separators (¥1,234.50). */
export function yuan(cents: number): string {
  return `¥${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The end-of-day totals groups (BMP 60, ZVT 3.1.3) a captured card type is counted in. */
export const CARD_GROUPS = ['girocard', 'jcb', 'eurocard', 'amex', 'visa', 'diners', 'other'] as const;

/** A card type as the manager reads it: the totals group's name, else the stored code itself. */
export function cardGroupName(code: string | null | undefined, t: (key: string) => string): string {
  if (!code) return '';
  return (CARD_GROUPS as readonly string[]).includes(code) ? t(`transactions.cardGroups.${code}`) : code;
}
