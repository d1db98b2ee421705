import crypto from 'node:crypto';
import { openDatabase } from '../../electron/node/db/connection';

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

