/**
 * The one gate every file PosCare writes on request passes (exports, backups and their
 * destination folders, PDF saves): the path is absolute, its folder exists, it is not inside the
 * data folder (which only the database writes, through SQLite), it is not the database or one of
 * its side files by any other name (symlink, hard link, `..` or case variant), and it does not
 * replace an existing file unless the caller says `overwrite` after asking the manager.
 * Each refusal is an AppError with its own code and the field it concerns; nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, type ErrorCode } from '../../../shared/ipc/result';

/** The files of a data folder that are the database, whatever path reaches them. */
const DATA_FOLDER_FILES = ['poscare.db', 'poscare.db-wal', 'poscare.db-shm', 'poscare.db-journal', 'poscare.lock'];

export interface WriteTargetOptions {
  /** The data folder this process owns (the database's folder). */
  dataDir: string;
  /** The input field the path came from, for the form's field error ("out", "folder", "file"). */
  field: string;
  /** Replace an existing file: only after the manager confirmed it (or a save dialog asked). */
  overwrite?: boolean;
}

function refuse(code: ErrorCode, message: string, field: string, details: Record<string, unknown>): AppError {
  return new AppError(code, message, { ...details, field, issues: [{ path: field, code: 'custom', messageKey: `errors.${code}` }] });
}

function statOf(file: string, follow = true): fs.Stats | undefined {
  try {
    return follow ? fs.statSync(file) : fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function realpathOr(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}

/**
 * True when the existing folder `dir` is the data folder or lies inside it: by identity (device
 * and inode of each ancestor of its real path, which sees through symlinks and the case variants
 * of a case-insensitive drive) and by name, case-insensitively.
 */
function insideDataFolder(dir: string, dataDir: string): boolean {
  const data = statOf(dataDir);
  const realDir = realpathOr(dir);
  const realData = realpathOr(dataDir);
  const lower = (p: string) => (p.endsWith(path.sep) ? p : p + path.sep).toLowerCase();
  if (lower(realDir).startsWith(lower(realData)) || lower(path.resolve(dir)).startsWith(lower(path.resolve(dataDir)))) return true;
  if (!data) return false;
  for (let current = realDir; ; current = path.dirname(current)) {
    const stat = statOf(current);
    if (stat && sameFile(stat, data)) return true;
    if (path.dirname(current) === current) return false;
  }
}

/** The database, its WAL/SHM/journal and the lock file, as they exist now. */
function databaseFiles(dataDir: string): fs.Stats[] {
  return DATA_FOLDER_FILES.map((name) => statOf(path.join(dataDir, name))).filter((s): s is fs.Stats => s !== undefined);
}

function requireAbsolute(target: string, field: string): string {
  if (!path.isAbsolute(target)) {
    throw refuse('path_relative', `${target} is not an absolute path; give the full path (from the drive or /)`, field, { path: target });
  }
  return path.resolve(target);
}

/**
 * Checks a folder PosCare will write files into (a backup destination). `mustExist: false` (the
 * backup folder setting, for a drive that is not plugged in now) only checks what can be known.
 */
export function checkWriteFolder(target: string, options: WriteTargetOptions & { mustExist?: boolean }): string {
  const folder = requireAbsolute(target, options.field);
  const stat = statOf(folder);
  if (!stat || !stat.isDirectory()) {
    if (options.mustExist === false && !stat) {
      if (insideDataFolder(path.dirname(folder), options.dataDir)) throw inDataFolder(folder, options);
      return folder;
    }
    throw refuse('folder_missing', `The folder ${folder} does not exist (is the drive plugged in?)`, options.field, { path: folder, folder });
  }
  if (insideDataFolder(folder, options.dataDir)) throw inDataFolder(folder, options);
  return folder;
}

function inDataFolder(target: string, options: WriteTargetOptions): AppError {
  return refuse(
    'path_in_data_folder',
    `${target} is inside the data folder ${options.dataDir}, which only PosCare's database may write; choose another folder`,
    options.field,
    { path: target, dataDir: options.dataDir },
  );
}

/** Checks one file PosCare will create (or, with `overwrite`, replace); answers its absolute path. */
export function checkWriteFile(target: string, options: WriteTargetOptions, depth = 0): string {
  const file = requireAbsolute(target, options.field);
  const folder = path.dirname(file);
  const folderStat = statOf(folder);
  if (!folderStat || !folderStat.isDirectory()) {
    throw refuse('folder_missing', `The folder ${folder} does not exist (is the drive plugged in?)`, options.field, { path: file, folder });
  }
  if (insideDataFolder(folder, options.dataDir)) throw inDataFolder(file, options);
  const existing = statOf(file, false);
  if (existing) {
    const followed = statOf(file);
    const protectedFiles = databaseFiles(options.dataDir);
    if (followed && protectedFiles.some((p) => sameFile(p, followed))) throw inDataFolder(file, options);
    if (existing.isSymbolicLink()) {
      // A save that follows the link writes where it points: that place must pass too.
      if (depth > 8) throw inDataFolder(file, options);
      checkWriteFile(path.resolve(folder, fs.readlinkSync(file)), { ...options, overwrite: true }, depth + 1);
    }
    if (followed?.isDirectory()) {
      throw refuse('path_exists', `${file} is a folder; give a file name`, options.field, { path: file });
    }
    if (!options.overwrite) {
      throw refuse('path_exists', `${file} already exists; confirm to replace it, or choose another name`, options.field, { path: file });
    }
  }
  return file;
}
