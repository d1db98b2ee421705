/**
 * The home screen (issue 11 item 9): the shop at a glance. Terminals up / degraded / down, open
 * incidents and the oldest one's age, card takings today and this week per terminal (the same
 * sums the transactions API gives), the last backup, and cards that open their pages; breadcrumbs
 * on detail pages lead back; list pages share one toolbar (search, count, export).
 */
import { weekStart, zonedDay } from '../../shared/domain/time';
import { expect, test } from './fixtures';
import { screenshots } from './server';

test.use({ demoData: { transactions: 300, days: 10 } });

function yuan(cents: number): string {
  return `¥${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

test('the home screen shows the shop at a glance and every card opens its page', async ({ page, server, simulator }) => {
  test.setTimeout(120_000);
  await server.api('incidents.updateSettings', { autoOpenAfterMinutes: 0 });
  const current = (await server.api('settings.get', undefined)) as { store: Record<string, unknown> };
  await server.api('settings.update', { store: { ...current.store, name: '南京西路店' } });
  const up = await server.api('devices.create', { name: '收银台 1', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
  const dead = await server.api('devices.create', { name: '收银台 2', connection: { type: 'tcp', host: '127.0.0.1', port: 9 } });
  const incident = (await server.api('incidents.open', { deviceId: dead.id })) as { id: string };
  await page.goto(server.url);
  await expect(page).toHaveURL(/#\/home$/);
  await expect(page.getByTestId('page-title')).toHaveText('首页');

  const devicesCard = page.getByTestId('home-card-devices');
  // The demo's standalone terminal is unknown until checked; the simulated one comes up, the dead address goes down.
  await expect(devicesCard.getByTestId('home-card-value')).toHaveText('1 / 3 正常', { timeout: 30_000 });
  await expect(devicesCard.getByTestId('home-card-detail')).toContainText('故障/离线 1', { timeout: 30_000 });
  const incidentsCard = page.getByTestId('home-card-incidents');
  await expect(incidentsCard.getByTestId('home-card-value')).toHaveText('1');
  await expect(incidentsCard.getByTestId('home-card-detail')).toContainText('最早的一起已持续');
  await expect(page.getByTestId('home-card-backup').getByTestId('home-card-value')).toHaveText('还没有备份');

  // Takings: the same sums the transactions API gives for the store's today and this week (Monday on).
  const settings = (await server.api('settings.get', undefined)) as { store: { timezone: string } };
  const today = zonedDay(Date.now(), settings.store.timezone);
  const devices = (await server.api('devices.list', {})) as { id: string; name: string }[];
  let todayCents = 0;
  let weekCents = 0;
  const rows = page.getByTestId('home-terminals').locator('.el-table__body tr');
  await expect(rows).toHaveCount(3);
  for (const device of devices) {
    const day = (await server.api('transactions.totals', { from: today, to: today, terminalId: device.id })) as { netCents: number };
    const week = (await server.api('transactions.totals', { from: weekStart(today), to: today, terminalId: device.id })) as { netCents: number };
    todayCents += day.netCents;
    weekCents += week.netCents;
    const row = rows.filter({ hasText: device.name });
    await expect(row).toContainText(yuan(week.netCents));
  }
  await expect(page.getByTestId('home-card-takings').getByTestId('home-card-value')).toHaveText(yuan(todayCents));
  await expect(page.getByTestId('home-card-takings').getByTestId('home-card-detail')).toHaveText(`本周 ${yuan(weekCents)}`);
  await screenshots(page, 'home-zh');

  // Each card opens its page.
  await incidentsCard.click();
  await expect(page).toHaveURL(/#\/incidents$/);
  await expect(page.getByTestId('incident-table')).toContainText('收银台 2');

  // A detail page has breadcrumbs back instead of a back button.
  await page.goto(`${server.url.replace(/#.*$/, '')}#/devices/${up.id}`);
  const crumbs = page.getByTestId('breadcrumbs');
  await expect(crumbs).toContainText('首页');
  await expect(crumbs).toContainText('设备状态');
  await expect(crumbs).toContainText('收银台 1');
  await screenshots(page, 'device-detail-zh');
  await crumbs.getByText('设备状态').click();
  await expect(page).toHaveURL(/#\/devices$/);

  // The devices list: search and count in the shared toolbar.
  const toolbar = page.getByTestId('table-toolbar');
  await expect(toolbar.getByTestId('table-count')).toHaveText('共 3 项');
  await toolbar.getByTestId('table-search').fill('收银台 2');
  await expect(toolbar.getByTestId('table-count')).toHaveText('显示 1 项 / 共 3 项');
  await expect(page.getByTestId('device-card-收银台 2')).toBeVisible();
  await expect(page.getByTestId('device-card-收银台 1')).toHaveCount(0);
  await page.getByTestId('nav-home').click();
  await expect(page.getByTestId('home-cards')).toBeVisible();

  // The incident page in two columns: facts and guide on the left, the timeline (and the pack) on the right.
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${server.url.replace(/#.*$/, '')}#/incidents/${incident.id}`);
  const guide = await page.getByTestId('incident-guide-card').boundingBox();
  const facts = await page.getByTestId('incident-facts').boundingBox();
  const timeline = await page.getByTestId('incident-timeline').boundingBox();
  expect(guide && facts && timeline).toBeTruthy();
  expect(timeline!.x).toBeGreaterThanOrEqual(guide!.x + guide!.width);
  expect(timeline!.y).toBeLessThan(guide!.y + guide!.height);
  expect(facts!.x).toBe(guide!.x);
  await expect(page.getByTestId('breadcrumbs')).toContainText('故障处理');
  await screenshots(page, 'incident-detail-zh');
});
