/**
 * One way to ask for attention, in browser mode: a terminal going down shows the menu badge, a
 * status-board card and one in-app notice (no Notification permission in the test browser), not
 * one per status poll; muting the kind hides it; a missed automatic backup shows its card.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openDatabase } from '../../electron/node/db/connection';
import { insertSkippedBackup } from '../../electron/node/db/backup';
import { startSimulator, type RunningSimulator } from '../../electron/node/simulator/index';
import { screenshots, ServeProcess } from './server';
import { simulatorControl as control } from '../helpers/simulator';


/** Every in-app notice the page ever showed (they close by themselves), by its classes. */
async function recordNotices(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { notices: string[] }).notices = seen;
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes) if (node instanceof HTMLElement && node.classList.contains('attention-notice')) seen.push(node.className);
    }).observe(document, { childList: true, subtree: true });
  });
}

function notices(page: Page, phase: 'appeared' | 'cleared'): Promise<number> {
  return page.evaluate((p) => (window as unknown as { notices: string[] }).notices.filter((c) => c.includes(`attention-notice--${p}`)).length, phase);
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshots(page, `attention-${name}`);
}

test.describe('attention', () => {
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

  test('a terminal going down shows the badge, a card and one notice; muting the kind hides them', async ({ page }) => {
    test.setTimeout(150_000);
    simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 }, controlPort: 0 });
    await server.api('incidents.updateSettings', { autoOpenAfterMinutes: 0 });
    await server.api('devices.create', { name: '收银台 1', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } });
    await recordNotices(page);
    await page.goto(server.url);
    await expect(page.getByTestId('status-ok').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('attention-cards')).toHaveCount(0);
    await expect(page.getByTestId('nav-badge-devices')).toHaveCount(0);

    // Power loss for 12 s: down, then back by itself.
    expect(await control(simulator.controlPort!, 'fault link-drop on 12000')).toBe('ok link-drop on');
    const card = page.getByTestId('attention-card-devices.down');
    await expect(card).toBeVisible({ timeout: 15_000 });
    await expect(card).toContainText('收银台 1：离线');
    // The in-page banner shows the same crossing (it reads the attention notices, not its own event).
    await expect(page.getByTestId('banner-down')).toContainText('收银台 1');
    await expect(page.getByTestId('nav-badge-devices')).toHaveText('1');
    await expect(page.locator('.attention-notice--appeared')).toHaveCount(1);
    expect(await notices(page, 'appeared')).toBe(1);
    await shot(page, 'down-zh-CN');

    // Back: the card and badge go, the all-clear shows; through the whole outage (status polls,
    // reconnect attempts) the down notice was shown once.
    await expect(page.locator('.attention-notice--cleared')).toHaveCount(1, { timeout: 60_000 });
    await expect(card).toHaveCount(0);
    await expect(page.getByTestId('nav-badge-devices')).toHaveCount(0);
    expect(await notices(page, 'appeared')).toBe(1);
    expect(await notices(page, 'cleared')).toBe(1);
    await expect(page.getByTestId('banner-recovered')).toContainText('收银台 1');
    await expect(page.getByTestId('banner-down')).toHaveCount(0);

    // Down again: a new crossing, a new notice. Then the manager mutes the kind.
    expect(await control(simulator.controlPort!, 'fault link-drop on 60000')).toBe('ok link-drop on');
    await expect(card).toBeVisible({ timeout: 15_000 });
    await expect.poll(() => notices(page, 'appeared')).toBe(2);
    await card.getByTestId('attention-mute').click();
    await expect(card).toHaveCount(0);
    await expect(page.getByTestId('nav-badge-devices')).toHaveCount(0);
    await expect(page.getByTestId('attention-unmute-devices.down')).toBeVisible();
    expect((await server.api('attention.list', {})).mutedKinds).toEqual(['devices.down']);
    // Unmuted: shown again (it did not cross now: no new notice).
    await page.getByTestId('attention-unmute-devices.down').click();
    await expect(card).toBeVisible();
    expect(await notices(page, 'appeared')).toBe(2);
  });

  test('a missed automatic backup shows its card, which leads to the Backup page', async ({ page }) => {
    await server.api('settings.update', { language: 'en' });
    await server.stop();
    const db = openDatabase(path.join(server.dataDir, 'poscare.db'));
    insertSkippedBackup(db, { folder: '/media/usb-stick', createdAt: new Date().toISOString(), trigger: 'scheduled', encrypted: true, reason: 'folder_missing' });
    db.close();
    await server.start();
    await recordNotices(page);
    await page.goto(server.url);
    const card = page.getByTestId('attention-card-backup.missed');
    await expect(card).toContainText('The last automatic backup did not run (backup folder not found)');
    await expect(page.getByTestId('nav-badge-backup')).toHaveText('1');
    // Found at start: shown, not announced.
    await shot(page, 'backup-en');
    await card.getByTestId('attention-open').click();
    await expect(page).toHaveURL(/#\/backup$/);
    await expect(page.getByTestId('backup-skipped')).toBeVisible();
    expect(await notices(page, 'appeared')).toBe(0);
  });
});
