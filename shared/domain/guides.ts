/**
 * Which fault guide fits a terminal's status: the guides ranked by how likely each is to be the
 * right one for what the terminal reports now. The first is the one an incident opens with;
 * the guide picker lists them in this order, so the printer guide comes first for a terminal
 * out of paper instead of 13th of 16 in alphabetical order of the English ids.
 */
import type { DeviceStatus } from './status';

/** Every shipped guide id, least specific last: the order used when the status says nothing. */
const GENERAL_ORDER = ['power', 'contacts', 'crashes', 'hostUnreachable', 'printer', 'display', 'overheating', 'outdatedSoftware', 'memoryLeak', 'corruptedFiles', 'scanner', 'brokenParts', 'interference', 'lostRecords', 'wrongAmount', 'tamperAlert'] as const;

/** Guide ids most likely first for this status (unknown ids of manager-made guides keep their place after these). */
export function likelyGuideIds(status: (Pick<DeviceStatus, 'overall' | 'hostReachable' | 'temperature' | 'printer' | 'cardReader' | 'softwareCurrent'> & Partial<Pick<DeviceStatus, 'staffCheck'>>) | undefined): string[] {
  const first: string[] = [];
  if (!status) first.push('power', 'contacts');
  else {
    // What staff saw at a check of a standalone terminal (shared/domain/checks).
    const failed = status.staffCheck?.failed ?? [];
    if (failed.includes('powersOn')) first.push('power');
    if (failed.includes('screen')) first.push('display', 'crashes');
    // In order of what can be known: an offline terminal's other fields are from before it went away.
    if (status.overall === 'offline') first.push('contacts', 'power', 'crashes');
    if (status.hostReachable === false) first.push('hostUnreachable', 'interference');
    if (status.temperature === 'overheat') first.push('overheating', 'power');
    if (status.printer === 'noPaper' || status.printer === 'jam' || status.printer === 'paperLow') first.push('printer');
    if (status.cardReader === 'fault') first.push('contacts', 'brokenParts');
    if (status.softwareCurrent === false) first.push('outdatedSoftware');
    if (first.length === 0) first.push('crashes', 'memoryLeak');
  }
  return [...new Set<string>([...first, ...GENERAL_ORDER])];
}

/** The guide an incident opens with for this status. */
export function suggestGuide(status: Parameters<typeof likelyGuideIds>[0]): string {
  return likelyGuideIds(status)[0]!;
}

/** Guides sorted most likely first for the status (stable for ids the ranking does not know). */
export function rankGuides<G extends { id: string }>(guides: readonly G[], status: Parameters<typeof likelyGuideIds>[0]): G[] {
  const order = likelyGuideIds(status);
  const rank = (id: string) => {
    const at = order.indexOf(id);
    return at === -1 ? order.length : at;
  };
  return [...guides].sort((a, b) => rank(a.id) - rank(b.id));
}

/**
 * The symptoms a manager reports by hand ("报告故障"), in the words of the seeds, and the guide
 * each one opens with (the rest of the ranking follows it).
 */
export const REPORTED_SYMPTOMS = {
  blackScreen: 'display',
  noPower: 'power',
  noPrint: 'printer',
  cardNoResponse: 'contacts',
  networkFailed: 'hostUnreachable',
  transactionFailed: 'hostUnreachable',
  freezeCrash: 'crashes',
  overheating: 'overheating',
  wrongAmount: 'wrongAmount',
  scannerFailed: 'scanner',
} as const satisfies Record<string, (typeof GENERAL_ORDER)[number]>;
export type ReportedSymptom = keyof typeof REPORTED_SYMPTOMS;
export const REPORTED_SYMPTOM_IDS = Object.keys(REPORTED_SYMPTOMS) as ReportedSymptom[];
