/**
 * Terminal links: how the console reaches a payment terminal, the state of each link (a tagged
 * union sent as a snapshot, then change events), the management commands a manager or the CLI
 * can run, and the per-terminal event log.
 */
import { z } from 'zod';

export const PARITIES = ['none', 'even', 'odd', 'mark', 'space'] as const;

export const SerialConnection = z
  .object({
    type: z.literal('serial'),
    /** COM3 on Windows, /dev/ttyUSB0 elsewhere. */
    path: z.string().trim().min(1).max(200),
    baudRate: z.number().int().min(300).max(921_600).default(9600),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(PARITIES).default('none'),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(2),
  })
  .strict();

export const TcpConnection = z
  .object({
    type: z.literal('tcp'),
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(20_007),
  })
  .strict();

export const TerminalConnection = z.discriminatedUnion('type', [SerialConnection, TcpConnection]);
export type TerminalConnection = z.output<typeof TerminalConnection>;

export const TerminalPassword = z.string().regex(/^\d{6}$/, { error: 'terminals.invalidPassword' });

/**
 * The vendor profiles PosCare knows (their behaviour: electron/node/protocol/zvt/profiles.ts; their
 * names: `terminals.profiles.<id>` in the locale files). 'generic' follows the spec and detects
 * the receipt charset; the others record one deviation of real terminals each.
 */
export const VENDOR_PROFILE_IDS = ['generic', 'cp437', 'latin1', 'utf8', 'serial-hex', 'no-print-line', 'no-abort'] as const;
export type VendorProfileId = (typeof VENDOR_PROFILE_IDS)[number];
export const DEFAULT_VENDOR_PROFILE: VendorProfileId = 'generic';
/** Profiles whose terminals do not take Abort 06 B0 from the ECR: the console offers no Abort for them. */
export const PROFILES_WITHOUT_ABORT: readonly VendorProfileId[] = ['no-abort'];

export function isVendorProfileId(value: string): value is VendorProfileId {
  return (VENDOR_PROFILE_IDS as readonly string[]).includes(value);
}

/** Whether the console may send Abort 06 B0 (PA00P015 2.23) to a terminal of this profile. */
export function profileAcceptsAbort(profileId: string | undefined): boolean {
  return !PROFILES_WITHOUT_ABORT.includes((profileId ?? DEFAULT_VENDOR_PROFILE) as VendorProfileId);
}

export const TerminalConfig = z
  .object({
    id: z.string().trim().min(1).max(64),
    name: z.string().trim().max(100).optional(),
    connection: TerminalConnection,
    password: TerminalPassword.optional(),
    /** A VENDOR_PROFILE_IDS entry (or one the manager was given); an id the manager does not know is refused. */
    profileId: z.string().max(64).optional(),
  })
  .strict();
export type TerminalConfig = z.output<typeof TerminalConfig>;
export type TerminalConfigInput = z.input<typeof TerminalConfig>;

export const LINK_STATES = ['disconnected', 'connecting', 'registering', 'ready', 'busy', 'degraded', 'failed'] as const;
export type LinkStateName = (typeof LINK_STATES)[number];

export const LinkState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('disconnected') }),
  z.object({ state: z.literal('connecting'), attempt: z.number().int().min(1) }),
  z.object({ state: z.literal('registering') }),
  /** terminalStatus: chapter 11 code of the last Status Enquiry (0 = ready). */
  z.object({ state: z.literal('ready'), since: z.string(), terminalStatus: z.number().int().optional() }),
  z.object({ state: z.literal('busy'), command: z.string() }),
  /** Reachable but not fit for payments (printer, overheating, a failed health check). */
  z.object({ state: z.literal('degraded'), since: z.string(), reason: z.string(), terminalStatus: z.number().int().optional() }),
  /** Unreachable; retryAt is when the next reconnect attempt runs. */
  z.object({ state: z.literal('failed'), since: z.string(), reason: z.string(), retryAt: z.string().optional() }),
]);
export type LinkState = z.infer<typeof LinkState>;

export const TerminalLink = z.object({
  id: z.string(),
  name: z.string().optional(),
  /** "serial:/dev/ttyUSB0" / "tcp:192.168.1.20:20007" */
  address: z.string(),
  link: LinkState,
  /** What the terminal said about itself (registration, status enquiry, diagnosis answers): fills the device registry in. */
  reported: z
    .object({
      terminalId: z.string().optional(),
      serialNumber: z.string().optional(),
      softwareVersion: z.string().optional(),
    })
    .optional(),
  lastStatus: z
    .object({
      at: z.string(),
      terminalStatus: z.number().int(),
      textEn: z.string(),
      textZh: z.string(),
      softwareVersion: z.string().optional(),
    })
    .optional(),
});
export type TerminalLink = z.infer<typeof TerminalLink>;

export const TERMINAL_COMMANDS = [
  'status',
  'register',
  'diagnosis',
  'selftest',
  'end-of-day',
  'turnover-totals',
  'repeat-receipt',
  'print-config',
  'log-off',
  'pay',
  'software-update',
  'reversal',
  'refund',
  'read-card',
] as const;
export type TerminalCommandName = (typeof TERMINAL_COMMANDS)[number];

/**
 * The commands of the device page and the fault guides (a manager's words for them); the
 * registry runs each as the TERMINAL_COMMANDS entry GUIDE_TERMINAL_COMMANDS names.
 */
export const GUIDE_COMMANDS = ['statusEnquiry', 'diagnosis', 'selfTest', 'cardReaderTest', 'printConfiguration', 'endOfDay', 'softwareUpdate', 'reconnect'] as const;
export const GuideCommand = z.enum(GUIDE_COMMANDS);
export type GuideCommand = z.infer<typeof GuideCommand>;

/** How long a card reader test waits for a card (Read Card <timeout>, PA00P015 2.21), in seconds. */
export const READ_CARD_TIMEOUT_S = 30;

/** Guide/board command -> ZVT management command; undefined: not a ZVT command. */
export const GUIDE_TERMINAL_COMMANDS: Readonly<Record<GuideCommand, TerminalCommandName | undefined>> = {
  statusEnquiry: 'status',
  diagnosis: 'diagnosis',
  selfTest: 'selftest',
  // 06 C0 (PA00P015 2.21): the terminal waits for a card, reads it and reports its (masked) number.
  cardReaderTest: 'read-card',
  printConfiguration: 'print-config',
  endOfDay: 'end-of-day',
  // 08 10 (PA00P015 2.37): the terminal calls its management system for new software.
  softwareUpdate: 'software-update',
  reconnect: undefined,
};

/**
 * The commands Abort 06 B0 (PA00P015 2.23) may stop: the card transactions and Read Card while the
 * terminal waits for the card (2.21: the Abort also releases a retained card), and the long
 * management commands. The short ones end before an Abort could
 * matter; the console (terminals.abort) refuses to abort them.
 */
export const ABORTABLE_TERMINAL_COMMANDS: readonly TerminalCommandName[] = ['pay', 'refund', 'reversal', 'read-card', 'diagnosis', 'end-of-day', 'software-update'];

/** Whether a running command, named in either vocabulary (TERMINAL_COMMANDS or GUIDE_COMMANDS), may be aborted. */
export function isAbortableCommand(command: string): boolean {
  const terminalCommand = (GUIDE_COMMANDS as readonly string[]).includes(command) ? GUIDE_TERMINAL_COMMANDS[command as GuideCommand] : command;
  return terminalCommand !== undefined && (ABORTABLE_TERMINAL_COMMANDS as readonly string[]).includes(terminalCommand);
}

const TerminalCommandShape = z
  .object({
    command: z.enum(TERMINAL_COMMANDS),
    /** For pay and refund: minor currency units (cents / fen). */
    amount: z.number().int().min(1).max(99_999_999).optional(),
    /** For reversal: the receipt number of the payment to undo (BMP 87, 2 bytes BCD). */
    receiptNumber: z.number().int().min(1).max(9_999).optional(),
  })
  .strict();
type CommandFields = { command: TerminalCommandName; amount?: number | undefined; receiptNumber?: number | undefined };
const amountGiven = (value: CommandFields) => (value.command !== 'pay' && value.command !== 'refund') || value.amount !== undefined;
const receiptNumberGiven = (value: CommandFields) => value.command !== 'reversal' || value.receiptNumber !== undefined;
export const TerminalCommand = TerminalCommandShape.refine(amountGiven, { error: 'terminals.amountRequired', path: ['amount'] }).refine(receiptNumberGiven, {
  error: 'terminals.receiptNumberRequired',
  path: ['receiptNumber'],
});
export type TerminalCommand = z.infer<typeof TerminalCommand>;

const CodeTexts = z.object({ code: z.number().int(), en: z.string(), zh: z.string() });

export const TerminalCommandResult = z.object({
  ok: z.boolean(),
  command: z.enum(TERMINAL_COMMANDS),
  durationMs: z.number(),
  /** Completion / abort / negative-ack result code with texts. */
  result: CodeTexts.optional(),
  /** Status Enquiry: chapter 11 terminal status with texts. */
  terminalStatus: CodeTexts.extend({ ready: z.boolean() }).optional(),
  softwareVersion: z.string().optional(),
  terminalId: z.string().optional(),
  serialNumber: z.string().optional(),
  /** Status Information messages (card numbers masked), as JSON. */
  statusInformation: z.array(z.record(z.string(), z.unknown())),
  /** Read Card: the card number the terminal read, masked (first 6 and last 4 digits at most). */
  card: z.string().optional(),
  receipt: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /**
   * What became of the transactions the command reported: 'stored' in the database, 'held'
   * (captured but not stored yet: the database could not take them; retried, and shown to the
   * manager) or 'failed' (the report could not be read as a transaction; logged).
   */
  capture: z.object({ state: z.enum(['stored', 'held', 'failed']), message: z.string() }).optional(),
});
export type TerminalCommandResult = z.infer<typeof TerminalCommandResult>;

export const TERMINAL_EVENT_TYPES = ['link', 'command', 'result', 'error', 'frame'] as const;
export const TerminalEventType = z.enum(TERMINAL_EVENT_TYPES);
export type TerminalEventType = z.infer<typeof TerminalEventType>;

export const TerminalEvent = z.object({
  id: z.number().int(),
  terminalId: z.string(),
  at: z.string(),
  type: TerminalEventType,
  message: z.string(),
  data: z.unknown().optional(),
});
export type TerminalEvent = z.infer<typeof TerminalEvent>;

export const TerminalEventsQuery = z
  .object({
    terminalId: z.string().min(1),
    limit: z.number().int().min(1).max(1000).default(100),
    types: z.array(TerminalEventType).optional(),
  })
  .strict();

export const RunTerminalCommand = TerminalCommandShape.extend({ id: z.string().min(1) })
  .refine(amountGiven, { error: 'terminals.amountRequired', path: ['amount'] })
  .refine(receiptNumberGiven, { error: 'terminals.receiptNumberRequired', path: ['receiptNumber'] });

/** Abort 06 B0 for the command a terminal is running (PA00P015 2.23). */
export const AbortTerminalCommand = z.object({ id: z.string().min(1) }).strict();
export const TerminalAbortResult = z.object({
  /** True when the Abort went out; the running command then ends with the terminal's 06 1E or its completion. */
  aborted: z.boolean(),
  /** The command that was running, if any. */
  command: z.string().optional(),
  /** Why nothing was sent (no command running, the vendor refuses Abort from the ECR). */
  reason: z.string().optional(),
});
export type TerminalAbortResult = z.infer<typeof TerminalAbortResult>;

export const SerialPortEntry = z.object({
  path: z.string(),
  manufacturer: z.string().optional(),
  serialNumber: z.string().optional(),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
  friendlyName: z.string().optional(),
});
export const SerialPortList = z.object({ ports: z.array(SerialPortEntry), warning: z.string().optional() });
export type SerialPortList = z.infer<typeof SerialPortList>;

export function connectionAddress(connection: TerminalConnection): string {
  return connection.type === 'serial' ? `serial:${connection.path}` : `tcp:${connection.host}:${connection.port}`;
}
