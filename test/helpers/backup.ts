import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { openDatabase } from '../../electron/node/db/connection';
import { createLogger } from '../../electron/node/log/logger';
import { tempDir } from './temp';

const quiet = createLogger({ sink: { write: () => undefined } });

/**
 * A data folder and a "USB drive" folder; `open()` starts an app core on the data folder (again
 * after a restart). Everything is undone by the callbacks pushed on `cleanups`.
 */
export function backupWorkspace(cleanups: (() => void)[]): { dataDir: string; usb: string; open(): AppCore } {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  const dataDir = path.join(temp.dir, 'data');
  const usb = path.join(temp.dir, 'usb');
  fs.mkdirSync(usb);
  const open = (): AppCore => {
    const core = createAppCore({ dataDir, mode: 'browser', logger: quiet });
    cleanups.push(() => core.dispose());
    return core;
  };
  return { dataDir, usb, open };
}

/** Content hash of every table, row by row in rowid/primary-key order. */
export function contentHash(file: string): Record<string, string> {
  const db = openDatabase(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'backups' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => {
        const hash = crypto.createHash('sha256');
        for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).iterate()) hash.update(JSON.stringify(row));
        return [name, hash.digest('hex')];
      }),
    );
  } finally {
    db.close();
  }
}

