import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../../shared/ipc/result';
import type { Dispatch } from '../api/dispatch';
import { databaseExists, resolveDataDir } from '../app';
import { call, withAppCore, withAppRuntime } from './app-core';
import { CliError, printJson, type CliIo, type Command } from './command';

function passphraseFrom(io: CliIo, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = io.env[variable];
  if (value === undefined || value === '') throw new CliError(`the environment variable ${variable} is not set`);
  return value;
}

/** Verify, drill and list need no data folder of the user's: they work in a scratch folder. */
async function withScratch<T>(work: (dispatch: Dispatch) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-verify-'));
  try {
    return await withAppCore(dir, 'poscare backup', 'backup', (core) => work(core.dispatch));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const USAGE = `poscare backup create --data DIR --out FILE|FOLDER [--passphrase-env VAR | --no-encryption]
poscare backup verify FILE [--passphrase-env VAR]
poscare backup restore FILE --data DIR [--passphrase-env VAR] --yes
poscare backup drill FILE [--passphrase-env VAR]
poscare backup list --dir DIR

  --passphrase-env VAR  read the passphrase from the environment variable VAR (never from the command line)
  --no-encryption       write an unencrypted backup (anyone with the file can read the transactions)
  --yes                 confirm that the data in DIR is replaced (a safety snapshot is kept in DIR/safety)

All subcommands print JSON; a failure exits non-zero with one line on stderr.`;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Create, verify, restore and list backups',
  usage: USAGE,

  async run(args, io) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        data: { type: 'string' },
        out: { type: 'string' },
        dir: { type: 'string' },
        'passphrase-env': { type: 'string' },
        'no-encryption': { type: 'boolean' },
        yes: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const passphrase = passphraseFrom(io, values['passphrase-env']);
    const file = positionals[0];
    switch (sub) {
      case 'create': {
        if (!values.data) throw new CliError('--data DIR is required');
        if (!values.out) throw new CliError('--out FILE is required');
        if (!passphrase && !values['no-encryption']) throw new CliError('give --passphrase-env VAR, or --no-encryption to write an unencrypted backup');
        if (passphrase && values['no-encryption']) throw new CliError('--passphrase-env and --no-encryption exclude each other');
        const dataDir = resolveDataDir(values.data);
        if (!databaseExists(dataDir)) throw new AppError('not_found', `There is no PosCare database in ${dataDir}`);
        const out = path.resolve(values.out);
        const isFolder = fs.existsSync(out) && fs.statSync(out).isDirectory();
        if (!isFolder && fs.existsSync(out)) throw new CliError(`${out} already exists; choose another --out FILE or a folder`);
        const folder = isFolder ? out : path.dirname(out);
        // --out FILE is written under that name from the start (temp name, fsync, rename, fsync of
        // the folder): the history records the file that exists, never a name renamed away later.
        const entry = await withAppCore(dataDir, 'poscare backup create', 'backup', (core) =>
          call(core.dispatch, 'backup.create', { folder, passphrase, noEncryption: values['no-encryption'] === true, ...(isFolder ? {} : { fileName: path.basename(out) }) }),
        );
        printJson(io, entry);
        return 0;
      }
      case 'verify': {
        if (!file) throw new CliError('give the backup FILE to verify');
        printJson(io, await withScratch((dispatch) => call(dispatch, 'backup.verify', { file, passphrase })));
        return 0;
      }
      case 'drill': {
        if (!file) throw new CliError('give the backup FILE to drill');
        printJson(io, await withScratch((dispatch) => call(dispatch, 'backup.drill', { file, passphrase })));
        return 0;
      }
      case 'restore': {
        if (!file) throw new CliError('give the backup FILE to restore');
        if (!values.data) throw new CliError('--data DIR is required');
        if (!values.yes) throw new CliError('restoring replaces the data in --data DIR: add --yes to confirm');
        const dataDir = resolveDataDir(values.data);
        // A database that cannot even be opened is set aside (kept) and replaced, as the app's recovery does.
        printJson(io, await withAppRuntime(dataDir, 'poscare backup restore', 'backup', (dispatch) => call(dispatch, 'backup.restore', { file, passphrase, confirm: true })));
        return 0;
      }
      case 'list': {
        if (!values.dir) throw new CliError('--dir DIR is required');
        const dir = values.dir;
        printJson(io, await withScratch((dispatch) => call(dispatch, 'backup.folder', { folder: dir })));
        return 0;
      }
      default:
        throw new CliError(`unknown subcommand "${sub ?? ''}"; one of create, verify, restore, drill, list`);
    }
  },
};
