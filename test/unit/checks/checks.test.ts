import { describe, expect, it } from 'vitest';
import { checkedSinceOpening, failedParts, statusFromCheck, type CheckAnswers } from '../../../shared/domain/checks';
import { DeviceFields, connectionLabel } from '../../../shared/domain/devices';
import { REPORTED_SYMPTOMS, likelyGuideIds, suggestGuide } from '../../../shared/domain/guides';
import { UNKNOWN_STATUS, type StatusFields } from '../../../shared/domain/status';
import { describeErrorCode, overallOf } from '../../../electron/node/services/devices/status-model';

const good: CheckAnswers = { powersOn: true, screen: true, network: true, testSlip: true, payment: true, paper: 'plenty' };

/** The status a check leaves on a terminal that had none. */
function after(answers: CheckAnswers): StatusFields {
  const fields = { ...UNKNOWN_STATUS, ...statusFromCheck(answers, '2026-03-02T02:00:00.000Z') };
  return { ...fields, overall: overallOf(fields) };
}

describe('a staff check as a status', () => {
  it('maps each answer to the normalized status and the part that failed', () => {
    expect(after(good)).toMatchObject({ overall: 'ok', link: 'standalone', printer: 'ok', hostReachable: true, lastErrorCode: null });
    expect(after({ ...good, paper: 'low' })).toMatchObject({ overall: 'degraded', printer: 'paperLow', lastErrorCode: 'check:paper' });
    expect(after({ ...good, paper: 'none' })).toMatchObject({ overall: 'fault', printer: 'noPaper' });
    expect(after({ ...good, testSlip: false })).toMatchObject({ overall: 'fault', printer: 'jam', lastErrorCode: 'check:testSlip' });
    expect(after({ ...good, network: false, payment: false })).toMatchObject({ overall: 'fault', hostReachable: false, cardReader: 'unknown', lastErrorCode: 'check:network' });
    expect(after({ ...good, payment: false })).toMatchObject({ overall: 'fault', cardReader: 'fault' });
    expect(after({ ...good, screen: false })).toMatchObject({ overall: 'fault', lastErrorCode: 'check:screen' });
  });

  it('a terminal that does not power on fails only that, whatever else was tapped', () => {
    const off = { ...good, powersOn: false };
    expect(failedParts(off)).toEqual(['powersOn']);
    expect(after(off)).toMatchObject({ overall: 'fault', printer: 'unknown', hostReachable: null, staffCheck: { failed: ['powersOn'] } });
  });

  it('a standalone terminal never checked is unknown, not offline', () => {
    expect(overallOf({ ...UNKNOWN_STATUS, link: 'standalone', staffCheck: null })).toBe('unknown');
  });

  it('words the check codes in both languages', () => {
    expect(describeErrorCode('check:testSlip')).toEqual({ zh: '人工检查：打印不出测试单', en: 'Staff check: test slip does not print' });
    expect(describeErrorCode('check:nonsense')).toBeNull();
  });

  it('picks the guide from what staff saw', () => {
    expect(suggestGuide({ ...after({ ...good, powersOn: false }), softwareCurrent: null })).toBe('power');
    expect(suggestGuide(after({ ...good, screen: false }))).toBe('display');
    expect(suggestGuide(after({ ...good, testSlip: false }))).toBe('printer');
    expect(suggestGuide(after({ ...good, network: false }))).toBe('hostUnreachable');
    expect(likelyGuideIds(after(good))[0]).toBe('crashes');
  });
});

describe('not checked today', () => {
  const store = { timezone: 'Asia/Shanghai', businessHours: { opens: '09:00' } };
  it('counts from the opening time of the store-local day, and before it from yesterday', () => {
    const at = Date.parse('2026-03-02T02:00:00Z'); // 10:00 Shanghai
    expect(checkedSinceOpening(null, at, store)).toBe(false);
    expect(checkedSinceOpening('2026-03-02T01:05:00Z', at, store)).toBe(true); // 09:05
    expect(checkedSinceOpening('2026-03-02T00:55:00Z', at, store)).toBe(false); // 08:55, before opening
    const early = Date.parse('2026-03-02T00:30:00Z'); // 08:30, not open yet
    expect(checkedSinceOpening('2026-03-01T01:30:00Z', early, store)).toBe(true);
    expect(checkedSinceOpening('2026-03-01T00:30:00Z', early, store)).toBe(false);
  });
});

describe('the standalone link in the registry', () => {
  it('takes connection {type: none} and refuses a bad network or hotline', () => {
    expect(DeviceFields.parse({ name: 'X', connection: { type: 'none' } })).toMatchObject({ connection: { type: 'none' }, network: '', acquirer: '', acquirerHotline: '' });
    expect(connectionLabel({ type: 'none' })).toBe('');
    const bad = DeviceFields.safeParse({ name: 'X', connection: { type: 'none' }, network: '5g', acquirerHotline: 'call me' });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.message).sort()).toEqual(['devices.invalidHotline', 'devices.invalidNetwork']);
    expect(DeviceFields.safeParse({ name: 'X', connection: { type: 'none', host: 'x' } }).success).toBe(true);
  });

  it('every hand-reported symptom names a shipped guide', () => {
    expect(Object.values(REPORTED_SYMPTOMS).every((id) => likelyGuideIds(undefined).includes(id))).toBe(true);
  });
});
