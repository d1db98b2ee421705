/**
 * 保养日历 in browser mode against the ZVT simulator: a monthly inspection for a simulated
 * terminal is created from a template, shows in the month and list views, its self-test step runs
 * on the terminal, a "problem" step opens an incident, and completing it leaves the occurrence
 * done with the next one planned.
 */
import { expect, test, type Page } from '@playwright/test';
import { startSimulator, type RunningSimulator } from '../../electron/node/simulator/index';
import { ServeProcess } from './server';

function field(page: Page, id: string) {
  return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}

/** Today in the store's timezone (the default store profile: Asia/Shanghai). */
function storeToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

test.describe('maintenance calendar', () => {
  let server: ServeProcess;
  let simulator: RunningSimulator;

  test.beforeEach(async () => {
    simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 }, controlPort: 0 });
    server = new ServeProcess();
    await server.start();
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
    await simulator.close();
  });

  test('a monthly inspection is planned, worked through on the terminal and completed', async ({ page }) => {
    test.setTimeout(120_000);
    const api = (method: string, input: unknown) => server.api(method, input);
    const device = (await api('devices.create', { name: '收银台 7', model: 'VX 520', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } })) as { id: string };
    const today = storeToday();

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

    // A problem step opens an incident for that terminal.
    await page.getByTestId('maintenance-answer-4-problem').click();
    await page.getByTestId('maintenance-incident-4').click();
    await expect(page.getByTestId('maintenance-incident-link-4')).toBeVisible();
    const incidents = (await api('incidents.list', { openOnly: true })) as { deviceId: string; symptoms: string }[];
    expect(incidents).toEqual([expect.objectContaining({ deviceId: device.id, symptoms: expect.stringContaining('每月巡检') })]);

    await field(page, 'maintenance-done-by').fill('李经理');
    await page.getByTestId('maintenance-complete').click();
    await expect(page.getByTestId('occurrence-state-done')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.locator('.maintenance-event--done').first()).toBeVisible();

    // The next one is planned a month later.
    const next = new Date(`${today}T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 2);
    const window = (await api('maintenance.occurrences', { from: today, to: next.toISOString().slice(0, 10) })) as { occurrences: { state: string; at: string }[] };
    expect(window.occurrences.map((o) => o.state)).toEqual(['done', 'planned', 'planned']);
  });
});
