/**
 * Results never throw across the API boundary (IPC, HTTP, CLI): every call answers
 * `{ ok: true, value }` or `{ ok: false, error }`, and the renderer maps `error.code` to a
 * translated message (locales: `errors.<code>`).
 */

/** Every error code the API can answer. Each has a text in shared/locales/*.json under `errors`. */
export const ERROR_CODES = [
  'validation',
  'unknown_method',
  'unauthorized',
  'not_found',
  'conflict',
  'database_newer',
  'database_corrupt',
  'database_locked',
  'data_dir_unwritable',
  'port_in_use',
  'unavailable',
  'internal',
  'not_a_backup',
  'backup_damaged',
  'backup_newer',
  'backup_wrong_passphrase',
  'backup_passphrase_required',
  'backup_busy',
  'path_relative',
  'path_in_data_folder',
  'path_exists',
  'folder_missing',
  'data_folder_in_use',
  'backup_unsupported',
  'command_not_abortable',
  'drill_cannot_start',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One field-level problem of a validation error; `path` is dotted ("store.name"). */
export interface FieldIssue {
  path: string;
  /** A zod issue code (too_small, too_big, invalid_type, invalid_format, custom ...). */
  code: string;
  /** For custom issues: the locale key of the message (e.g. "settings.invalidTimezone"). */
  messageKey?: string;
  minimum?: number;
  maximum?: number;
}

export interface ApiError {
  code: ErrorCode;
  /** English, for logs and the CLI; the UI translates from `code` and `details`. */
  message: string;
  details?: { issues?: FieldIssue[]; [key: string]: unknown };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, details?: ApiError['details']): { ok: false; error: ApiError } {
  return details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } };
}

/**
 * Thrown inside services for an expected failure; the dispatcher turns it into a failed Result.
 * Anything else thrown becomes `internal`.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ApiError['details'];

  constructor(code: ErrorCode, message: string, details?: ApiError['details']) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
