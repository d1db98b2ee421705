import { parseArgs } from 'node:util';
import { resolveDataDir } from '../app';
import { databasePath } from '../db/connection';
import { withLockedDatabase } from './locked-database';
import { createLogger } from '../log/logger';
import { TransactionsService } from '../services/transactions/transactions-service';
import { CliError, printJson, type Command } from './command';
import { AppError } from '../../../shared/ipc/result';
import fs from 'node:fs';
import path from 'node:path';

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
    if (!fs.existsSync(databasePath(dataDir))) throw new AppError('not_found', `There is no PosCare database in ${dataDir}`);
    const { from, to, format, terminal } = values;
    if (sub === 'export' && format !== 'csv' && format !== 'xlsx') throw new CliError('--format must be csv or xlsx');
    if (sub === 'export' && !values.out) throw new CliError('--out FILE is required');
    // A relative --out means the technician's current folder, said explicitly (the API refuses relative paths).
    const out = path.resolve(process.cwd(), values.out ?? '');
    return withLockedDatabase(dataDir, `poscare transactions ${sub}`, async (db) => {
      const service = new TransactionsService(db, createLogger({ scope: 'transactions', level: 'warn' }));
      if (sub === 'reconcile') printJson(io, await service.reconcile({ from, to, terminalId: terminal }));
      else printJson(io, await service.export({ from, to, format: format === 'csv' ? 'csv' : 'xlsx', out, terminalId: terminal, overwrite: values.overwrite === true }));
      return 0;
    });
  },
};
