/**
 * Every section at a small (1024×700) and a big (1920×1080) window, in zh-CN and English
 * (issue 11 item 10): a screenshot of each into test-results/window-sizes/, and no page wider
 * than the window, no header item cut off or overlapping another.
 */
import { expect, test } from '@playwright/test';
import { writeDemoData } from './fixtures';
import { ServeProcess } from './server';

const SIZES = [
  { name: 'small', width: 1024, height: 700 },
  { name: 'big', width: 1920, height: 1080 },
] as const;
const SECTIONS = ['home', 'devices', 'incidents', 'maintenance', 'parts', 'training', 'contingency', 'transactions', 'backup', 'settings'] as const;

test.describe('window sizes', () => {
  let server: ServeProcess;

  test.beforeAll(async () => {
    server = new ServeProcess();
    writeDemoData(server.dataDir, { transactions: 200, days: 3 });
    await server.start();
    // A long store name and a long device name: they must wrap or ellipsize, not push the page wide.
    const current = (await server.api('settings.get', undefined)) as { store: Record<string, unknown> };
    await server.api('settings.update', { store: { ...current.store, name: '静安寺商圈旗舰店（南京西路一千七百八十八号国际中心地下一层）' } });
    await server.api('devices.create', { name: '收银台 1 · 靠近入口的那一台，顾客最多的时候排队最长的收银台', connection: { type: 'tcp', host: '127.0.0.1', port: 9 } });
  });

  test.afterAll(async () => {
    await server.stop();
    server.remove();
  });

  for (const language of ['zh-CN', 'en'] as const) {
    for (const size of SIZES) {
      test(`every section fits a ${size.name} window in ${language}`, async ({ browser }) => {
        test.setTimeout(120_000);
        await server.api('settings.update', { language });
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: language });
        const page = await context.newPage();
        const base = server.url.replace(/#.*$/, '');
        await page.goto(server.url);
        const problems: string[] = [];
        for (const section of SECTIONS) {
          await page.goto(`${base}#/${section}`);
          await page.waitForLoadState('networkidle');
          await expect(page.locator('.app-shell__main')).toBeVisible();
          await page.screenshot({ path: `test-results/window-sizes/${section}-${size.name}-${language}.png` });
          const found = await page.evaluate((small) => {
            const issues: string[] = [];
            // A small window gets the icon-only menu, so the content keeps its width.
            const menu = document.querySelector('.app-shell__aside')?.getBoundingClientRect().width ?? 0;
            if (small && menu > 100) issues.push(`menu ${menu}px wide: not collapsed to icons`);
            if (!small && menu < 150) issues.push(`menu ${menu}px wide: collapsed in a big window`);
            const scroller = document.scrollingElement ?? document.documentElement;
            if (scroller.scrollWidth > window.innerWidth) issues.push(`page ${scroller.scrollWidth}px wide in a ${window.innerWidth}px window`);
            const header = document.querySelector('.app-shell__header');
            if (header) {
              const items = [...header.children].filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => ({ cls: e.className, box: e.getBoundingClientRect() }));
              for (const item of items) if (item.box.right > window.innerWidth + 0.5 || item.box.left < -0.5) issues.push(`header item ${item.cls} cut off`);
              for (let i = 0; i < items.length; i++)
                for (let j = i + 1; j < items.length; j++) {
                  const a = items[i]!.box;
                  const b = items[j]!.box;
                  if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) issues.push(`header items ${items[i]!.cls} and ${items[j]!.cls} overlap`);
                }
            }
            return issues;
          }, size.name === 'small');
          problems.push(...found.map((issue) => `${section}: ${issue}`));
        }
        await context.close();
        expect(problems).toEqual([]);
      });
    }
  }
});
