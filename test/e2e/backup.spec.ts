import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { failureText } from '../../shared/domain/backup';
import { formatStoreTime } from '../../shared/domain/time';
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

  test('backs up at quit from poscare serve, and after a restart shows that the encrypted run was skipped for the passphrase', async ({ page }) => {
    // An unencrypted schedule: SIGTERM makes the at-quit backup (none was ever made).
    await server.api('backup.updateSettings', { folder, encrypted: false });
    await server.stop();
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.pcbak'))).toHaveLength(1);

    // An encrypted schedule after a restart: no passphrase in memory, so the run is skipped and says why.
    server = new ServeProcess(server.dataDir);
    await server.start();
    const old = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await server.api('backup.updateSettings', { encrypted: true });
    // The at-quit run is due only when the last good backup is over a day old: make it so.
    await server.stop();
    const db = (await import('better-sqlite3')).default(path.join(server.dataDir, 'poscare.db'));
    db.prepare('UPDATE backups SET created_at = ?').run(old);
    db.close();
    server = new ServeProcess(server.dataDir);
    await server.start();
    // Settled first: a signal in the child's first milliseconds can beat the test runner's loader.
    expect((await server.api('backup.list', {})).settings.encrypted).toBe(true);
    await server.stop();
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.pcbak'))).toHaveLength(1);

    server = new ServeProcess(server.dataDir);
    await server.start();
    await page.goto(server.url);
    await page.getByTestId('nav-backup').click();
    await expect(page.getByTestId('backup-skipped')).toContainText('自动备份已跳过');
    await expect(page.getByTestId('backup-skipped')).toContainText('需要再次输入密码');
    await expect(page.getByTestId('backup-status').first()).toHaveText('已跳过');
  });

  test('shows a scheduled run that failed on a full drive in the manager’s language, not the English error', async ({ page }) => {
    await server.api('backup.create', { folder, noEncryption: true });
    await server.stop();
    // The row a scheduled run leaves when the drive is full (as backup-service records it), after the last good backup.
    const db = (await import('better-sqlite3')).default(path.join(server.dataDir, 'poscare.db'));
    db.prepare("INSERT INTO backups (file, created_at, trigger, status, encrypted, error, present) VALUES (?, ?, 'scheduled', 'failed', 0, ?, 0)").run(
      path.join(folder, 'poscare-next.pcbak'),
      new Date(Date.now() + 60_000).toISOString(),
      failureText('destination_full', `The backup folder ${folder} is full: ENOSPC: no space left on device, write`),
    );
    db.close();
    server = new ServeProcess(server.dataDir);
    await server.start();
    await page.goto(server.url);
    await page.getByTestId('nav-backup').click();
    const alert = page.getByTestId('backup-skipped');
    await expect(alert).toContainText('自动备份失败');
    await expect(alert).toContainText('备份文件夹所在的磁盘已满');
    await expect(alert).not.toContainText('ENOSPC');
    await expect(page.getByTestId('backup-status').first()).toHaveText('失败');
    await expect(page.getByTestId('backup-detail').first()).toContainText('备份文件夹所在的磁盘已满');
    await expect(page.getByTestId('backup-detail').first()).not.toContainText('ENOSPC');

    await server.api('settings.update', { language: 'en' });
    await page.reload();
    await expect(alert).toContainText('failed: The backup folder is full. Free some space on the drive');
    await expect(page.getByTestId('backup-detail').first()).toContainText('The backup folder is full.');
  });

  test('restores from a typed file path: verifies first, shows the date and counts, then reloads onto the restored data', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const api = (method: string, input: unknown) => server.api(method, input);
    const rename = async (name: string) => {
      const { store } = (await api('settings.get', {})) as { store: Record<string, unknown> };
      await api('settings.update', { store: { ...store, name } });
    };
    await rename('静安店');
    const backup = (await api('backup.create', { folder, passphrase: '门店备份密码2026' })) as { file: string; createdAt: string };
    await rename('改名后的门店');
    await api('devices.create', { name: '备份之后的终端', connection: { type: 'tcp', host: '127.0.0.1', port: 9 } });

    await page.goto(server.url);
    await expect(page.getByTestId('header-store-name')).toHaveText('改名后的门店');
    await page.getByTestId('nav-backup').click();

    // Bad input first: nothing is verified, nothing changes, and each says why.
    await page.getByTestId('backup-restore-verify').click();
    await expect(page.getByTestId('backup-restore')).toContainText('请输入备份文件的路径');
    await page.getByTestId('backup-restore-file').fill(path.join(folder, 'missing.pcbak'));
    await page.getByTestId('backup-restore-verify').click();
    await expect(page.getByTestId('backup-restore-error')).toContainText('找不到该文件');
    await page.getByTestId('backup-restore-file').fill(backup.file);
    await page.getByTestId('backup-restore-passphrase').fill('不是这个密码123');
    await page.getByTestId('backup-restore-verify').click();
    await expect(page.getByTestId('backup-restore-error')).toContainText('密码错误');
    await expect(page.getByTestId('backup-restore-summary')).toHaveCount(0);

    await page.getByTestId('backup-restore-passphrase').fill('门店备份密码2026');
    await page.getByTestId('backup-restore-verify').click();
    const summary = page.getByTestId('backup-restore-summary');
    await expect(summary).toContainText('备份已校验');
    // In the store's time zone (Asia/Shanghai by default), whatever the PC's clock is set to.
    await expect(page.getByTestId('backup-restore-date')).toHaveText(formatStoreTime(backup.createdAt, 'zh-CN', 'Asia/Shanghai'));
    await expect(page.getByTestId('backup-restore-devices')).toHaveText('0');
    await expect(page.getByTestId('backup-restore-progress')).toContainText('完成');

    await page.getByTestId('backup-restore-confirm').click();
    await page.locator('.el-message-box').getByRole('button', { name: '恢复' }).click();
    // The page reloads onto the restored data: the old name is back, the later terminal gone.
    await expect(page.getByTestId('header-store-name')).toHaveText('静安店', { timeout: 20_000 });
    // It says what it did once the page is back, and where the replaced data was kept.
    const done = page.getByTestId('restore-done');
    await expect(done).toContainText('恢复完成');
    await expect(done).toContainText('0 台终端');
    await expect(done).toContainText('安全副本');
    expect(((await api('devices.list', {})) as unknown[]).length).toBe(0);
    // The history still lists the file restored from, verified.
    const list = (await api('backup.list', {})) as { entries: { file: string; status: string }[] };
    expect(list.entries.map((e) => [e.file, e.status])).toEqual([[backup.file, 'verified']]);
    expect(errors).toEqual([]);
  });

  test('fits its history into a 1024x640 window in Chinese and English: the fixed Actions column covers no other column', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 640 });
    await server.api('backup.create', { folder, noEncryption: true });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // file names have a resolution of one second
    await server.api('backup.create', { folder, passphrase: '门店备份密码2026' });
    for (const [language, verify] of [['zh-CN', '校验'], ['en', 'Verify']] as const) {
      await server.api('settings.update', { language });
      await page.goto(server.url);
      await page.getByTestId('nav-backup').click();
      const history = page.getByTestId('backup-history');
      await expect(history.getByTestId('backup-verify')).toHaveCount(2);
      await expect(history.getByTestId('backup-verify').first()).toHaveText(verify);
      await history.scrollIntoViewIfNeeded();
      // No horizontal scrolling inside the table: nothing slides under the fixed column.
      const overflow = await history.locator('.el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      for (const row of await history.locator('.el-table__body tr').all()) {
        const cells = row.locator('td');
        const size = await row.getByTestId('backup-size').boundingBox();
        const detail = await cells.nth(3).boundingBox();
        const actions = await cells.nth(4).boundingBox();
        const buttons = await Promise.all((await cells.nth(4).locator('button').all()).map((b) => b.boundingBox()));
        expect(size && detail && actions).toBeTruthy();
        // Contents (with the size) and the file end before the Actions column starts.
        expect(size!.x + size!.width).toBeLessThanOrEqual(actions!.x);
        expect(detail!.x + detail!.width).toBeLessThanOrEqual(actions!.x + 1);
        // The three buttons stay on one line inside their column.
        expect(buttons).toHaveLength(3);
        expect(new Set(buttons.map((b) => Math.round(b!.y))).size).toBe(1);
        expect(Math.max(...buttons.map((b) => b!.x + b!.width))).toBeLessThanOrEqual(actions!.x + actions!.width);
      }
    }
  });
});
