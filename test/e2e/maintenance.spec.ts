/**
 * 保养日历 in browser mode against the ZVT simulator: a monthly inspection for a simulated
 * terminal is created from a template, shows in the month and list views, its self-test step runs
 * on the terminal, a "problem" step opens an incident, and completing it leaves the occurrence
 * done with the next one planned.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, field, test } from './fixtures';

/** Today in the store's timezone (the default store profile: Asia/Shanghai). */
function storeToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

test.describe('maintenance calendar', () => {

  test('a monthly inspection is planned, worked through on the terminal and completed', async ({ page, server, simulator }) => {
    test.setTimeout(120_000);
    const api = (method: string, input: unknown) => server.api(method, input);
    const device = (await api('devices.create', { name: '收银台 7', model: 'VX 520', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } })) as { id: string };
    const today = storeToday();
    const paper = (await api('parts.create', { name: '打印纸 57×40', partNumber: 'PAPER-57', category: 'paper_roll', minimumStock: 2, reorderQuantity: 20 })) as { id: string };
    await api('parts.move', { partId: paper.id, kind: 'receive', quantity: 10 });

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(server.url);
    await page.getByTestId('nav-maintenance').click();
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await page.screenshot({ path: 'test-results/maintenance-empty-zh.png' });

    await page.getByTestId('maintenance-new-plan').click();
    await page.getByTestId('maintenance-template').click();
    await page.getByRole('option', { name: '每月巡检' }).click();
    await expect(field(page, 'maintenance-title')).toHaveValue('每月巡检');
    await page.getByTestId('maintenance-devices').click();
    await page.getByRole('option', { name: '收银台 7' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('maintenance-preset').click();
    await page.getByRole('option', { name: '高级（RRULE）' }).click();
    await field(page, 'maintenance-rule').fill(`FREQ=MONTHLY;BYMONTHDAY=${Number(today.slice(8, 10))}`);
    await field(page, 'maintenance-start').fill(`${today}T09:00:00`);
    // Shown the way zh-CN writes a date, never the ISO form.
    await expect(page.getByTestId('maintenance-preview')).toContainText(`${today.replace(/-/g, '/')} 09:00`);
    await page.screenshot({ path: 'test-results/maintenance-editor-zh.png' });
    await page.getByTestId('maintenance-save').click();

    // Month view, then the list view.
    const event = page.locator('.maintenance-event', { hasText: '每月巡检 · 收银台 7' }).first();
    await expect(event).toBeVisible();
    await expect(page.locator('.maintenance-event--overdue, .maintenance-event--dueToday').first()).toBeVisible();
    await page.screenshot({ path: 'test-results/maintenance-month-zh.png' });
    await page.getByText('日程', { exact: true }).click();
    await expect(page.locator('.maintenance-event', { hasText: '每月巡检' }).first()).toBeVisible();
    await page.screenshot({ path: 'test-results/maintenance-list-zh.png' });

    // Open it and run the self-test on the simulator.
    await page.locator('.maintenance-event', { hasText: '每月巡检' }).first().click();
    await expect(page.getByTestId('maintenance-occurrence')).toBeVisible();
    await page.getByTestId('maintenance-run-1').click();
    await expect(page.getByTestId('maintenance-result-1')).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: 'test-results/maintenance-occurrence-zh.png' });

    // A problem step opens an incident for that terminal, with a photo of what was found.
    await page.getByTestId('maintenance-answer-4-problem').click();
    await page.getByTestId('maintenance-photo-4-input').setInputFiles({
      name: 'cable.png',
      mimeType: 'image/png',
      buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
    });
    await expect(page.getByTestId('maintenance-photo-4-image')).toBeVisible();
    await page.getByTestId('maintenance-incident-4').click();
    await expect(page.getByTestId('maintenance-incident-link-4')).toBeVisible();
    const incidents = (await api('incidents.list', { openOnly: true })) as { deviceId: string; symptoms: string }[];
    expect(incidents).toEqual([expect.objectContaining({ deviceId: device.id, symptoms: expect.stringContaining('每月巡检') })]);

    // A part taken from stock for this occurrence fills in "parts used".
    await page.getByTestId('use-part-select').click();
    await page.getByRole('option', { name: /打印纸/ }).click();
    await page.getByTestId('use-part').click();
    await page.getByTestId('move-submit').click();
    await expect(page.getByTestId('parts-used')).toContainText('打印纸 57×40 × 1');
    await expect(field(page, 'maintenance-parts-used')).toHaveValue('打印纸 57×40 × 1');

    // Who did it: picked from the staff roster, or typed (someone not on it).
    await page.getByTestId('maintenance-done-by').click();
    await page.keyboard.type('李经理');
    await page.keyboard.press('Enter');
    await page.screenshot({ path: 'test-results/maintenance-complete-zh.png' });
    await page.getByTestId('maintenance-complete').click();
    await expect(page.getByTestId('occurrence-state-done')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.locator('.maintenance-event--done').first()).toBeVisible();

    // The next one is planned a month later.
    const next = new Date(`${today}T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 2);
    const window = (await api('maintenance.occurrences', { from: today, to: next.toISOString().slice(0, 10) })) as { occurrences: { state: string; at: string }[] };
    expect(window.occurrences.map((o) => o.state)).toEqual(['done', 'planned', 'planned']);
    expect(((await api('parts.get', { id: paper.id })) as { onHand: number }).onHand).toBe(9);

    // The part's ledger names the work it went into as the calendar does, not by an internal key.
    await page.goto(`${server.url.replace(/#.*$/, '')}#/parts/${paper.id}`);
    const used = page.getByTestId('ledger-maintenance').first();
    await expect(used).toContainText('维护任务: 每月巡检 · 收银台 7 · ');
    await expect(used).not.toContainText('|');
  });

  test('exports the schedule as .ics and the work done as XLSX into a folder, asking before it replaces a file', async ({ page, server, simulator }) => {
    const api = (method: string, input: unknown) => server.api(method, input);
    const device = (await api('devices.create', { name: '收银台 7', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } })) as { id: string };
    await api('maintenance.createPlan', { title: '每月巡检', steps: [{ text: '检查线缆' }], target: { kind: 'devices', deviceIds: [device.id] }, schedule: { kind: 'rule', rule: 'FREQ=MONTHLY;BYDAY=1MO', start: '2026-01-05T09:00:00' } });
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-maintenance-export-'));
    try {
      await page.goto(server.url);
      await page.getByTestId('nav-maintenance').click();
      // The plan started in January: the occurrences since are past due, and the menu says how many.
      const attention = (await api('maintenance.attention', {})) as { kind: string; count: number }[];
      const overdue = attention.find((item) => item.kind === 'maintenance.overdue')!.count;
      expect(overdue).toBeGreaterThan(0);
      await expect(page.getByTestId('nav-badge-maintenance')).toHaveText(String(attention.reduce((sum, item) => sum + item.count, 0)));
      await expect(page.getByTestId('maintenance-overdue-count')).toContainText(String(overdue));
      await page.getByTestId('table-export').click();
      await field(page, 'maintenance-export-folder').fill(folder);
      await page.getByTestId('maintenance-export-ics').click();
      await expect(page.locator('.el-message--success').last()).toContainText('.ics');
      const [ics] = fs.readdirSync(folder);
      const text = fs.readFileSync(path.join(folder, ics!), 'utf8');
      expect(text).toContain('SUMMARY:每月巡检 · 收银台 7');
      expect(text).toContain('RRULE:FREQ=MONTHLY;BYDAY=+1MO');

      // The same file again: the manager is asked; cancelling keeps the file as it was.
      fs.writeFileSync(path.join(folder, ics!), 'the manager\'s own calendar');
      await page.getByTestId('maintenance-export-ics').click();
      const dialog = page.locator('.el-message-box');
      await expect(dialog).toContainText(ics!);
      await dialog.getByRole('button', { name: '取消' }).click();
      expect(fs.readFileSync(path.join(folder, ics!), 'utf8')).toBe('the manager\'s own calendar');

      await page.getByTestId('maintenance-export-xlsx').click();
      await expect(page.locator('.el-message--success').last()).toContainText('.xlsx');
      const xlsx = fs.readdirSync(folder).find((name) => name.endsWith('.xlsx'))!;
      expect(fs.readFileSync(path.join(folder, xlsx)).subarray(0, 2).toString()).toBe('PK');
      await page.screenshot({ path: 'test-results/maintenance-export-zh.png' });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('flags a terminal whose estimated next failure comes before its next inspection', async ({ page, server, simulator }) => {
    const api = (method: string, input: unknown) => server.api(method, input);
    const device = (await api('devices.create', { name: '收银台 9', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } })) as { id: string };
    const now = Date.now();
    for (const daysAgo of [20, 10]) {
      const opened = (await api('incidents.open', { deviceId: device.id, openedAt: new Date(now - daysAgo * 86_400_000).toISOString(), faultClass: 'hardware' })) as { id: string };
      await api('incidents.update', { id: opened.id, closedAt: new Date(now - daysAgo * 86_400_000 + 3_600_000).toISOString() });
    }
    const [estimate] = (await api('maintenance.forecast', {})) as { deviceId: string; inspectEarlier: boolean }[];
    expect(estimate).toMatchObject({ deviceId: device.id, inspectEarlier: true });
    await api('maintenance.createPlan', { title: '季度深度保养', steps: [{ text: '清洁' }], target: { kind: 'devices', deviceIds: [device.id] }, schedule: { kind: 'rule', rule: 'FREQ=YEARLY', start: `${new Date(now + 200 * 86_400_000).toISOString().slice(0, 10)}T09:00:00` } });

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(server.url);
    await page.getByTestId('nav-maintenance').click();
    await expect(page.getByTestId('maintenance-inspect-earlier')).toContainText('收银台 9');
    await expect(page.getByTestId('maintenance-inspect-earlier')).toContainText('下次检查');
    await page.screenshot({ path: 'test-results/maintenance-forecast-zh.png' });
  });
});
