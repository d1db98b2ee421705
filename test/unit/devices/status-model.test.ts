import { describe, expect, it } from 'vitest';
import { compareVersions, nextStatus, sameStatus } from '../../../electron/node/services/devices/status-model';
import { UNKNOWN_STATUS, changedParts, type StatusFields } from '../../../shared/domain/status';

const ready = (extra: Partial<StatusFields> = {}): StatusFields => nextStatus({ ...UNKNOWN_STATUS, ...extra }, { link: 'ready', terminalStatus: 0x00 });

describe('the status model', () => {
  it('stays unknown until the terminal manager reports a link', () => {
    expect(nextStatus(UNKNOWN_STATUS, {}).overall).toBe('unknown');
  });

  it('is ok when the link is ready and the terminal reports status 00 (ready)', () => {
    const status = ready();
    expect(status.overall).toBe('ok');
    expect(status.printer).toBe('ok');
    expect(status.cardReader).toBe('ok');
  });

  it('goes offline when the link drops and back to ok when it is ready again', () => {
    const offline = nextStatus(ready(), { link: 'disconnected' });
    expect(offline.overall).toBe('offline');
    expect(nextStatus(offline, { link: 'failed' }).overall).toBe('offline');
    expect(nextStatus(offline, { link: 'ready' }).overall).toBe('ok');
  });

  it('is a fault for a printer out of paper (terminal status CC): it refuses payments, so it is down for the shop; ok again after status 00', () => {
    const noPaper = nextStatus(ready(), { terminalStatus: 0xcc });
    expect(noPaper.overall).toBe('fault');
    expect(noPaper.printer).toBe('noPaper');
    expect(noPaper.lastErrorCode).toBe('terminal:0xCC');
    expect(noPaper.lastErrorText?.zh).toBe('打印机未就绪');
    const back = nextStatus(noPaper, { terminalStatus: 0x00 });
    expect(back.overall).toBe('ok');
    expect(back.printer).toBe('ok');
    // The last error stays visible after recovery.
    expect(back.lastErrorCode).toBe('terminal:0xCC');
  });

  it('is a fault when the card reader does not answer (terminal status E2)', () => {
    const status = nextStatus(ready(), { terminalStatus: 0xe2 });
    expect(status.overall).toBe('fault');
    expect(status.cardReader).toBe('fault');
  });

  it('is a fault when the payment host cannot be reached or the terminal overheats', () => {
    expect(nextStatus(ready(), { hostReachable: false }).overall).toBe('fault');
    expect(nextStatus(ready(), { temperature: 'overheat' }).overall).toBe('fault');
  });

  it('knows the temperature once the terminal answers a status enquiry: normal when ready', () => {
    expect(UNKNOWN_STATUS.temperature).toBe('unknown');
    expect(ready().temperature).toBe('ok');
  });

  it('is a fault with temperature overheat while the terminal reports out of order (DF), and ok again once it has cooled down', () => {
    const hot = nextStatus(ready(), { terminalStatus: 0xdf });
    expect(hot).toMatchObject({ temperature: 'overheat', overall: 'fault', lastErrorCode: 'terminal:0xDF' });
    expect(hot.lastErrorText?.zh).toBe('终端停用');
    // Still hot on the next poll: no change.
    expect(sameStatus(hot, nextStatus(hot, { terminalStatus: 0xdf }))).toBe(true);
    // A command aborting with the generic system error (FF) says nothing about the temperature.
    expect(nextStatus(hot, { resultCode: 0xff }).temperature).toBe('overheat');
    const cooled = nextStatus(hot, { terminalStatus: 0x00 });
    expect(cooled).toMatchObject({ temperature: 'ok', overall: 'ok' });
    // Cooled down but out of paper: the temperature is ok, the printer is not (and no receipt, no sale).
    expect(nextStatus(hot, { terminalStatus: 0xcc })).toMatchObject({ temperature: 'ok', overall: 'fault', printer: 'noPaper' });
  });

  it('does not call the link unstable when the terminal answered over it that it is out of paper', () => {
    // The terminal manager reports its link degraded with the terminal's "not ready" answer.
    const noPaper = nextStatus(ready(), { link: 'degraded', terminalStatus: 0xcc });
    expect(noPaper).toMatchObject({ link: 'ready', overall: 'fault', printer: 'noPaper' });
    // A health check that got no answer at all is an unstable link.
    expect(nextStatus(ready(), { link: 'degraded' })).toMatchObject({ link: 'degraded', overall: 'degraded' });
    // Paper running low still prints: degraded, not down.
    expect(nextStatus(ready(), { printer: 'paperLow' }).overall).toBe('degraded');
  });

  it('keeps the last known temperature while the link is down', () => {
    const hot = nextStatus(ready(), { terminalStatus: 0xdf });
    const offline = nextStatus(hot, { link: 'disconnected' });
    expect(offline).toMatchObject({ overall: 'offline', temperature: 'overheat' });
  });

  it('is only degraded while the terminal waits for a software update (9C)', () => {
    expect(nextStatus(ready(), { terminalStatus: 0x9c }).overall).toBe('degraded');
  });

  it('is degraded when the software is older than the newest version seen for the model', () => {
    const status = nextStatus(ready(), { softwareVersion: '1.9.2' }, { latestSoftwareVersion: '1.10.0' });
    expect(status.softwareCurrent).toBe(false);
    expect(status.overall).toBe('degraded');
    expect(nextStatus(status, { softwareVersion: '1.10.0' }, { latestSoftwareVersion: '1.10.0' }).overall).toBe('ok');
  });

  it('translates a failed command result code and keeps the link state', () => {
    const status = nextStatus(ready(), { resultCode: 0x64 });
    expect(status.lastErrorCode).toBe('result:0x64');
    expect(status.lastErrorText?.en).toBe('Card not readable');
    expect(status.overall).toBe('ok');
  });

  it('lets an explicit printer report (paper low) override what codes implied', () => {
    expect(nextStatus(ready(), { printer: 'paperLow' }).overall).toBe('degraded');
  });

  it('sees no change when the same observation repeats', () => {
    const a = ready();
    expect(sameStatus(a, nextStatus(a, { link: 'ready', terminalStatus: 0 }))).toBe(true);
    expect(sameStatus(a, nextStatus(a, { link: 'busy' }))).toBe(true);
    expect(sameStatus(a, nextStatus(a, { link: 'degraded' }))).toBe(false);
  });

  it('compares software versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.2')).toBe(1);
    expect(compareVersions('2.0', '2.0.0')).toBe(0);
    expect(compareVersions('1.2.3', '1.2.4')).toBe(-1);
  });

  it('names what else changed between two timeline rows, but not a host or software version that became unknown', () => {
    const before = ready({ hostReachable: true, softwareVersion: '1.0' });
    expect(changedParts(before, before)).toEqual([]);
    expect(changedParts({ ...before, printer: 'noPaper', hostReachable: false, softwareVersion: '1.1' }, before)).toEqual(['printer', 'hostReachable', 'softwareVersion']);
    expect(changedParts({ ...before, hostReachable: null, softwareVersion: null, temperature: 'overheat' }, before)).toEqual(['temperature']);
  });
});

describe('the status timeline', () => {
  const row = (id: number, since: string, extra: Partial<StatusFields> = {}) => ({ ...ready(), id, deviceId: 'd', since, updatedAt: since, previousOverall: null, ...extra });

  it('collapses repeats into one entry with a count and a time span, keeping rows that say something new', async () => {
    const { collapseTimeline, shortErrorCode } = await import('../../../shared/domain/status');
    const failed = { overall: 'fault' as const, lastErrorCode: 'result:0x64', link: 'ready' as const };
    // Newest first: ok, then three alike faults, then a printer change, then ok.
    const entries = collapseTimeline([
      row(6, '2026-03-02T08:06:00.000Z'),
      row(5, '2026-03-02T08:05:00.000Z', failed),
      row(4, '2026-03-02T08:04:00.000Z', failed),
      row(3, '2026-03-02T08:03:00.000Z', failed),
      row(2, '2026-03-02T08:02:00.000Z', { ...failed, printer: 'noPaper' }),
      row(1, '2026-03-02T08:01:00.000Z'),
    ]);
    expect(entries.map((e) => [e.change.id, e.count, e.firstSince.slice(11, 16)])).toEqual([
      [6, 1, '08:06'],
      [5, 3, '08:03'],
      [2, 1, '08:02'],
      [1, 1, '08:01'],
    ]);
    expect(entries[1]!.index).toBe(1);
    expect(shortErrorCode('terminal:0xcc')).toBe('CC');
    expect(shortErrorCode('something else')).toBe('something else');
  });
});
