/**
 * The simulated terminal and the console's link to it, as the terminal integration tests set
 * them up. Each helper pushes its own cleanup onto the test file's `cleanups` (run in reverse
 * order after each test), so a test only says what it needs.
 */
import net from 'node:net';
import { summariseResult, toEcrCommand } from '../../electron/node/services/terminals/commands';
import { openTerminalLink, type OpenTerminalLink, type TerminalLinkOptions } from '../../electron/node/services/terminals/link';
import { startSimulator, type RunningSimulator, type SimulatorServerOptions } from '../../electron/node/simulator/index';
import type { TerminalCommand, TerminalCommandResult, TerminalConnection } from '../../shared/domain/terminals';
import { createPtyPair, type PtyPair } from './pty';

export type Cleanups = (() => Promise<void> | void)[];

/** A simulator on end b of a new pty pair; `connection` is end a as the console opens it (ZVT's 9600 8N2). */
export async function simulatorOnPtyPair(
  cleanups: Cleanups,
  options: Omit<SimulatorServerOptions, 'serial'> = {},
): Promise<{ ptys: PtyPair; simulator: RunningSimulator; connection: TerminalConnection }> {
  const ptys = await createPtyPair();
  cleanups.push(() => ptys.close());
  const simulator = await startSimulator({ serial: { path: ptys.b }, ...options });
  cleanups.push(() => simulator.close());
  return { ptys, simulator, connection: { type: 'serial', path: ptys.a, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 2 } };
}

/** The console's link to a terminal, closed after the test. */
export async function openLink(cleanups: Cleanups, connection: TerminalConnection, options: TerminalLinkOptions = {}): Promise<OpenTerminalLink> {
  const link = await openTerminalLink(connection, options);
  cleanups.push(() => link.close());
  return link;
}

/** One manager command over an open link, summarised as the console reports it. */
export async function runCommand(link: OpenTerminalLink, command: TerminalCommand): Promise<TerminalCommandResult> {
  const started = performance.now();
  const result = await link.session.execute(toEcrCommand(command));
  return summariseResult(command, result, performance.now() - started);
}

/** One line to a simulator's control port (e.g. `fault link-drop on 12000`); answers its reply line. */
export function simulatorControl(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: '127.0.0.1', port }, () => socket.write(`${line}\n`));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\n')) {
        socket.end();
        resolve(text.trim());
      }
    });
    socket.on('error', reject);
  });
}
