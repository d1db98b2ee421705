/**
 * Issue 18, items 5 and 1 in the browser: a damaged database starts the console in recovery,
 * whose page restores a real backup made earlier (the damaged file is kept); an export onto an
 * existing file asks before replacing it.
 */
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { ServeProcess } from './server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PASSPHRASE = '门店备份密码2026';

test.describe('a damaged database', () => {
  let server: ServeProcess;
  let usb: string;

  test.beforeEach(async () => {
    server = new ServeProcess();
    usb = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-usb-'));
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
    fs.rmSync(usb, { recursive: true, force: true });
  });

  for (const language of ['zh-CN', 'en'] as const) {
    test(`opens in recovery, in the system's language, and restores a backup from the page (${language})`, async ({ browser }) => {
      // Two serve starts, an encrypted backup, a verify and a restore: slower than one page check.
      test.setTimeout(180_000);
      const context = await browser.newContext({ locale: language });
      const page = await context.newPage();
      // A store with a device and transactions, backed up (encrypted) while it was healthy.
      const demo = spawnSync(process.execPath, [path.join(root, 'bin/poscare.js'), 'demo-data', '--data', server.dataDir, '--transactions', '500', '--days', '3'], { encoding: 'utf8' });
      expect(demo.status).toBe(0);
      await server.start();
      const current = (await server.api('settings.get', undefined)) as { store: Record<string, unknown> };
      await server.api('settings.update', { language, store: { ...current.store, name: 'Filiale Mitte' } });
      await server.api('devices.create', { name: 'Kasse 1', connection: { type: 'tcp', host: '127.0.0.1', port: 20007 } });
      const backup = (await server.api('backup.create', { folder: usb, passphrase: PASSPHRASE })) as { file: string };
      await server.stop();

      // The drive or a power cut wrecks poscare.db.
      const live = path.join(server.dataDir, 'poscare.db');
      const damaged = crypto.randomBytes(fs.statSync(live).size);
      fs.writeFileSync(live, damaged);
      for (const side of ['-wal', '-shm']) fs.rmSync(live + side, { force: true });

      server = new ServeProcess(server.dataDir);
      await server.start();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(server.url);
      await expect(page.getByTestId('recovery')).toBeVisible();
      await expect(page.getByTestId('recovery-damaged')).toContainText(live);
      await expect(page.getByTestId('page-title')).toHaveText(language === 'en' ? 'Restore from a backup' : '从备份恢复');
      await page.screenshot({ path: test.info().outputPath(`recovery-${language}-1366.png`) });
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.screenshot({ path: test.info().outputPath(`recovery-${language}-1024.png`) });

      await page.getByTestId('backup-restore-file').fill(backup.file);
      await page.getByTestId('backup-restore-passphrase').fill(PASSPHRASE);
      await page.getByTestId('backup-restore-verify').click();
      await expect(page.getByTestId('backup-restore-transactions')).toHaveText('500');
      await page.getByTestId('backup-restore-confirm').click();
      await page.locator('.el-message-box').getByRole('button').last().click();

      // The page reloads onto the restored data: the console works, the store and device are back.
      await expect(page.getByTestId('recovery')).toHaveCount(0, { timeout: 30_000 });
      await expect(page.getByTestId('header-store-name')).toHaveText('Filiale Mitte');
      await expect(page.getByText('Kasse 1').first()).toBeVisible();
      const kept = fs.readdirSync(server.dataDir).filter((n) => /^poscare\.db\.damaged-/.test(n));
      expect(kept).toHaveLength(1);
      expect(fs.readFileSync(path.join(server.dataDir, kept[0]!)).equals(damaged)).toBe(true);
      const searched = (await server.api('transactions.search', { from: '2000-01-01', to: '2100-01-01' })) as { items: unknown[] };
      expect(searched.items.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

test.describe('exporting transactions', () => {
  test('asks before replacing an existing file and keeps it when the manager cancels', async ({ page }) => {
    const server = new ServeProcess();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-export-'));
    try {
      await server.start();
      await page.goto(server.url);
      await page.getByTestId('nav-transactions').click();
      // The default range ends on the store's day (its time zone), not the test machine's: read it from the page.
      const dates = page.locator('.el-date-editor input');
      await expect(dates.first()).toHaveValue(/^\d{4}\/\d{2}\/\d{2}$/);
      // Shown the Chinese way (2026/12/05); the file name carries ISO days.
      const range = [(await dates.nth(0).inputValue()).replace(/\//g, '-'), (await dates.nth(1).inputValue()).replace(/\//g, '-')];
      const existing = path.join(folder, `transactions-${range[0]}-${range[1]}.xlsx`);
      fs.writeFileSync(existing, 'the manager\'s own file');
      await page.getByTestId('transactions-export-folder').fill(folder);
      await page.getByTestId('transactions-export').click();
      const dialog = page.locator('.el-message-box');
      await expect(dialog).toContainText(existing);
      await dialog.getByRole('button', { name: /取消|Cancel/ }).click();
      await expect(dialog).toHaveCount(0);
      expect(fs.readFileSync(existing, 'utf8')).toBe('the manager\'s own file');

      await page.getByTestId('transactions-export').click();
      await page.locator('.el-message-box').getByRole('button', { name: /替换|Replace/ }).click();
      await expect(page.locator('.el-message--success').last()).toBeVisible();
      expect(fs.readFileSync(existing).subarray(0, 2).toString()).toBe('PK');
    } finally {
      await server.stop();
      server.remove();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
