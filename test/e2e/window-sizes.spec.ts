/**
 * Every section and every detail page at a small (1024×700), a common laptop (1366×768) and a big
 * (1920×1080) window, in zh-CN and English (issue 11 item 10): a screenshot of each into
 * test-results/window-sizes/, and measured, not only looked at: no page wider than the window,
 * nothing in the content area wider than the content area, no header item cut off or overlapping
 * another, no two cards of a page on top of each other, no text cut off without an ellipsis.
 */
import { expect, test } from '@playwright/test';
import { writeDemoData } from './fixtures';
import { ServeProcess } from './server';

const SIZES = [
  { name: 'small', width: 1024, height: 700 },
  { name: 'medium', width: 1366, height: 768 },
  { name: 'big', width: 1920, height: 1080 },
] as const;
const SECTIONS = ['home', 'devices', 'incidents', 'maintenance', 'parts', 'training', 'contingency', 'transactions', 'backup', 'settings'] as const;
const LONG_NAME = '收银台 1 · 靠近入口的那一台，顾客最多的时候排队最长的收银台';

/** What the page in the window gets wrong, measured in the browser. */
function layoutProblems(menuCollapsed: boolean): string[] {
  const issues: string[] = [];
  const visible = (e: Element) => (e as HTMLElement).offsetParent !== null && e.getBoundingClientRect().width > 0;
  const overlap = (a: DOMRect, b: DOMRect) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const name = (e: Element) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''}`;
  // A small window gets the icon-only menu, so the content keeps its width.
  const menu = document.querySelector('.app-shell__aside')?.getBoundingClientRect().width ?? 0;
  if (menuCollapsed && menu > 100) issues.push(`menu ${menu}px wide: not collapsed to icons`);
  if (!menuCollapsed && menu < 150) issues.push(`menu ${menu}px wide: collapsed in a big window`);
  const scroller = document.scrollingElement ?? document.documentElement;
  if (scroller.scrollWidth > window.innerWidth) issues.push(`page ${scroller.scrollWidth}px wide in a ${window.innerWidth}px window`);
  const main = document.querySelector('.app-shell__main');
  if (main && main.scrollWidth > main.clientWidth + 1) issues.push(`content ${main.scrollWidth}px wide in a ${main.clientWidth}px content area`);
  const header = document.querySelector('.app-shell__header');
  if (header) {
    const items = [...header.children].filter(visible).map((e) => ({ cls: e.className, box: e.getBoundingClientRect() }));
    for (const item of items) if (item.box.right > window.innerWidth + 0.5 || item.box.left < -0.5) issues.push(`header item ${item.cls} cut off`);
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) if (overlap(items[i]!.box, items[j]!.box)) issues.push(`header items ${items[i]!.cls} and ${items[j]!.cls} overlap`);
  }
  if (main) {
    const mainBox = main.getBoundingClientRect();
    // Cards side by side in one grid or column must not lie on top of each other, nor stick out of the content area.
    const cards = [...main.querySelectorAll('.el-card')].filter((c) => visible(c) && !c.parentElement?.closest('.el-card') && !c.closest('.el-dialog, .el-drawer'));
    for (const card of cards) {
      const box = card.getBoundingClientRect();
      if (box.right > mainBox.right + 0.5 || box.left < mainBox.left - 0.5) issues.push(`${name(card)} sticks out of the content area`);
    }
    for (let i = 0; i < cards.length; i++)
      for (let j = i + 1; j < cards.length; j++) if (overlap(cards[i]!.getBoundingClientRect(), cards[j]!.getBoundingClientRect())) issues.push(`${name(cards[i]!)} and ${name(cards[j]!)} overlap`);
    // Text in a box that hides what does not fit must end in an ellipsis (with the whole text as a tooltip), never just stop.
    for (const element of main.querySelectorAll<HTMLElement>('h1, h2, h3, p, span, div, dd, dt, a, label, button, td .cell')) {
      if (!visible(element) || element.closest('.el-table__body-wrapper .el-scrollbar__wrap, .el-select, .el-input, .el-dialog, .el-drawer, .el-tabs__nav-wrap, .el-calendar, .fc')) continue;
      const style = getComputedStyle(element);
      const hides = style.overflowX === 'hidden' || style.overflowX === 'clip';
      if (hides && element.scrollWidth > element.clientWidth + 1 && style.textOverflow !== 'ellipsis' && element.textContent?.trim()) issues.push(`${name(element)} cuts off "${element.textContent.trim().slice(0, 30)}"`);
    }
  }
  return issues;
}

test.describe('window sizes', () => {
  let server: ServeProcess;
  const details: string[] = [];

  test.beforeAll(async () => {
    server = new ServeProcess();
    writeDemoData(server.dataDir, { transactions: 200, days: 3 });
    await server.start();
    // A long store name and long names on the detail pages: they must wrap or ellipsize, not push the page wide.
    const current = (await server.api('settings.get', undefined)) as { store: Record<string, unknown> };
    await server.api('settings.update', { store: { ...current.store, name: '静安寺商圈旗舰店（南京西路一千七百八十八号国际中心地下一层）' } });
    const device = (await server.api('devices.create', { name: LONG_NAME, model: 'Verifone VX 520 CTLS', serialNumber: 'SN-2026-000000000001', connection: { type: 'tcp', host: '127.0.0.1', port: 9 } })) as { id: string };
    const incident = (await server.api('incidents.open', { deviceId: device.id, symptoms: '打印机不出纸，屏幕提示“打印机未就绪”，顾客在排队，已经改用另一台收银台收款' })) as { id: string };
    const part = (await server.api('parts.create', { name: '热敏打印纸 57×50 毫米（每箱五十卷，适用于全部柜台终端的打印机）', partNumber: 'PAPER-57-50-CASE', category: 'paper_roll', minimumStock: 5 })) as { id: string };
    const person = (await server.api('staff.create', { name: '欧阳娜娜', role: 'cashier', phone: '13800138000', startDate: '2026-01-05' })) as { id: string };
    details.push(`devices/${device.id}`, `incidents/${incident.id}`, `parts/${part.id}`, `training/people/${person.id}`);
  });

  test.afterAll(async () => {
    await server.stop();
    server.remove();
  });

  for (const language of ['zh-CN', 'en'] as const) {
    for (const size of SIZES) {
      test(`every section and detail page fits a ${size.name} window (${size.width}×${size.height}) in ${language}`, async ({ browser }) => {
        test.setTimeout(180_000);
        await server.api('settings.update', { language });
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: language });
        const page = await context.newPage();
        const base = server.url.replace(/#.*$/, '');
        await page.goto(server.url);
        const problems: string[] = [];
        for (const route of [...SECTIONS, ...details]) {
          await page.goto(`${base}#/${route}`);
          await page.waitForLoadState('networkidle');
          await expect(page.getByTestId('page-title')).toBeVisible();
          const shot = route.includes('/') ? `${route.split('/').slice(0, -1).join('-')}-detail` : route;
          await page.screenshot({ path: `test-results/window-sizes/${shot}-${size.width}x${size.height}-${language}.png` });
          const found = await page.evaluate(layoutProblems, size.width <= 1100);
          problems.push(...found.map((issue) => `${route}: ${issue}`));
        }
        await context.close();
        expect(problems).toEqual([]);
      });
    }

    // Issue 11: the type tags of the transactions list were squashed (cut or wrapped). Every type, filtered one at a time.
    test(`transaction type tags sit whole on one line in their column in ${language}`, async ({ browser }) => {
      test.setTimeout(120_000);
      await server.api('settings.update', { language });
      const kinds = ['payment', 'reversal', 'refund', 'declined'] as const;
      const names = language === 'en' ? { payment: 'Payment', reversal: 'Reversal', refund: 'Refund', declined: 'Declined' } : { payment: '消费', reversal: '冲正', refund: '退货', declined: '拒绝' };
      const problems: string[] = [];
      for (const size of SIZES) {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: language });
        const page = await context.newPage();
        await page.goto(server.url);
        await page.goto(`${server.url.replace(/#.*$/, '')}#/transactions`);
        const table = page.getByTestId('transactions-table');
        for (const kind of kinds) {
          await page.getByTestId('transactions-kind').click();
          await page.getByRole('option', { name: names[kind], exact: true }).click();
          await page.getByRole('button', { name: language === 'en' ? 'Search' : '查询' }).click();
          const tags = table.getByTestId(`kind-${kind}`);
          await expect(tags.first()).toBeVisible();
          await expect(table.locator('[data-testid^="kind-"]').and(page.locator(`:not([data-testid="kind-${kind}"])`))).toHaveCount(0);
          const found = await tags.evaluateAll((elements) =>
            elements.flatMap((tag) => {
              const box = tag.getBoundingClientRect();
              const cell = tag.closest('td')!.getBoundingClientRect();
              const issues: string[] = [];
              if (tag.scrollWidth > tag.clientWidth + 1) issues.push(`text ${tag.scrollWidth}px in a ${tag.clientWidth}px tag`);
              if (box.left < cell.left || box.right > cell.right) issues.push(`tag ${Math.round(box.width)}px sticks out of its ${Math.round(cell.width)}px cell`);
              if (box.height > 26) issues.push(`tag ${Math.round(box.height)}px high: wrapped`);
              if (getComputedStyle(tag).transform !== 'none') issues.push('tag still scaled by an animation');
              return issues;
            }),
          );
          problems.push(...[...new Set(found)].map((issue) => `${size.width}×${size.height} ${kind}: ${issue}`));
        }
        await page.screenshot({ path: `test-results/window-sizes/transactions-kinds-${size.width}x${size.height}-${language}.png` });
        await context.close();
      }
      expect(problems).toEqual([]);
    });
  }
});
