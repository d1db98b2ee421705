import { parseArgs } from 'node:util';
import { TERMINAL_COMMANDS, TerminalPassword, type TerminalCommand, type TerminalCommandName } from '../../../shared/domain/terminals';
import { createLogger } from '../log/logger';
import { summariseResult, toEcrCommand, DEFAULT_PASSWORD } from '../services/terminals/commands';
import { openTerminalLink } from '../services/terminals/link';
import { TransportError } from '../transport/transport';
import { CliError, printJson, type Command } from './command';
import { connectionFromArgs, SERIAL_LINE_OPTIONS, serialLineUsage } from './connection-args';

export const terminalCommand: Command = {
  name: 'terminal',
  summary: 'Run a ZVT command on a payment terminal (status, end-of-day, ...) and print JSON',
  usage: `poscare terminal <command> (--tcp HOST:PORT | --serial PATH [line options]) [--password 000000] [--timeout MS]

Commands: ${TERMINAL_COMMANDS.join(', ')}
  pay needs --amount 12.34 (a test payment, in yuan)
  refund needs --amount 12.34 (money back to the card, in yuan)
  reversal needs --receipt N (the receipt number of the payment to undo)

  --tcp HOST:PORT   terminal on the LAN (port default 20007)
  --serial PATH     COM3 on Windows, /dev/ttyUSB0 elsewhere (ZVT default line 9600 8N2)
${serialLineUsage(18)}
  --password N      six-digit terminal password (default ${DEFAULT_PASSWORD})
  --timeout MS      give up when the terminal stays silent this long (default 15000)

Prints the result as JSON; exit code 0 when the terminal completed the command, 1 when it
refused or failed, 2 for wrong arguments, 3 when the terminal cannot be reached or never answers.`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        tcp: { type: 'string' },
        serial: { type: 'string' },
        ...SERIAL_LINE_OPTIONS,
        password: { type: 'string' },
        amount: { type: 'string' },
        receipt: { type: 'string' },
        timeout: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [name] = positionals;
    if (!name || !(TERMINAL_COMMANDS as readonly string[]).includes(name)) throw new CliError(`expected one of ${TERMINAL_COMMANDS.join(', ')}`);
    const command: TerminalCommand = { command: name as TerminalCommandName };
    if (name === 'pay' || name === 'refund') {
      const amount = Number(values.amount);
      if (values.amount === undefined || !/^\d+(\.\d{1,2})?$/.test(values.amount) || amount <= 0 || amount > 999_999.99) throw new CliError(`${name} needs --amount like 12.34`);
      command.amount = Math.round(amount * 100);
    } else if (values.amount !== undefined) {
      throw new CliError('--amount only applies to pay and refund');
    }
    if (name === 'reversal') {
      const receipt = Number(values.receipt);
      // BMP 87: the receipt number is 2 bytes BCD (PA00P015 chapter 4), 1..9999.
      if (values.receipt === undefined || !/^\d{1,4}$/.test(values.receipt) || receipt < 1) throw new CliError('reversal needs --receipt N, the receipt number (1-9999) of the payment to undo');
      command.receiptNumber = receipt;
    } else if (values.receipt !== undefined) {
      throw new CliError('--receipt only applies to reversal');
    }
    const password = values.password ?? DEFAULT_PASSWORD;
    if (!TerminalPassword.safeParse(password).success) throw new CliError('--password must be six digits');
    const timeoutMs = values.timeout === undefined ? 15_000 : Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw new CliError('--timeout must be at least 100 ms');
    const connection = connectionFromArgs(values);
    const logger = createLogger({ scope: 'terminal' });

    let link;
    try {
      link = await openTerminalLink(connection, { connectTimeoutMs: Math.min(timeoutMs, 5000) });
    } catch (error) {
      if (error instanceof TransportError) throw new CliError(`cannot reach the terminal: ${error.message}`, 3);
      throw error;
    }
    try {
      const started = performance.now();
      // The spec's T3/T4 can add up to minutes; a technician at a console wants an answer sooner.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([link.session.execute(toEcrCommand(command, password)), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') throw new CliError(`the terminal did not answer within ${timeoutMs} ms (${link.address})`, 3);
      const summary = summariseResult(command, outcome, performance.now() - started);
      printJson(io, summary);
      if (!summary.ok) {
        logger.debug('command failed', { error: summary.error });
        const silent = summary.error?.code === 'timeout' || summary.error?.code === 'link-closed';
        io.stderr(`poscare terminal: ${summary.command} failed: ${summary.error?.message ?? 'unknown error'}\n`);
        return silent ? 3 : 1;
      }
      return 0;
    } finally {
      await link.close();
    }
  },
};
