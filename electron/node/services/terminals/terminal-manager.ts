/**
 * The connection manager: one link per configured terminal, each with its own state (a tagged
 * union, shared/domain/terminals LinkState), health polling by Status Enquiry, reconnect with
 * exponential backoff and jitter, a per-terminal event log in SQLite, and events to the renderer.
 * One terminal failing never touches another: every link has its own transport, session, timers
 * and error handling. The device registry owns the list of terminals and calls add/remove.
 */
import {
  isAbortableCommand,
  connectionAddress,
  TerminalCommand,
  TerminalConfig,
  type LinkState,
  type TerminalAbortResult,
  type TerminalCommandResult,
  type TerminalConfigInput,
  type TerminalEvent,
  type TerminalEventType,
  type TerminalLink,
} from '../../../../shared/domain/terminals';
import type { CodeText } from '../../../../shared/domain/status';
import { AppError } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import { insertTerminalEvents, pruneTerminalEvents, recentTerminalEvents, type TerminalEventInput } from '../../db/terminal-events';
import type { EventBus } from '../../events/bus';
import { redactPan, silentLogger, type Logger } from '../../log/logger';
import {
  bytesToHex,
  carriesCardData,
  describeIntermediateStatus,
  GENERIC_PROFILE,
  VENDOR_PROFILES,
  type CommandProgress,
  type EcrCommand,
  type SessionEvent,
  type StatusInformationMessage,
  type VendorProfile,
} from '../../protocol/zvt/index';
import { systemClock, type Clock, type TimerHandle } from '../../clock';
import { listSerialPorts, type PortDiscovery, type PortLister } from '../../transport/ports';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { DEFAULT_PASSWORD, jsonSafe, summariseResult, toEcrCommand } from './commands';
import { openTerminalLink, type OpenTerminalLink, type TerminalLinkOptions } from './link';

/** Progress of a running command: English text (log, CLI) and, where known, its words in both languages. */
export type CommandProgressListener = (text: string, words?: CodeText) => void;

export interface TerminalManagerOptions {
  db: Db;
  bus?: EventBus;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  /** Health check interval (Status Enquiry); 0 = no polling. Default 30 s. */
  pollIntervalMs?: number;
  /** Consecutive failed health checks after which the link is dropped and reconnected. Default 2. */
  failedChecksBeforeReconnect?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Raw frames are kept this long for support. Default 10 minutes. */
  frameRetentionMs?: number;
  /** Record raw frames at all. Default true. */
  captureFrames?: boolean;
  /** Register (06 00) after connecting. Default true. */
  registerOnConnect?: boolean;
  /** Event log writes are batched this long. Default 500 ms. */
  flushIntervalMs?: number;
  /**
   * Raw frames logged per terminal: a token bucket of `burst` refilled at `perSecond`; frames
   * beyond it are dropped and counted in one "n frames dropped" event per `reportEveryMs`.
   * Default 20/s, burst 200, a report every 10 s.
   */
  frameRate?: { perSecond: number; burst: number; reportEveryMs?: number };
  /** Raw frames kept per terminal at most (besides the age limit). Default 20,000 (< 50 MB: a frame row is bounded). */
  maxFramesPerTerminal?: number;
  /** Vendor profiles besides the built-in catalogue (VENDOR_PROFILES); one with a catalogue id replaces it. */
  profiles?: readonly VendorProfile[];
  /** Serial port enumeration (tests). */
  listPorts?: PortLister;
  /** Tests replace how links are opened (e.g. a mock transport). */
  openLink?: (config: TerminalConfig, options: TerminalLinkOptions) => Promise<OpenTerminalLink>;
}

/**
 * What a Status Information arrived with: the manager command, the ZVT command actually sent
 * (a reversal is only recognisable by it), the receipt lines the terminal printed during the
 * command (Print Line / Text-Block) and, for a reversal (06 30), the receipt number it undid
 * (BMP 87 of the command: the terminal's Status Information carries the new number, not the old).
 */
export interface StatusInformationContext {
  command: string;
  at: number;
  ecrCommand: EcrCommand['kind'];
  receipt: string[];
  originalReceiptNumber?: number;
}
/** The context of the Status Information a command gathered. */
function statusInformationContext(command: string, ecr: EcrCommand, progress: CommandProgress | undefined, at: number): StatusInformationContext {
  return {
    command,
    at,
    ecrCommand: ecr.kind,
    receipt: (progress?.receipt ?? []).map((line) => line.text),
    ...(ecr.kind === 'reversal' ? { originalReceiptNumber: ecr.receiptNumber } : {}),
  };
}
/** A listener that stores what the message reports answers whether it is stored or only held. */
export type StatusInformationListener = (terminalId: string, message: StatusInformationMessage, context: StatusInformationContext) => void | 'stored' | 'held';
export type LinkListener = (link: TerminalLink, previous: LinkState) => void;

interface Entry {
  config: TerminalConfig;
  profile: VendorProfile;
  state: LinkState;
  link?: OpenTerminalLink;
  attempt: number;
  failedChecks: number;
  reconnectTimer?: TimerHandle;
  pollTimer?: TimerHandle;
  lastStatus?: TerminalLink['lastStatus'];
  /** Bumped on every (re)connect and on remove: callbacks of an older link are ignored. */
  generation: number;
  removed: boolean;
  running: number;
  currentCommand?: string;
  /** TID, serial number, software version as the terminal last reported them. */
  reported: NonNullable<TerminalLink['reported']>;
  /** Progress texts (intermediate status) of the user command that is running. */
  progress?: CommandProgressListener;
}

export interface RunOptions {
  /** Called with the terminal's Intermediate Status texts (04 FF, table 17) while the command runs. */
  onProgress?: CommandProgressListener;
}

const MAX_FRAME_HEX = 2048;

/** A terminal's allowance of raw-frame rows (token bucket) and what it dropped since the last report. */
interface FrameBucket {
  tokens: number;
  refilledAt: number;
  dropped: number;
  reportedAt: number;
  /** Frames written since the last count-based prune of this terminal. */
  sincePrune: number;
}

export class TerminalManager {
  private readonly entries = new Map<string, Entry>();
  private readonly pending: TerminalEventInput[] = [];
  private readonly statusListeners = new Set<StatusInformationListener>();
  private readonly linkListeners = new Set<LinkListener>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly backoff: BackoffPolicy;
  private readonly pollIntervalMs: number;
  private readonly failedChecksBeforeReconnect: number;
  private readonly frameRetentionMs: number;
  private readonly captureFrames: boolean;
  private readonly registerOnConnect: boolean;
  private readonly flushIntervalMs: number;
  private readonly frameRate: { perSecond: number; burst: number; reportEveryMs: number };
  private readonly maxFramesPerTerminal: number;
  private readonly buckets = new Map<string, FrameBucket>();
  private readonly profiles: Map<string, VendorProfile>;
  private readonly openLink: NonNullable<TerminalManagerOptions['openLink']>;
  private flushTimer: TimerHandle | undefined;
  private pruneTimer: TimerHandle | undefined;
  private disposed = false;

  constructor(private readonly options: TerminalManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = (options.logger ?? silentLogger).child('terminals');
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.pollIntervalMs = options.pollIntervalMs ?? 30_000;
    this.failedChecksBeforeReconnect = options.failedChecksBeforeReconnect ?? 2;
    this.frameRetentionMs = options.frameRetentionMs ?? 10 * 60_000;
    this.captureFrames = options.captureFrames ?? true;
    this.registerOnConnect = options.registerOnConnect ?? true;
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.frameRate = { perSecond: 20, burst: 200, reportEveryMs: 10_000, ...options.frameRate };
    this.maxFramesPerTerminal = options.maxFramesPerTerminal ?? 20_000;
    this.profiles = new Map([...Object.values(VENDOR_PROFILES), ...(options.profiles ?? [])].map((profile) => [profile.id, profile] as const));
    this.openLink = options.openLink ?? ((config, linkOptions) => openTerminalLink(config.connection, linkOptions));
    this.schedulePrune();
  }

  // ---- the API -----------------------------------------------------------------------------

  /** Starts managing a terminal and connects to it. Adding an existing id replaces its config. */
  async add(input: TerminalConfigInput): Promise<TerminalLink> {
    const config = TerminalConfig.parse(input);
    if (this.disposed) throw new AppError('unavailable', 'the terminal manager is shut down');
    // An unknown profile is refused, not replaced by the generic one: the deviation it stands for
    // (a charset, no Abort) would silently be ignored.
    const profile = this.profiles.get(config.profileId ?? GENERIC_PROFILE.id);
    if (!profile) {
      throw new AppError('validation', `unknown vendor profile ${config.profileId ?? ''}`, {
        issues: [{ path: 'profileId', code: 'custom', messageKey: 'terminals.unknownProfile' }],
      });
    }
    if (this.entries.has(config.id)) await this.remove(config.id);
    const entry: Entry = { config, profile, state: { state: 'disconnected' }, attempt: 0, failedChecks: 0, generation: 0, removed: false, running: 0, reported: {} };
    this.entries.set(config.id, entry);
    this.record(entry, 'link', `added ${connectionAddress(config.connection)}`, { profile: profile.id });
    void this.connect(entry);
    return this.snapshot(entry);
  }

  async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.removed = true;
    entry.generation++;
    this.entries.delete(id);
    this.clearTimers(entry);
    const link = entry.link;
    entry.link = undefined;
    this.record(entry, 'link', 'removed');
    if (link) await link.close().catch(() => undefined);
  }

  list(): TerminalLink[] {
    return [...this.entries.values()].map((entry) => this.snapshot(entry));
  }

  get(id: string): TerminalLink {
    return this.snapshot(this.require(id));
  }

  /** Runs a management command on one terminal; resolves with the result (ok or not), rejects only for an unknown id or no link. */
  async run(id: string, input: TerminalCommand, options: RunOptions = {}): Promise<TerminalCommandResult> {
    const command = TerminalCommand.parse(input);
    const entry = this.require(id);
    const link = entry.link;
    if (!link) throw new AppError('unavailable', `terminal ${id} is not connected (${entry.state.state})`, { state: entry.state.state });
    return this.execute(entry, link, command, 'user', options.onProgress);
  }

  /**
   * Sends Abort 06 B0 for the command the terminal is running (PA00P015 2.23). The running
   * command then ends as the terminal decides (06 1E, or its completion if too late to stop).
   */
  abort(id: string): TerminalAbortResult {
    const entry = this.require(id);
    const link = entry.link;
    if (!link) throw new AppError('unavailable', `terminal ${id} is not connected (${entry.state.state})`, { state: entry.state.state });
    const command = entry.currentCommand;
    if (!link.session.busy || command === undefined) return { aborted: false, reason: 'no command is running' };
    if (!isAbortableCommand(command)) throw new AppError('command_not_abortable', `${command} cannot be aborted; wait for it to finish`, { command });
    if (entry.profile.noAbortFromEcr) return { aborted: false, command, reason: `${entry.profile.name} does not accept Abort from the ECR` };
    const aborted = link.session.abortCurrent();
    this.record(entry, 'command', `abort ${command}`, { sent: aborted });
    return aborted ? { aborted, command } : { aborted, command, reason: 'the terminal cannot abort this command' };
  }

  recentEvents(id: string, limit = 100, types?: readonly TerminalEventType[]): TerminalEvent[] {
    this.flush();
    return recentTerminalEvents(this.options.db, id, limit, types);
  }

  /** Every Status Information a terminal sends (payments, end-of-day totals), for transaction capture. */
  onStatusInformation(listener: StatusInformationListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onLinkChange(listener: LinkListener): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** Serial ports of this machine with vendor/product ids; [] and a warning where they cannot be listed. */
  ports(): Promise<PortDiscovery> {
    return listSerialPorts(this.options.listPorts);
  }

  /**
   * Stops polling and reconnecting, writes the event log, and closes every link. The synchronous
   * part (timers, log) is done when this returns, so the database can be closed right after;
   * the returned promise resolves when the transports are closed.
   */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    if (this.pruneTimer !== undefined) this.clock.clearTimeout(this.pruneTimer);
    const links: OpenTerminalLink[] = [];
    for (const entry of this.entries.values()) {
      entry.removed = true;
      entry.generation++;
      this.clearTimers(entry);
      if (entry.link) links.push(entry.link);
      entry.link = undefined;
    }
    this.entries.clear();
    this.flush();
    this.statusListeners.clear();
    this.linkListeners.clear();
    return Promise.all(links.map((link) => link.close().catch(() => undefined))).then(() => undefined);
  }

  // ---- links -------------------------------------------------------------------------------

  private require(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('not_found', `no terminal ${id}`, { id });
    return entry;
  }

  private snapshot(entry: Entry): TerminalLink {
    const link: TerminalLink = { id: entry.config.id, address: connectionAddress(entry.config.connection), link: entry.state };
    if (entry.config.name) link.name = entry.config.name;
    if (entry.lastStatus) link.lastStatus = entry.lastStatus;
    if (Object.keys(entry.reported).length > 0) link.reported = { ...entry.reported };
    return link;
  }

  private setState(entry: Entry, state: LinkState): void {
    if (entry.removed) return;
    const previous = entry.state;
    entry.state = state;
    if (JSON.stringify(previous) === JSON.stringify(state)) return;
    if (previous.state !== state.state) {
      const reason = 'reason' in state ? `: ${state.reason}` : '';
      this.record(entry, 'link', `${previous.state} -> ${state.state}${reason}`, state);
      this.logger.info('terminal link', { id: entry.config.id, from: previous.state, to: state.state });
    }
    this.announce(entry, previous);
  }

  /** A new snapshot to the renderer and the link listeners (the device registry). */
  private announce(entry: Entry, previous: LinkState): void {
    const snapshot = this.snapshot(entry);
    this.options.bus?.emit('terminals.linkChanged', snapshot);
    for (const listener of [...this.linkListeners]) {
      try {
        listener(snapshot, previous);
      } catch (error) {
        this.logger.error('link listener failed', { error });
      }
    }
  }

  /** Keeps what the terminal said about itself; a change is announced even when the link state stays. */
  private learn(entry: Entry, summary: TerminalCommandResult): void {
    if (entry.removed) return;
    const next = { ...entry.reported };
    if (summary.terminalId) next.terminalId = summary.terminalId;
    if (summary.serialNumber) next.serialNumber = summary.serialNumber;
    if (summary.softwareVersion) next.softwareVersion = summary.softwareVersion;
    if (JSON.stringify(next) === JSON.stringify(entry.reported)) return;
    entry.reported = next;
    this.record(entry, 'link', 'terminal reported its identity', next);
    this.announce(entry, entry.state);
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private async connect(entry: Entry): Promise<void> {
    if (entry.removed || this.disposed) return;
    const generation = ++entry.generation;
    entry.attempt++;
    entry.failedChecks = 0;
    this.setState(entry, { state: 'connecting', attempt: entry.attempt });
    let link: OpenTerminalLink;
    try {
      link = await this.openLink(entry.config, {
        clock: this.clock,
        profile: entry.profile,
        onSessionEvent: (event) => this.sessionEvent(entry, generation, event),
        onClose: (reason) => {
          if (entry.generation !== generation || entry.removed) return;
          this.linkLost(entry, reason.kind === 'lost' ? reason.message : 'link closed');
        },
      });
    } catch (error) {
      if (entry.generation !== generation || entry.removed) return;
      this.scheduleReconnect(entry, (error as Error).message);
      return;
    }
    if (entry.generation !== generation || entry.removed) {
      await link.close().catch(() => undefined);
      return;
    }
    entry.link = link;
    if (this.registerOnConnect) {
      this.setState(entry, { state: 'registering' });
      const registration = await this.execute(entry, link, { command: 'register' }, 'connect');
      if (entry.generation !== generation || entry.removed) return;
      if (!registration.ok && registration.error?.code !== 'negative-ack' && registration.error?.code !== 'aborted') {
        // No answer at all: treat as unreachable.
        this.dropAndReconnect(entry, `registration failed: ${registration.error?.message ?? 'no answer'}`);
        return;
      }
    }
    entry.attempt = 0;
    await this.healthCheck(entry, generation);
  }

  private linkLost(entry: Entry, reason: string): void {
    const link = entry.link;
    entry.link = undefined;
    if (link) void link.close().catch(() => undefined);
    this.record(entry, 'error', `link lost: ${reason}`);
    this.scheduleReconnect(entry, reason);
  }

  private dropAndReconnect(entry: Entry, reason: string): void {
    entry.generation++;
    const link = entry.link;
    entry.link = undefined;
    if (link) void link.close().catch(() => undefined);
    this.scheduleReconnect(entry, reason);
  }

  private scheduleReconnect(entry: Entry, reason: string): void {
    if (entry.removed || this.disposed) return;
    this.clearTimers(entry);
    const delay = backoffDelay(Math.max(1, entry.attempt), this.backoff, this.random);
    const retryAt = new Date(this.clock.now() + delay).toISOString();
    this.setState(entry, { state: 'failed', since: this.nowIso(), reason: redactPan(reason), retryAt });
    entry.reconnectTimer = this.clock.setTimeout(() => {
      entry.reconnectTimer = undefined;
      void this.connect(entry);
    }, delay);
  }

  private clearTimers(entry: Entry): void {
    if (entry.reconnectTimer !== undefined) this.clock.clearTimeout(entry.reconnectTimer);
    if (entry.pollTimer !== undefined) this.clock.clearTimeout(entry.pollTimer);
    entry.reconnectTimer = undefined;
    entry.pollTimer = undefined;
  }

  private schedulePoll(entry: Entry, generation: number): void {
    if (this.pollIntervalMs <= 0 || entry.removed || this.disposed) return;
    if (entry.pollTimer !== undefined) this.clock.clearTimeout(entry.pollTimer);
    entry.pollTimer = this.clock.setTimeout(() => {
      entry.pollTimer = undefined;
      if (entry.generation !== generation) return;
      void this.healthCheck(entry, generation);
    }, this.pollIntervalMs);
  }

  /** Status Enquiry: ready when the terminal says 00, degraded when it reports a fault or does not answer. */
  private async healthCheck(entry: Entry, generation: number): Promise<void> {
    const link = entry.link;
    if (!link || entry.generation !== generation || entry.removed) return;
    if (entry.running > 0 || link.session.busy) {
      this.schedulePoll(entry, generation); // a command is running: the link is evidently alive
      return;
    }
    const result = await this.execute(entry, link, { command: 'status' }, 'poll');
    if (entry.generation !== generation || entry.removed) return;
    if (result.terminalStatus) {
      entry.failedChecks = 0;
      const status = result.terminalStatus;
      entry.lastStatus = { at: this.nowIso(), terminalStatus: status.code, textEn: status.en, textZh: status.zh, ...(result.softwareVersion ? { softwareVersion: result.softwareVersion } : {}) };
      if (status.ready) this.setState(entry, { state: 'ready', since: entry.state.state === 'ready' ? entry.state.since : this.nowIso(), terminalStatus: status.code });
      else this.setState(entry, { state: 'degraded', since: entry.state.state === 'degraded' ? entry.state.since : this.nowIso(), reason: status.en, terminalStatus: status.code });
    } else {
      entry.failedChecks++;
      const reason = result.error?.message ?? 'no status';
      if (result.error?.code === 'link-closed' || entry.failedChecks >= this.failedChecksBeforeReconnect) {
        this.dropAndReconnect(entry, `health check failed: ${reason}`);
        return;
      }
      this.setState(entry, { state: 'degraded', since: this.nowIso(), reason: `health check failed: ${reason}` });
    }
    this.schedulePoll(entry, generation);
  }

  private async execute(entry: Entry, link: OpenTerminalLink, command: TerminalCommand, origin: 'user' | 'poll' | 'connect', onProgress?: CommandProgressListener): Promise<TerminalCommandResult> {
    const started = this.clock.now();
    const before = entry.state;
    if (onProgress) entry.progress = onProgress;
    entry.running++;
    entry.currentCommand = command.command;
    if (origin === 'user') this.setState(entry, { state: 'busy', command: command.command });
    if (origin !== 'poll') this.record(entry, 'command', command.command, command.amount === undefined ? undefined : { amount: command.amount });
    const ecr = toEcrCommand(command, entry.config.password ?? DEFAULT_PASSWORD);
    const result = await link.session.execute(ecr);
    entry.running--;
    entry.currentCommand = undefined;
    const summary = summariseResult(command, result, this.clock.now() - started);
    const progress = result.ok ? result.value : result.error.progress;
    const context = statusInformationContext(command.command, ecr, progress, this.clock.now());
    const outcomes = new Set<'stored' | 'held' | 'failed'>();
    for (const message of progress?.statusInformation ?? []) {
      for (const listener of [...this.statusListeners]) {
        try {
          const outcome = listener(entry.config.id, message, context);
          if (outcome) outcomes.add(outcome);
        } catch (error) {
          outcomes.add('failed');
          this.logger.error('status information listener failed', { error });
        }
      }
    }
    // Never "recorded" unless it is: a capture the database could not take says so.
    if (outcomes.has('held')) {
      summary.capture = { state: 'held', message: 'captured but not stored yet: held until the database can take it' };
    } else if (outcomes.has('failed')) {
      summary.capture = { state: 'failed', message: 'not stored: the report could not be read as a transaction (see the log)' };
    } else if (outcomes.has('stored')) {
      summary.capture = { state: 'stored', message: 'stored' };
    }
    if (origin !== 'poll' || !summary.ok) {
      const { receipt: _receipt, ...logged } = summary;
      this.record(entry, summary.ok ? 'result' : 'error', `${command.command} ${summary.ok ? 'ok' : `failed: ${summary.error?.message ?? ''}`}`, logged);
    }
    if (onProgress && entry.progress === onProgress) entry.progress = undefined;
    this.learn(entry, summary);
    if (!result.ok && result.error.code === 'protocol' && entry.link === link && !entry.removed) {
      // Bytes out of step (a length that lied, an APDU that never completed): the stream cannot be
      // trusted any more, so close the socket and start anew (PA00P016 5.2.5, time-out cases a/b).
      this.dropAndReconnect(entry, `protocol error: ${result.error.message}`);
      return summary;
    }
    if (origin === 'user' && entry.state.state === 'busy' && entry.link === link) {
      // Back to where it was; a Status Enquiry result updates the health on the spot.
      if (summary.terminalStatus) {
        const status = summary.terminalStatus;
        this.setState(entry, status.ready ? { state: 'ready', since: this.nowIso(), terminalStatus: status.code } : { state: 'degraded', since: this.nowIso(), reason: status.en, terminalStatus: status.code });
      } else {
        this.setState(entry, before.state === 'busy' ? { state: 'ready', since: this.nowIso() } : before);
      }
    }
    return summary;
  }

  // ---- event log ---------------------------------------------------------------------------

  private sessionEvent(entry: Entry, generation: number, event: SessionEvent): void {
    if (entry.generation !== generation) return;
    if (event.type === 'apdu-in' && event.message?.kind === 'intermediate-status' && entry.progress) {
      const info = describeIntermediateStatus(event.message.status);
      try {
        // English for the log and the CLI; both languages for the console (e.g. 0A "insert card").
        entry.progress(info.en, { zh: info.zh, en: info.en });
      } catch (error) {
        this.logger.error('progress listener failed', { error });
      }
    }
    if (!this.captureFrames) return;
    if (event.type === 'apdu-in' || event.type === 'apdu-out') {
      const direction = event.type === 'apdu-in' ? 'in' : 'out';
      const message = event.type === 'apdu-in' ? event.message : undefined;
      if (message && carriesCardData(message)) {
        // Card data (PAN, tracks) never goes to the log raw, even masked by the terminal in a
        // format redactPan cannot see through (BCD): keep the control field and the decoded, masked message.
        const header = bytesToHex(event.apdu.subarray(0, 2), '');
        this.queue({ terminalId: entry.config.id, atMs: event.at, type: 'frame', message: `${direction} ${header}… (card data withheld)`, data: jsonSafe(message) });
        return;
      }
      const hex = bytesToHex(event.apdu.length > MAX_FRAME_HEX / 2 ? event.apdu.subarray(0, MAX_FRAME_HEX / 2) : event.apdu, '');
      this.queue({ terminalId: entry.config.id, atMs: event.at, type: 'frame', message: `${direction} ${hex}` });
    } else if (event.type === 'frame-error') {
      this.queue({ terminalId: entry.config.id, atMs: event.at, type: 'frame', message: `line error ${event.code}: ${event.message}` });
    }
  }

  private record(entry: Entry, type: TerminalEventType, message: string, data?: unknown): void {
    const event: TerminalEventInput = { terminalId: entry.config.id, atMs: this.clock.now(), type, message: redactPan(message) };
    if (data !== undefined) event.data = JSON.parse(redactPan(JSON.stringify(jsonSafe(data)))) as unknown;
    this.queue(event);
    this.options.bus?.emit('terminals.event', { id: 0, terminalId: event.terminalId, at: new Date(event.atMs).toISOString(), type, message: event.message, ...(event.data === undefined ? {} : { data: event.data }) });
  }

  /** Whether the terminal may log one more raw frame now (token bucket); counts it as dropped if not. */
  private allowFrame(terminalId: string): boolean {
    const now = this.clock.now();
    let bucket = this.buckets.get(terminalId);
    if (!bucket) {
      bucket = { tokens: this.frameRate.burst, refilledAt: now, dropped: 0, reportedAt: now, sincePrune: 0 };
      this.buckets.set(terminalId, bucket);
    }
    bucket.tokens = Math.min(this.frameRate.burst, bucket.tokens + ((now - bucket.refilledAt) * this.frameRate.perSecond) / 1000);
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    bucket.dropped++;
    this.armFlush();
    return false;
  }

  /** One "n frames dropped" event per terminal and interval (all of them when `force`). */
  private reportDrops(force: boolean): void {
    const now = this.clock.now();
    for (const [terminalId, bucket] of this.buckets) {
      if (bucket.dropped === 0 || (!force && now - bucket.reportedAt < this.frameRate.reportEveryMs)) continue;
      this.pending.push({
        terminalId,
        atMs: now,
        type: 'error',
        message: `${bucket.dropped} frames dropped: the terminal sent more than ${this.frameRate.perSecond} per second`,
        data: { dropped: bucket.dropped, perSecond: this.frameRate.perSecond },
      });
      bucket.dropped = 0;
      bucket.reportedAt = now;
    }
  }

  private armFlush(): void {
    if (this.flushTimer !== undefined || this.disposed) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.flushIntervalMs);
  }

  private queue(event: TerminalEventInput): void {
    // A terminal that floods its link gets a bounded share of the log (and of memory until the flush).
    if (event.type === 'frame' && !this.allowFrame(event.terminalId)) return;
    // Raw frames: never a full card number, even one that a terminal sent in clear.
    if (event.type === 'frame') {
      event.message = redactPan(event.message);
      if (event.data !== undefined) event.data = JSON.parse(redactPan(JSON.stringify(event.data))) as unknown;
    }
    this.pending.push(event);
    this.armFlush();
  }

  /** Writes queued events now (with the drop reports that are due). */
  flush(): void {
    if (this.flushTimer !== undefined) {
      this.clock.clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.reportDrops(this.disposed);
    // Drops not reported yet: come back when their interval is over.
    if ([...this.buckets.values()].some((bucket) => bucket.dropped > 0)) this.armFlush();
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0);
    try {
      insertTerminalEvents(this.options.db, batch);
    } catch (error) {
      this.logger.error('cannot write terminal events', { error, count: batch.length });
      return;
    }
    // A terminal that wrote a tenth of its frame allowance since the last prune is pruned by count now.
    for (const event of batch) {
      if (event.type !== 'frame') continue;
      const bucket = this.buckets.get(event.terminalId);
      if (bucket) bucket.sincePrune++;
    }
    for (const [terminalId, bucket] of this.buckets) {
      if (bucket.sincePrune < this.maxFramesPerTerminal / 10) continue;
      bucket.sincePrune = 0;
      try {
        pruneTerminalEvents(this.options.db, { framesBeforeMs: this.clock.now() - this.frameRetentionMs, maxFrames: { terminalId, keep: this.maxFramesPerTerminal } });
      } catch (error) {
        this.logger.error('cannot prune terminal events', { error });
      }
    }
  }

  /** Drops raw frames older than the retention window, and beyond the per-terminal count. */
  prune(): number {
    this.flush();
    try {
      let deleted = pruneTerminalEvents(this.options.db, { framesBeforeMs: this.clock.now() - this.frameRetentionMs });
      for (const terminalId of this.buckets.keys()) {
        deleted += pruneTerminalEvents(this.options.db, { framesBeforeMs: 0, maxFrames: { terminalId, keep: this.maxFramesPerTerminal } });
      }
      return deleted;
    } catch (error) {
      this.logger.error('cannot prune terminal events', { error });
      return 0;
    }
  }

  private schedulePrune(): void {
    const every = Math.max(10_000, Math.min(60_000, this.frameRetentionMs / 2));
    this.pruneTimer = this.clock.setTimeout(() => {
      if (this.disposed) return;
      this.prune();
      this.schedulePrune();
    }, every);
    // Housekeeping alone must not keep a CLI process alive.
    (this.pruneTimer as { unref?: () => void } | undefined)?.unref?.();
  }
}

