// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { transactionAmount } from '../../../renderer/src/components/transactions/format';

describe('amounts in the transaction list and the receipt drawer', () => {
  it('show money taken back (reversal, refund) with a minus, and a payment or a decline without', () => {
    expect(transactionAmount({ kind: 'payment', amountCents: 1250 })).toBe('12.50');
    expect(transactionAmount({ kind: 'reversal', amountCents: 1250 })).toBe('-12.50');
    expect(transactionAmount({ kind: 'refund', amountCents: 5 })).toBe('-0.05');
    expect(transactionAmount({ kind: 'declined', amountCents: 999 })).toBe('9.99');
  });
});

describe('card types in reconciliation and search', () => {
  it('are named by their end-of-day totals group in the manager language, never shown as raw codes when a name exists', async () => {
    const { i18n, setLanguage } = await import('../../../renderer/src/i18n');
    const { cardGroupName, CARD_GROUPS } = await import('../../../renderer/src/components/transactions/format');
    const t = (key: string) => i18n.global.t(key);
    setLanguage('zh-CN');
    expect(cardGroupName('other', t)).toBe('其他（银联、支付宝等）');
    expect(cardGroupName('eurocard', t)).toBe('万事达（Mastercard）');
    for (const group of CARD_GROUPS) expect(cardGroupName(group, t)).not.toContain('transactions.');
    setLanguage('en');
    expect(cardGroupName('amex', t)).toBe('American Express');
    // A code PosCare has no name for (an import from elsewhere) is shown as it is.
    expect(cardGroupName('C6', t)).toBe('C6');
    expect(cardGroupName(null, t)).toBe('');
  });
});
