import { parseArgs } from 'node:util';
import { resolveDataDir } from '../app';
import { databasePath, openDatabase } from '../db/connection';
import { createLogger } from '../log/logger';
import { TransactionsService } from '../services/transactions/transactions-service';
import { CliError, printJson, type Command } from './command';
import { AppError } from '../../../shared/ipc/result';
import fs from 'node:fs';

export const transactionsCommand: Command = {
  name: 'transactions',
  summary: 'Export or reconcile the captured transactions',
  usage: `poscare transactions export --data DIR --from YYYY-MM-DD --to YYYY-MM-DD --format csv|xlsx --out FILE [--terminal ID]
poscare transactions reconcile --data DIR --from YYYY-MM-DD --to YYYY-MM-DD [--terminal ID]

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
      },
      strict: true,
    });
    if (sub !== 'export' && sub !== 'reconcile') throw new CliError(`unknown subcommand "${sub ?? ''}"; one of export, reconcile`);
    if (!values.data) throw new CliError('--data DIR is required');
    if (!values.from || !values.to) throw new CliError('--from and --to are required (YYYY-MM-DD)');
    const dataDir = resolveDataDir(values.data);
    if (!fs.existsSync(databasePath(dataDir))) throw new AppError('not_found', `There is no PosCare database in ${dataDir}`);
    const db = openDatabase(databasePath(dataDir));
    try {
      const service = new TransactionsService(db, createLogger({ scope: 'transactions', level: 'warn' }));
      if (sub === 'reconcile') {
        printJson(io, await service.reconcile({ from: values.from, to: values.to, terminalId: values.terminal }));
        return 0;
      }
      if (values.format !== 'csv' && values.format !== 'xlsx') throw new CliError('--format must be csv or xlsx');
      if (!values.out) throw new CliError('--out FILE is required');
      printJson(io, await service.export({ from: values.from, to: values.to, format: values.format, out: values.out, terminalId: values.terminal }));
      return 0;
    } finally {
      db.close();
    }
  },
};
