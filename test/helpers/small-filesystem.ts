import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A tmpfs of `size` (e.g. '1m') mounted on a fresh folder, with `release()` to unmount it; or why
 * there is none (mounting needs root and a kernel/container that allows it), for `it.skipIf`.
 */
export function smallFilesystem(size: string, otherwise: string): { dir: string; release(): void } | { reason: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch (error) {
    fs.rmdirSync(dir);
    return { reason: `cannot mount a ${size} tmpfs here (${(error as Error).message.split('\n')[0]}); ${otherwise}` };
  }
  return {
    dir,
    release() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      fs.rmdirSync(dir);
    },
  };
}
