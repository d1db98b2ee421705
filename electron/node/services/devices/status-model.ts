/**
 * The normalized status model: a pure function from the previous status and one observation
 * (link state, status-enquiry / diagnosis results, terminal status codes) to the next status.
 * No clock, no I/O: the service stamps times and stores the history.
 */
import type { CodeText, LinkKind, Overall, StatusFields, StatusObservation } from '../../../../shared/domain/status';
import { describeResultCode, describeTerminalStatus } from '../../protocol/zvt/codes';
import { describeCheckCode, standaloneOverall } from '../../../../shared/domain/checks';

/** Terminal status bytes (ZVT chapter 11) that say something about a component. */
const PRINTER_NOT_READY = 0xcc;
const CARD_READER_CODES = new Set([0xc0, 0xe2]); // card locking mechanism defective, card reader not answering
/** Not ready, but only waiting (software update running): degraded, not a fault. */
const WAITING_CODES = new Set([0x9c, 0xe0]);
/**
 * Terminal status bytes that mean the terminal shut itself down hot. ZVT has no temperature
 * field: a terminal that overheats reports 0xDF "out of order" (chapter 11) to a Status Enquiry
 * until it has cooled down (the simulator's 'overheating' fault does the same). The result codes
 * of chapter 10 have no overheating code (commands abort with the generic 0xFF system error), so
 * only the status byte drives the temperature; any other answer means it works again.
 */
const OVERHEAT_TERMINAL_STATUS: ReadonlySet<number> = new Set([0xdf]);
const OFFLINE_LINKS: ReadonlySet<LinkKind> = new Set(['disconnected', 'failed', 'connecting', 'registering']);
const RECONNECTING_LINKS: ReadonlySet<LinkKind> = new Set(['connecting', 'registering']);

/** Compares dotted version strings numerically ("1.10.0" > "1.9.2"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-_]/);
  const pb = b.split(/[.\-_]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const diff = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function hex(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The texts of a stored error code ('terminal:0xCC', 'result:0x64'); null for anything else. */
export function describeErrorCode(code: string): CodeText | null {
  if (code.startsWith('check:')) return describeCheckCode(code);
  const match = /^(terminal|result):0x([0-9A-Fa-f]{2})$/.exec(code);
  if (!match || !match[2]) return null;
  const info = match[1] === 'terminal' ? describeTerminalStatus(parseInt(match[2], 16)) : describeResultCode(parseInt(match[2], 16));
  return { zh: info.zh, en: info.en };
}

export interface StatusContext {
  /** The newest software version known for this model, to decide "current". */
  latestSoftwareVersion?: string | null;
}

/** The overall state from the other fields; the order of the checks is the order of severity. */
export function overallOf(fields: Omit<StatusFields, 'overall'>): Overall {
  const standalone = standaloneOverall(fields);
  if (standalone) return standalone;
  if (fields.link === 'unknown') return 'unknown';
  if (OFFLINE_LINKS.has(fields.link)) return 'offline';
  const code = fields.terminalStatus;
  const terminalNotReady = code !== null && !describeTerminalStatus(code).ready;
  if (fields.cardReader === 'fault' || fields.temperature === 'overheat' || fields.hostReachable === false) return 'fault';
  // A terminal that cannot print refuses payments (no receipt, no sale): down for the shop.
  if (fields.printer === 'noPaper' || fields.printer === 'jam') return 'fault';
  if (terminalNotReady && code !== null && !WAITING_CODES.has(code)) return 'fault';
  if (fields.link === 'degraded') return 'degraded';
  if (fields.printer === 'paperLow') return 'degraded';
  if (terminalNotReady) return 'degraded';
  if (fields.softwareCurrent === false) return 'degraded';
  return 'ok';
}

export function nextStatus(previous: StatusFields, observation: Omit<StatusObservation, 'deviceId'>, context: StatusContext = {}): StatusFields {
  const next: StatusFields = { ...previous };
  if (observation.link !== undefined) next.link = observation.link;
  // The terminal manager marks its link degraded when the terminal answers "not ready". That
  // answer came over a working link: the link is fine and the terminal status says what is wrong
  // (out of paper is not "link unstable"). A link degraded without an answer stays degraded.
  if (observation.link === 'degraded' && observation.terminalStatus !== undefined && !describeTerminalStatus(observation.terminalStatus).ready) next.link = 'ready';
  if (observation.hostReachable !== undefined) next.hostReachable = observation.hostReachable;
  if (observation.softwareVersion !== undefined) next.softwareVersion = observation.softwareVersion;
  if (observation.transactionAt !== undefined) next.lastTransactionAt = observation.transactionAt;

  if (observation.terminalStatus !== undefined) {
    const code = observation.terminalStatus;
    const info = describeTerminalStatus(code);
    next.terminalStatus = code;
    // A status enquiry answered: the link works, whatever the manager's last view said.
    if (info.ready) {
      if (next.cardReader === 'unknown' || CARD_READER_CODES.has(previous.terminalStatus ?? -1)) next.cardReader = 'ok';
      if (next.printer === 'unknown' || previous.terminalStatus === PRINTER_NOT_READY) next.printer = 'ok';
    } else {
      const text: CodeText = { zh: info.zh, en: info.en };
      next.lastErrorCode = `terminal:${hex(code)}`;
      next.lastErrorText = text;
      if (CARD_READER_CODES.has(code)) next.cardReader = 'fault';
      if (code === PRINTER_NOT_READY && (next.printer === 'ok' || next.printer === 'unknown')) next.printer = 'noPaper';
    }
    // The terminal answered: out of order (hot) or not, so the temperature is known either way.
    next.temperature = OVERHEAT_TERMINAL_STATUS.has(code) ? 'overheat' : 'ok';
  }
  if (observation.resultCode !== undefined && observation.resultCode !== 0) {
    const info = describeResultCode(observation.resultCode);
    next.lastErrorCode = `result:${hex(observation.resultCode)}`;
    next.lastErrorText = { zh: info.zh, en: info.en };
  }
  // Explicit component observations (a diagnosis, a printer report, a temperature) win over what a code implied.
  if (observation.temperature !== undefined) next.temperature = observation.temperature;
  if (observation.printer !== undefined) next.printer = observation.printer;
  if (observation.cardReader !== undefined) next.cardReader = observation.cardReader;

  const latest = context.latestSoftwareVersion;
  next.softwareCurrent = next.softwareVersion && latest ? compareVersions(next.softwareVersion, latest) >= 0 : next.softwareVersion ? true : null;
  const { overall: _previousOverall, ...rest } = next;
  next.overall = overallOf(rest);
  // A link being (re-)established says nothing new about the terminal: a new terminal stays
  // unknown until it answers (no red "offline" then a green "recovered" for a terminal just
  // added), and a terminal keeps its state while PosCare reconnects after a start. A dropped link
  // reports 'failed' (offline) before it retries, so a real outage still shows at once.
  if (observation.link !== undefined && RECONNECTING_LINKS.has(observation.link)) next.overall = previous.overall;
  return next;
}

/**
 * Two statuses equal in every field (time stamps are not fields). A link busy with a command is
 * the same as ready here, so running commands does not fill the history.
 */
/**
 * Whether two statuses are the same for the history: a busy link counts as ready (commands are
 * not status changes) and a new last transaction is not a change either (a busy store would
 * write a history row per sale).
 */
export function sameStatus(a: StatusFields, b: StatusFields): boolean {
  const keys = (Object.keys(a) as (keyof StatusFields)[]).filter((key) => key !== 'lastTransactionAt');
  // An offline terminal's link goes failed -> connecting -> failed on every retry: one outage,
  // not a history row per minute.
  const bothOffline = a.overall === 'offline' && b.overall === 'offline';
  const linkOf = (s: StatusFields) => (s.link === 'busy' ? 'ready' : bothOffline && OFFLINE_LINKS.has(s.link) ? 'offline' : s.link);
  const value = (s: StatusFields, key: keyof StatusFields) => JSON.stringify(key === 'link' ? linkOf(s) : s[key]);
  return keys.every((key) => value(a, key) === value(b, key));
}
