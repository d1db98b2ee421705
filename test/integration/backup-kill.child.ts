/**
 * Child process of backup-kill.test.ts: does one kind of work and reports where it is on stdout,
 * one line at a time, written synchronously (a line the parent reads was written before the kill),
 * until the parent kills it with SIGKILL, or it SIGKILLs itself at a named point of a restore.
 *
 *   capture <dataDir> <backupFolder|''>   captures transactions K1/1, 2, ...; prints each trace
 *                                         number once its commit returned; with a folder, backs up
 *                                         into it all the while
 *   backup  <dataDir> <folder>            backs up again and again; prints `phase <name>`
 *   restore <dataDir> <file> <killAt>     restores once; prints `phase <name>`, `swap`, `rename`,
 *                                         `renamed`, `swapped`, then `restored`. killAt: none |
 *                                         in-swap (connection closed, file not yet renamed) |
 *                                         before-rename | after-rename | after-swap
 */
import fs from 'node:fs';
import path from 'node:path';
import { swappableDatabase } from '../../electron/node/db/backup';
import { databasePath, openDatabase } from '../../electron/node/db/connection';
import { EventBus } from '../../electron/node/events/bus';
import { createLogger } from '../../electron/node/log/logger';
import { BackupService, type DatabaseHandle } from '../../electron/node/services/backup/backup-service';
import { TransactionsService } from '../../electron/node/services/transactions/transactions-service';
import type { BackupProgress } from '../../shared/domain/backup';

const [mode, dataDir, target, killAt = 'none'] = process.argv.slice(2) as [string, string, string, string?];
const logger = createLogger({ sink: { write: () => undefined } });
const database = swappableDatabase(() => openDatabase(databasePath(dataDir)));
const live = path.resolve(databasePath(dataDir));

function say(line: string): void {
  fs.writeSync(1, `${line}\n`);
}

function dieAt(point: string): void {
  if (killAt === point) process.kill(process.pid, 'SIGKILL');
}

const bus = new EventBus();
let lastPhase = '';
bus.subscribe((name, payload) => {
  if (name !== 'backup.progress') return;
  const { phase } = payload as BackupProgress;
  if (phase === lastPhase) return;
  lastPhase = phase;
  say(`phase ${phase}`);
});

if (mode === 'capture') {
  const transactions = new TransactionsService(database.db, logger);
  if (target) {
    const backup = new BackupService(database, dataDir, undefined, logger);
    void (async () => {
      for (;;) await backup.createBackup({ folder: target, noEncryption: true }, 'manual');
    })();
  }
  for (let i = 1; ; i++) {
    transactions.capture({ terminalId: 'K1', traceNumber: i, receiptNumber: i % 10_000, occurredAt: '2026-03-01T10:00:00', amountCents: i, kind: 'payment', receiptText: 'x'.repeat(200) });
    // Reported only after the commit returned: the parent may rely on it being durable.
    say(String(i));
    // Lets a backup running alongside make progress, as in the app.
    if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
} else if (mode === 'backup') {
  const service = new BackupService(database, dataDir, bus, logger);
  say('ready');
  for (;;) await service.createBackup({ folder: target, noEncryption: true }, 'manual');
} else {
  // The rename of the restored copy over the live file, observed (and optionally died at).
  const rename = fs.promises.rename.bind(fs.promises);
  Object.assign(fs.promises, {
    rename: async (from: fs.PathLike, to: fs.PathLike): Promise<void> => {
      const isSwap = path.resolve(String(to)) === live;
      if (isSwap) {
        say('rename');
        dieAt('before-rename');
      }
      await rename(from, to);
      if (isSwap) {
        say('renamed');
        dieAt('after-rename');
      }
    },
  });
  const handle: DatabaseHandle = {
    db: database.db,
    reopen: (swap) =>
      database.reopen(async () => {
        say('swap');
        dieAt('in-swap');
        await swap();
        say('swapped');
        dieAt('after-swap');
      }),
  };
  const service = new BackupService(handle, dataDir, bus, logger);
  say('ready');
  await service.restore({ file: target, confirm: true }, { drill: false });
  // The restore re-armed the daily schedule; the child ends here.
  service.dispose();
  database.close();
  say('restored');
}
