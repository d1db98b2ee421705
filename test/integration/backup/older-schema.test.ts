/**
 * "Older schema versions are migrated": a backup of a database written by an earlier PosCare
 * (schema 50: only migrations 0010-0050 applied) restores into the current app, is migrated to the
 * newest schema with its rows intact, says what it was migrated from, and the app works on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppCore } from '../../../electron/node/app';
import { inspectDatabaseFile } from '../../../electron/node/db/backup';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../../electron/node/db/migrations/index';
import { writeBackupFile } from '../../../electron/node/services/backup/format';
import type { Device } from '../../../shared/domain/devices';
import type { TransactionPage } from '../../../shared/domain/transactions';
import { backupWorkspace } from '../../helpers/backup';

const PASSPHRASE = 'an older passphrase';
const OLD_SCHEMA = 50;
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A schema-50 database with three transactions, one terminal, a store name; as an earlier PosCare left it. */
function olderDatabase(file: string): void {
  const db = new Database(file);
  try {
    expect(migrate(db, MIGRATIONS.filter((m) => m.version <= OLD_SCHEMA))).toBe(OLD_SCHEMA);
    const insert = db.prepare(
      `INSERT INTO transactions (terminal_id, business_day, occurred_at, trace_number, receipt_number, kind, amount_cents, card_type, receipt_text, captured_at)
       VALUES ('OLD-1', '2025-06-01', ?, ?, ?, 'payment', ?, 'girocard', ?, '2025-06-01T18:00:00Z')`,
    );
    for (let i = 1; i <= 3; i++) insert.run(`2025-06-01T1${i}:00:00`, i, 100 + i, i * 1_000, `receipt ${i}`);
    db.prepare(
      `INSERT INTO devices (id, name, model, vendor, connection, connection_key, created_at, updated_at)
       VALUES ('dev-old', 'Counter 1 (old)', 'Move/5000', 'Ingenico', ?, 'tcp:127.0.0.1:1', '2025-05-01T00:00:00Z', '2025-05-01T00:00:00Z')`,
    ).run(JSON.stringify({ type: 'tcp', host: '127.0.0.1', port: 1 }));
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('store', ?, '2025-05-01T00:00:00Z')").run(JSON.stringify({ name: 'Old store' }));
  } finally {
    db.close();
  }
}

/** The transactions a dispatch of transactions.search answers (it must answer ok). */
async function search(core: AppCore, day: string): Promise<TransactionPage['items']> {
  const result = await core.dispatch('transactions.search', { from: day, to: day });
  expect(result.ok ? 'ok' : JSON.stringify(result.error)).toBe('ok');
  return result.ok ? (result.value as TransactionPage).items : [];
}

/** A backup file of `source` written by the format writer, as the earlier PosCare would have. */
async function backupOf(source: string, out: string): Promise<void> {
  const facts = await inspectDatabaseFile(source, { integrity: false });
  expect(facts.schemaVersion).toBe(OLD_SCHEMA);
  await writeBackupFile({
    snapshotFile: source,
    out,
    passphrase: PASSPHRASE,
    header: { appVersion: '0.5.0', schemaVersion: facts.schemaVersion, createdAt: '2025-06-02T03:00:00.000Z', rowCounts: facts.rowCounts },
  });
}

/** A backup of the schema-50 database on the "USB drive", and the current app started beside it. */
async function olderBackupAndApp(): Promise<{ file: string; core: AppCore; open(): AppCore }> {
  const { usb, open } = backupWorkspace(cleanups);
  const source = path.join(usb, 'old.db');
  olderDatabase(source);
  const file = path.join(usb, 'old.pcbak');
  await backupOf(source, file);
  return { file, core: open(), open };
}

describe('a backup of an older schema', () => {
  it('is migrated on restore, keeps its rows, reports what it came from, and the app works on it', async () => {
    const { file, core, open } = await olderBackupAndApp();
    core.services.transactions.capture({ terminalId: 'NEW-1', traceNumber: 9, receiptNumber: 9, occurredAt: '2026-03-06T10:00:00', amountCents: 5, kind: 'payment' });
    const result = await core.services.backup.restore({ file, passphrase: PASSPHRASE, confirm: true }, { drill: false });
    expect(result).toMatchObject({ migratedFrom: OLD_SCHEMA, schemaVersion: LATEST_SCHEMA_VERSION, drill: false });
    expect(result.rowCounts).toMatchObject({ transactions: 3, devices: 1 });
    // The old schema had no end_of_day_runs (0070) nor the terminal password column (0090).
    expect(result.rowCounts).not.toHaveProperty('end_of_day_runs');
    expect(fs.existsSync(result.safetySnapshot!)).toBe(true);

    // The live file is now the migrated copy.
    expect(schemaVersion(core.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(core.services.info().schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(core.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((core.db.prepare('SELECT count(*) AS n FROM end_of_day_runs').get() as { n: number }).n).toBe(0);

    expect((await search(core, '2025-06-01')).map((t) => [t.terminalId, t.traceNumber, t.amountCents]).sort()).toEqual([
      ['OLD-1', 1, 1_000],
      ['OLD-1', 2, 2_000],
      ['OLD-1', 3, 3_000],
    ]);
    // The transaction captured after the backup is in the safety snapshot only.
    expect(await search(core, '2026-03-06')).toEqual([]);

    const devices = await core.dispatch('devices.list', {});
    expect(devices.ok ? 'ok' : JSON.stringify(devices.error)).toBe('ok');
    expect((devices.ok ? (devices.value as Device[]) : []).map((d) => [d.id, d.name, d.model])).toEqual([['dev-old', 'Counter 1 (old)', 'Move/5000']]);
    expect(core.services.settings.get().store.name).toBe('Old store');

    // The app keeps working on the restored file: a new capture lands, and it survives a restart.
    core.services.transactions.capture({ terminalId: 'OLD-1', traceNumber: 4, receiptNumber: 104, occurredAt: '2025-06-01T14:00:00', amountCents: 4_000, kind: 'payment' });
    core.dispose();
    cleanups.pop();
    const reopened = open();
    expect(schemaVersion(reopened.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(await search(reopened, '2025-06-01')).toHaveLength(4);
  }, 30_000);

  it('is migrated in a drill too, without touching the live database', async () => {
    const { file, core } = await olderBackupAndApp();
    core.services.transactions.capture({ terminalId: 'LIVE', traceNumber: 1, receiptNumber: 1, occurredAt: '2026-03-06T10:00:00', amountCents: 5, kind: 'payment' });
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    const live = path.join(core.dataDir, 'poscare.db');
    const before = fs.readFileSync(live);

    const result = await core.services.backup.drill({ file, passphrase: PASSPHRASE });
    expect(result).toMatchObject({ drill: true, safetySnapshot: null, migratedFrom: OLD_SCHEMA, schemaVersion: LATEST_SCHEMA_VERSION });
    expect(result.rowCounts).toMatchObject({ transactions: 3, devices: 1 });

    core.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(live).equals(before)).toBe(true);
    expect((await search(core, '2026-03-06')).map((t) => t.terminalId)).toEqual(['LIVE']);
    // The drill's temporary folder is gone.
    expect(fs.readdirSync(path.join(core.dataDir, 'backup-work')).filter((n) => n.startsWith('drill-'))).toEqual([]);
  }, 30_000);
});
