import { expect, test, type Page } from '@playwright/test';
import { ServeProcess } from './server';

const SECTIONS_ZH: [string, string][] = [
  ['home', '首页'],
  ['devices', '设备状态'],
  ['incidents', '故障处理'],
  ['maintenance', '保养日历'],
  ['parts', '备件库存'],
  ['training', '员工培训'],
  ['contingency', '应急预案'],
  ['backup', '数据备份'],
  ['settings', '设置'],
];

const SECTIONS_EN: [string, string][] = [
  ['home', 'Home'],
  ['devices', 'Devices'],
  ['incidents', 'Incidents'],
  ['maintenance', 'Maintenance calendar'],
  ['parts', 'Spare parts'],
  ['training', 'Training'],
  ['contingency', 'Contingency'],
  ['backup', 'Backup'],
  ['settings', 'Settings'],
];

async function visitEverySection(page: Page, sections: [string, string][]): Promise<void> {
  for (const [name, title] of sections) {
    await page.getByTestId(`nav-${name}`).click();
    await expect(page).toHaveURL(new RegExp(`#/${name}$`));
    await expect(page.getByTestId('page-title')).toHaveText(title);
    // The contingency plan is never empty: it starts from the seed template, asking for a review.
    if (name === 'contingency') await expect(page.getByTestId('plan-review-due')).toBeVisible();
    else if (name !== 'settings') await expect(page.getByTestId('empty-state')).toBeVisible();
  }
}

test.describe('the console in browser mode', () => {
  let server: ServeProcess;

  test.beforeEach(async () => {
    server = new ServeProcess();
    await server.start();
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
  });

  test('shows every section in Chinese, switches to English and keeps it after a reload', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });

    await page.goto(server.url);
    await expect(page).toHaveURL(/#\/home$/); // the token left the address bar, the home screen is the first page
    await expect(page.getByTestId('empty-state')).toContainText('还没有登记任何终端');
    await visitEverySection(page, SECTIONS_ZH);
    await expect(page.getByTestId('about-data-dir')).toHaveText(server.dataDir);

    await page.getByTestId('language-en').click();
    await expect(page.getByTestId('page-title')).toHaveText('Settings');
    await visitEverySection(page, SECTIONS_EN);

    await page.reload();
    await expect(page.getByTestId('page-title')).toHaveText('Settings');
    await expect(page.getByTestId('nav-devices')).toContainText('Devices');
    expect(errors).toEqual([]);
  });

  test('saves the store profile and still shows it after the server restarts', async ({ page }) => {
    await page.goto(server.url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('store-name').fill('静安寺店');
    await page.getByTestId('store-address').fill('上海市静安区南京西路1号');
    await page.getByTestId('save-store').click();
    await expect(page.getByTestId('header-store-name')).toHaveText('静安寺店');

    await server.stop();
    await server.start();
    await page.goto(server.url);
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('store-name')).toHaveValue('静安寺店');
    await expect(page.getByTestId('store-address')).toHaveValue('上海市静安区南京西路1号');
    await expect(page.getByTestId('header-store-name')).toHaveText('静安寺店');
  });

  test('shows a translated field error for invalid input and saves nothing', async ({ page }) => {
    await page.goto(server.url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('store-name').fill('旧名字');
    await page.getByTestId('save-store').click();
    await expect(page.getByTestId('header-store-name')).toHaveText('旧名字');

    // The form caps the name at 100 characters; a 101-character name can only come from a crafted call.
    await page.getByTestId('store-name').evaluate((input: HTMLInputElement) => input.removeAttribute('maxlength'));
    await page.getByTestId('store-name').fill('店'.repeat(101));
    await page.getByTestId('save-store').click();
    await expect(page.getByTestId('store-profile-form')).toContainText('最多 100 个字符');
    await expect(page.locator('.el-message--error')).toContainText('输入有误');

    await page.reload();
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('store-name')).toHaveValue('旧名字');
  });

  test('says clearly when the token is wrong', async ({ page }) => {
    await page.goto(server.url.replace(/#token=.*/, '#token=wrong-token-value'));
    await expect(page.getByTestId('load-error')).toContainText('访问令牌缺失或无效');
  });
});
