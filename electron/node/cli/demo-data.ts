import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../app';
import { bulkInsertTransactions } from '../db/bulk';
import { ensureDataDir } from '../db/connection';
import { withLockedDatabase } from './locked-database';
import { insertDevice, listDevices } from '../db/devices';
import { DeviceFields } from '../../../shared/domain/devices';
import { zonedDay } from '../../../shared/domain/time';
import { EventBus } from '../events/bus';
import { SettingsService } from '../services/settings/settings-service';
import { demoTransactions, type DemoDay } from '../services/transactions/demo-data';
import { CliError, printJson, type Command } from './command';

const DEMO_STANDALONE = DeviceFields.parse({
  name: '前台拉卡拉',
  model: '拉卡拉 电签 K2',
  vendor: '拉卡拉 Lakala',
  tid: '52010001',
  location: '前台',
  connection: { type: 'none' },
  network: '4g',
  acquirer: '拉卡拉',
  acquirerHotline: '95016',
});

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
  --terminals K       number of terminals (default: the registered terminals; an empty registry
                      gets the demo shop's standalone Lakala terminal and 3 in all); the
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
    return withLockedDatabase(dataDir, 'poscare demo-data', (db) => {
      // An empty registry gets the demo shop's standalone Lakala terminal (4G, checked by staff).
      const emptyRegistry = listDevices(db, true).length === 0;
      if (emptyRegistry) insertDevice(db, randomUUID(), DEMO_STANDALONE, new Date().toISOString());
      // The terminals the manager registered come first: the data shows under their names.
      const registered = listDevices(db).map((device) => ({ id: device.id, tid: device.tid || null }));
      const terminals = positiveInt('terminals', values.terminals, emptyRegistry ? 3 : registered.length, 1000);
      const terminalIds = registered.slice(0, terminals);
      // Business days in the store's timezone.
      const yesterday = zonedDay(Date.now() - 86_400_000, new SettingsService(db, new EventBus()).get().store.timezone);
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
    });
  },
};
