/**
 * Writes a file the manager asked for without ever leaving a half-written one under its name:
 * the content goes to a hidden temporary name beside it, is flushed to the drive, and only then
 * renamed into place. On any failure the temporary file is removed and the target is untouched.
 * The target must have passed the write-target check (files/write-target.ts) first.
 */
import fs from 'node:fs';
import path from 'node:path';

export function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
}

/** Flushes `temp` and renames it to `file`; answers the size written. */
export async function finish(temp: string, file: string): Promise<number> {
  const handle = await fs.promises.open(temp, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, file);
  return (await fs.promises.stat(file)).size;
}

/** Runs `write(temp)` and moves the result to `file`; answers the bytes written. */
export async function replaceFile(file: string, write: (temp: string) => Promise<void>): Promise<number> {
  const temp = tempName(file);
  try {
    await write(temp);
    return await finish(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}
