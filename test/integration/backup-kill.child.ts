/**
 * Child process of backup-kill.test.ts: does one kind of work and reports progress on stdout,
 * until the parent kills it with SIGKILL.
 */
import { swappableDatabase } from '../../electron/node/db/backup';
import { databasePath, openDatabase } from '../../electron/node/db/connection';
import { createLogger } from '../../electron/node/log/logger';
import { BackupService } from '../../electron/node/services/backup/backup-service';
import { TransactionsService } from '../../electron/node/services/transactions/transactions-service';

const [mode, dataDir, target] = process.argv.slice(2) as [string, string, string];
const logger = createLogger({ sink: { write: () => undefined } });
const database = swappableDatabase(() => openDatabase(databasePath(dataDir)));

if (mode === 'capture') {
  const service = new TransactionsService(database.db, logger);
  for (let i = 1; ; i++) {
    service.capture({ terminalId: 'K1', traceNumber: i, receiptNumber: i % 10_000, occurredAt: '2026-03-01T10:00:00', amountCents: i, kind: 'payment', receiptText: 'x'.repeat(200) });
    // Reported only after the commit returned: the parent may rely on it being durable.
    process.stdout.write(`${i}\n`);
  }
} else {
  const service = new BackupService(database, dataDir, undefined, logger);
  process.stdout.write('ready\n');
  if (mode === 'backup') {
    for (;;) await service.createBackup({ folder: target, noEncryption: true }, 'manual');
  } else {
    await service.restore({ file: target, confirm: true }, { drill: false });
    process.stdout.write('restored\n');
  }
}
