/**
 * Chinese first, everywhere (issue 11 item 5). A paper-out terminal on the ZVT simulator opens an
 * incident, the manager walks the printer guide until it is solved and makes the escalation pack;
 * then every page of the console is read in zh-CN. No page and no pack line may hold a Latin word
 * that is not a name the test typed, a brand, a unit or a code, nor a raw ISO date or timestamp.
 */
import type { Page } from '@playwright/test';
import { simulatorControl as control } from '../helpers/simulator';
import { untranslated } from '../helpers/untranslated';
import { expect, test } from './fixtures';

/** What the test itself names, and the simulator's software version (store, devices, parts and people from the demo data are Chinese). */
const NAMES = ['收银台 1', 'SIM-E2E-01', 'PosCare-SIM'];

async function shownText(page: Page): Promise<string> {
  // Visible text, plus the values of read-only inputs that show dates (date pickers).
  return page.evaluate(() => {
    const inputs = [...document.querySelectorAll<HTMLInputElement>('input')].filter((i) => i.offsetParent !== null && i.type === 'text').map((i) => i.value);
    return `${document.body.innerText}\n${inputs.join('\n')}`;
  });
}

test.describe('Chinese everywhere', () => {
  test.use({ demoData: { transactions: 200, days: 3 } });

  test('a paper-out terminal is walked to solved in zh-CN, and no page or pack line is English or an ISO time', async ({ page, server, simulator }) => {
    test.setTimeout(180_000);
    const api = (method: string, input: unknown) => server.api(method, input);
    await api('incidents.updateSettings', { autoOpenAfterMinutes: 0.05 });
    const device = await api('devices.create', { name: '收银台 1', serialNumber: 'SIM-E2E-01', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
    await page.goto(server.url);
    await page.goto(`${server.url.replace(/#.*$/, '')}#/devices/${device.id}`);
    await expect(page.getByTestId('status-ok').first()).toBeVisible({ timeout: 30_000 });

    expect(await control(simulator.controlPort!, 'fault paper-out on')).toMatch(/^ok/);
    await page.getByTestId('command-statusEnquiry').click();
    await page.getByTestId('nav-incidents').click();
    const openIncident = page.locator('[data-testid^="incident-state-"]').first();
    await expect(openIncident).toBeVisible({ timeout: 30_000 });
    await openIncident.click();
    await expect(page).toHaveURL(/#\/incidents\/[0-9a-f-]+$/);

    // The printer guide is chosen for a paper-out terminal; paper loaded, then the live print test.
    await expect(page.getByTestId('guide-node-paper')).toBeVisible();
    await page.getByTestId('guide-answer-0').click();
    await expect(page.getByTestId('guide-node-loadPaper')).toBeVisible();
    expect(await control(simulator.controlPort!, 'fault paper-out off')).toMatch(/^ok/);
    await page.getByTestId('guide-answer-0').click();
    await page.getByTestId('guide-run').click();
    await expect(page.getByTestId('guide-resolution')).toBeVisible({ timeout: 20_000 });

    await page.getByTestId('escalate').click();
    const packBox = page.locator('textarea[data-testid="escalation-text"], [data-testid="escalation-text"] textarea').first();
    await expect(packBox).not.toHaveValue('');
    const pack = await packBox.inputValue();
    expect(pack).toContain('打印配置');
    expect(untranslated(pack, NAMES), pack).toEqual({ latin: [], isoDates: [] });

    // Every page, as a manager clicks through them.
    const leaks: Record<string, ReturnType<typeof untranslated>> = {};
    const pages = ['#/home', '#/devices', `#/devices/${device.id}`, '#/incidents', page.url().replace(/^.*#/, '#'), '#/maintenance', '#/parts', '#/training', '#/contingency', '#/transactions', '#/backup', '#/settings'];
    for (const hash of pages) {
      await page.goto(`${server.url.replace(/#.*$/, '')}${hash}`);
      await page.waitForLoadState('networkidle');
      await expect(page.locator('.el-loading-mask')).toHaveCount(0);
      // The data folder's path and the time zone's IANA name are shown as they are.
      const found = untranslated(await shownText(page), [...NAMES, server.dataDir, 'Asia/Shanghai']);
      if (found.latin.length || found.isoDates.length) leaks[hash.replace(device.id, ':id').replace(/incidents\/[0-9a-f-]+/, 'incidents/:id')] = found;
    }
    expect(leaks).toEqual({});
  });
});
