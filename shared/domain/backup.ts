/**
 * Backups (数据备份): the self-describing file header, the history, the settings and the progress
 * events of the backup service.
 */
import { z } from 'zod';

/** 3: zstd chunks and a header hash; 2 (still read): zstd chunks; 1 (still read): chunks deflated. */
export const BACKUP_FORMAT_VERSION = 3;
export const BACKUP_EXTENSION = '.pcbak';

export const ScryptParams = z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() });

export const BackupEncryption = z.object({
  cipher: z.literal('aes-256-gcm'),
  kdf: z.literal('scrypt'),
  salt: z.string(),
  iv: z.string(),
  params: ScryptParams,
  /** HMAC of a constant under the key: tells a wrong passphrase from a damaged file. */
  keyCheck: z.string(),
});

export const BackupHeader = z.object({
  formatVersion: z.number().int(),
  appVersion: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  rowCounts: z.record(z.string(), z.number().int()),
  plaintextBytes: z.number().int(),
  compression: z.enum(['zstd-frames', 'deflate-raw-frames']),
  encryption: BackupEncryption.nullable(),
  /** SHA-256 (hex) of the database file inside. */
  sha256: z.string(),
});
export type BackupHeader = z.infer<typeof BackupHeader>;

export const Passphrase = z.string().min(8, { error: 'backup.passphraseTooShort' }).max(1024);

export const BACKUP_STATUSES = ['running', 'verified', 'failed'] as const;
export const BackupStatus = z.enum(BACKUP_STATUSES);
export type BackupStatus = z.infer<typeof BackupStatus>;

export const BackupTrigger = z.enum(['manual', 'scheduled', 'quit', 'safety']);
export type BackupTrigger = z.infer<typeof BackupTrigger>;

/**
 * Why a scheduled or at-quit backup wrote no file. Stored as the history row's `error` (status
 * 'failed', no file) and translated by the renderer; the passphrase itself is never stored.
 */
export const BACKUP_SKIP_REASONS = ['passphrase_needed', 'folder_missing'] as const;
export type BackupSkipReason = (typeof BACKUP_SKIP_REASONS)[number];

export function skipReasonOf(entry: { error: string | null }): BackupSkipReason | undefined {
  return (BACKUP_SKIP_REASONS as readonly string[]).includes(entry.error ?? '') ? (entry.error as BackupSkipReason) : undefined;
}

/**
 * Why a backup that started failed, beyond the API error codes: its folder ran out of space, or
 * could not be written (drive removed, read-only, no permission); `interrupted`: the process
 * ended mid-backup. Also in the failed API error's `details.reason`.
 */
export const BACKUP_FAILURE_REASONS = ['destination_full', 'destination_unwritable', 'interrupted'] as const;
export type BackupFailureReason = (typeof BACKUP_FAILURE_REASONS)[number];

/** A failed row's `error` as stored: "<code>: <English message>" (code: a failure reason or an API error code). */
export function failureText(code: string, message: string): string {
  return `${code}: ${message}`;
}

/**
 * The code and English message of a failed row, for the Backup page to translate the code; rows
 * written before codes were stored have only the message (code undefined), 'interrupted' only the code.
 */
export function failureOf(entry: { error: string | null }): { code: string | undefined; message: string } {
  const error = entry.error ?? '';
  if ((BACKUP_FAILURE_REASONS as readonly string[]).includes(error)) return { code: error, message: '' };
  const match = /^([a-z_]+): ([\s\S]*)$/.exec(error);
  return match ? { code: match[1], message: match[2] ?? '' } : { code: undefined, message: error };
}

export const BackupEntry = z.object({
  id: z.number().int(),
  file: z.string(),
  createdAt: z.string(),
  trigger: BackupTrigger,
  status: BackupStatus,
  encrypted: z.boolean(),
  bytes: z.number().int(),
  rowCounts: z.record(z.string(), z.number().int()),
  seconds: z.number().nullable(),
  error: z.string().nullable(),
  /** False once retention removed the file (or it went missing). */
  present: z.boolean(),
});
export type BackupEntry = z.infer<typeof BackupEntry>;

/**
 * The newest automatic (scheduled or at-quit) run, when it was skipped or failed and no backup
 * has been verified since: the one the Backup page warns about. `entries` newest first, as listed.
 */
export function missedAutomaticRun(entries: readonly BackupEntry[]): BackupEntry | undefined {
  for (const entry of entries) {
    if (entry.status === 'verified') return undefined;
    if (entry.trigger !== 'scheduled' && entry.trigger !== 'quit') continue;
    return entry.status === 'failed' ? entry : undefined;
  }
  return undefined;
}

export const Retention = z.object({
  daily: z.number().int().min(1).max(365),
  weekly: z.number().int().min(0).max(520),
  monthly: z.number().int().min(0).max(240),
});
export type Retention = z.infer<typeof Retention>;

export const BackupSettings = z.object({
  folder: z.string().trim().max(1000),
  /** Hour of the day (0-23) for the daily backup; null turns the schedule off. */
  dailyHour: z.number().int().min(0).max(23).nullable(),
  atQuit: z.boolean(),
  encrypted: z.boolean(),
  retention: Retention,
});
export type BackupSettings = z.infer<typeof BackupSettings>;

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = {
  folder: '',
  dailyHour: 21,
  atQuit: true,
  encrypted: true,
  retention: { daily: 7, weekly: 4, monthly: 12 },
};

export const BackupSettingsUpdate = BackupSettings.partial().strict();
export type BackupSettingsUpdate = z.input<typeof BackupSettingsUpdate>;

export const BackupCreateInput = z
  .object({
    /** Folder to write into; defaults to the configured folder. */
    folder: z.string().trim().min(1).max(1000).optional(),
    passphrase: Passphrase.optional(),
    /** Must be true (after the warning) to write without encryption. */
    noEncryption: z.boolean().default(false),
    /** The CLI's `--out FILE`: the backup's own name in `folder` (a plain name, never a path); else a dated name. */
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((name) => !/[\\/\0]/.test(name) && name !== '.' && name !== '..', { error: 'backup.fileNameInvalid' })
      .optional(),
  })
  .strict()
  .refine((i) => i.noEncryption || i.passphrase !== undefined, { error: 'backup.passphraseRequired', path: ['passphrase'] });
export type BackupCreateInput = z.input<typeof BackupCreateInput>;

export const BackupFileInput = z
  .object({ file: z.string().trim().min(1).max(1000), passphrase: z.string().max(1024).optional() })
  .strict();
export type BackupFileInput = z.input<typeof BackupFileInput>;

export const BackupRestoreInput = z
  .object({ file: z.string().trim().min(1).max(1000), passphrase: z.string().max(1024).optional(), confirm: z.literal(true) })
  .strict();
export type BackupRestoreInput = z.input<typeof BackupRestoreInput>;

export const BackupVerifyResult = z.object({
  file: z.string(),
  header: BackupHeader,
  rowCounts: z.record(z.string(), z.number().int()),
  integrity: z.literal('ok'),
  seconds: z.number(),
});
export type BackupVerifyResult = z.infer<typeof BackupVerifyResult>;

export const BackupInspectResult = z.object({ file: z.string(), bytes: z.number().int(), header: BackupHeader });
export type BackupInspectResult = z.infer<typeof BackupInspectResult>;

export const RestoreResult = z.object({
  file: z.string(),
  safetySnapshot: z.string().nullable(),
  schemaVersion: z.number().int(),
  migratedFrom: z.number().int(),
  rowCounts: z.record(z.string(), z.number().int()),
  /** For a drill: where the restored copy was put (and removed again). */
  drill: z.boolean(),
  /** The damaged database the restore replaced, kept under this name (never deleted); absent when it was readable. */
  damagedFile: z.string().optional(),
});
export type RestoreResult = z.infer<typeof RestoreResult>;

export const BACKUP_PHASES = ['snapshot', 'compress', 'verify', 'integrity', 'restore', 'done', 'failed'] as const;
export const BackupProgress = z.object({
  operation: z.enum(['create', 'verify', 'restore', 'drill']),
  phase: z.enum(BACKUP_PHASES),
  /** 0..1 over the whole operation. */
  fraction: z.number().min(0).max(1),
  file: z.string().nullable(),
  error: z.string().nullable(),
});
export type BackupProgress = z.infer<typeof BackupProgress>;

export const BackupList = z.object({ settings: BackupSettings, entries: z.array(BackupEntry), running: z.boolean() });
export type BackupList = z.infer<typeof BackupList>;

export const BackupFolderListing = z.object({ files: z.array(BackupInspectResult), unreadable: z.array(z.string()) });
