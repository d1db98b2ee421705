/**
 * `npm run bench -- <name> [args]`: runs test/bench/<name>.ts, which prints one JSON document on
 * stdout. Benchmarks are never part of `npm test`; they measure, tests assert behaviour.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.lib.ts'))
  .map((file) => file.replace(/\.ts$/, ''));

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|') || 'none yet'}> [args]\n`);
  process.exit(2);
}
const bench = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { run(args: string[]): Promise<unknown> };
const result = await bench.run(args);
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
