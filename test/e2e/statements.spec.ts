/**
 * An acquirer's GBK statement imported through the Statements tab: the manager maps its columns
 * once, sees the findings against the hand-entered totals of a standalone terminal, and opens a
 * transaction incident from one. Browser mode (`poscare serve`) with Debian's Chromium.
 */
import { expect, test } from '@playwright/test';
import { csvText, encodeGb18030 } from '../helpers/statements';
import { ServeProcess } from './server';

test.describe('acquirer statements', () => {
  let server: ServeProcess;

  test.beforeEach(async () => {
    server = new ServeProcess();
    await server.start();
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
  });

  test('a GBK statement is mapped, imported and reconciled, and a finding opens a transaction incident', async ({ page }) => {
    const api = (method: string, input: unknown) => server.api(method, input);
    const device = await api('devices.create', { name: '收银台POS', tid: 'LKL00007', connection: { type: 'none' } });
    await api('statements.saveHandTotal', { deviceId: device.id, businessDay: '2026-12-03', count: 1, amountCents: 10_000 });
    const statement = encodeGb18030(
      csvText([
        ['拉卡拉商户交易明细'],
        ['交易时间', '终端号', '交易金额', '手续费', '卡类型', '参考号', '交易状态'],
        ['2026-12-03 10:00:00', 'LKL00007', '100.00', '0.60', '微信支付', '000001', '成功'],
        ['2026/12/3 11:00', 'LKL00007', '１，２３４．５０', '7.41', '银联借记卡', '000002', '成功'],
        ['20261203120000', 'LKL00007', '50.00', '0.30', '支付宝', '000003', '交易失败'],
      ]),
    );

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(server.url);
    await page.getByTestId('nav-transactions').click();
    await page.getByRole('tab', { name: '对账单' }).click();
    await expect(page.getByRole('tabpanel', { name: '对账单' }).getByTestId('empty-state')).toContainText('还没有导入对账单');

    await page.getByTestId('statement-file').setInputFiles({ name: '拉卡拉对账单.csv', mimeType: 'text/csv', buffer: statement });
    const dialog = page.getByTestId('statement-dialog');
    await expect(dialog).toContainText('GB18030');
    // The columns are guessed from the Chinese header; the manager names the acquirer and the rate.
    await expect(dialog.getByTestId('statement-column-terminal')).toContainText('终端号');
    await dialog.getByTestId('statement-acquirer').fill('拉卡拉');
    await dialog.getByTestId('statement-fee-rate').locator('input').fill('0.6');
    await page.screenshot({ path: 'test-results/statements-mapping-zh-1366x768.png' });
    await dialog.getByTestId('statement-import').click();

    const findings = page.getByTestId('statement-findings');
    await expect(findings).toContainText('金额不符');
    await expect(findings).toContainText('收银台POS');
    await expect(findings).toContainText('1334.50');
    await page.screenshot({ path: 'test-results/statements-findings-zh-1366x768.png' });

    // The same file again adds nothing.
    await page.getByTestId('statement-file').setInputFiles({ name: '拉卡拉对账单.csv', mimeType: 'text/csv', buffer: statement });
    await expect(page.getByTestId('statement-dialog')).toContainText('已经导入过');
    await page.getByTestId('statement-import').click();
    await expect(page.locator('.el-message').filter({ hasText: '没有新增记录' })).toBeVisible();
    expect((await api('statements.findings', { from: '2026-12-01', to: '2026-12-31' })).findings).toHaveLength(1);

    await findings.getByTestId('finding-open-incident').first().click();
    await expect(page).toHaveURL(/#\/incidents\/[\w-]+$/);
    const incidents = await api('incidents.list', { deviceId: device.id });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ faultClass: 'transaction', cause: 'wrongAmount' });
    expect(incidents[0].symptoms).toContain('拉卡拉');

    await api('settings.update', { language: 'en' });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(server.url);
    await page.getByTestId('nav-transactions').click();
    await page.getByRole('tab', { name: 'Statements' }).click();
    await expect(page.getByTestId('statement-findings')).toContainText('Amounts differ');
    await page.screenshot({ path: 'test-results/statements-findings-en-1024x700.png' });
  });
});
