/**
 * The app's name and version, injected at build time by esbuild `define` from package.json;
 * under vitest/tsx (no build) they are read from package.json next to the sources.
 */
import { createRequire } from 'node:module';

declare const __POSCARE_VERSION__: string | undefined;

function readVersion(): string {
  if (typeof __POSCARE_VERSION__ === 'string') return __POSCARE_VERSION__;
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

export const APP_NAME = 'PosCare';
export const APP_VERSION = readVersion();
