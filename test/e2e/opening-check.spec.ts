/**
 * The daily opening check of the maintenance calendar for a standalone terminal is the staff's
 * quick check form: opened from the calendar, answered with the big buttons, saved once as the
 * terminal's check, and the occurrence is done with that check (no checklist of its own).
 * Browser mode (`poscare serve`) with Debian's Chromium.
 */
import { expect, test } from './fixtures';
import { screenshots } from './server';

/** Today in the store's timezone (the default store profile: Asia/Shanghai). */
function storeToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

test.describe('the opening check of a standalone terminal', () => {
  test('is done from the calendar with the quick check form, one check record', async ({ page, server }) => {
    test.setTimeout(90_000);
    const api = (method: string, input: unknown) => server.api(method, input);
    const today = storeToday();
    const device = await api('devices.create', { name: '前台拉卡拉', model: '拉卡拉 电签 K2', connection: { type: 'none' } });
    const template = (await api('maintenance.templates', { language: 'zh-CN' })).find((t: { id: string }) => t.id === 'dailyOpening');
    const plan = await api('maintenance.createPlan', {
      title: template.title, purpose: template.purpose, steps: template.steps, estimatedMinutes: template.estimatedMinutes, parts: template.parts,
      target: { kind: 'allTerminals' }, schedule: { kind: 'rule', rule: 'FREQ=DAILY', start: `${today}T09:00:00` }, templateId: template.id,
    });

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(server.url);
    await page.getByTestId('nav-maintenance').click();
    await page.locator('.maintenance-event', { hasText: '每日开店检查 · 前台拉卡拉' }).first().click();
    const occurrence = page.getByTestId('maintenance-occurrence');
    await expect(occurrence.getByTestId('maintenance-staff-check')).toContainText('快速检查表');
    // No checklist of its own: no step answers, no complete button.
    await expect(occurrence.getByTestId('maintenance-step-0')).toHaveCount(0);
    await expect(occurrence.getByTestId('maintenance-complete')).toHaveCount(0);
    await screenshots(page, 'opening-check-due-zh');

    await occurrence.getByTestId('maintenance-staff-check-start').click();
    const form = page.getByTestId('check-form');
    for (const item of ['powersOn', 'screen', 'network', 'testSlip', 'payment']) await form.getByTestId(`check-${item}-yes`).click();
    await form.getByTestId('check-paper-low').click();
    await form.locator('input[data-testid="check-by"], [data-testid="check-by"] input').first().fill('小王');
    await form.getByTestId('check-save').click();
    await expect(form).toBeHidden();
    await expect(occurrence.getByTestId('maintenance-staff-check-done')).toContainText('已检查');
    await expect(occurrence.getByTestId('maintenance-staff-check-done')).toContainText('小王');
    await expect(occurrence.getByTestId('occurrence-state-done')).toBeVisible();
    await expect(page.locator('.maintenance-event--done', { hasText: '前台拉卡拉' }).first()).toBeVisible();

    // One record: the check; the occurrence stores nothing of its own and reads it back.
    const checks = await api('checks.list', { deviceId: device.id });
    expect(checks).toEqual([expect.objectContaining({ checkedBy: '小王', failed: ['paper'] })]);
    const detail = await api('maintenance.occurrence', { planId: plan.id, deviceId: device.id, original: `${today}T09:00:00` });
    expect(detail).toMatchObject({ occurrence: { state: 'done', form: 'staffCheck' }, record: { state: 'open' }, staffCheck: { id: checks[0].id } });
    // The checklist is refused with its reason.
    await expect(api('maintenance.complete', { planId: plan.id, deviceId: device.id, original: `${today}T09:00:00`, doneBy: 'x', minutesSpent: 1 })).rejects.toThrow('maintenance.useStaffCheck');

    await api('settings.update', { language: 'en' });
    await page.reload();
    await page.getByTestId('nav-maintenance').click();
    await page.locator('.maintenance-event--done', { hasText: '前台拉卡拉' }).first().click();
    await expect(page.getByTestId('maintenance-staff-check-done')).toContainText('Checked');
    await screenshots(page, 'opening-check-done-en');
  });
});
