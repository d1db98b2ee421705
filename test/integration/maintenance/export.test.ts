/**
 * Issue 12, item 7: the schedule as an .ics file and the done work as XLSX. The .ics is read back
 * by ical.js (Mozilla's parser, as in Thunderbird), which expands the recurrences with the file's
 * own VTIMEZONE: a calendar program must see the same dates the console shows, skipped ones gone,
 * moved ones moved, in the store's timezone whatever the PC's timezone is.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import { PlanCreate } from '../../../shared/domain/maintenance';
import type { Result } from '../../../shared/ipc/result';
import { FakeClock } from '../../helpers/clock';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../devices/fakes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

// 2026-03-02 08:00 UTC = Monday 2 March 16:00 in Shanghai.
async function setup() {
  const temp = tempDir();
  const out = tempDir();
  const clock = new FakeClock();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, out.cleanup, () => core.dispose());
  const device = await core.services.devices.create(DeviceCreate.parse({ name: '收银台 1', location: '前台', connection: { type: 'serial', path: 'COM3' } }));
  return { core, clock, device, dataDir: temp.dir, outDir: out.dir };
}

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** Every VEVENT of the file expanded by ical.js into `YYYY-MM-DDTHH:mm:ss` in the store's timezone, up to `until`. */
function expand(text: string, until: string): { summary: string; uid: string; starts: string[] }[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const masters = calendar.getAllSubcomponents('vevent').filter((e) => !e.hasProperty('recurrence-id'));
  return masters.map((component) => {
    const event = new ICAL.Event(component);
    for (const other of calendar.getAllSubcomponents('vevent')) {
      if (other.hasProperty('recurrence-id') && other.getFirstPropertyValue('uid') === event.uid) event.relateException(other);
    }
    const starts: string[] = [];
    if (!event.isRecurring()) starts.push(event.startDate.toString());
    else {
      const iterator = event.iterator();
      for (let next = iterator.next(); next && next.toString() <= until; next = iterator.next()) starts.push(event.getOccurrenceDetails(next).startDate.toString());
    }
    return { summary: event.summary, uid: event.uid, starts: starts.sort() };
  });
}

describe('maintenance exports', () => {
  it('writes the schedule as an .ics a calendar program expands to the console’s dates: RRULE, skipped as EXDATE, moved as an override, UNTIL in UTC', async () => {
    const { core, device, outDir } = await setup();
    const plan = core.services.maintenance.createPlan(
      PlanCreate.parse({
        title: '月度巡检',
        purpose: '检查指示灯、屏幕、线缆',
        steps: [{ text: '自检', command: 'selfTest' }, { text: '线缆牢固' }],
        target: { kind: 'devices', deviceIds: [device.id] },
        schedule: { kind: 'rule', rule: 'FREQ=MONTHLY;BYDAY=1MO;UNTIL=20260831', start: '2026-01-05T09:00:00' },
      }),
    );
    const ref = (original: string) => ({ planId: plan.id, deviceId: device.id, original });
    core.services.maintenance.skip(ref('2026-02-02T09:00:00'), '春节休息');
    core.services.maintenance.move(ref('2026-04-06T09:00:00'), '2026-04-07T14:30:00');
    core.services.maintenance.complete(ref('2026-03-02T09:00:00'), { doneBy: '王芳', minutesSpent: 20, partsUsed: '' });
    core.services.maintenance.createPlan(
      PlanCreate.parse({ title: 'Deep clean', steps: [{ text: 'Clean' }], target: { kind: 'store' }, schedule: { kind: 'floating', every: 10, unit: 'days', start: '2026-03-10T18:00:00' } }),
    );

    const out = path.join(outDir, 'maintenance.ics');
    const written = value<{ file: string; rows: number; bytes: number }>(await core.dispatch('maintenance.exportCalendar', { out }));
    expect(written).toMatchObject({ file: out, rows: 2, bytes: fs.statSync(out).size });
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai');
    expect(text).toContain('DTSTART;TZID=Asia/Shanghai:20260105T090000');
    // A date-only UNTIL is the end of that store day, in UTC (RFC 5545 3.3.10 with a TZID start).
    expect(text).toMatch(/RRULE:FREQ=MONTHLY;BYDAY=\+?1MO;UNTIL=20260831T155959Z/);

    const events = expand(text, '2027-01-01T00:00:00');
    const inspection = events.find((e) => e.summary === '月度巡检 · 收银台 1')!;
    const shown = core.services.maintenance
      .occurrences({ from: '2026-01-01', to: '2026-12-31', planId: plan.id })
      .occurrences.filter((o) => o.state !== 'skipped')
      .map((o) => o.at);
    expect(inspection.starts).toEqual(shown);
    expect(inspection.starts).toContain('2026-04-07T14:30:00');
    expect(inspection.starts).not.toContain('2026-02-02T09:00:00');
    expect(inspection.starts.at(-1)).toBe('2026-08-03T09:00:00');
    const clean = events.find((e) => e.summary.startsWith('Deep clean'))!;
    expect(clean.starts).toEqual(['2026-03-10T18:00:00']);

    // The same file again: refused unasked, replaced when confirmed, with the same UIDs (a re-import updates).
    const again = await core.dispatch('maintenance.exportCalendar', { out });
    expect(again.ok ? '' : again.error.code).toBe('path_exists');
    value(await core.dispatch('maintenance.exportCalendar', { out, overwrite: true }));
    expect(expand(fs.readFileSync(out, 'utf8'), '2027-01-01T00:00:00').map((e) => e.uid).sort()).toEqual(events.map((e) => e.uid).sort());
  });

  it('exports the work done and skipped between two store days as XLSX, with the store’s wall times', async () => {
    const { core, clock, device, outDir } = await setup();
    const plan = core.services.maintenance.createPlan(
      PlanCreate.parse({ title: '月度巡检', steps: [{ text: '自检' }, { text: '线缆牢固' }], target: { kind: 'devices', deviceIds: [device.id] }, schedule: { kind: 'rule', rule: 'FREQ=MONTHLY;BYMONTHDAY=1', start: '2026-01-01T09:00:00' } }),
    );
    const ref = (original: string) => ({ planId: plan.id, deviceId: device.id, original });
    core.services.maintenance.answerStep(ref('2026-02-01T09:00:00'), 1, 'problem', '网线松动');
    core.services.maintenance.complete(ref('2026-02-01T09:00:00'), { doneBy: '王芳', minutesSpent: 25, partsUsed: '网线 1 根' });
    core.services.maintenance.skip(ref('2026-03-01T09:00:00'), '停业装修');
    clock.advanceMinutes(60 * 24 * 40);
    core.services.maintenance.complete(ref('2026-04-01T09:00:00'), { doneBy: '李强', minutesSpent: 10, partsUsed: '' });

    const out = path.join(outDir, 'done.xlsx');
    const written = value<{ rows: number }>(await core.dispatch('maintenance.exportDone', { from: '2026-03-02', to: '2026-03-31', out }));
    expect(written.rows).toBe(2);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('保养记录');
    expect(sheet.getRow(1).getCell(1).value).toBe('完成时间');
    const first = sheet.getRow(2);
    // Done at 2026-03-02 08:00 UTC = 16:00 in Shanghai.
    expect((first.getCell(1).value as Date).toISOString()).toBe('2026-03-02T16:00:00.000Z');
    expect(first.getCell(2).value).toBe('月度巡检');
    expect(first.getCell(3).value).toBe('收银台 1');
    expect(first.getCell(5).value).toBe('已完成');
    expect(first.getCell(6).value).toBe('王芳');
    expect(first.getCell(9).value).toBe('2. 线缆牢固: 网线松动');
    expect(sheet.getRow(3).getCell(5).value).toBe('已跳过');
    expect(sheet.getRow(3).getCell(11).value).toBe('停业装修');
    // The April completion (done 2026-04-11) lies outside the window.
    expect(sheet.rowCount).toBe(3);

    const reversed = await core.dispatch('maintenance.exportDone', { from: '2026-03-31', to: '2026-03-01', out: path.join(outDir, 'x.xlsx') });
    expect(reversed.ok ? '' : reversed.error.details?.issues?.[0]?.messageKey).toBe('maintenance.windowReversed');
    expect(fs.existsSync(path.join(outDir, 'x.xlsx'))).toBe(false);
  });
});
