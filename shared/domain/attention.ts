import { z } from 'zod';

/**
 * What a section asks the manager to look at: maintenance due or overdue, stock below minimum,
 * training expired, plan not reviewed, terminal down, backup missed, a capture not stored.
 * Every section publishes its items in this one shape; the shell turns them into menu badges,
 * home/status-board cards and one desktop notification per crossing (see the attention service).
 */
export const ATTENTION_SECTIONS = [
  'devices',
  'incidents',
  'maintenance',
  'parts',
  'training',
  'contingency',
  'transactions',
  'backup',
] as const;
export const AttentionSection = z.enum(ATTENTION_SECTIONS);
export type AttentionSection = z.infer<typeof AttentionSection>;

export const AttentionSeverity = z.enum(['info', 'warning', 'critical']);
export type AttentionSeverity = z.infer<typeof AttentionSeverity>;

export const AttentionItem = z.object({
  /** Stable per thing and crossing, e.g. 'parts.low:<partId>'; a notification fires once per id. */
  id: z.string().min(1).max(200),
  section: AttentionSection,
  /** What kind of item, e.g. 'maintenance.overdue'; the manager can mute a kind. */
  kind: z.string().min(1).max(100),
  severity: AttentionSeverity,
  /** How many things this item stands for (badges add these up). */
  count: z.number().int().nonnegative(),
  /** A locale key (zh-CN and en) and its parameters: never a sentence in one language. */
  textKey: z.string().min(1).max(200),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** A renderer route, e.g. '/parts/<id>'. */
  link: z.string().min(1).max(300),
});
export type AttentionItem = z.infer<typeof AttentionItem>;
