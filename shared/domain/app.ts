import { z } from 'zod';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** Where the database and backups live. */
  dataDir: z.string(),
  /** 'electron' in the desktop app, 'browser' when served by `poscare serve`. */
  mode: z.enum(['electron', 'browser']),
  schemaVersion: z.number().int(),
  platform: z.string(),
  /** Native folder pickers exist (desktop app); browser mode types paths instead. */
  nativeDialogs: z.boolean(),
  /**
   * Set when the database could not be opened (damaged): the console then offers only "restore
   * from a backup"; `file` is the damaged database, `message` SQLite's words.
   */
  recovery: z.object({ file: z.string(), message: z.string() }).optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const PickFolderInput = z
  .object({
    /** Locale-independent purpose, e.g. 'backup'; the main side picks the dialog title. */
    title: z.string().max(200).optional(),
    defaultPath: z.string().max(4096).optional(),
  })
  .strict();
export type PickFolderInput = z.infer<typeof PickFolderInput>;

/** `path` is null when the manager cancelled the dialog. */
export const PickFolderOutput = z.object({ path: z.string().nullable() });
export type PickFolderOutput = z.infer<typeof PickFolderOutput>;
