/**
 * Schema migrations, numbered in steps of 10 and tracked by `PRAGMA user_version`
 * (after Signal Desktop's ts/sql/migrations). All pending migrations run in one transaction:
 * either the database reaches the newest version or it stays as it was.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../../../shared/ipc/result';
import type { Migration } from './migration';
import { migration0010 } from './0010-settings';
import { migration0020 } from './0020-terminal-events';
import { migration0030 } from './0030-transactions';
import { migration0040 } from './0040-backups';
import { migration0050 } from './0050-devices';
import { migration0060 } from './0060-incidents';
import { migration0070 } from './0070-transactions-reconciliation';
import { migration0080 } from './0080-end-of-day-by-day';
import { migration0090 } from './0090-device-terminal-password';
import { migration0100 } from './0100-device-vendor-profile';
import { migration0200 } from './0200-training';
import { migration0220 } from './0220-contingency';
import { migration0170 } from './0170-incident-symptoms-reported';
import { migration0180 } from './0180-maintenance';
import { migration0190 } from './0190-parts';
import { migration0210 } from './0210-standalone-terminals';
import { migration0230 } from './0230-statements';
import { migration0240 } from './0240-training-drills';
import { migration0260 } from './0260-part-photos';

export type { Migration } from './migration';

export const MIGRATIONS: readonly Migration[] = [migration0010, migration0020, migration0030, migration0040, migration0050, migration0060, migration0070, migration0080, migration0090, migration0100, migration0170, migration0180, migration0190, migration0200, migration0210, migration0220, migration0230, migration0240, migration0260];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws `database_newer` when the database was written by a newer PosCare. */
export function assertSchemaSupported(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const current = schemaVersion(db);
  if (current > latest) {
    throw new AppError(
      'database_newer',
      `This database was written by a newer PosCare (schema ${current}, this version knows up to ${latest}). Update PosCare to open it.`,
      { current, latest },
    );
  }
}

export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  assertSchemaSupported(db, migrations);
  const current = schemaVersion(db);
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return latest;
}
