/**
 * The hand-entered day totals of a standalone terminal, on screen: the statement's attention card
 * on the status board leads to the Statements tab, whose list shows the days the statement has but
 * no total was entered for; the manager fills one in from the slip, sees it differ from the
 * statement, corrects it, and the card is gone. Browser mode (`poscare serve`), Debian's Chromium.
 */
import { expect, test } from './fixtures';
import { csvText } from '../helpers/statements';
import { screenshots } from './server';

/** The Shanghai store day `back` days before now (what the console calls that day). */
function storeDay(back: number): string {
  return new Date(Date.now() - back * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

test.describe('hand-entered day totals', () => {
  test('the missing totals are an attention card and a list; one filled in, corrected, and the card clears', async ({ page, server }) => {
    const api = (method: string, input: unknown) => server.api(method, input);
    const [older, newer] = [storeDay(3), storeDay(2)];
    const device = await api('devices.create', { name: '美团POS', tid: 'MT000002', connection: { type: 'none' } });
    await api('devices.create', { name: '1号收银台', connection: { type: 'tcp', host: '127.0.0.1', port: 9 } });
    const statement = csvText([
      ['交易时间', '终端号', '交易金额'],
      [`${older} 09:00:00`, 'MT000002', '50.00'],
      [`${newer} 09:00:00`, 'MT000002', '100.00'],
      [`${newer} 15:00:00`, 'MT000002', '20.00'],
    ]);
    const imported = await api('statements.import', { fileName: 'meituan.csv', dataBase64: Buffer.from(statement).toString('base64'), mapping: { acquirer: '美团', columns: { date: '交易时间', terminal: '终端号', amount: '交易金额' } } });
    expect(imported).toMatchObject({ status: 'imported', added: 3 });

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(server.url);
    const card = page.getByTestId('attention-card-statements.handTotalMissing');
    await expect(card).toContainText('独立终端有 2 天未填手工日结总额');
    await card.getByTestId('attention-open').click();
    await expect(page).toHaveURL(/#\/transactions\?tab=statements$/);
    await expect(page.getByRole('tab', { name: '对账单' })).toHaveAttribute('aria-selected', 'true');

    const list = page.getByTestId('hand-list');
    await expect(list.getByTestId('hand-state-missing')).toHaveCount(2);
    await expect(list).toContainText('对账单 2 笔 ¥120.00');
    await screenshots(page, 'hand-totals-missing-zh');

    // The newer day first: filled in from the slip, with a wrong amount.
    await list.getByTestId('hand-edit').first().click();
    await expect(page.getByTestId('hand-device')).toContainText('美团POS');
    await page.getByTestId('hand-count').locator('input').fill('2');
    await page.getByTestId('hand-amount').locator('input').fill('110');
    await page.getByTestId('hand-save').click();
    await expect(page.locator('.el-message').filter({ hasText: '已保存日结总额' })).toBeVisible();
    await expect(list.getByTestId('hand-state-differs')).toHaveCount(1);
    await expect(list.getByTestId('hand-state-missing')).toHaveCount(1);
    expect(await api('statements.handTotals', { from: newer, to: newer })).toEqual([expect.objectContaining({ deviceId: device.id, count: 2, amountCents: 11_000 })]);

    // Corrected; then the older day.
    await list.getByTestId('hand-edit').first().click();
    await page.getByTestId('hand-amount').locator('input').fill('120');
    await page.getByTestId('hand-save').click();
    await expect(list.getByTestId('hand-state-differs')).toHaveCount(0);
    await list.getByTestId('hand-edit').nth(1).click();
    await page.getByTestId('hand-count').locator('input').fill('1');
    await page.getByTestId('hand-amount').locator('input').fill('50');
    await page.getByTestId('hand-save').click();
    await expect(list.getByTestId('hand-state-entered')).toHaveCount(2);
    expect((await api('attention.list', {})).items.filter((i: { kind: string }) => i.kind.startsWith('statements.'))).toEqual([]);

    // A wrong input is refused with its reason and changes nothing.
    await expect(api('statements.saveHandTotal', { deviceId: device.id, businessDay: newer, count: -1, amountCents: 100 })).rejects.toThrow('statements.invalidCount');
    expect(await api('statements.handTotals', { from: newer, to: newer })).toEqual([expect.objectContaining({ count: 2, amountCents: 12_000 })]);

    await api('settings.update', { language: 'en' });
    await page.goto(server.url);
    await page.getByTestId('nav-transactions').click();
    await page.getByRole('tab', { name: 'Statements' }).click();
    await expect(page.getByTestId('hand-list')).toContainText('Entered');
    await screenshots(page, 'hand-totals-en');
  });
});
