import { describe, expect, it } from 'vitest';
import { addMonths, dateInZone, selfCheckScore, trainingStatus } from '../../../shared/domain/training';

const cashier = { id: 'p1', role: 'cashier' as const, startDate: '2026-01-10' };
const firstLine = { id: 'm1', refresherMonths: 6 };

describe('training dates', () => {
  it('adds months clamped to the month end, across years and leap years', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonths('2026-07-15', 12)).toBe('2027-07-15');
  });

  it("takes today's date in the store's timezone, not UTC", () => {
    const instant = new Date('2026-01-31T17:30:00Z');
    expect(dateInZone(instant, 'Asia/Shanghai')).toBe('2026-02-01');
    expect(dateInZone(instant, 'UTC')).toBe('2026-01-31');
    expect(dateInZone(new Date('2026-03-01T03:00:00Z'), 'America/New_York')).toBe('2026-02-28');
  });
});

describe('trainingStatus', () => {
  const byRole = [{ moduleId: 'm1', staffId: null, role: 'cashier' as const, dueDate: '2026-02-28' }];

  it('is due until the due date and overdue the day after (month end)', () => {
    expect(trainingStatus(cashier, firstLine, byRole, [], '2026-02-28').status).toBe('due');
    expect(trainingStatus(cashier, firstLine, byRole, [], '2026-03-01').status).toBe('overdue');
  });

  it('crosses the due date at midnight in the store timezone', () => {
    const evening = new Date('2026-02-28T16:30:00Z'); // 00:30 on 1 March in Shanghai, still 28 Feb in UTC
    expect(trainingStatus(cashier, firstLine, byRole, [], dateInZone(evening, 'Asia/Shanghai')).status).toBe('overdue');
    expect(trainingStatus(cashier, firstLine, byRole, [], dateInZone(evening, 'UTC')).status).toBe('due');
  });

  it('is done after a completion and expires after the refresher interval, clamped at a month end', () => {
    const records = [{ staffId: 'p1', moduleId: 'm1', completedOn: '2026-08-31' }];
    const done = trainingStatus(cashier, firstLine, byRole, records, '2027-02-27');
    expect(done).toMatchObject({ status: 'done', expiresOn: '2027-02-28' });
    expect(trainingStatus(cashier, firstLine, byRole, records, '2027-02-28').status).toBe('expired');
  });

  it('never expires without a refresher interval; the latest completion counts', () => {
    const records = [
      { staffId: 'p1', moduleId: 'm1', completedOn: '2026-02-01' },
      { staffId: 'p1', moduleId: 'm1', completedOn: '2026-09-01' },
    ];
    expect(trainingStatus(cashier, { id: 'm1', refresherMonths: null }, byRole, records.slice(0, 1), '2036-01-01').status).toBe('done');
    expect(trainingStatus(cashier, firstLine, byRole, records, '2027-02-28')).toMatchObject({ status: 'done', completedOn: '2026-09-01' });
  });

  it('gives a role assignment to new people on their start date, with the due date not before it', () => {
    const newcomer = { id: 'p2', role: 'cashier' as const, startDate: '2026-04-01' };
    expect(trainingStatus(newcomer, firstLine, byRole, [], '2026-03-31').status).toBe('none');
    expect(trainingStatus(newcomer, firstLine, byRole, [], '2026-04-01')).toMatchObject({ status: 'due', dueDate: '2026-04-01' });
    expect(trainingStatus(newcomer, firstLine, byRole, [], '2026-04-02').status).toBe('overdue');
  });

  it('ignores assignments to another role, another person or another module', () => {
    const others = [
      { moduleId: 'm1', staffId: null, role: 'technician' as const, dueDate: '2026-02-01' },
      { moduleId: 'm1', staffId: 'p9', role: null, dueDate: '2026-02-01' },
      { moduleId: 'm2', staffId: 'p1', role: null, dueDate: '2026-02-01' },
    ];
    expect(trainingStatus(cashier, firstLine, others, [], '2026-03-01').status).toBe('none');
  });

  it('scores the self-check as right answers', () => {
    expect(selfCheckScore([{ answer: 1 }, { answer: 0 }, { answer: 2 }], [1, 1, 2])).toBe(2);
    expect(selfCheckScore([{ answer: 1 }], [])).toBe(0);
  });
});
