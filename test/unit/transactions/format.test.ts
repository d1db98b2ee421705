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
