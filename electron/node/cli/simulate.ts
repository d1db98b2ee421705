import { parseArgs } from 'node:util';
import { FAULT_HELP, FAULT_NAMES, isSimulatorCardSet, isSimulatorDeviation, SIMULATOR_CARD_SETS, parseFaultSpec, SIMULATOR_DEVIATIONS, startSimulator, type FaultName, type SimulatorDeviation } from '../simulator/index';
import { createLogger } from '../log/logger';
import { CliError, type Command } from './command';
import { refuseSerialLineWithoutSerial, SERIAL_LINE_OPTIONS, serialLineFromArgs, serialLineUsage } from './connection-args';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Run a simulated ZVT payment terminal (TCP or serial) with fault injection',
  usage: `poscare simulate (--tcp HOST:PORT | --serial PATH [line options]) [--control-port N] [--fault NAME[=PARAM]]... [--terminal-id TID] [--deviation NAME]... [--cards china|germany]

Runs a ZVT terminal on the same codec as the console: it answers registration, status enquiry,
diagnosis, selftest, print configuration, end-of-day, turnover totals, repeat receipt, software
update, abort, log-off, payments, reversals and refunds with realistic data (trace and receipt
numbers count up, end-of-day totals add up, receipts as Print Line when the ECR registered
for them: config byte bits 1, 2 and 7; unregistered, the terminal prints on its own printer).

  --tcp HOST:PORT      listen for the console (e.g. 127.0.0.1:20007; port 0 picks a free one)
  --serial PATH        use a serial port (COM4, /dev/ttyUSB1, or one end of a pty pair; ZVT default line 9600 8N2)
${serialLineUsage(21)}
  --control-port N     control channel on 127.0.0.1:N (0 picks a free one), one command per line:
                         fault NAME [on|off] [PARAM]  |  clear  |  status  |  help  |  quit
  --fault NAME[=PARAM] start with a fault on (repeatable)
  --terminal-id TID    8-digit terminal id (default 52500001)
  --cards SET          the shop's cards: china (default: UnionPay debit, credit, QuickPass, card type 198,
                         a Chinese merchant line on receipts when the ECR registers for UTF-8, else its
                         ASCII name) or germany (girocard, Visa, Mastercard, no merchant line)
  --deviation NAME     imitate a real terminal's deviation from the spec (repeatable; off by default):
${Object.entries(SIMULATOR_DEVIATIONS).map(([name, text]) => `                         ${name}: ${text}`).join('\n')}

Every answer has the layout of the command's chapter in PA00P015 (Completion after Registration
19 29 [49] [06], after payments and end-of-day 06 0F 00); a request in EUR or CNY is answered in
that currency, any other is refused with result code 6F.

Faults:
${FAULT_NAMES.map((name) => `  ${name.padEnd(17)}${FAULT_HELP[name]}`).join('\n')}

Prints one JSON line with the addresses when ready; stops on Ctrl+C.`,

  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        tcp: { type: 'string' },
        serial: { type: 'string' },
        ...SERIAL_LINE_OPTIONS,
        'control-port': { type: 'string' },
        fault: { type: 'string', multiple: true },
        'terminal-id': { type: 'string' },
        deviation: { type: 'string', multiple: true },
        cards: { type: 'string' },
      },
      strict: true,
    });
    if (values.tcp === undefined && values.serial === undefined) throw new CliError('give --tcp HOST:PORT and/or --serial PATH');
    let tcp: { host: string; port: number } | undefined;
    if (values.tcp !== undefined) {
      const match = /^(.+):(\d+)$/.exec(values.tcp);
      const port = Number(match?.[2]);
      if (!match?.[1] || !Number.isInteger(port) || port > 65535) throw new CliError(`--tcp must be HOST:PORT, got "${values.tcp}"`);
      tcp = { host: match[1], port };
    }
    refuseSerialLineWithoutSerial(values);
    const line = serialLineFromArgs(values);
    const controlPort = values['control-port'] === undefined ? undefined : Number(values['control-port']);
    if (controlPort !== undefined && (!Number.isInteger(controlPort) || controlPort < 0 || controlPort > 65535)) throw new CliError('--control-port must be 0-65535');
    const faults: { name: FaultName; parameter?: number }[] = [];
    for (const spec of values.fault ?? []) {
      const fault = parseFaultSpec(spec);
      if (!fault) throw new CliError(`unknown fault "${spec}"; known: ${FAULT_NAMES.join(', ')}`);
      faults.push(fault);
    }
    const terminalId = values['terminal-id'];
    if (terminalId !== undefined && !/^\d{8}$/.test(terminalId)) throw new CliError('--terminal-id must be 8 digits');

    const deviations: SimulatorDeviation[] = [];
    for (const name of values.deviation ?? []) {
      if (!isSimulatorDeviation(name)) throw new CliError(`unknown deviation "${name}"; known: ${Object.keys(SIMULATOR_DEVIATIONS).join(', ')}`);
      deviations.push(name);
    }

    const cardSet = values.cards;
    if (cardSet !== undefined && !isSimulatorCardSet(cardSet)) throw new CliError(`unknown card set "${cardSet}"; known: ${SIMULATOR_CARD_SETS.join(', ')}`);

    // Listens for the stop before announcing readiness, so a stop right after "ready" closes the ports.
    const stopped = io.untilStopped();
    const logger = createLogger({ scope: 'simulate' });
    const simulator = await startSimulator({
      ...(tcp ? { tcp } : {}),
      ...(values.serial !== undefined ? { serial: { path: values.serial, ...line } } : {}),
      ...(controlPort !== undefined ? { controlPort } : {}),
      ...(terminalId ? { terminalId } : {}),
      faults,
      ...(deviations.length ? { deviations } : {}),
      ...(cardSet !== undefined ? { cardSet } : {}),
    }).catch((error: Error) => {
      throw new CliError(`cannot start the simulator: ${error.message}`, 1);
    });
    const ready: Record<string, unknown> = { simulator: 'ready', faults: faults.map((fault) => fault.name) };
    if (tcp) ready.tcp = `${tcp.host}:${simulator.tcpPort ?? tcp.port}`;
    if (values.serial !== undefined) ready.serial = values.serial;
    if (simulator.controlPort !== undefined) ready.controlPort = simulator.controlPort;
    io.stdout(JSON.stringify(ready) + '\n');
    logger.info('simulated terminal running', ready);
    await stopped;
    await simulator.close();
    return 0;
  },
};
