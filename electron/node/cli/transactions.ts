import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../../shared/ipc/result';
import { databaseExists, resolveDataDir } from '../app';
import { call, withAppCore } from './app-core';
import { CliError, printJson, type Command } from './command';

export const transactionsCommand: Command = {
  name: 'transactions',
  summary: 'Export or reconcile the captured transactions',
  usage: `poscare transactions export --data DIR --from YYYY-MM-DD --to YYYY-MM-DD --format csv|xlsx --out FILE [--terminal ID] [--overwrite]
poscare transactions reconcile --data DIR --from YYYY-MM-DD --to YYYY-MM-DD [--terminal ID]

  --out FILE    the export file (relative to the current folder); never inside the data folder
  --overwrite   replace FILE when it exists (without it an existing file is refused)

Prints JSON (export: { file, rows, bytes }; reconcile: { days, anomalies }).`,

  async run(args, io) {
    const [sub, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: {
        data: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        terminal: { type: 'string' },
        overwrite: { type: 'boolean' },
      },
      strict: true,
    });
    if (sub !== 'export' && sub !== 'reconcile') throw new CliError(`unknown subcommand "${sub ?? ''}"; one of export, reconcile`);
    if (!values.data) throw new CliError('--data DIR is required');
    if (!values.from || !values.to) throw new CliError('--from and --to are required (YYYY-MM-DD)');
    const dataDir = resolveDataDir(values.data);
    if (!databaseExists(dataDir)) throw new AppError('not_found', `There is no PosCare database in ${dataDir}`);
    const { from, to, format, terminal } = values;
    if (sub === 'export' && format !== 'csv' && format !== 'xlsx') throw new CliError('--format must be csv or xlsx');
    if (sub === 'export' && !values.out) throw new CliError('--out FILE is required');
    // A relative --out means the technician's current folder, said explicitly (the API refuses relative paths).
    const out = path.resolve(process.cwd(), values.out ?? '');
    return withAppCore(dataDir, `poscare transactions ${sub}`, 'transactions', async ({ dispatch }) => {
      if (sub === 'reconcile') printJson(io, await call(dispatch, 'transactions.reconcile', { from, to, terminalId: terminal }));
      else printJson(io, await call(dispatch, 'transactions.export', { from, to, format: format === 'csv' ? 'csv' : 'xlsx', out, terminalId: terminal, overwrite: values.overwrite === true }));
      return 0;
    });
  },
};
