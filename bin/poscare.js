#!/usr/bin/env node
// The `poscare` command: runs the built CLI (npm run build makes it; npm ci runs the build).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../dist/node/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('poscare: not built yet. Run `npm run build` in the PosCare folder first.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
