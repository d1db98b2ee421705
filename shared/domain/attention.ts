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

export const AttentionKind = z.object({ kind: z.string().trim().min(1, { error: 'attention.kindRequired' }).max(100) }).strict();
export type AttentionKind = z.infer<typeof AttentionKind>;

/** The manager's attention settings (settings key 'attention'). */
export const AttentionSettings = z.object({
  /** Kinds the manager muted: no badge, card or notification for them. */
  mutedKinds: z.array(z.string().min(1).max(100)).max(500).default([]),
});
export type AttentionSettings = z.infer<typeof AttentionSettings>;

/** What needs the manager now: the items of kinds not muted, badge totals per section, the muted kinds. */
export const AttentionState = z.object({
  items: z.array(AttentionItem),
  /** Sum of `count` per section (sections without items are absent). */
  badges: z.partialRecord(AttentionSection, z.number().int().nonnegative()),
  mutedKinds: z.array(z.string()),
});
export type AttentionState = z.infer<typeof AttentionState>;

/** One desktop notification: an item that just appeared, or (when its section words it) one that just cleared. */
export const AttentionNotice = z.object({
  id: z.string(),
  phase: z.enum(['appeared', 'cleared']),
  severity: AttentionSeverity,
  textKey: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  link: z.string(),
});
export type AttentionNotice = z.infer<typeof AttentionNotice>;

/** Pushed on every change; `notices` are the crossings of this change (each shown once, then never again for it). */
export const AttentionChangedEvent = AttentionState.extend({ notices: z.array(AttentionNotice) });
export type AttentionChangedEvent = z.infer<typeof AttentionChangedEvent>;

/**
 * The parameters of an attention text, ready to fill: a parameter whose name ends in `Key` holds a
 * locale key (e.g. stateKey: 'status.overall.offline') and fills `{state}` with its translation.
 */
export function attentionParams(params: Record<string, string | number>, translate: (key: string) => string): Record<string, string | number> {
  const filled: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (name.endsWith('Key') && name.length > 3 && typeof value === 'string') filled[name.slice(0, -3)] = translate(value);
    else filled[name] = value;
  }
  return filled;
}
