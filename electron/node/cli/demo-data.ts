import { parseArgs } from 'node:util';
import { resolveDataDir } from '../app';
import { bulkInsertTransactions } from '../db/bulk';
import { databasePath, ensureDataDir, openDatabase } from '../db/connection';
import { listDevices } from '../db/devices';
import { demoTransactions, type DemoDay } from '../services/transactions/demo-data';
import { localDay } from '../services/transactions/transactions-service';
import { CliError, printJson, type Command } from './command';

function positiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`--${name} must be a whole number from 1 to ${max}, got ${value}`);
  return n;
}

export const demoDataCommand: Command = {
  name: 'demo-data',
  summary: 'Fill a data folder with realistic demo transactions',
  usage: `poscare demo-data --data DIR --transactions N [--terminals K] [--days D] [--seed S]

  --data DIR          data folder (created if missing)
  --transactions N    number of transactions (up to 50,000,000)
  --terminals K       number of terminals (default: the registered terminals, else 3); the
                      registered terminals are used first, so the data lines up with them
  --days D            business days, ending yesterday (default 30)
  --seed S            seed of the generator (default fixed: the same data every time)

Prints JSON: { transactions, created, terminals, registered, days, seconds, rowsPerSecond }`,

  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        transactions: { type: 'string' },
        terminals: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
      },
      strict: true,
    });
    if (!values.data) throw new CliError('--data DIR is required');
    if (!values.transactions) throw new CliError('--transactions N is required');
    const transactions = positiveInt('transactions', values.transactions, 0, 50_000_000);
    const days = positiveInt('days', values.days, 30, 3650);
    const seed = positiveInt('seed', values.seed, 20_240_501, 2 ** 31);
    const dataDir = resolveDataDir(values.data);
    ensureDataDir(dataDir);
    const db = openDatabase(databasePath(dataDir));
    try {
      // The terminals the manager registered come first: the data shows under their names.
      const registered = listDevices(db).map((device) => ({ id: device.id, tid: device.tid || null }));
      const terminals = positiveInt('terminals', values.terminals, registered.length || 3, 1000);
      const terminalIds = registered.slice(0, terminals);
      const yesterday = localDay(new Date(Date.now() - 86_400_000));
      const endOfDay: DemoDay[] = [];
      const started = performance.now();
      const created = bulkInsertTransactions(
        db,
        demoTransactions({ transactions, terminals, terminalIds, days, lastDay: yesterday, seed }, (day) => endOfDay.push(day)),
        () => endOfDay,
        new Date().toISOString(),
      );
      const seconds = (performance.now() - started) / 1000;
      printJson(io, { transactions, created, terminals, registered: terminalIds.length, days, seconds: Number(seconds.toFixed(3)), rowsPerSecond: Math.round(transactions / seconds) });
      return 0;
    } finally {
      db.close();
    }
  },
};
