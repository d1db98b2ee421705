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
});
export type AppInfo = z.infer<typeof AppInfo>;
