/**
 * The setup most E2E specs share, as Playwright fixtures: `simulator` (a ZVT terminal on
 * loopback TCP with its control channel) and `server` (`poscare serve` on a fresh data folder,
 * with demo data written first when the spec sets `demoData`). Each is stopped and removed after
 * the test. Specs import `test` and `expect` from here instead of '@playwright/test'.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { startSimulator, type RunningSimulator } from '../../electron/node/simulator/index';
import { ServeProcess } from './server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `poscare demo-data` on a data folder, as a user runs it before the first start. */
export function writeDemoData(dataDir: string, demo: { transactions: number; days: number }): void {
  const run = spawnSync(process.execPath, [path.join(root, 'bin/poscare.js'), 'demo-data', '--data', dataDir, '--transactions', String(demo.transactions), '--days', String(demo.days)], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
}

export const test = base.extend<{ demoData: { transactions: number; days: number } | null; simulator: RunningSimulator; server: ServeProcess }>({
  demoData: [null, { option: true }],
  simulator: async ({}, use) => {
    const simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 }, controlPort: 0 });
    await use(simulator);
    await simulator.close();
  },
  server: async ({ demoData }, use) => {
    const server = new ServeProcess();
    if (demoData) writeDemoData(server.dataDir, demoData);
    await server.start();
    await use(server);
    await server.stop();
    server.remove();
  },
});

export { expect };

/** Element Plus puts the test id on the inner <input> or on its wrapper, depending on the component. */
export function field(page: Page, id: string) {
  return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}
