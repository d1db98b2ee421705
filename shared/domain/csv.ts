/**
 * CSV imports of a catalogue or registry: the file's text in, and either what was written or,
 * when any line is wrong, nothing written and every wrong line named with its fields.
 */
import { z } from 'zod';

export const CsvImport = z.object({ csv: z.string().max(5_000_000) }).strict();

export const CsvLineIssue = z.object({ path: z.string(), messageKey: z.string() });
export type CsvLineIssue = z.infer<typeof CsvLineIssue>;

export const CsvImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** One entry per refused line: 1-based line number (the header is line 1) and the field issues. */
  errors: z.array(z.object({ line: z.number().int(), issues: z.array(CsvLineIssue) })),
});
export type CsvImportResult = z.infer<typeof CsvImportResult>;
