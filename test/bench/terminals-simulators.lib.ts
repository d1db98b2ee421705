/**
 * Child process for the terminals benchmark: runs N simulated terminals on loopback TCP so their
 * CPU is not counted in the manager's process. Prints one JSON line with the ports.
 */
import { startSimulator } from '../../electron/node/simulator/index';

const count = Number(process.argv[2] ?? '100');
const simulators = await Promise.all(Array.from({ length: count }, () => startSimulator({ tcp: { host: '127.0.0.1', port: 0 } })));
process.stdout.write(JSON.stringify({ ports: simulators.map((simulator) => simulator.tcpPort) }) + '\n');
process.on('SIGTERM', () => {
  void Promise.all(simulators.map((simulator) => simulator.close())).then(() => process.exit(0));
});
