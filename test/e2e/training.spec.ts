/**
 * Staff training in browser mode: add a person, assign the first-line module to the cashier role,
 * record a completion, see the person due again once the completion is older than the refresher
 * interval (a completion dated eight months back: the refresher is six), record again, print the
 * certificate.
 */
import type { Page } from '@playwright/test';
import { expect, field, test } from './fixtures';

function monthsAgo(months: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

test.describe('staff training', () => {

  async function record(page: Page, date: string | null, saved = true): Promise<void> {
    await page.locator('[data-person="Anna"] [data-module="shipped-first-line"]').click();
    const dialog = page.getByTestId('record-dialog');
    await expect(dialog).toBeVisible();
    for (let i = 0; i < 4; i++) await dialog.getByTestId(`record-step-${i}`).click();
    if (date) {
      await field(page, 'record-date').fill(date);
      await field(page, 'record-date').press('Enter');
    }
    await dialog.getByTestId('staff-picker').click();
    await page.keyboard.type('Manager Li');
    await page.keyboard.press('Enter');
    await dialog.getByTestId('record-save').click();
    if (saved) await expect(dialog).toBeHidden();
  }

  test('a cashier assigned the first-line module by role is due, done, and due again past the refresher', async ({ page, server }) => {
    test.setTimeout(90_000);
    await page.goto(server.url);
    await page.getByTestId('nav-training').click();
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await page.getByTestId('empty-state').getByRole('button').click();
    await field(page, 'staff-name').fill('Anna');
    await field(page, 'staff-start').fill('2025-01-06');
    await field(page, 'staff-start').press('Enter');
    await page.getByTestId('staff-save').click();
    await expect(page.getByTestId('staff-table')).toContainText('Anna');

    await page.getByRole('tab', { name: /培训模块|Modules/ }).click();
    await page.locator('article[data-module="shipped-first-line"] [data-testid="module-assign"]').click();
    await page.getByTestId('assign-save').click();
    await expect(page.locator('article[data-module="shipped-first-line"]')).toContainText('收银员');

    await page.getByRole('tab', { name: /培训矩阵|Matrix/ }).click();
    const cell = page.locator('[data-person="Anna"] [data-module="shipped-first-line"] [data-status]');
    await expect(cell).toHaveAttribute('data-status', 'due');

    // Done eight months ago; the module's refresher is six months: Anna is due again.
    await record(page, monthsAgo(8));
    await expect(cell).toHaveAttribute('data-status', 'expired');
    await record(page, null);
    await expect(cell).toHaveAttribute('data-status', 'done');

    await page.locator('[data-person="Anna"] a').click();
    await expect(page.getByTestId('person-records')).toContainText('Manager Li');
    await page.getByTestId('person-records').getByRole('link', { name: 'EN' }).first().click();
    await expect(page.getByTestId('certificate')).toContainText('Training certificate');
    await expect(page.getByTestId('certificate')).toContainText('Anna');
  });

  test('refuses a completion dated in the future, with the error in the form and nothing saved', async ({ page, server }) => {
    const anna = await server.api('staff.create', { name: 'Anna', role: 'cashier', startDate: '2025-01-06' });
    await server.api('training.assign', { moduleId: 'shipped-first-line', role: 'cashier', dueDate: '2030-01-01' });
    await page.goto(server.url);
    await page.getByTestId('nav-training').click();
    await record(page, '2031-01-01', false);
    await expect(page.getByTestId('record-dialog')).toContainText('完成日期不能晚于今天');
    const overview = await server.api('training.overview', {});
    expect(overview.records.filter((r: { staffId: string }) => r.staffId === anna.id)).toHaveLength(0);
  });
});
