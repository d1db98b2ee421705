import { parseArgs } from 'node:util';
import { QUIT_BACKUP_CAP_MS, resolveDataDir, startApp } from '../app';
import { generateToken, startHost } from '../host/server';
import { createLogger } from '../log/logger';
import { rendererDir } from '../paths';
import { CliError, type Command } from './command';

export const DEFAULT_PORT = 4870;
/** The characters the renderer reads from `#token=` (renderer/src/api/client.ts captureToken). */
const TOKEN_PATTERN = /^[A-Za-z0-9_.~-]+$/;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the console in browser mode on 127.0.0.1',
  usage: `poscare serve [--data DIR] [--port N] [--token TOKEN]

  --data DIR     data folder (default: POSCARE_DATA_DIR or ~/.poscare)
  --port N       port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free port)
  --token TOKEN  access token (default: POSCARE_TOKEN or a new random token)

Prints one line: PosCare listening on http://127.0.0.1:<port>/#token=<token>`,

  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { data: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' } },
      strict: true,
    });
    const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0-65535, got ${values.port}`);
    const token = values.token ?? io.env.POSCARE_TOKEN ?? generateToken();
    if (token.length < 8) throw new CliError('--token must be at least 8 characters');
    // The token travels in the printed address (#token=...) and the page accepts only URL-safe
    // characters there: anything else would print an address that can never log in.
    if (!TOKEN_PATTERN.test(token)) throw new CliError('--token (or POSCARE_TOKEN) may contain only letters, digits and _ . ~ -');

    // Listens for Ctrl-C / SIGTERM before anything starts: a stop that arrives while starting, or
    // the moment the address is printed, still ends in the orderly shutdown that gives the lock back.
    const stopped = io.untilStopped();
    const logger = createLogger({ scope: 'serve' });
    // Takes the data folder's lock; a damaged database starts the console in recovery.
    const app = startApp({ dataDir: resolveDataDir(values.data), mode: 'browser', logger });
    let host;
    try {
      host = await startHost({ dispatch: app.dispatch, bus: app.bus, logger, rendererDir: rendererDir(), token, port });
    } catch (error) {
      app.dispose();
      throw error;
    }
    if (!app.core()) io.stderr('poscare serve: the database is damaged; the console offers "restore from a backup"\n');
    io.stdout(`PosCare listening on ${host.url}\n`);
    await stopped;
    // The at-quit backup, as the desktop app does on quit (a second Ctrl-C skips it).
    const atQuit = (await app.core()?.services.backup.scheduler.beforeQuitWithin(QUIT_BACKUP_CAP_MS)) ?? 'none';
    if (atQuit !== 'none') logger.info('at-quit backup', { outcome: atQuit });
    await host.close();
    app.dispose();
    return 0;
  },
};
