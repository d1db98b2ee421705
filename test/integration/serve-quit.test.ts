import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../electron/node/app';
import type { CliIo } from '../../electron/node/cli/command';
import { runCli } from '../../electron/node/cli/index';
import { silentLogger } from '../../electron/node/log/logger';
import type { BackupList } from '../../shared/domain/backup';
import { tempDir } from '../helpers/temp';

// `poscare serve` stopping (Ctrl-C) runs the at-quit backup, as the desktop app does on quit.

const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

async function withCore<T>(dataDir: string, work: (dispatch: ReturnType<typeof createAppCore>['dispatch']) => Promise<T>): Promise<T> {
  const core = createAppCore({ dataDir, mode: 'browser', logger: silentLogger });
  try {
    return await work(core.dispatch);
  } finally {
    core.dispose();
  }
}

async function quitEntries(dataDir: string): Promise<BackupList['entries']> {
  return withCore(dataDir, async (dispatch) => {
    const result = await dispatch('backup.list', undefined);
    if (!result.ok) throw new Error(result.error.message);
    return (result.value as BackupList).entries.filter((entry) => entry.trigger === 'quit');
  });
}

async function serveUntilStopped(dataDir: string): Promise<number> {
  const io: CliIo = { stdout: () => undefined, stderr: () => undefined, env: {}, untilStopped: () => Promise.resolve() };
  return runCli(['serve', '--data', dataDir, '--port', '0'], io);
}

describe('poscare serve on stop', () => {
  it('backs up once when the last good backup is older than a day, and not again right after', async () => {
    const data = tempDir();
    const usb = tempDir();
    temps.push(data, usb);
    await withCore(data.dir, async (dispatch) => {
      const updated = await dispatch('backup.updateSettings', { folder: usb.dir, encrypted: false });
      if (!updated.ok) throw new Error(updated.error.message);
    });

    expect(await serveUntilStopped(data.dir)).toBe(0);
    const first = await quitEntries(data.dir);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ trigger: 'quit', status: 'verified', present: true });
    expect(fs.readdirSync(usb.dir)).toContain(path.basename(first[0]!.file));

    expect(await serveUntilStopped(data.dir)).toBe(0);
    expect(await quitEntries(data.dir)).toHaveLength(1);
  });
});
