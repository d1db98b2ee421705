// Builds everything without the Electron binary: main and preload (CommonJS, the preload runs
// in the sandbox), the plain-Node CLI (ESM) with esbuild, and the renderer with Vite.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const only = process.argv.slice(2);
const wants = (part) => only.length === 0 || only.includes(part);

// Native and runtime packages stay in node_modules (electron-builder ships them, rebuilt for Electron).
const external = ['electron', ...Object.keys(pkg.dependencies)];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The backup worker's built file (relative to the package root); without it db/backup.ts bundles the worker from sources.
  define: { __POSCARE_VERSION__: JSON.stringify(pkg.version), __POSCARE_BACKUP_WORKER__: JSON.stringify('dist/node/backup-worker.cjs') },
};

if (only.length === 0) rmSync(path.join(root, 'dist'), { recursive: true, force: true });

const jobs = [];
if (wants('main')) {
  jobs.push(
    esbuild({
      ...common,
      entryPoints: [path.join(root, 'electron/main/index.ts')],
      outfile: path.join(root, 'dist/main/index.cjs'),
      format: 'cjs',
      external,
      // import.meta.url in shared Node code, mapped to the CommonJS file URL.
      banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
      define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
    }),
  );
}
if (wants('preload')) {
  jobs.push(
    esbuild({
      ...common,
      entryPoints: [path.join(root, 'electron/preload/index.ts')],
      outfile: path.join(root, 'dist/preload/index.cjs'),
      format: 'cjs',
      // A sandboxed preload may require only 'electron': everything else is bundled in.
      external: ['electron'],
    }),
  );
}
if (wants('cli')) {
  jobs.push(
    esbuild({
      ...common,
      entryPoints: { cli: path.join(root, 'electron/node/cli/main.ts') },
      outdir: path.join(root, 'dist/node'),
      outExtension: { '.js': '.mjs' },
      format: 'esm',
      packages: 'external',
    }),
  );
}
if (wants('main') || wants('cli')) {
  // The backup worker thread (electron/node/db/backup-worker.ts): db/backup.ts reads this file and
  // runs it as the worker's code, in the app (dist/main) and the CLI (dist/node) alike.
  jobs.push(
    esbuild({
      ...common,
      entryPoints: [path.join(root, 'electron/node/db/backup-worker.ts')],
      outfile: path.join(root, 'dist/node/backup-worker.cjs'),
      format: 'cjs',
      packages: 'external',
      // Run from a string (eval), where a source map comment points nowhere.
      sourcemap: false,
    }),
  );
}
await Promise.all(jobs);
if (wants('renderer')) {
  await viteBuild({ configFile: path.join(root, 'build/vite.config.ts'), logLevel: 'warn' });
}
