// `npm start`: the desktop app when the Electron binary is installed, else browser mode.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const binary = require('electron'); // the package exports the binary's path, or throws without it
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const [command, args] = binary
  ? [binary, [root]]
  : (process.stdout.write('Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); running `poscare serve` instead.\n'),
    [process.execPath, [path.join(root, 'bin/poscare.js'), 'serve', ...process.argv.slice(2)]]);
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
