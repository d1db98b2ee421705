/**
 * The whole fault story in browser mode against the ZVT simulator: a terminal is added and shows
 * ok, its link drops (power loss via the simulator's control channel), an incident opens by itself,
 * the manager walks the guide, the terminal comes back, the incident resolves with the right
 * duration, and the escalation pack holds the serial number and the steps.
 */
import { expect, field, test } from './fixtures';
import { simulatorControl as control } from '../helpers/simulator';

test.describe('devices and faults', () => {

  test('a terminal that drops off opens an incident by itself, is walked through, and resolves on recovery', async ({ page, server, simulator }) => {
    test.setTimeout(120_000);
    const api = (method: string, input: unknown) => server.api(method, input);
    // Open an incident once a terminal is down for 3 seconds.
    await api('incidents.updateSettings', { autoOpenAfterMinutes: 0.05, autoResolveOnRecovery: true });

    await page.goto(server.url);
    await page.getByTestId('add-device').first().click();
    await field(page, 'device-name').fill('收银台 1');
    await field(page, 'device-serial').fill('SN-E2E-4711');
    await page.getByTestId('device-connection-tcp').click();
    await field(page, 'device-host').fill('127.0.0.1');
    await field(page, 'device-port').fill(String(simulator.tcpPort));
    await page.getByTestId('device-save').click();
    await expect(page).toHaveURL(/#\/devices\/[0-9a-f-]+$/);
    await expect(page.getByTestId('status-ok').first()).toBeVisible({ timeout: 30_000 });

    // Power loss for 12 s.
    expect(await control(simulator.controlPort!, 'fault link-drop on 12000')).toBe('ok link-drop on');
    await expect(page.getByTestId('banner-down')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('status-offline').first()).toBeVisible();

    await page.getByTestId('nav-incidents').click();
    await expect(page.getByTestId('incident-state-open')).toBeVisible({ timeout: 15_000 });
    await page.getByTestId('incident-state-open').click();
    await expect(page).toHaveURL(/#\/incidents\/[0-9a-f-]+$/);

    // Walk the power guide: lights on? yes; rebooting? no; then the live status enquiry.
    await page.getByTestId('guide-select').click();
    await page.getByTestId('guide-option-power').click();
    await expect(page.getByTestId('guide-node-lights')).toBeVisible();
    await page.getByTestId('guide-answer-0').click();
    await expect(page.getByTestId('guide-node-reboots')).toBeVisible();
    await page.getByTestId('guide-answer-1').click();
    await expect(page.getByTestId('guide-node-checkLink')).toBeVisible();

    // The terminal comes back by itself; the incident resolves.
    await expect(page.getByTestId('banner-recovered')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('incident-state')).toHaveText('已解决', { timeout: 15_000 });
    await page.getByTestId('guide-run').click();
    await expect(page.getByTestId('guide-resolution')).toBeVisible({ timeout: 20_000 });

    // The duration is the time from going offline to coming back, as the status history says.
    const [incident] = await api('incidents.list', {});
    const history = (await api('devices.history', { deviceId: incident.deviceId })) as { overall: string; previousOverall: string | null; since: string }[];
    const down = history.find((h) => h.overall === 'offline' && h.previousOverall === 'ok');
    const back = history.find((h) => h.overall === 'ok' && h.previousOverall === 'offline');
    expect(incident.autoOpened).toBe(true);
    expect(incident.openedAt).toBe(down?.since);
    expect(incident.closedAt).toBe(back?.since);
    expect(incident.durationMs).toBe(Date.parse(back!.since) - Date.parse(down!.since));
    expect(incident.durationMs).toBeGreaterThanOrEqual(10_000);

    await page.getByTestId('escalate').click();
    const text = page.locator('textarea[data-testid="escalation-text"], [data-testid="escalation-text"] textarea').first();
    // The serial number the registry holds: typed by the manager, then the one the terminal reports on connect.
    const device = (await api('devices.get', { id: incident.deviceId })) as { serialNumber: string };
    expect(device.serialNumber).not.toBe('');
    await expect(text).toHaveValue(new RegExp(`序列号: ${device.serialNumber}`));
    await expect(text).toHaveValue(/终端的指示灯或屏幕亮着吗？ → 是/);
    // The live command result, in the pack's language.
    await expect(text).toHaveValue(/状态查询: 终端应答正常/);
    await expect(text).not.toHaveValue(/statusEnquiry/);
    // The symptoms the incident opened with, worded in Chinese (stored in English).
    expect(incident.symptoms).toMatch(/^offline \(link /);
    await expect(text).toHaveValue(/故障现象:\n离线（连接：[^\n]+）\n/);
    await expect(text).not.toHaveValue(/offline \(link/);

    // The board's analytics over a picked period; an impossible custom period is named in Chinese.
    await page.getByTestId('nav-devices').click();
    await expect(page.getByTestId('analytics-window')).toBeVisible();
    await page.getByTestId('range-30d').click();
    await expect(page.getByTestId('store-failures')).toHaveText('1');
    await page.getByTestId('range-custom').click();
    await page.getByLabel('开始日期').fill('2026-03-20');
    await page.keyboard.press('Enter');
    await page.getByLabel('结束日期').fill('2026-03-01');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('range-error')).toHaveText('结束时间早于开始时间');
    await page.getByLabel('结束日期').fill('2026-03-31');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('range-error')).toBeHidden();
    // Whole store days, shown as the store's dates: the last day is the 31st, not the 1st after it.
    await expect(page.getByTestId('analytics-window')).toContainText('2026/03/20 – 2026/03/31');
  });
  test('a CSV with bad lines saves nothing and names every bad line; a photo stays through an edit; a reopened incident stays open', async ({ page, server }) => {
    test.setTimeout(90_000);
    const api = (method: string, input: unknown) => server.api(method, input);
    const device = (await api('devices.create', { name: '收银台 9', model: 'VX 520', connection: { type: 'serial', path: '/dev/ttyPOSCARE-E2E-9' } })) as { id: string; photo: string | null };
    await page.goto(server.url);
    await expect(page.getByText('收银台 9').first()).toBeVisible();
    await page.getByTestId('nav-devices').click();

    const csv = 'name,connectionType,serialPath,host,port,purchaseDate\n好的,serial,COM1,,,\n远端,tcp,,no-such-host.invalid,20007,\n重复,serial,/dev/ttyPOSCARE-E2E-9,,,2026-02-30\n';
    await page.locator('input[type=file][accept=".csv,text/csv"]').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const errors = page.getByTestId('import-errors');
    await expect(errors).toContainText('第 3 行');
    await expect(errors).toContainText('无法解析');
    await expect(errors).toContainText('第 4 行');
    await expect(errors).toContainText('日期不存在');
    await expect(errors).not.toContainText('第 2 行');
    expect(((await api('devices.list', {})) as unknown[]).length).toBe(1);

    // A photo from the detail page, then an edit of another field through the form: the photo stays.
    await page.goto(`${server.url.replace(/#.*$/, '')}#/devices/${device.id}`);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await page.getByTestId('device-photo-input').first().setInputFiles({ name: 'terminal.png', mimeType: 'image/png', buffer: png });
    await expect(page.getByTestId('device-photo-image').first()).toBeVisible();
    await page.getByTestId('device-photo-input').first().setInputFiles({ name: 'terminal.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
    await expect(page.getByTestId('device-photo-error').first()).toHaveText('请使用 PNG、JPEG 或 WebP 图片');
    await page.getByRole('button', { name: '编辑' }).click();
    await field(page, 'device-name').fill('收银台 9 号');
    await page.getByTestId('device-save').click();
    await expect(page.getByTestId('page-title')).toHaveText('收银台 9 号');
    const saved = (await api('devices.get', { id: device.id })) as { name: string; photo: string | null };
    expect(saved.name).toBe('收银台 9 号');
    expect(saved.photo).toMatch(/^data:image\/png;base64,/);

    // Reopen a resolved incident from its page: it stays open.
    const incident = (await api('incidents.open', { deviceId: device.id })) as { id: string };
    await api('incidents.update', { id: incident.id, state: 'resolved' });
    await page.goto(`${server.url.replace(/#.*$/, '')}#/incidents/${incident.id}`);
    await expect(page.getByTestId('incident-state')).toHaveText('已解决');
    await page.getByTestId('incident-state-select').click();
    await page.getByRole('option', { name: '待处理' }).click();
    await page.getByTestId('incident-save').click();
    await expect(page.getByTestId('incident-state')).toHaveText('待处理');
    expect(((await api('incidents.get', { id: incident.id })) as { state: string; closedAt: string | null })).toMatchObject({ state: 'open', closedAt: null });
  });
});
