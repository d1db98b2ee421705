import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ServeProcess } from './server';

test.describe('the Backup page', () => {
  let server: ServeProcess;
  let folder: string;

  test.beforeEach(async () => {
    server = new ServeProcess();
    await server.start();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-usb-'));
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('creates an encrypted backup, lists it in the history and verifies it', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.getByTestId('nav-backup').click();
    await expect(page.getByTestId('page-title')).toHaveText('数据备份');
    await expect(page.getByTestId('empty-state')).toContainText('还没有备份');

    await page.getByTestId('backup-folder').fill(folder);
    await page.getByTestId('backup-passphrase').fill('门店备份密码2026');
    await page.getByTestId('backup-passphrase-confirm').fill('门店备份密码2026');
    await page.getByTestId('backup-create').click();

    await expect(page.getByTestId('backup-history')).toBeVisible();
    await expect(page.getByTestId('backup-status').first()).toHaveText('已校验');
    await expect(page.getByTestId('backup-progress')).toContainText('完成');
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.pcbak'))).toHaveLength(1);

    await page.getByTestId('backup-verify').first().click();
    await page.locator('.el-message-box input').fill('门店备份密码2026');
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await expect(page.locator('.el-message--success').last()).toContainText('备份完好');
    expect(errors).toEqual([]);
  });
});
