import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding PosCare's package.json, found from this module's location (source or dist). */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      try {
        if ((JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name === 'poscare') return dir;
      } catch {
        // Not ours; keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the PosCare package root');
    dir = parent;
  }
}

/** The built renderer served by browser mode and loaded by the Electron window. */
export function rendererDir(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}

/** Shipped data (fault guides, templates, code tables). */
export function resourcesDir(): string {
  return path.join(packageRoot(), 'resources');
}
