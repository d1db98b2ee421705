/**
 * Incidents: one recorded occurrence of a fault on a device, with the steps taken, and the
 * guided troubleshooting trees (fault guides) that produce those steps.
 */
import { z } from 'zod';

export const FAULT_CLASSES = ['hardware', 'peripheral', 'software', 'network', 'transaction', 'environment'] as const;
export const FaultClass = z.enum(FAULT_CLASSES);
export type FaultClass = z.infer<typeof FaultClass>;

/** The causes of the taxonomy table (../DOMAIN.md), each under its class. */
export const FAULT_CAUSES = {
  hardware: ['power', 'contacts', 'overheating', 'display', 'brokenParts'],
  peripheral: ['printer', 'scanner'],
  software: ['crashes', 'outdatedSoftware', 'memoryLeak', 'corruptedFiles'],
  network: ['hostUnreachable'],
  transaction: ['wrongAmount', 'lostRecords', 'tamperAlert'],
  environment: ['interference'],
} as const satisfies Record<FaultClass, readonly string[]>;
export const ALL_CAUSES = Object.values(FAULT_CAUSES).flat() as string[];

export const INCIDENT_STATES = ['open', 'diagnosing', 'waitingVendor', 'waitingParts', 'resolved', 'replaced'] as const;
export const IncidentState = z.enum(INCIDENT_STATES);
export type IncidentState = z.infer<typeof IncidentState>;
export const CLOSED_STATES: readonly IncidentState[] = ['resolved', 'replaced'];

/**
 * The moves between states: forward through the procedure open -> diagnosing -> waiting for the
 * vendor or parts -> resolved or replaced (a step may be skipped), between the two waits, between
 * the two outcomes, and reopening a closed incident. Going back (diagnosing -> open, waiting ->
 * diagnosing) is refused.
 */
export const STATE_TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  open: ['diagnosing', 'waitingVendor', 'waitingParts', 'resolved', 'replaced'],
  diagnosing: ['waitingVendor', 'waitingParts', 'resolved', 'replaced'],
  // Back to diagnosing when the vendor's instructions or the part arrive and the manager tries again.
  waitingVendor: ['diagnosing', 'waitingParts', 'resolved', 'replaced'],
  waitingParts: ['diagnosing', 'waitingVendor', 'resolved', 'replaced'],
  resolved: ['open', 'replaced'],
  replaced: ['open', 'resolved'],
};

/** Whether an incident may go from one state to another (staying is always allowed). */
export function canMoveIncident(from: IncidentState, to: IncidentState): boolean {
  return from === to || STATE_TRANSITIONS[from].includes(to);
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);

const IsoTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'incidents.invalidTime' });

export const IncidentStep = z.object({
  id: z.number().int(),
  at: z.string(),
  guideId: z.string().nullable(),
  nodeId: z.string().nullable(),
  /** What was asked or run, as shown (current language at the time). */
  prompt: z.string(),
  /** The answer given or the live result of a command. */
  answer: z.string(),
  note: z.string(),
});
export type IncidentStep = z.infer<typeof IncidentStep>;

export const Incident = z.object({
  id: z.string(),
  deviceId: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  /** Milliseconds between opening and closing (or now, while open). */
  durationMs: z.number().int(),
  state: IncidentState,
  faultClass: FaultClass.nullable(),
  cause: z.string().nullable(),
  symptoms: z.string(),
  severity: Severity,
  fallbackUsed: z.string(),
  partsUsed: z.string(),
  /** In cents (fen). */
  costCents: z.number().int(),
  resolution: z.string(),
  vendorTicket: z.string(),
  autoOpened: z.boolean(),
  autoResolved: z.boolean(),
  guideId: z.string().nullable(),
  steps: z.array(IncidentStep),
  escalation: z.object({ html: z.string(), text: z.string(), createdAt: z.string() }).nullable(),
});
export type Incident = z.infer<typeof Incident>;

const Editable = {
  faultClass: FaultClass.nullable().optional(),
  cause: z.string().refine((v) => ALL_CAUSES.includes(v), { error: 'incidents.unknownCause' }).nullable().optional(),
  symptoms: z.string().trim().max(4000).optional(),
  severity: Severity.optional(),
  fallbackUsed: z.string().trim().max(500).optional(),
  partsUsed: z.string().trim().max(1000).optional(),
  costCents: z.number().int().min(0, { error: 'incidents.negativeCost' }).optional(),
  resolution: z.string().trim().max(4000).optional(),
  vendorTicket: z.string().trim().max(100).optional(),
  guideId: z.string().max(100).nullable().optional(),
};

export const IncidentOpen = z
  .object({ deviceId: z.string().min(1), openedAt: IsoTime.optional(), ...Editable })
  .strict();
export type IncidentOpen = z.infer<typeof IncidentOpen>;

export const IncidentUpdate = z
  .object({ id: z.string().min(1), state: IncidentState.optional(), openedAt: IsoTime.optional(), closedAt: IsoTime.nullable().optional(), ...Editable })
  .strict();
export type IncidentUpdate = z.infer<typeof IncidentUpdate>;

export const IncidentId = z.object({ id: z.string().min(1) }).strict();
export const IncidentListQuery = z
  .object({ deviceId: z.string().optional(), openOnly: z.boolean().default(false), limit: z.number().int().min(1).max(1000).default(200) })
  .strict()
  .optional()
  .default({ openOnly: false, limit: 200 });

export const IncidentStepRecord = z
  .object({ id: z.string().min(1), guideId: z.string().nullable().optional(), nodeId: z.string().nullable().optional(), prompt: z.string().max(2000), answer: z.string().max(4000), note: z.string().max(2000).optional() })
  .strict();

export const IncidentChangedEvent = z.object({ incident: Incident, reason: z.enum(['opened', 'updated', 'resolved']) });

/** Manager's incident preferences and the "keep selling" (fallback) data. */
export const IncidentSettings = z.object({
  /** Open an incident when a terminal stays fault/offline this many minutes. 0 = never. */
  autoOpenAfterMinutes: z.number().min(0).max(1440).default(5),
  autoResolveOnRecovery: z.boolean().default(true),
  backupTerminals: z.string().trim().max(1000).default(''),
  qrProcedure: z.string().trim().max(4000).default(''),
  emergencyContacts: z.array(z.object({ name: z.string().trim().min(1).max(100), role: z.string().trim().max(100).default(''), phone: z.string().trim().max(50).default('') })).max(20).default([]),
});
export type IncidentSettings = z.infer<typeof IncidentSettings>;
export const IncidentSettingsUpdate = IncidentSettings.partial().strict();

// ---------------------------------------------------------------- fault guides (decision trees)

export const LocalText = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) }).strict();
export type LocalText = z.infer<typeof LocalText>;

export const GUIDE_COMMANDS = ['statusEnquiry', 'diagnosis', 'selfTest', 'printConfiguration', 'endOfDay', 'softwareUpdate', 'reconnect'] as const;
export const GuideCommand = z.enum(GUIDE_COMMANDS);
export type GuideCommand = z.infer<typeof GuideCommand>;

const NodeId = z.string().regex(/^[a-z][a-zA-Z0-9]*$/);

export const GuideNode = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('question'),
    text: LocalText,
    answers: z.array(z.object({ label: LocalText, next: NodeId }).strict()).min(2),
  }).strict(),
  z.object({
    kind: z.literal('command'),
    text: LocalText,
    command: GuideCommand,
    /** Branch on the live result: the command succeeded and the terminal is ok, or not. */
    onOk: NodeId,
    onFault: NodeId,
  }).strict(),
  z.object({ kind: z.literal('resolution'), text: LocalText }).strict(),
  z.object({ kind: z.literal('escalation'), text: LocalText }).strict(),
]);
export type GuideNode = z.infer<typeof GuideNode>;

export const FaultGuide = z.object({
  id: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  faultClass: FaultClass,
  cause: z.string(),
  title: LocalText,
  start: NodeId,
  nodes: z.record(NodeId, GuideNode),
}).strict();
export type FaultGuide = z.infer<typeof FaultGuide>;

export const GuideCommandRun = z.object({ incidentId: z.string().min(1), command: GuideCommand }).strict();
export const GuideCommandResult = z.object({ ok: z.boolean(), summary: z.string(), detail: z.string() });
export type GuideCommandResult = z.infer<typeof GuideCommandResult>;

export const EscalationPack = z.object({ html: z.string(), text: z.string(), createdAt: z.string() });
export type EscalationPack = z.infer<typeof EscalationPack>;
