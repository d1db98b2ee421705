/**
 * A practice drill in Chromium (issue 14 item 5): the manager starts a paper-out drill for a
 * cashier; the trainee finds the drill terminal on the status board, reports the fault (the
 * incident), follows the printer guide, the trainer hands over the roll (the fault clears), the
 * print test passes, the trainee makes the escalation pack and resolves. Ending the drill puts its
 * outcome on the person's record; the reliability analytics show nothing and the terminal is gone.
 */
import { expect, test } from './fixtures';

test.describe('practice drill', () => {
  test('a paper-out drill run to the end: outcome on the record, nothing in the analytics', async ({ page, server }) => {
    test.setTimeout(150_000);
    const api = (method: string, input: unknown) => server.api(method, input);
    // The store's own terminal (a standalone one), so the status board shows its analytics.
    await api('devices.create', { name: '收银台 1', connection: { type: 'none' } });
    const person = await api('staff.create', { name: 'Anna', role: 'cashier', phone: '', startDate: '2026-01-05' });
    const base = server.url.replace(/#.*$/, '');
    await page.goto(server.url);
    await page.goto(`${base}#/training`);
    await page.getByRole('tab', { name: /实操演练|Practice drills/ }).click();
    await expect(page.getByTestId('drill-outcomes')).toBeVisible();
    await page.getByTestId('drill-trainee').click();
    await page.getByRole('option', { name: 'Anna' }).click();
    await page.getByTestId('drill-start').click();
    await expect(page.getByTestId('drill-running')).toBeVisible({ timeout: 20_000 });

    // The trainee: the status board shows the drill terminal at fault.
    await page.getByTestId('drill-board').click();
    const card = page.locator('[data-testid^="device-card-培训演练终端"]');
    await expect(card.getByTestId('drill-tag')).toBeVisible();
    await expect(card.getByTestId('status-fault')).toBeVisible({ timeout: 30_000 });
    await card.locator('[data-testid^="report-fault-"]').click();
    await page.getByTestId('report-noPrint').click();
    await expect(page).toHaveURL(/#\/incidents\/[0-9a-f-]+$/);
    const incidentUrl = page.url();
    await expect(page.getByTestId('drill-tag')).toBeVisible();

    // Guided troubleshooting: no paper → load a roll (the trainer hands it over) → the live print test passes.
    await expect(page.getByTestId('guide-node-paper')).toBeVisible();
    await page.getByTestId('guide-answer-0').click();
    await expect(page.getByTestId('guide-node-loadPaper')).toBeVisible();
    const drill = (await api('training.drills', {}))[0];
    await api('training.fixDrill', { id: drill.id });
    await page.getByTestId('guide-answer-0').click();
    await page.getByTestId('guide-run').click();
    await expect(page.getByTestId('guide-resolution')).toBeVisible({ timeout: 20_000 });
    await page.getByTestId('escalate').click();
    await expect(page.locator('textarea[data-testid="escalation-text"], [data-testid="escalation-text"] textarea').first()).not.toHaveValue('');
    // The terminal is back: the incident resolves itself on recovery (the house setting), as in the shop.
    await expect(page.getByTestId('incident-state')).toHaveText(/已解决|Resolved/, { timeout: 20_000 });
    // Who handled it: picked from the staff roster (the same picker as maintenance).
    await page.getByTestId('incident-handled-by').click();
    await page.getByRole('option', { name: /Anna/ }).click();
    await page.getByTestId('incident-save').click();
    const incidentId = incidentUrl.replace(/^.*\/incidents\//, '');
    await expect.poll(async () => (await api('incidents.get', { id: incidentId })).handledBy).toBe('Anna');

    // The manager ends the drill; the outcome is on Anna's record.
    await page.goto(`${base}#/training`);
    await page.getByRole('tab', { name: /实操演练|Practice drills/ }).click();
    await page.getByTestId('drill-end').click();
    await expect(page.getByTestId('drill-running')).toBeHidden({ timeout: 20_000 });
    await page.goto(`${base}#/training/people/${person.id}`);
    const outcome = page.getByTestId('drill-outcomes');
    await expect(outcome).toContainText(/缺纸|Paper out/);
    await expect(outcome).toContainText(/是|yes/);
    await expect(outcome).not.toContainText(/未发现|not noticed/);
    const [ended] = await api('training.drills', {});
    expect(ended.outcome).toMatchObject({ escalated: true, resolved: true });
    expect(ended.outcome.steps).toBeGreaterThanOrEqual(2);

    // Nothing in the reliability analytics, and the drill terminal and its incident are gone.
    await page.goto(`${base}#/devices`);
    await expect(page.getByTestId('device-card-收银台 1')).toBeVisible();
    await expect(page.getByTestId('store-failures')).toHaveText('0');
    await expect(page.locator('[data-testid^="device-card-培训演练终端"]')).toHaveCount(0);
    expect((await api('analytics.summary', {})).store.failures).toBe(0);
    expect(await api('incidents.list', {})).toEqual([]);
  });
});
