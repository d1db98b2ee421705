/**
 * The contingency plan and "terminal down" in browser mode: the manager fills the plan (a phone
 * with letters is refused in the reader's language), prints it to one A4 page; every simulated
 * counter terminal stops, the checklist opens by itself, is worked through, a terminal comes
 * back, the mode is closed and the outage is an incident with its duration.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startSimulator, type RunningSimulator } from '../../electron/node/simulator/index';
import { screenshots, ServeProcess } from './server';

async function shot(page: Page, name: string): Promise<void> {
  await screenshots(page, `contingency-${name}`);
  await page.setViewportSize({ width: 1366, height: 768 });
}

/** The phone field of a contact row (Element Plus puts the test id on the input itself). */
function phoneInput(row: Locator): Locator {
  return row.locator('input[data-testid=contact-phone], [data-testid=contact-phone] input');
}

/** Pages of a PDF: its page objects (not the /Pages tree node). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}

test.describe('contingency', () => {
  let server: ServeProcess;
  let simulator: RunningSimulator | undefined;

  test.beforeEach(async () => {
    server = new ServeProcess();
    await server.start();
  });

  test.afterEach(async () => {
    await server.stop();
    server.remove();
    await simulator?.close();
    simulator = undefined;
  });

  test('fill the plan and print it on one A4 page, in zh-CN and English', async ({ page, browser }) => {
    test.setTimeout(150_000);
    await page.goto(server.url);
    await page.getByTestId('nav-contingency').click();
    await expect(page.getByTestId('plan-review-due')).toBeVisible();
    await expect(page.getByTestId('plan-contacts')).toContainText('终端厂商客服热线');
    await shot(page, 'plan-zh-CN');
    await page.getByTestId('plan-edit').click();
    const vendor = page.getByTestId('contact-row-0');
    await phoneInput(vendor).fill('400-ABC-1234');
    await page.getByTestId('plan-save').click();
    await expect(vendor).toContainText('电话号码只能包含数字');
    // Nothing was saved.
    expect((await server.api('contingency.get', {})).plan.updatedAt).toBeNull();
    await phoneInput(vendor).fill('400 820 1234');
    // The other template contacts have no number yet: removed here, the manager adds them later.
    for (let i = 4; i >= 1; i--) await page.getByTestId(`contact-row-${i}`).getByRole('button').click();
    await page.getByTestId('plan-save').click();
    await expect(page.getByTestId('plan-contacts')).toContainText('400 820 1234');
    await page.getByTestId('plan-review').click();
    await expect(page.getByTestId('plan-review-due')).toHaveCount(0);

    for (const language of ['zh-CN', 'en'] as const) {
      const { html } = await server.api('contingency.sheet', { language });
      const sheet = await browser.newPage();
      await sheet.setContent(html);
      await expect(sheet.getByTestId('plan-sheet')).toContainText('400 820 1234');
      await expect(sheet.getByTestId('plan-sheet')).toContainText(language === 'en' ? 'Emergency contacts' : '紧急联系人');
      await sheet.emulateMedia({ media: 'print' });
      const pdf = await sheet.pdf({ format: 'A4', preferCSSPageSize: true });
      expect(pdfPages(pdf)).toBe(1);
      await sheet.close();
    }
    // Even with long texts everywhere, the printout stays one page.
    await server.api('contingency.save', { qrProcedure: 'Step. '.repeat(600), customerWording: 'Sorry. '.repeat(140), backupOther: 'Phone. '.repeat(140) });
    const { html } = await server.api('contingency.sheet', { language: 'en' });
    const sheet = await browser.newPage();
    await sheet.setContent(html);
    expect(pdfPages(await sheet.pdf({ format: 'A4', preferCSSPageSize: true }))).toBe(1);
    await sheet.close();
  });

  test('every counter terminal stops: "terminal down" opens by itself, is worked through, and the outage is an incident with its duration', async ({ page }) => {
    test.setTimeout(180_000);
    simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 }, controlPort: 0 });
    const port = simulator.tcpPort!;
    const counter = await server.api('devices.create', { name: '收银台 1', model: 'VX 520', tid: '52500001', connection: { type: 'tcp', host: '127.0.0.1', port } });
    // The backup sits on a port where nothing answers: a backup that is down does not matter.
    const backup = await server.api('devices.create', { name: '备用机', connection: { type: 'tcp', host: '127.0.0.1', port: 9 } });
    await server.api('contingency.save', {
      backupDeviceIds: [backup.id],
      contacts: [{ kind: 'vendor', name: '厂商客服', phone: '400 820 1234' }],
      autoOpenAfterMinutes: 0.1,
    });
    await server.api('incidents.updateSettings', { autoOpenAfterMinutes: 0 });
    await page.goto(server.url);
    await expect(page.getByTestId('terminal-down-button')).toBeVisible();
    await expect(page.getByTestId('status-ok').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('terminal-down')).toHaveCount(0);

    await simulator.close();
    simulator = undefined;
    const overlay = page.getByTestId('terminal-down');
    await expect(overlay).toBeVisible({ timeout: 60_000 });
    await expect(overlay).toContainText('收银台 1');
    await expect(page.getByTestId('down-contact-0')).toContainText('400 820 1234');
    // What to have ready for the call comes from the registry: model, TID and since when.
    await expect(page.getByTestId('terminal-down-call-facts')).toContainText('收银台 1：型号 VX 520 · 终端号 (TID) 52500001');
    await expect(page.getByTestId('terminal-down-call-facts')).toContainText('起故障');
    await shot(page, 'down-zh-CN');
    for (const step of ['switchBackup', 'startFallback', 'callContacts', 'tellCustomers']) {
      await page.getByTestId(`down-step-${step}-toggle`).click();
      await expect(page.getByTestId(`down-step-${step}`)).toHaveClass(/is-done/);
    }
    // A second session at the same time is refused.
    await expect(server.api('contingency.start', {})).rejects.toThrow(/contingency.sessionAlreadyOpen/);

    simulator = await startSimulator({ tcp: { host: '127.0.0.1', port }, controlPort: 0 });
    await expect.poll(async () => (await server.api('devices.statuses', {})).find((s: { deviceId: string }) => s.deviceId === counter.id).overall, { timeout: 90_000 }).toBe('ok');
    await page.getByTestId('terminal-down-close').click();
    await page.locator('.contingency-down__confirm').getByRole('button', { name: '是，已可以刷卡' }).click();
    await expect(overlay).toHaveCount(0);

    const sessions = await server.api('contingency.sessions', {});
    expect(sessions[0]).toMatchObject({ auto: true, cardPaymentBack: true, deviceIds: [counter.id] });
    const incident = await server.api('incidents.get', { id: sessions[0].incidentIds[0] });
    expect(incident).toMatchObject({ deviceId: counter.id, state: 'resolved' });
    expect(incident.fallbackUsed).toMatch(/终端停机：\d+ 分钟无法刷卡/);
    expect(incident.durationMs).toBeGreaterThan(0);
    expect(incident.steps.at(-1).note).toBe('切换到备用终端; 启用备用收款; 电话求助; 告知顾客');
    // The outage is in the incident list like any other.
    await page.getByTestId('nav-incidents').click();
    await page.getByText('全部').click();
    await expect(page.getByTestId('page-title')).toHaveText('故障处理');
    await expect(page.locator('main').getByText('收银台 1').first()).toBeVisible();
  });
});
