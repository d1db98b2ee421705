/**
 * Spare parts in browser mode: a part with minimum 3 is added, 5 received, 3 consumed on an
 * incident → the low-stock alert and the reorder list (exported as XLSX); a scanner types a
 * barcode and Enter → the part opens; a counter terminal fails and a simulated backup terminal is
 * swapped in from the incident → "in service" with its live status.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { field } from './fixtures';
import { startSimulator, type RunningSimulator } from '../../electron/node/simulator/index';
import { ServeProcess } from './server';

test.describe('spare parts', () => {
  let server: ServeProcess;
  let simulators: RunningSimulator[] = [];
  const api = (method: string, input: unknown) => server.api(method, input);

  test.beforeEach(async () => {
    server = new ServeProcess();
    await server.start();
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
    for (const s of simulators) await s.close();
    simulators = [];
  });

  async function terminal(name: string): Promise<{ id: string }> {
    const simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 }, controlPort: 0 });
    simulators.push(simulator);
    return api('devices.create', { name, model: 'VX 520', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
  }

  test('add a part, receive 5, consume 3 on an incident: the alert and the reorder list, exported as XLSX', async ({ page }) => {
    const counter = await terminal('Counter 1');
    const incident = await api('incidents.open', { deviceId: counter.id });
    await page.goto(server.url);
    await page.getByTestId('nav-parts').click();
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await page.getByTestId('add-part').click();
    await field(page, 'part-name').fill('Power adapter 12 V');
    await field(page, 'part-number').fill('PSU-12V');
    await field(page, 'part-barcode').fill('6901234567892');
    await field(page, 'part-minimum').fill('3');
    await field(page, 'part-reorder').fill('4');
    await field(page, 'part-supplier').fill('Acme Shanghai');
    await page.getByTestId('part-save').click();
    await expect(page.getByTestId('part-on-hand')).toHaveText('0');
    await page.getByTestId('detail-receive').click();
    await field(page, 'move-quantity').fill('5');
    await page.getByTestId('move-submit').click();
    await expect(page.getByTestId('part-on-hand')).toHaveText('5');
    await expect(page.getByTestId('part-low')).toHaveCount(0);
    // A photo of the part, so staff know what to look for on the shelf: kept across a reload.
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
    await page.getByTestId('part-photo-input').setInputFiles({ name: 'adapter.png', mimeType: 'image/png', buffer: png });
    await expect(page.getByTestId('part-photo-image')).toHaveAttribute('src', /^data:image\/png;base64,/);
    await page.reload();
    await expect(page.getByTestId('part-photo-image')).toBeVisible();

    await page.goto(`${server.url.replace(/#.*$/, '')}#/incidents/${incident.id}`);
    await page.getByTestId('use-part-select').click();
    await page.getByRole('option', { name: /Power adapter 12 V/ }).click();
    await page.getByTestId('use-part').click();
    await field(page, 'move-quantity').fill('3');
    await page.getByTestId('move-submit').click();
    await expect(page.getByTestId('parts-used')).toContainText('Power adapter 12 V × 3');

    await page.getByTestId('nav-parts').click();
    await expect(page.getByTestId('on-hand-PSU-12V')).toHaveText('2');
    await expect(page.getByTestId('low-PSU-12V')).toBeVisible();
    await expect(page.getByTestId('parts-low-alert')).toContainText('PSU-12V');
    await expect(page.getByTestId('to-order-PSU-12V')).toHaveText('4');
    // Not into the data folder: that is refused, in the manager's language, and nothing is written there.
    await field(page, 'reorder-folder').fill(server.dataDir);
    await page.getByTestId('reorder-export').click();
    await expect(page.locator('.el-message--error').last()).toContainText('数据文件夹');
    expect(fs.readdirSync(server.dataDir).filter((f) => f.endsWith('.xlsx'))).toEqual([]);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-reorder-'));
    try {
      await field(page, 'reorder-folder').fill(folder);
      await page.getByTestId('reorder-export').click();
      await expect.poll(() => fs.readdirSync(folder).filter((f) => /^poscare-reorder-.*\.xlsx$/.test(f)).length).toBe(1);
      const file = fs.readdirSync(folder).find((f) => f.endsWith('.xlsx'))!;
      expect(fs.readFileSync(path.join(folder, file)).subarray(0, 2).toString()).toBe('PK');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('imports a catalogue CSV only when every line is right, naming the bad ones in the manager’s language', async ({ page }) => {
    await page.goto(server.url);
    await page.getByTestId('nav-parts').click();
    const file = (body: string) => ({ name: '备件目录.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFFpartNumber,name,category,minimumStock\n${body}`) });
    await page.getByTestId('parts-import-file').setInputFiles(file('PSU-12V,电源适配器 12V,电源适配器,3\nPAPER-57,,打印纸,-2\n'));
    const errors = page.getByTestId('import-errors');
    await expect(errors).toContainText('第 3 行');
    await expect(errors).toContainText('名称');
    await expect(errors).toContainText('最低库存');
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await page.screenshot({ path: 'test-results/parts-import-errors-zh.png' });

    await page.getByTestId('parts-import-file').setInputFiles(file('PSU-12V,电源适配器 12V,电源适配器,3\nPAPER-57,打印纸 57×40,打印纸,2\n'));
    await expect(errors).toHaveCount(0);
    await expect(page.getByTestId('parts-table')).toContainText('打印纸 57×40');
    await expect(page.getByTestId('parts-table')).toContainText('电源适配器 12V');
  });

  test('a scanner typing a barcode and Enter opens the part', async ({ page }) => {
    await api('parts.create', { name: 'Receipt paper 57x40', partNumber: 'PAPER-57', category: 'paper_roll', minimumStock: 10, reorderQuantity: 50, barcode: '6920000000019' });
    const cable = await api('parts.create', { name: 'USB cable', partNumber: 'CBL-USB', category: 'cable', minimumStock: 1, reorderQuantity: 2, barcode: '6920000000026' });
    await page.goto(server.url);
    await page.getByTestId('nav-parts').click();
    await expect(page.getByTestId('parts-table')).toContainText('USB cable');
    await field(page, 'parts-search').pressSequentially('6920000000026', { delay: 5 });
    await field(page, 'parts-search').press('Enter');
    await expect(page).toHaveURL(new RegExp(`#/parts/${cable.id}$`));
    await expect(page.getByTestId('page-title')).toHaveText('USB cable');
    await expect(page.getByTestId('detail-consume')).toBeVisible();
  });

  test('a failed counter terminal is replaced by the ready backup from the incident', async ({ page }) => {
    const counter = await terminal('Counter 1');
    const backup = await terminal('Backup A');
    await api('contingency.save', { backupDeviceIds: [backup.id] });
    const incident = await api('incidents.open', { deviceId: counter.id });
    await page.goto(server.url);
    await expect(page.getByTestId('navigation')).toBeVisible();
    await page.goto(`${server.url.replace(/#.*$/, '')}#/incidents/${incident.id}`);
    await page.getByTestId('swap-backup').click();
    await page.getByRole('option', { name: 'Backup A' }).click();
    await page.getByTestId('swap-run').click();
    await expect(page.getByTestId('swap-serving')).toContainText('Backup A');
    await expect(page.getByTestId('incident-steps')).toContainText('Backup A');
    await page.getByTestId('nav-parts').click();
    const row = page.getByTestId(`backup-${backup.id}`);
    await expect(row.getByTestId('backup-state')).toHaveText(/使用中|In service/);
    await expect(row.locator('[data-testid^="status-"]')).toBeVisible();
    expect((await api('parts.backups', {})).find((b: { deviceId: string }) => b.deviceId === counter.id)).toMatchObject({ state: 'in_repair' });
  });
});
