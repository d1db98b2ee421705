/**
 * Runs a SimulatedTerminal on a real link: a TCP listener (the ECR connects, as to a LAN
 * terminal) and/or a serial port (a COM port or one end of a pty pair), plus an optional control
 * channel on 127.0.0.1 that takes one command per line:
 *
 *   fault <name> [on|off] [param]   turn a fault on (default) or off; param as in FAULT_HELP
 *   clear                           all faults off
 *   status                          one JSON line: faults, trace, receipt number, turnover
 *   help                            the list of faults
 *
 * Every command is answered with one line starting "ok" or "error".
 */
import net from 'node:net';
import { SerialTransport, ZVT_SERIAL_DEFAULTS, type SerialLineSettings } from '../transport/serial';
import { listenTcp } from '../transport/tcp';
import { FAULT_HELP, FAULT_NAMES, isFaultName, type FaultName } from './faults';
import { SimulatedTerminal, type SimulatorOptions } from './terminal';

/** How often a simulator whose serial port vanished looks for it again. */
const SERIAL_REOPEN_MS = 250;

export interface SimulatorServerOptions extends SimulatorOptions {
  tcp?: { host?: string; port: number };
  serial?: Partial<SerialLineSettings> & { path: string };
  /** 0 picks a free port. */
  controlPort?: number;
  faults?: { name: FaultName; parameter?: number }[];
  terminal?: SimulatedTerminal;
}

export interface RunningSimulator {
  terminal: SimulatedTerminal;
  tcpPort?: number;
  controlPort?: number;
  close(): Promise<void>;
}

export function controlCommand(terminal: SimulatedTerminal, line: string): string {
  const [verb, ...rest] = line.trim().split(/\s+/);
  switch (verb) {
    case 'fault': {
      const [name, state = 'on', raw] = rest;
      if (!name || !isFaultName(name)) return `error unknown fault "${name ?? ''}"; known: ${FAULT_NAMES.join(', ')}`;
      if (state !== 'on' && state !== 'off') return 'error expected on or off';
      const parameter = raw === undefined ? undefined : Number(raw);
      if (parameter !== undefined && (!Number.isFinite(parameter) || parameter < 0)) return 'error parameter must be a non-negative number';
      terminal.setFault(name, state === 'on', parameter);
      return `ok ${name} ${state}`;
    }
    case 'clear':
      terminal.clearFaults();
      return 'ok cleared';
    case 'status':
      return `ok ${JSON.stringify(terminal.snapshot())}`;
    case 'help':
      return `ok ${FAULT_NAMES.map((name) => `${name}: ${FAULT_HELP[name]}`).join('; ')}`;
    case undefined:
    case '':
      return 'error empty command';
    default:
      return `error unknown command "${verb}"; try help`;
  }
}

export async function startSimulator(options: SimulatorServerOptions): Promise<RunningSimulator> {
  const terminal = options.terminal ?? new SimulatedTerminal(options);
  const closers: (() => Promise<void>)[] = [];
  let stopped = false;
  let tcpPort: number | undefined;
  let controlPort: number | undefined;

  try {
    if (options.tcp) {
      const tcpOptions = options.tcp;
      let listener = await listenTcp(tcpOptions, (transport) => terminal.attach(transport, 'tcp'));
      tcpPort = listener.port;
      // Power loss: the listener goes away (connects are refused), and comes back on the same port.
      terminal.onPower((on) => {
        if (stopped) return;
        if (!on) void listener.close();
        else
          void listenTcp({ ...tcpOptions, port: tcpPort ?? tcpOptions.port }, (transport) => terminal.attach(transport, 'tcp')).then((next) => {
            if (stopped) void next.close();
            else listener = next;
          });
      });
      closers.push(() => listener.close());
    }
    if (options.serial) {
      const settings: SerialLineSettings = { ...ZVT_SERIAL_DEFAULTS, ...options.serial };
      let transport = new SerialTransport(settings);
      let reopenTimer: NodeJS.Timeout | undefined;
      const attach = (opened: SerialTransport): void => {
        transport = opened;
        terminal.attach(opened, 'serial');
        opened.onClose((reason) => {
          // The cable was pulled (the port vanished, e.g. a USB adapter or pty pair gone): look for
          // the port again until it is back, like a terminal waiting on its serial line.
          if (reason.kind === 'lost' && !stopped && terminal.powered) scheduleReopen();
        });
      };
      const scheduleReopen = (): void => {
        if (reopenTimer !== undefined || stopped) return;
        reopenTimer = setTimeout(() => {
          reopenTimer = undefined;
          if (stopped || transport.isOpen) return;
          const next = new SerialTransport(settings);
          next.open().then(
            () => (stopped ? void next.close() : attach(next)),
            () => scheduleReopen(),
          );
        }, SERIAL_REOPEN_MS);
        reopenTimer.unref();
      };
      await transport.open();
      attach(transport);
      terminal.onPower((on) => {
        if (stopped) return;
        if (!on) {
          void transport.close();
          return;
        }
        const next = new SerialTransport(settings);
        void next.open().then(
          () => {
            if (stopped) void next.close();
            else attach(next);
          },
          () => undefined,
        );
      });
      closers.push(() => {
        if (reopenTimer !== undefined) clearTimeout(reopenTimer);
        return transport.close();
      });
    }
    if (options.controlPort !== undefined) {
      const sockets = new Set<net.Socket>();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
        let pending = '';
        socket.on('data', (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          let newline = pending.indexOf('\n');
          while (newline >= 0) {
            const line = pending.slice(0, newline).replace(/\r$/, '');
            pending = pending.slice(newline + 1);
            if (line.trim() === 'quit') socket.end();
            else socket.write(controlCommand(terminal, line) + '\n');
            newline = pending.indexOf('\n');
          }
          if (pending.length > 4096) socket.destroy();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.controlPort, '127.0.0.1', () => resolve());
      });
      controlPort = (server.address() as net.AddressInfo).port;
      closers.push(
        () =>
          new Promise((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
          }),
      );
    }
    for (const fault of options.faults ?? []) terminal.setFault(fault.name, true, fault.parameter);
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }

  const running: RunningSimulator = {
    terminal,
    close: async () => {
      stopped = true;
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
  if (tcpPort !== undefined) running.tcpPort = tcpPort;
  if (controlPort !== undefined) running.controlPort = controlPort;
  return running;
}
