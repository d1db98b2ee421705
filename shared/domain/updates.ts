import { z } from 'zod';

/**
 * Why the last check or download failed, coarse enough for the manager: `offline` is normal in
 * a shop (no internet or the update server down); the others point at the feed or the file.
 */
export const UpdateErrorCode = z.enum(['offline', 'feed', 'checksum', 'signature', 'install', 'unknown']);
export type UpdateErrorCode = z.infer<typeof UpdateErrorCode>;

/** The self-update state machine (one of these at a time), sent as a snapshot then on each change. */
export const UpdateState = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }),
  z.object({ kind: z.literal('checking') }),
  z.object({ kind: z.literal('available'), version: z.string() }),
  z.object({ kind: z.literal('downloading'), version: z.string(), percent: z.number().min(0).max(100) }),
  z.object({ kind: z.literal('ready'), version: z.string() }),
  z.object({ kind: z.literal('upToDate'), checkedAt: z.string() }),
  z.object({ kind: z.literal('error'), code: UpdateErrorCode, at: z.string() }),
]);
export type UpdateState = z.infer<typeof UpdateState>;

export const UpdateStatus = z.object({
  currentVersion: z.string(),
  state: UpdateState,
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

/** `installNow` quits the app and runs the installer; the answer arrives just before the quit. */
export const UpdateInstallResult = z.object({ version: z.string() });
export type UpdateInstallResult = z.infer<typeof UpdateInstallResult>;
