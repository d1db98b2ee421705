/**
 * `npm run bench -- terminals [--round-trips N] [--terminals N] [--window S]`
 *
 * 1. Status Enquiry round trips (ECR session -> simulated terminal in its own process ->
 *    Completion) over a socat pty pair with the real serialport binding, and over loopback TCP:
 *    round trips per second, p50, p99 and the ECR process's CPU per round trip. A pty has no
 *    baud-rate delay, so the time measured is software overhead (both ends, framing, ACKs,
 *    kernel, socat); the target is p50 <= 0.3 ms, 5% of the 6.3 ms a 72-byte exchange takes on
 *    a 115200-baud wire. In the same run: the rig's floor, one byte echoed over the same pty pair
 *    (no ZVT), times the exchange's line turns.
 * 2. CPU of the connection manager polling N simulated terminals (in a child process) every
 *    second, with the event log on: process.cpuUsage over a window, as % of one core (target < 5%).
 */
import { spawn } from 'node:child_process';
import { SerialPortStream } from '@serialport/stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databasePath, openDatabase } from '../../electron/node/db/connection';
import { summariseResult, toEcrCommand } from '../../electron/node/services/terminals/commands';
import { openTerminalLink, type OpenTerminalLink } from '../../electron/node/services/terminals/link';
import { TerminalManager } from '../../electron/node/services/terminals/terminal-manager';
import { leanBinding } from '../../electron/node/transport/lean-binding';
import type { TerminalConnection } from '../../shared/domain/terminals';
import { createPtyPair } from '../helpers/pty';
import { tempDir } from '../helpers/temp';

const here = path.dirname(fileURLToPath(import.meta.url));

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

async function roundTrips(link: OpenTerminalLink, count: number) {
  const command = toEcrCommand({ command: 'status' });
  for (let index = 0; index < Math.min(200, count); index++) await link.session.execute(command); // warm-up
  // Line turns of one exchange in the steady state: runs of bytes in one direction.
  const directions: string[] = [];
  const stopObserving = link.session.observe((event) => {
    if (event.type === 'bytes-in' || event.type === 'bytes-out') directions.push(event.type);
  });
  await link.session.execute(command);
  stopObserving();
  const lineTurns = directions.filter((direction, index) => direction !== directions[index - 1]).length;
  const times: number[] = [];
  let failures = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const before = performance.now();
    const result = await link.session.execute(command);
    times.push(performance.now() - before);
    if (!result.ok || !summariseResult({ command: 'status' }, result, 0).terminalStatus) failures++;
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  times.sort((a, b) => a - b);
  return {
    roundTrips: count,
    failures,
    lineTurns,
    perSecond: round(count / (elapsed / 1000), 1),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    maxMs: round(times[times.length - 1] ?? 0),
    ecrCpuMsPerRoundTrip: round((cpu.user + cpu.system) / 1000 / count),
  };
}

/** A helper process (terminals-simulators.lib.ts); resolves with its first JSON line. */
async function child(args: string[]): Promise<{ ready: { ports?: number[] }; stop: () => void }> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'terminals-simulators.lib.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<{ ports?: number[] }>((resolve, reject) => {
    let out = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as { ports?: number[] });
    });
    process_.on('exit', (code) => reject(new Error(`benchmark helper ${args.join(' ')} exited ${code}`)));
  });
  return { ready, stop: () => process_.kill('SIGTERM') };
}

const SERIAL = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 2 } as const;

async function overPty(count: number) {
  const ptys = await createPtyPair();
  const simulator = await child(['serial', ptys.b]);
  const connection: TerminalConnection = { type: 'serial', path: ptys.a, ...SERIAL };
  const link = await openTerminalLink(connection);
  try {
    return await roundTrips(link, count);
  } finally {
    await link.close();
    simulator.stop();
    await ptys.close();
  }
}

/**
 * The floor under any ZVT exchange on this test rig: one byte to an echo process and back over
 * the same socat pty pair with the same binding (two line turns), no protocol at all.
 */
async function ptyFloor(count: number) {
  const ptys = await createPtyPair();
  const echo = await child(['echo', ptys.b]);
  const port = await new Promise<SerialPortStream>((resolve, reject) => {
    const opened: SerialPortStream = new SerialPortStream({ path: ptys.a, ...SERIAL, binding: leanBinding() }, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    const times: number[] = [];
    for (let index = 0; index < count + 200; index++) {
      const before = performance.now();
      await new Promise<void>((resolve) => {
        port.once('data', () => resolve());
        port.write(Buffer.from([index & 0x7f]));
      });
      if (index >= 200) times.push(performance.now() - before);
    }
    times.sort((a, b) => a - b);
    return { oneLineTurnP50Ms: round(percentile(times, 50) / 2, 4) };
  } finally {
    await new Promise((resolve) => port.close(resolve));
    echo.stop();
    await ptys.close();
  }
}

async function overTcp(count: number) {
  const simulator = await child(['tcp', '1']);
  const link = await openTerminalLink({ type: 'tcp', host: '127.0.0.1', port: simulator.ready.ports?.[0] ?? 0 });
  try {
    return await roundTrips(link, count);
  } finally {
    await link.close();
    simulator.stop();
  }
}

async function pollingCpu(terminals: number, windowSeconds: number) {
  const simulators = await child(['tcp', String(terminals)]);
  const ports = simulators.ready.ports ?? [];
  const temp = tempDir('poscare-bench-');
  const db = openDatabase(databasePath(temp.dir));
  const manager = new TerminalManager({ db, pollIntervalMs: 1000 });
  try {
    await Promise.all(ports.map((port, index) => manager.add({ id: `t${index}`, connection: { type: 'tcp', host: '127.0.0.1', port } })));
    const deadline = Date.now() + 15_000;
    while (manager.list().some((link) => link.link.state !== 'ready') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const ready = manager.list().filter((link) => link.link.state === 'ready').length;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // polls spread out
    const before = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
    const used = process.cpuUsage(before);
    const elapsedMs = performance.now() - started;
    const cpuMs = (used.user + used.system) / 1000;
    const polls = manager.recentEvents('t0', 1000, ['frame']).filter((event) => event.message.startsWith('out 0501')).length;
    return {
      terminals,
      ready,
      pollIntervalMs: 1000,
      windowSeconds: round(elapsedMs / 1000, 1),
      cpuMs: round(cpuMs, 1),
      percentOfOneCore: round((cpuMs / elapsedMs) * 100, 2),
      statusEnquiriesOfOneTerminalInLog: polls,
    };
  } finally {
    await manager.dispose();
    db.close();
    temp.cleanup();
    simulators.stop();
  }
}

export async function run(args: string[]): Promise<unknown> {
  const count = option(args, 'round-trips', 2000);
  const terminals = option(args, 'terminals', 100);
  const windowSeconds = option(args, 'window', 10);
  const floor = await ptyFloor(count);
  const pty = await overPty(count);
  const tcp = await overTcp(count);
  const polling = await pollingCpu(terminals, windowSeconds);
  const rigFloorMs = round(floor.oneLineTurnP50Ms * pty.lineTurns);
  return {
    node: process.version,
    statusEnquiry: { pty, tcp },
    ptyRig: {
      ...floor,
      lineTurnsPerStatusEnquiry: pty.lineTurns,
      floorMs: rigFloorMs,
      note: 'socat relays every turn between two ptys; no software of ours can beat lineTurns x one turn',
      p50AboveFloorMs: round(pty.p50Ms - rigFloorMs),
    },
    targets: { ptyP50Ms: 0.3, pollingPercentOfOneCore: 5 },
    met: { ptyP50: pty.p50Ms <= 0.3, ptyP50AboveFloor: pty.p50Ms - rigFloorMs <= 0.3, polling: polling.percentOfOneCore < 5 },
    polling,
  };
}
