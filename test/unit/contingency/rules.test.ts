import { describe, expect, it } from 'vitest';
import { Contact, PlanUpdate, autoOpenDecision, nextReviewDay, planTemplate, reviewDue, type CounterState } from '../../../shared/domain/contingency';
import { loadPlanTemplateText } from '../../../electron/node/services/contingency/contingency-service';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const dev = (deviceId: string, overall: string, sinceMinutes = 0, archived = false): CounterState => ({ deviceId, overall, since: at(sinceMinutes), archived });
const base = { notCounter: new Set<string>(), thresholdMinutes: 3, sessionOpen: false, lastOutageStart: null };

describe('"terminal down" opens by itself', () => {
  it('when every counter terminal has been down longer than the threshold, from when the last went down', () => {
    const devices = [dev('a', 'offline', 0), dev('b', 'fault', 2)];
    expect(autoOpenDecision({ ...base, devices, now: T0 + 4 * 60_000 })).toEqual({ open: false });
    expect(autoOpenDecision({ ...base, devices, now: T0 + 5 * 60_000 })).toEqual({ open: true, outageStart: at(2), deviceIds: ['a', 'b'] });
  });

  it('not while one counter terminal still takes cards, nor when there is none, nor with the threshold at 0', () => {
    const now = T0 + 60 * 60_000;
    expect(autoOpenDecision({ ...base, devices: [dev('a', 'offline'), dev('b', 'ok')], now })).toEqual({ open: false });
    expect(autoOpenDecision({ ...base, devices: [dev('a', 'offline'), dev('b', 'degraded')], now })).toEqual({ open: false });
    expect(autoOpenDecision({ ...base, devices: [dev('a', 'offline'), dev('b', 'unknown')], now })).toEqual({ open: false });
    expect(autoOpenDecision({ ...base, devices: [], now })).toEqual({ open: false });
    expect(autoOpenDecision({ ...base, thresholdMinutes: 0, devices: [dev('a', 'offline')], now })).toEqual({ open: false });
  });

  it('not for backup or drill devices: a backup that is down neither opens it nor keeps it shut, an archived device does not count', () => {
    const now = T0 + 60 * 60_000;
    const notCounter = new Set(['backup', 'drill']);
    // Only the backup and the drill unit are down: the counter takes cards.
    expect(autoOpenDecision({ ...base, notCounter, devices: [dev('counter', 'ok'), dev('backup', 'offline'), dev('drill', 'offline')], now })).toEqual({ open: false });
    // Every device down, but only backup/drill ones: no counter terminal, nothing to open.
    expect(autoOpenDecision({ ...base, notCounter, devices: [dev('backup', 'offline'), dev('drill', 'fault')], now })).toEqual({ open: false });
    // The counter is down while the backup is fine: it opens, and names only the counter.
    expect(autoOpenDecision({ ...base, notCounter, devices: [dev('counter', 'offline', 1), dev('backup', 'ok'), dev('drill', 'ok'), dev('old', 'ok', 0, true)], now })).toEqual({ open: true, outageStart: at(1), deviceIds: ['counter'] });
  });

  it('not twice: not while a session is open, not again for the same outage, again for the next one', () => {
    const devices = [dev('a', 'offline', 0)];
    const now = T0 + 10 * 60_000;
    expect(autoOpenDecision({ ...base, devices, now, sessionOpen: true })).toEqual({ open: false });
    expect(autoOpenDecision({ ...base, devices, now, lastOutageStart: at(0) })).toEqual({ open: false });
    // The terminal came back and went down again at minute 20: a new outage.
    expect(autoOpenDecision({ ...base, devices: [dev('a', 'offline', 20)], now: T0 + 30 * 60_000, lastOutageStart: at(0) })).toMatchObject({ open: true, outageStart: at(20) });
  });
});

describe('the review reminder', () => {
  it('is due on the day the interval ends after the last review, and from the start when never reviewed', () => {
    expect(nextReviewDay('2026-01-15', 6)).toBe('2026-07-15');
    expect(reviewDue('2026-01-15', 6, '2026-07-14')).toBe(false);
    expect(reviewDue('2026-01-15', 6, '2026-07-15')).toBe(true);
    expect(reviewDue(null, 6, '2026-01-01')).toBe(true);
  });

  it('counts months across the year end and clips to the month\'s last day', () => {
    expect(nextReviewDay('2025-11-30', 3)).toBe('2026-02-28');
    expect(nextReviewDay('2026-08-31', 12)).toBe('2027-08-31');
    expect(nextReviewDay('2026-01-31', 1)).toBe('2026-02-28');
  });
});

describe('plan fields', () => {
  const issueKey = (result: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) => result.error?.issues.map((i) => `${i.path.join('.')}:${i.message}`);

  it('refuse a contact with no way to reach them and a phone with letters', () => {
    expect(issueKey(Contact.safeParse({ kind: 'vendor', name: 'Vendor', phone: '' }))).toEqual(['phone:contingency.contactUnreachable']);
    expect(issueKey(Contact.safeParse({ kind: 'vendor', name: 'Vendor', phone: '400-ABC-123' }))).toEqual(['phone:contingency.phoneInvalid']);
    expect(Contact.safeParse({ kind: 'vendor', name: 'Vendor', phone: '+86 (21) 5555-0100 转 12' }).success).toBe(true);
    expect(Contact.safeParse({ kind: 'it', name: 'IT', other: 'it@store.example' }).success).toBe(true);
  });

  it('refuse a review interval of zero and an unknown field', () => {
    expect(issueKey(PlanUpdate.safeParse({ reviewIntervalMonths: 0 }))).toEqual(['reviewIntervalMonths:contingency.reviewIntervalInvalid']);
    expect(PlanUpdate.safeParse({ reviewIntervalMonths: 6, nonsense: 1 }).success).toBe(false);
  });

  it('the seed template in both languages has the five kinds of contact, the three duties and the fallback wording', () => {
    for (const language of ['zh-CN', 'en'] as const) {
      const plan = planTemplate(loadPlanTemplateText(language));
      expect(plan.contacts.map((c) => c.kind)).toEqual(['vendor', 'acquirer', 'it', 'power', 'internet']);
      expect(plan.roles.map((r) => r.duty)).toEqual(['decides', 'calls', 'serves']);
      expect(plan.qrProcedure.length).toBeGreaterThan(20);
      expect(plan.customerWording.length).toBeGreaterThan(10);
    }
    expect(planTemplate(loadPlanTemplateText('zh-CN')).customerWording).toMatch(/扫码/);
    expect(planTemplate(loadPlanTemplateText('en')).customerWording).toMatch(/QR code/);
    // Both shipped files list the same contacts in the same order, each filled in its language.
    const [zh, en] = (['zh-CN', 'en'] as const).map((language) => loadPlanTemplateText(language));
    expect(zh!.contacts.map((c) => [c.kind, c.phone])).toEqual(en!.contacts.map((c) => [c.kind, c.phone]));
    expect(zh!.contacts.every((c) => /[\u4e00-\u9fff]/.test(c.name))).toBe(true);
  });
});
