/**
 * Child process for the terminals benchmark, so the simulated terminals' CPU is not counted in
 * the ECR's process (a real terminal is another device):
 *   terminals-simulators.lib.ts tcp N       N simulated terminals on loopback TCP
 *   terminals-simulators.lib.ts serial PATH one simulated terminal on a serial port (a pty end)
 *   terminals-simulators.lib.ts echo PATH   no ZVT: echoes every byte back (the pty floor)
 * Prints one JSON line once listening ({ ports } for tcp, {} otherwise); SIGTERM stops it.
 */
import fs from 'node:fs';
import { SerialPortStream } from '@serialport/stream';
import { leanBinding } from '../../electron/node/transport/lean-binding';
import { startSimulator } from '../../electron/node/simulator/index';

const [mode = 'tcp', argument = '100'] = process.argv.slice(2);
let stop: () => Promise<unknown>;
if (mode === 'tcp') {
  const simulators = await Promise.all(Array.from({ length: Number(argument) }, () => startSimulator({ tcp: { host: '127.0.0.1', port: 0 } })));
  process.stdout.write(JSON.stringify({ ports: simulators.map((simulator) => simulator.tcpPort) }) + '\n');
  stop = () => Promise.all(simulators.map((simulator) => simulator.close()));
} else if (mode === 'serial') {
  const simulator = await startSimulator({ serial: { path: argument } });
  process.stdout.write('{}\n');
  stop = () => simulator.close();
} else {
  fs.accessSync(argument);
  const port = await new Promise<SerialPortStream>((resolve, reject) => {
    const opened: SerialPortStream = new SerialPortStream({ path: argument, baudRate: 115200, binding: leanBinding() }, (error) => (error ? reject(error) : resolve(opened)));
  });
  port.on('data', (chunk: Buffer) => port.write(chunk));
  process.stdout.write('{}\n');
  stop = () => new Promise((resolve) => port.close(resolve));
}
process.on('SIGTERM', () => {
  void stop().then(() => process.exit(0));
});
