/**
 * Transactions the terminal reports are captured, reconciled against its end-of-day totals, and
 * a mismatch becomes a transaction incident in one click. Browser mode against the ZVT simulator.
 */
import { expect, test } from '@playwright/test';
import { startSimulator, type RunningSimulator } from '../../electron/node/simulator/index';
import { ServeProcess } from './server';

test.describe('reconciliation', () => {
  let server: ServeProcess;
  let simulator: RunningSimulator;

  test.beforeEach(async () => {
    simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 } });
    server = new ServeProcess();
    await server.start();
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
    await simulator.close();
  });

  test('a payment after the end-of-day shows as a total mismatch and opens a transaction incident in one click', async ({ page }) => {
    const api = (method: string, input: unknown) => server.api(method, input);
    const device = await api('devices.create', { name: '2号收银台', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
    await expect.poll(async () => (await api('terminals.list', {})).find((t: { id: string }) => t.id === device.id)?.link.state, { timeout: 15_000 }).toBe('ready');
    expect((await api('terminals.run', { id: device.id, command: 'pay', amount: 1500 })).ok).toBe(true);
    expect((await api('terminals.run', { id: device.id, command: 'end-of-day' })).ok).toBe(true);
    // Sold after the terminal closed its day: PosCare has it, the end-of-day totals do not.
    expect((await api('terminals.run', { id: device.id, command: 'pay', amount: 250 })).ok).toBe(true);

    await page.goto(server.url);
    await page.getByTestId('nav-transactions').click();
    // The search lists the captured payments under the device's name, not its id.
    await expect(page.locator('.el-table__body').first()).toContainText('2号收银台');
    await expect(page.locator('.el-table__body').first()).toContainText('15.00');
    // The receipt the terminal printed, as captured, from the search list (newest first: the 2.50 sale).
    await page.getByTestId('transaction-receipt').first().click();
    const receipt = page.getByTestId('transaction-receipt-text');
    await expect(receipt).toContainText('AMOUNT 2.50 CNY');
    await expect(receipt).toContainText('APPROVED');
    expect(await receipt.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono|Consolas/i);
    await page.keyboard.press('Escape');
    await expect(receipt).toBeHidden();

    await page.getByRole('tab', { name: '对账', exact: true }).click();
    const anomalies = page.getByTestId('anomalies');
    await expect(anomalies).toContainText('2号收银台');
    // The day view lists the day's transactions, each with its receipt.
    await anomalies.getByRole('button', { name: '当日明细' }).first().click();
    await page.getByTestId('day-receipt').first().click();
    await expect(page.getByTestId('transaction-receipt-text')).toContainText('AMOUNT 15.00 CNY');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('transaction-receipt-text')).toBeHidden();
    await page.keyboard.press('Escape');
    await anomalies.getByTestId('anomaly-open-incident').first().click();
    await expect(page).toHaveURL(/#\/incidents\/[\w-]+$/);
    await expect(page.locator('body')).toContainText('2号收银台');

    const incidents = await api('incidents.list', { deviceId: device.id });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ faultClass: 'transaction', cause: 'wrongAmount' });
    expect(incidents[0].symptoms).toContain('2号收银台');
  });
});
