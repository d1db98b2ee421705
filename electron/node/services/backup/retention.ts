/**
 * Which backups to keep: the newest of each of the last N days, N ISO weeks and N months
 * (grandfather-father-son), plus everything from the day before the newest. Pure: the caller deletes. The newest verified backup is always kept,
 * so retention can never remove the only good copy.
 */
export interface RetentionCandidate {
  id: number;
  createdAt: string;
  verified: boolean;
}

function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${week}`;
}

export function backupsToDelete(
  candidates: RetentionCandidate[],
  policy: { daily: number; weekly: number; monthly: number },
): number[] {
  const verified = candidates.filter((c) => c.verified).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const keep = new Set<number>();
  const newest = verified[0];
  if (newest) keep.add(newest.id);
  // Everything from the last day stays: a manual backup is never removed by the next one.
  const recent = newest ? Date.parse(newest.createdAt) - 86_400_000 : Infinity;
  for (const c of verified) if (Date.parse(c.createdAt) > recent) keep.add(c.id);
  const bucket = (key: (date: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const c of verified) {
      const k = key(new Date(c.createdAt));
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      keep.add(c.id);
    }
  };
  bucket((d) => d.toISOString().slice(0, 10), policy.daily);
  bucket(isoWeek, policy.weekly);
  bucket((d) => d.toISOString().slice(0, 7), policy.monthly);
  // Failed backups are not kept by the policy; only verified ones count as copies.
  return candidates.filter((c) => !keep.has(c.id)).map((c) => c.id);
}
