/**
 * The `poscare` command. Each subcommand lives in its own module and is listed here.
 */
import { AppError } from '../../../shared/ipc/result';
import { APP_VERSION } from '../version';
import { CliError, type CliIo, type Command } from './command';
import { backupCommand } from './backup';
import { demoDataCommand } from './demo-data';
import { serveCommand } from './serve';
import { simulateCommand } from './simulate';
import { terminalCommand } from './terminal';
import { transactionsCommand } from './transactions';
import { zvtCommand } from './zvt';

export const COMMANDS: readonly Command[] = [serveCommand, demoDataCommand, backupCommand, transactionsCommand, simulateCommand, terminalCommand, zvtCommand];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `PosCare ${APP_VERSION} - console for keeping POS payment terminals running`,
    '',
    'Usage: poscare <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help, -h     show help (poscare <command> --help for a command)',
    '  --version, -v  print the version',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${APP_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.stderr(`poscare: unknown command "${first}". Run poscare --help.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`poscare ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof AppError) {
      io.stderr(`poscare ${command.name}: ${error.message}\n`);
      return 1;
    }
    // parseArgs and friends throw TypeErrors with a clear message for bad options.
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`poscare ${command.name}: ${(error as Error).message}\n`);
      return 2;
    }
    io.stderr(`poscare ${command.name}: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

/** The process entry: real stdio, real signals. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}
