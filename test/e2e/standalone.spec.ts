/**
 * A standalone Lakala terminal (4G to its acquirer, no link to this PC) in browser mode: registered
 * with its acquirer and hotline, shown "not checked today", checked by staff with the quick check,
 * a failed check opens an incident with the printer guide and an escalation pack naming the
 * acquirer and hotline, a passed check resolves it and MTBF/MTTR count it; a fault reported by
 * hand from the status board opens the guide of the symptom picked.
 */
import type { Page } from '@playwright/test';
import { expect, field, test } from './fixtures';

async function quickCheck(page: Page, name: string, failing: string[]): Promise<void> {
  await page.getByTestId(`quick-check-${name}`).click();
  const form = page.getByTestId('check-form');
  for (const item of ['powersOn', 'screen', 'network', 'testSlip', 'payment']) await form.getByTestId(`check-${item}-${failing.includes(item) ? 'no' : 'yes'}`).click();
  await form.getByTestId('check-paper-plenty').click();
  await form.getByTestId('check-save').click();
  await expect(form).toBeHidden();
}

test.describe('standalone terminals', () => {

  test('a standalone Lakala terminal is registered, checked by staff, fails, is escalated to its acquirer, and counts in MTBF/MTTR', async ({ page, server }) => {
    test.setTimeout(90_000);
    await page.goto(server.url);
    await page.getByTestId('add-device').first().click();
    await field(page, 'device-name').fill('前台拉卡拉');
    await field(page, 'device-model').fill('拉卡拉 电签 K2');
    await page.getByTestId('device-connection-none').click();
    await expect(page.getByTestId('device-standalone-hint')).toBeVisible();
    await expect(page.getByTestId('device-host')).toHaveCount(0);
    await field(page, 'device-acquirer').fill('拉卡拉');
    await field(page, 'device-acquirer-hotline').fill('95016');
    await page.getByTestId('device-save').click();
    await expect(page).toHaveURL(/#\/devices\/[0-9a-f-]+$/);

    await page.getByTestId('nav-devices').click();
    const card = page.getByTestId('device-card-前台拉卡拉');
    await expect(card.getByTestId('not-checked-today')).toBeVisible();
    await expect(card.getByTestId('status-unknown')).toBeVisible();

    await quickCheck(page, '前台拉卡拉', ['testSlip']);
    await expect(card.getByTestId('status-fault')).toBeVisible();
    await expect(card.getByTestId('not-checked-today')).toHaveCount(0);
    await expect(card.getByTestId('last-check')).toContainText('打印不出');

    // The failed check opened an incident with the printer guide; its pack names the acquirer and hotline.
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incident-state-open').first().click();
    await expect(page.getByTestId('guide')).toContainText('打印机');
    await page.getByTestId('escalate').click();
    const text = page.locator('textarea[data-testid="escalation-text"], [data-testid="escalation-text"] textarea').first();
    await expect(text).toHaveValue(/拉卡拉/);
    await expect(text).toHaveValue(/95016/);
    await page.keyboard.press('Escape');

    // A passing check is the repair: the incident resolves and the analytics count one failure and its repair.
    await page.getByTestId('nav-devices').click();
    await quickCheck(page, '前台拉卡拉', []);
    await expect(card.getByTestId('status-ok')).toBeVisible();
    await expect(page.getByTestId('store-failures')).toHaveText('1');
    await expect(page.getByTestId('store-mttr')).not.toHaveText(/—|-/);
    await expect(page.getByTestId('reliability-table')).toContainText('前台拉卡拉');

    // 报告故障: one click on 黑屏 opens an incident with the display guide.
    await card.getByTestId('report-fault-前台拉卡拉').click();
    await page.getByTestId('report-fault').getByTestId('report-blackScreen').click();
    await expect(page).toHaveURL(/#\/incidents\/[0-9a-f-]+$/);
    await expect(page.getByTestId('guide')).toContainText('显示屏');
    await expect(page.getByTestId('incident-summary')).toBeVisible();
  });
});
