import { parseArgs } from 'node:util';
import { resolveDataDir } from '../app';
import { withAppCore } from './app-core';
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
    const terminals = values.terminals === undefined ? undefined : positiveInt('terminals', values.terminals, 0, 1000);
    const dataDir = resolveDataDir(values.data);
    // Not a contract method (the console never fills itself with demo data): the service, through the same core.
    return withAppCore(dataDir, 'poscare demo-data', 'demo-data', async ({ services }) => {
      printJson(io, services.transactions.fillDemo({ transactions, days, seed, ...(terminals === undefined ? {} : { terminals }) }, services.settings.get().store.timezone));
      return 0;
    });
  },
};
