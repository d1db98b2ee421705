/**
 * Incidents: one recorded occurrence of a fault on a device, with the steps taken, and the
 * guided troubleshooting trees (fault guides) that produce those steps.
 */
import { z } from 'zod';
import { instant } from './time';
import { CodeText, LINK_STATES, OVERALL_STATES, PRINTER_STATES } from './status';
import { GuideCommand } from './terminals';

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

/** The status an incident opened by itself saw (its symptoms); `errorText` is the code's meaning in both languages when known. */
export const AutoSymptoms = z.object({
  overall: z.enum(OVERALL_STATES),
  link: z.enum(LINK_STATES),
  hostUnreachable: z.boolean(),
  printer: z.enum(PRINTER_STATES).nullable(),
  cardReaderFault: z.boolean(),
  overheat: z.boolean(),
  errorCode: z.string().nullable(),
  /** The words stored after the code (English, as the terminal's code table said at the time). */
  errorWords: z.string(),
  errorText: z.object({ zh: z.string(), en: z.string() }).nullable(),
});
export type AutoSymptoms = z.infer<typeof AutoSymptoms>;

const SEPARATOR = '; ';

/**
 * The symptoms text stored with an incident that opened by itself, in English (the CLI, exports
 * and older versions read it as it is), e.g. "offline (link failed); host unreachable; printer
 * noPaper; terminal:0xCC Printer not ready". `parseAutoSymptoms` reads it back.
 */
export function autoSymptomsText(s: Omit<AutoSymptoms, 'errorText'>): string {
  const parts = [`${s.overall} (link ${s.link})`];
  if (s.hostUnreachable) parts.push('host unreachable');
  if (s.printer && s.printer !== 'ok' && s.printer !== 'unknown') parts.push(`printer ${s.printer}`);
  if (s.cardReaderFault) parts.push('card reader fault');
  if (s.overheat) parts.push('overheating');
  if (s.errorCode) parts.push(`${s.errorCode} ${s.errorWords}`.trim());
  return parts.join(SEPARATOR);
}

/** The facts behind a stored automatic symptoms text; null for any other text (the manager's own words). */
export function parseAutoSymptoms(text: string): Omit<AutoSymptoms, 'errorText'> | null {
  const parts = text.split(SEPARATOR);
  const head = /^(\w+) \(link (\w+)\)$/.exec(parts[0] ?? '');
  const overall = OVERALL_STATES.find((o) => o === head?.[1]);
  const link = LINK_STATES.find((l) => l === head?.[2]);
  if (!overall || !link) return null;
  const result: Omit<AutoSymptoms, 'errorText'> = { overall, link, hostUnreachable: false, printer: null, cardReaderFault: false, overheat: false, errorCode: null, errorWords: '' };
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const printer = /^printer (\w+)$/.exec(part);
    if (part === 'host unreachable' && !result.hostUnreachable) result.hostUnreachable = true;
    else if (printer && !result.printer && PRINTER_STATES.some((p) => p === printer[1])) result.printer = PRINTER_STATES.find((p) => p === printer[1])!;
    else if (part === 'card reader fault' && !result.cardReaderFault) result.cardReaderFault = true;
    else if (part === 'overheating' && !result.overheat) result.overheat = true;
    else {
      // The error code comes last; its words may themselves hold the separator.
      const error = /^(\S+:\S+)(?: ([\s\S]*))?$/.exec(parts.slice(i).join(SEPARATOR));
      if (!error) return null;
      result.errorCode = error[1]!;
      result.errorWords = error[2] ?? '';
      break;
    }
  }
  // Anything the writer would not have produced (edited text that still looks alike) is the manager's.
  return autoSymptomsText(result) === text ? result : null;
}

/**
 * Automatic symptoms in the reader's language. `translate` looks up locale keys
 * (incidents.autoSymptoms.*, status.overall.*, status.link.*, status.printer.*) with {placeholders}.
 */
export function wordAutoSymptoms(s: AutoSymptoms, language: 'zh-CN' | 'en', translate: (key: string, values?: Record<string, string>) => string): string {
  const parts = [translate('incidents.autoSymptoms.state', { overall: translate(`status.overall.${s.overall}`), link: translate(`status.link.${s.link}`) })];
  if (s.hostUnreachable) parts.push(translate('incidents.autoSymptoms.hostUnreachable'));
  if (s.printer && s.printer !== 'ok' && s.printer !== 'unknown') parts.push(translate('incidents.autoSymptoms.printer', { printer: translate(`status.printer.${s.printer}`) }));
  if (s.cardReaderFault) parts.push(translate('incidents.autoSymptoms.cardReaderFault'));
  if (s.overheat) parts.push(translate('incidents.autoSymptoms.overheat'));
  if (s.errorCode) {
    // The words, with the bare code after them for support ("打印机未就绪 (0xCC)"), never "terminal:0xCC".
    const words = s.errorText ? (language === 'en' ? s.errorText.en : s.errorText.zh) : s.errorWords;
    const code = s.errorCode.replace(/^(terminal|result):/, '');
    parts.push(words ? `${words} (${code})` : code);
  }
  return parts.join(translate('incidents.autoSymptoms.separator'));
}

/** "2 h 5 min" in the reader's language: `translate` looks up the locale keys incidents.duration* with {d}, {h}, {m}, {s}. */
export function formatDuration(ms: number, translate: (key: string, values: Record<string, number>) => string): string {
  const minutes = Math.floor(ms / 60000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days > 0) return translate('incidents.durationDays', { d: days, h: hours % 24, m: minutes % 60 });
  if (hours > 0) return translate('incidents.durationHours', { h: hours, m: minutes % 60 });
  if (minutes > 0) return translate('incidents.durationMinutes', { m: minutes });
  return translate('incidents.durationSeconds', { s: Math.floor(ms / 1000) });
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);

const IsoTime = instant('incidents.invalidTime');

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
  /** The note worded in both languages when it holds a command's result codes (see devices summary-text). */
  noteText: CodeText.optional(),
});
export type IncidentStep = z.infer<typeof IncidentStep>;

const COMMAND_ANSWER = /^(\w+): (ok|fault)$/;
const STATUS_ANSWER = /^(\w+) -> (\w+)$/;
const GUIDE_COMMAND_NAMES: ReadonlySet<string> = new Set(GuideCommand.options);

/**
 * A recorded step in the reader's language. Steps PosCare records itself are stored as codes
 * (a live command result 'diagnosis: ok', a status change 'offline -> ok', the note 'auto-resolved
 * on recovery', command results as codes in `noteText`); the manager's own answers stay as
 * written. `translate` looks up locale keys (devices.command.*, incidents.*, status.overall.*).
 */
export function wordStep(step: IncidentStep, language: 'zh-CN' | 'en', translate: (key: string) => string): { prompt: string; answer: string; note: string } {
  let { prompt, answer, note } = step;
  const command = COMMAND_ANSWER.exec(answer);
  if (command?.[1] && GUIDE_COMMAND_NAMES.has(command[1])) {
    answer = `${translate(`devices.command.${command[1]}`)}: ${translate(command[2] === 'ok' ? 'incidents.commandOk' : 'incidents.commandFault')}`;
    if (prompt === command[1]) prompt = translate(`devices.command.${command[1]}`);
  }
  const change = STATUS_ANSWER.exec(answer);
  if (prompt === 'status' && change?.[1] && change[2] && (OVERALL_STATES as readonly string[]).includes(change[1]) && (OVERALL_STATES as readonly string[]).includes(change[2])) {
    prompt = translate('incidents.pack.statusStep');
    answer = `${translate(`status.overall.${change[1]}`)} → ${translate(`status.overall.${change[2]}`)}`;
  }
  if (note === 'auto-resolved on recovery') note = translate('incidents.autoResolved');
  else if (step.noteText) note = language === 'en' ? step.noteText.en : step.noteText.zh;
  return { prompt, answer, note };
}

/** A step PosCare wrote itself (the status change of an automatic resolve), not the manager's. */
export function isRecordedByPosCare(step: Pick<IncidentStep, 'prompt' | 'answer' | 'guideId'>): boolean {
  return step.prompt === 'status' && step.guideId === null && STATUS_ANSWER.test(step.answer);
}

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
  /** Who handled it: a name from the staff roster or typed freely; '' when not given. */
  handledBy: z.string().optional(),
  autoOpened: z.boolean(),
  autoResolved: z.boolean(),
  guideId: z.string().nullable(),
  steps: z.array(IncidentStep),
  escalation: z.object({ html: z.string(), text: z.string(), createdAt: z.string() }).nullable(),
  /**
   * What an automatically opened incident saw, read back from its stored symptoms text, so the
   * symptoms can be worded in the reader's language; null once the manager has rewritten them.
   */
  autoSymptoms: AutoSymptoms.nullable().optional(),
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
  handledBy: z.string().trim().max(100).optional(),
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

/** Manager's incident preferences (the "keep selling" data lives in the contingency plan, shared/domain/contingency.ts). */
export const IncidentSettings = z.object({
  /** Open an incident when a terminal stays fault/offline this many minutes. 0 = never. */
  autoOpenAfterMinutes: z.number().min(0).max(1440).default(5),
  autoResolveOnRecovery: z.boolean().default(true),
});
export type IncidentSettings = z.infer<typeof IncidentSettings>;
export const IncidentSettingsUpdate = IncidentSettings.partial().strict();

// ---------------------------------------------------------------- fault guides (decision trees)

export const LocalText = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) }).strict();
export type LocalText = z.infer<typeof LocalText>;


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
export const GuideCommandResult = z.object({ ok: z.boolean(), summary: z.string(), summaryText: CodeText, detail: z.string() });
export type GuideCommandResult = z.infer<typeof GuideCommandResult>;

export const EscalationPack = z.object({ html: z.string(), text: z.string(), createdAt: z.string() });
export type EscalationPack = z.infer<typeof EscalationPack>;
