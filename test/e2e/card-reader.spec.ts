/**
 * The card reader test (读卡测试) on the device page, against the ZVT simulator: while the terminal
 * waits for a card the manager reads what to do and what the terminal says (in zh-CN, then in
 * English), and the result names the masked card number; a broken reader gives the terminal's
 * reason, "card not readable".
 */
import { simulatorControl as control } from '../helpers/simulator';
import { expect, test } from './fixtures';
import { screenshots } from './server';

test('the card reader test shows the prompt and the terminal\'s words while it waits, then the card read or the reason it could not', async ({ page, server, simulator }) => {
  test.setTimeout(120_000);
  const device = await server.api('devices.create', { name: '收银台 2', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
  await page.goto(server.url);
  await page.goto(`${server.url.replace(/#.*$/, '')}#/devices/${device.id}`);
  await expect(page.getByTestId('status-ok').first()).toBeVisible({ timeout: 30_000 });

  // Slow answers keep the command running long enough to read the page.
  expect(await control(simulator.controlPort!, 'fault slow on 1500')).toMatch(/^ok/);
  await page.getByTestId('command-cardReaderTest').click();
  await expect(page.getByTestId('card-reader-hint')).toContainText('请在 30 秒内在终端上插卡、刷卡或挥卡，不会扣款。');
  await expect(page.getByTestId('command-progress')).toHaveText('请插卡', { timeout: 10_000 });
  await screenshots(page, 'card-reader-running-zh');
  await expect(page.getByTestId('card-reader-hint')).toBeHidden({ timeout: 20_000 });
  await expect(page.getByText('读到卡片：621483******0012')).toBeVisible();

  await server.api('settings.update', { language: 'en' });
  await page.reload();
  await expect(page.getByText('Card read: 621483******0012')).toBeVisible({ timeout: 10_000 });
  await page.getByTestId('command-cardReaderTest').click();
  await expect(page.getByTestId('card-reader-hint')).toContainText('Insert, swipe or tap a bank card on the terminal within 30 s; nothing is charged.');
  await expect(page.getByTestId('command-progress')).toHaveText('Insert card', { timeout: 10_000 });
  await expect(page.getByTestId('card-reader-hint')).toBeHidden({ timeout: 20_000 });

  expect(await control(simulator.controlPort!, 'fault slow off')).toMatch(/^ok/);
  expect(await control(simulator.controlPort!, 'fault card-unreadable on')).toMatch(/^ok/);
  await page.getByTestId('command-cardReaderTest').click();
  await expect(page.getByText('Card not readable').first()).toBeVisible({ timeout: 20_000 });
  await screenshots(page, 'card-reader-broken-en');
});
