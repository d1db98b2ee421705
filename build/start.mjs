// `npm start`: the desktop app when the Electron binary is installed, else browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * The installed Electron binary, or undefined. Not `require('electron')`: since Electron 3x that
 * starts a download when the binary is missing, which offline machines cannot do.
 */
function electronBinary() {
  try {
    const packageDir = path.dirname(require.resolve('electron/package.json'));
    const pathFile = path.join(packageDir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const relative = readFileSync(pathFile, 'utf8');
    const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(packageDir, 'dist');
    const binary = path.join(dist, relative);
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The native modules (better-sqlite3, serialport, zstd-napi) are built for Node by `npm ci`;
 * Electron needs them built for its own ABI. Loading them in Electron-as-Node tells which, so
 * the manager sees one line saying what to run instead of a failed database open.
 */
function nativeModulesLoadIn(binary) {
  const probe = spawnSync(binary, ['-e', "require('better-sqlite3')(':memory:').close(); require('zstd-napi/binding')"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return probe.status === 0;
}

const binary = electronBinary();
if (binary && !nativeModulesLoadIn(binary)) {
  process.stderr.write('The native modules are built for Node, not Electron: run `npx electron-builder install-app-deps` first (and `npm rebuild` before `npm test`).\n');
  process.exit(1);
}
const [command, args] = binary
  ? [binary, [root]]
  : (process.stdout.write('Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); running `poscare serve` instead.\n'),
    [process.execPath, [path.join(root, 'bin/poscare.js'), 'serve', ...process.argv.slice(2)]]);
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
