/**
 * One normalized status per terminal (vocabulary after nexo's POIStatus: GlobalStatus,
 * PrinterStatus, CommunicationOK, host reachable), stored with its history.
 */
import { z } from 'zod';

export const OVERALL_STATES = ['ok', 'degraded', 'fault', 'offline', 'unknown'] as const;
export const Overall = z.enum(OVERALL_STATES);
export type Overall = z.infer<typeof Overall>;

/** The link states of the terminal connection manager, plus 'unknown' before it reported and 'standalone' (no link: staff checks it). */
export const LINK_STATES = ['unknown', 'disconnected', 'connecting', 'registering', 'ready', 'busy', 'degraded', 'failed', 'standalone'] as const;
export const LinkKind = z.enum(LINK_STATES);
export type LinkKind = z.infer<typeof LinkKind>;

export const PRINTER_STATES = ['ok', 'paperLow', 'noPaper', 'jam', 'unknown'] as const;
export const PrinterState = z.enum(PRINTER_STATES);
export type PrinterState = z.infer<typeof PrinterState>;

export const COMPONENT_STATES = ['ok', 'fault', 'unknown'] as const;
export const ComponentState = z.enum(COMPONENT_STATES);
export type ComponentState = z.infer<typeof ComponentState>;

export const TEMPERATURE_STATES = ['ok', 'overheat', 'unknown'] as const;
export const TemperatureState = z.enum(TEMPERATURE_STATES);

/** What a failed staff check names as failed (shared/domain/checks): its questions, and the paper. */
export const CHECK_FAULTS = ['powersOn', 'screen', 'network', 'testSlip', 'payment', 'paper'] as const;
/** What the status keeps of a standalone terminal's last staff check. */
export const StaffCheckSummary = z.object({ at: z.string(), failed: z.array(z.enum(CHECK_FAULTS)) });
export type StaffCheckSummary = z.infer<typeof StaffCheckSummary>;

export const CodeText = z.object({ zh: z.string(), en: z.string() });
export type CodeText = z.infer<typeof CodeText>;

export const StatusFields = z.object({
  overall: Overall,
  link: LinkKind,
  /** null: not known yet. */
  hostReachable: z.boolean().nullable(),
  printer: PrinterState,
  cardReader: ComponentState,
  temperature: TemperatureState,
  softwareVersion: z.string().nullable(),
  softwareCurrent: z.boolean().nullable(),
  lastTransactionAt: z.string().nullable(),
  /** The last terminal status byte of a Status Enquiry (ZVT chapter 11), null before the first. */
  terminalStatus: z.number().int().nullable(),
  /** 'result:0x64' or 'terminal:0xCC'. */
  lastErrorCode: z.string().nullable(),
  lastErrorText: CodeText.nullable(),
  /** A standalone terminal's last staff check (shared/domain/checks), absent for linked ones. */
  staffCheck: StaffCheckSummary.nullable().optional(),
});
export type StatusFields = z.infer<typeof StatusFields>;

export const DeviceStatus = StatusFields.extend({
  deviceId: z.string(),
  /** When `overall` took its current value. */
  since: z.string(),
  updatedAt: z.string(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const StatusChange = DeviceStatus.extend({ id: z.number().int(), previousOverall: Overall.nullable() });
export type StatusChange = z.infer<typeof StatusChange>;

export const UNKNOWN_STATUS: StatusFields = {
  overall: 'unknown',
  link: 'unknown',
  hostReachable: null,
  printer: 'unknown',
  cardReader: 'unknown',
  temperature: 'unknown',
  softwareVersion: null,
  softwareCurrent: null,
  lastTransactionAt: null,
  terminalStatus: null,
  lastErrorCode: null,
  lastErrorText: null,
};

/** Overall states that count as down time (incidents, notifications, analytics). */
export function isDown(overall: Overall): boolean {
  return overall === 'fault' || overall === 'offline';
}

/** The parts of a status besides state and link that a timeline row names when they changed. */
export const TIMELINE_PARTS = ['printer', 'cardReader', 'temperature', 'hostReachable', 'softwareVersion'] as const;
export type TimelinePart = (typeof TIMELINE_PARTS)[number];

/**
 * What else changed in a status row against the one before it, so two rows with the same state
 * and link say why both are there. A host or software version that became unknown is not named.
 */
export function changedParts(change: StatusFields, before: StatusFields): TimelinePart[] {
  const named = (part: TimelinePart): boolean => (part === 'hostReachable' ? change.hostReachable !== null : part === 'softwareVersion' ? Boolean(change.softwareVersion) : true);
  return TIMELINE_PARTS.filter((part) => change[part] !== before[part] && named(part));
}

export const StatusHistoryQuery = z.object({ deviceId: z.string().min(1), limit: z.number().int().min(1).max(1000).default(100) }).strict();

/** Sent on every status change of a terminal; `notify` says it went down or came back. */
export const StatusChangedEvent = z.object({
  status: DeviceStatus,
  previousOverall: Overall.nullable(),
  notify: z.enum(['down', 'recovered']).nullable(),
  deviceName: z.string(),
});
export type StatusChangedEvent = z.infer<typeof StatusChangedEvent>;

/** One observation fed into the status model (by the terminal manager or a command's result). */
export const StatusObservation = z.object({
  deviceId: z.string().min(1),
  link: LinkKind.optional(),
  hostReachable: z.boolean().optional(),
  /** Terminal status byte of a Status Enquiry completion (ZVT chapter 11). */
  terminalStatus: z.number().int().min(0).max(255).optional(),
  /** Result code of a failed command (ZVT chapter 10). */
  resultCode: z.number().int().min(0).max(255).optional(),
  printer: PrinterState.optional(),
  cardReader: ComponentState.optional(),
  temperature: TemperatureState.optional(),
  softwareVersion: z.string().optional(),
  transactionAt: z.string().optional(),
}).strict();
export type StatusObservation = z.infer<typeof StatusObservation>;

/** A run of consecutive timeline rows that say the same thing, shown as one entry. */
export interface TimelineEntry {
  /** The newest row of the run (the list is newest first) and its index in the list. */
  change: StatusChange;
  index: number;
  /** How many rows the run stands for, and the oldest one's time. */
  count: number;
  firstSince: string;
}

/**
 * Collapses repeats in a status history (newest first): rows with the same state, link and error
 * code, of which nothing else changed, become one entry with a count and a time span.
 */
export function collapseTimeline(changes: readonly StatusChange[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  changes.forEach((change, index) => {
    const last = entries[entries.length - 1];
    const newer = changes[index - 1];
    if (last && newer && newer.overall === change.overall && newer.link === change.link && newer.lastErrorCode === change.lastErrorCode && changedParts(newer, change).length === 0) {
      last.count += 1;
      last.firstSince = change.since;
      return;
    }
    entries.push({ change, index, count: 1, firstSince: change.since });
  });
  return entries;
}

/** A stored error code as the manager reads it beside its meaning: 'terminal:0xCC' -> 'CC'. */
export function shortErrorCode(code: string): string {
  return /^(?:terminal|result):0x([0-9A-Fa-f]{2})$/.exec(code)?.[1]?.toUpperCase() ?? code;
}
