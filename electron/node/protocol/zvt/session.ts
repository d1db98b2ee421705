import { concatBytes } from './bytes';
import { charsetFromIsoCode, type Charset } from './charset';
import type { Clock, TimerHandle } from './clock';
import { decodeApdu, encodeMessage, negativeAcknowledgement, parseApdu, POSITIVE_ACKNOWLEDGEMENT, type CodecOptions } from './codec';
import { describeResultCode, type ResultCodeInfo } from './codes';
import { ApduStreamDecoder, ControlByte, encodeSerialFrame, SerialFrameDecoder, type FrameErrorCode } from './framing';
import { fileBlockAnswer, fileKey } from './command-layouts';
import {
  ENDS_WITH_ACKNOWLEDGEMENT,
  ENDS_WITH_STATUS_INFORMATION,
  type CompletionMessage,
  type FileRequestMessage,
  type EcrCommand,
  type EcrCommandKind,
  type IntermediateStatusMessage,
  type NegativeAckMessage,
  type PositiveAckMessage,
  type PrintLineMessage,
  type PrintTextBlockMessage,
  type ReceiptLine,
  type SetDateTimeMessage,
  type StatusInformationMessage,
  type TerminalAbortMessage,
  type ZvtMessage,
} from './messages';
import { GENERIC_PROFILE, resolveTimeouts, type ProtocolTimeouts, type VendorProfile } from './profiles';
import type { DecodeError } from './result';
import { findAllTlv } from './tlv';

export type TransportKind = 'serial' | 'tcp';

export interface SessionDependencies {
  /** Hand bytes to the transport. May throw if the link is gone; the session then fails like on linkClosed(). */
  write(bytes: Uint8Array): void;
  clock: Clock;
  transportKind: TransportKind;
  profile?: VendorProfile;
  /** Shortcut for observe(). */
  onEvent?: (event: SessionEvent) => void;
}

/** What a command gathered from the terminal while it held the master rights. */
export interface CommandProgress {
  command: EcrCommandKind;
  startedAt: number;
  statusInformation: StatusInformationMessage[];
  intermediateStatus: IntermediateStatusMessage[];
  printLines: PrintLineMessage[];
  textBlocks: PrintTextBlockMessage[];
  /** Receipt lines from Print Line and Print Text-Block, in arrival order. */
  receipt: ReceiptLine[];
  dateTime?: SetDateTimeMessage;
  /** Messages the session answered but does not interpret (e.g. unknown commands). */
  other: ZvtMessage[];
  /** Messages answered but not kept because a list reached MAX_PROGRESS_ENTRIES (a terminal that floods). */
  dropped?: number;
}

/**
 * A command keeps at most this many messages per list and receipt lines: each message restarts
 * T4, so a faulty terminal streaming print lines would otherwise grow one command without end.
 */
export const MAX_PROGRESS_ENTRIES = 2_000;

/** Appends unless the list is full; counts what it drops on the progress. */
function keep<T>(progress: CommandProgress, list: T[], ...items: T[]): void {
  const room = Math.max(0, MAX_PROGRESS_ENTRIES - list.length);
  if (items.length > room) progress.dropped = (progress.dropped ?? 0) + items.length - room;
  for (let i = 0; i < Math.min(room, items.length); i++) list.push(items[i] as T);
}

export interface CommandSuccess extends CommandProgress {
  finishedAt: number;
  acknowledgement: PositiveAckMessage;
  /** Absent for commands that end with 80 00 (Log-Off, Abort) or with the Status-Information (Read Card). */
  completion?: CompletionMessage;
  /** Write File: how many bytes of each file (from its start) the terminal asked for and got, by file id or name (2.41). */
  filesSent?: Record<string, number>;
}

/** What a command needs beyond its APDU. */
export interface ExecuteOptions {
  /**
   * Write File (08 14): the content of each file the command announces, by file id (as a decimal
   * string) or file name; the session answers the terminal's block requests (04 0C) from it.
   */
  files?: ReadonlyMap<string, Uint8Array>;
}

/** Bytes of file data per answer to a block request (2.41.3: any size; this keeps serial blocks small). */
export const FILE_BLOCK_SIZE = 200;

export type SessionErrorCode =
  | 'timeout' // T2 (no ACK on the line), T3 (no 80 00), T4 (no completion)
  | 'nak' // the terminal refused the block three times (PA00P016 3.5)
  | 'negative-ack' // 84 xx answer to the command
  | 'aborted' // the terminal ended the command with Abort 06 1E
  | 'link-closed' // the owner reported the link gone, or write() threw
  | 'protocol' // bytes that cannot be made sense of
  | 'unsupported' // refused by the vendor profile
  | 'invalid-command' // the command could not be encoded
  | 'disposed';

export interface SessionError {
  code: SessionErrorCode;
  message: string;
  timer?: 'T2' | 'T3' | 'T4';
  /** Result code of a negative ack or an abort, with texts for the manager. */
  result?: ResultCodeInfo;
  abort?: TerminalAbortMessage;
  negativeAck?: NegativeAckMessage;
  /** Whatever arrived before the failure (e.g. the receipt of a declined payment). */
  progress?: CommandProgress;
}

export type CommandResult = { ok: true; value: CommandSuccess } | { ok: false; error: SessionError };

export type SessionEvent =
  | { type: 'bytes-in'; at: number; bytes: Uint8Array }
  | { type: 'bytes-out'; at: number; bytes: Uint8Array }
  | { type: 'apdu-in'; at: number; apdu: Uint8Array; message?: ZvtMessage; error?: DecodeError }
  | { type: 'apdu-out'; at: number; apdu: Uint8Array; attempt: number }
  | { type: 'line'; at: number; direction: 'in' | 'out'; signal: 'ack' | 'nak' }
  | { type: 'frame-error'; at: number; code: FrameErrorCode | 'inter-byte-timeout' | 'stalled-apdu'; message: string }
  | { type: 'warning'; at: number; message: string }
  | { type: 'unsolicited'; at: number; message: ZvtMessage }
  | { type: 'command-start'; at: number; command: EcrCommandKind }
  | { type: 'command-end'; at: number; command: EcrCommandKind; ok: boolean; error?: SessionErrorCode; durationMs: number };

export type SessionListener = (event: SessionEvent) => void;

type Phase = 'queued' | 'sending' | 'awaiting-response' | 'awaiting-completion';

interface RunningCommand {
  command: EcrCommand;
  options: ExecuteOptions;
  /** Write File: per file, the end of the furthest block sent (offset + length). */
  filesSent?: Record<string, number>;
  apdu: Uint8Array;
  resolve: (result: CommandResult) => void;
  progress: CommandProgress;
  phase: Phase;
  timer?: TimerHandle;
  completionMs: number;
  abortRequested: boolean;
  acknowledgement?: PositiveAckMessage;
}

interface OutgoingBlock {
  apdu: Uint8Array;
  frame: Uint8Array;
  attempts: number;
  onSent: () => void;
  onFailed: (error: SessionError) => void;
}

/**
 * ECR side of a ZVT link. One command at a time (the ECR hands the terminal the master rights
 * until Completion or Abort, PA00P016 5.1); others wait in a FIFO queue. On serial it also runs
 * the line protocol: ACK/NAK per block, repetition up to three transmissions, T1 and T2
 * (PA00P016 chapter 3). No I/O of its own: bytes go out through write(), come in through
 * receive(), time through the injected clock.
 */
export class ZvtSession {
  private readonly clock: Clock;
  private readonly profile: VendorProfile;
  private readonly timeouts: ProtocolTimeouts;
  private readonly listeners = new Set<SessionListener>();
  private readonly serialDecoder = new SerialFrameDecoder();
  private readonly apduDecoder = new ApduStreamDecoder();
  private readonly queue: RunningCommand[] = [];
  private current: RunningCommand | undefined;
  private outgoing: OutgoingBlock[] = [];
  private acknowledgeTimer: TimerHandle | undefined;
  private interByteTimer: TimerHandle | undefined;
  /** TCP: runs while part of an APDU waits for the rest (PA00P016 5.2.5, time-out case b). */
  private stallTimer: TimerHandle | undefined;
  private negotiatedCharset: Charset | undefined;
  private disposed = false;
  /** While receive() handles serial input: what it writes, sent as one write at its end (ACK and answer together). */
  private batch: Uint8Array[] | undefined;

  constructor(private readonly dependencies: SessionDependencies) {
    this.clock = dependencies.clock;
    this.profile = dependencies.profile ?? GENERIC_PROFILE;
    this.timeouts = resolveTimeouts(this.profile);
    if (dependencies.onEvent) this.listeners.add(dependencies.onEvent);
  }

  /** Subscribe to raw and decoded traffic (for the support log); returns the unsubscribe function. */
  observe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  /**
   * The charset text is decoded with: the profile's, else the one the terminal echoed at
   * Registration (TLV tag 14, PA00P015 9.4.2), else 'auto' — each text as UTF-8 when it holds
   * valid multi-byte UTF-8, else CP437, the spec's default (chapter 15.2) — since terminals that
   * say nothing send CP437, Latin-1 or UTF-8 (reference README). Text the ECR sends is CP437 then.
   */
  get charset(): Charset {
    return this.profile.fixedCharset ?? this.negotiatedCharset ?? 'auto';
  }

  /** Queue a command. Always resolves (never rejects) with a typed result. */
  execute(command: EcrCommand, options: ExecuteOptions = {}): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve) => {
      const progress = emptyProgress(command.kind, this.clock.now());
      if (this.disposed) return resolve(failed('disposed', 'the session was disposed', progress));
      if (command.kind === 'abort' && this.profile.noAbortFromEcr) {
        return resolve(failed('unsupported', `${this.profile.name} does not accept Abort from the ECR`, progress));
      }
      const prepared = this.applyProfile(command);
      const apdu = encodeMessage(prepared, this.codecOptions());
      if (!apdu.ok) return resolve(failed('invalid-command', apdu.error.message, progress));
      if (command.kind === 'write-file') {
        const missing = command.files.find((file) => !options.files?.has(fileKey(file) ?? ''));
        if (missing) return resolve(failed('invalid-command', `no content for file ${fileKey(missing) ?? '(no id or name)'} (2.41.1)`, progress));
        const wrongLength = command.files.find((file) => file.totalLength !== options.files?.get(fileKey(file) ?? '')?.length);
        if (wrongLength) return resolve(failed('invalid-command', `file ${fileKey(wrongLength)}: 1F00 must be the content's length`, progress));
      }
      this.queue.push({ command: prepared, options, apdu: apdu.value, resolve, progress, phase: 'queued', completionMs: this.timeouts.completionMs, abortRequested: false });
      this.pump();
    });
  }

  /**
   * Ask the terminal to abort the running command (06 B0) while it holds the master rights. The
   * spec allows this only where a command says so (2.23); many terminals accept it during a
   * payment. The running command still ends with the terminal's Abort 06 1E or Completion.
   */
  abortCurrent(): boolean {
    const running = this.current;
    if (!running || this.profile.noAbortFromEcr || running.command.kind === 'abort') return false;
    const apdu = encodeMessage({ kind: 'abort' });
    if (!apdu.ok) return false;
    running.abortRequested = true;
    this.transmit(apdu.value, () => undefined, (error) => this.finish(running, { ok: false, error }));
    return true;
  }

  /** Feed bytes from the transport. */
  receive(chunk: Uint8Array): void {
    if (this.disposed || chunk.length === 0) return;
    this.emit({ type: 'bytes-in', at: this.clock.now(), bytes: chunk.slice() });
    if (this.dependencies.transportKind === 'tcp') {
      let completed = false;
      for (const event of this.apduDecoder.push(chunk)) {
        if (event.type === 'apdu') {
          completed = true;
          this.handleApdu(event.apdu);
        } else {
          this.emit({ type: 'frame-error', at: this.clock.now(), code: event.code, message: event.message });
          // A lying length on a byte stream cannot be resynchronised: the owner should reconnect.
          if (this.current) this.finish(this.current, failed('protocol', `stream out of step: ${event.message}`, this.current.progress));
        }
      }
      this.armStallTimer(completed);
      return;
    }
    // One write per turn on the line: the ACK for a block and the block it triggers leave
    // together, so the terminal wakes once per turn instead of once per piece.
    this.batch = [];
    try {
      this.receiveSerial(chunk);
    } finally {
      const batch = this.batch;
      this.batch = undefined;
      if (batch.length === 1) this.writeNow(batch[0] as Uint8Array);
      else if (batch.length > 1) this.writeNow(concatBytes(batch));
    }
    this.armInterByteTimer();
  }

  private receiveSerial(chunk: Uint8Array): void {
    for (const event of this.serialDecoder.push(chunk)) {
      switch (event.type) {
        case 'frame':
          // Acknowledge first, before looking at the content (PA00P016 3.2).
          this.writeLine(ControlByte.ACK);
          this.handleApdu(event.apdu);
          break;
        case 'ack':
          this.emit({ type: 'line', at: this.clock.now(), direction: 'in', signal: 'ack' });
          this.lineAcknowledged();
          break;
        case 'nak':
          this.emit({ type: 'line', at: this.clock.now(), direction: 'in', signal: 'nak' });
          this.lineRefused('nak');
          break;
        case 'error':
          this.emit({ type: 'frame-error', at: this.clock.now(), code: event.code, message: event.message });
          // A block that was not received error-free is answered with NAK (3.2.2); garbage and a
          // block cut off by a new one are not blocks to answer.
          if (event.code === 'crc' || event.code === 'length' || event.code === 'escape' || event.code === 'overflow') this.writeLine(ControlByte.NAK);
          break;
      }
    }
  }

  /** The transport lost the link: fail the running and queued commands, start clean next time. */
  linkClosed(reason = 'link closed'): void {
    this.failEverything('link-closed', reason);
  }

  dispose(): void {
    if (this.disposed) return;
    this.failEverything('disposed', 'the session was disposed');
    this.disposed = true;
    this.listeners.clear();
  }

  // --- application protocol --------------------------------------------------------------

  private applyProfile(command: EcrCommand): EcrCommand {
    // Without Print Line support the ECR must build receipts from Status-Information: clear config bit 7 (table 1).
    if (command.kind === 'registration' && this.profile.noPrintLine) return { ...command, config: command.config & 0x7f };
    return command;
  }

  private codecOptions(): CodecOptions {
    const options: CodecOptions = { charset: this.charset };
    if (this.profile.serialNumberAsHex) options.serialNumberAsHex = true;
    return options;
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    next.phase = 'sending';
    next.progress.startedAt = this.clock.now();
    this.emit({ type: 'command-start', at: this.clock.now(), command: next.command.kind });
    this.transmit(
      next.apdu,
      () => {
        if (this.current !== next || next.phase !== 'sending') return;
        next.phase = 'awaiting-response';
        this.setCommandTimer(next, this.timeouts.responseMs, 'T3');
      },
      (error) => this.finish(next, { ok: false, error: { ...error, progress: next.progress } }),
    );
  }

  private setCommandTimer(running: RunningCommand, milliseconds: number, timer: 'T3' | 'T4'): void {
    if (running.timer !== undefined) this.clock.clearTimeout(running.timer);
    running.timer = this.clock.setTimeout(() => {
      running.timer = undefined;
      if (this.current !== running) return;
      const what = timer === 'T3' ? 'no answer (80 00 / 84 xx) to the command' : 'no completion from the terminal';
      const partial = this.dropPartialApdu();
      if (partial) {
        // The answer may be sitting inside an APDU whose length lied: the stream is out of step and
        // the socket must be closed (PA00P016 5.2.5, time-out case a).
        this.finish(running, { ok: false, error: { code: 'protocol', timer, message: `${what} within ${milliseconds} ms (${timer}); stream out of step: ${partial}`, progress: running.progress } });
        return;
      }
      this.finish(running, { ok: false, error: { code: 'timeout', timer, message: `${what} within ${milliseconds} ms (${timer})`, progress: running.progress } });
    }, milliseconds);
  }

  private finish(running: RunningCommand, result: CommandResult): void {
    if (this.current !== running) return;
    if (running.timer !== undefined) this.clock.clearTimeout(running.timer);
    running.timer = undefined;
    this.current = undefined;
    const now = this.clock.now();
    const event: SessionEvent = { type: 'command-end', at: now, command: running.command.kind, ok: result.ok, durationMs: now - running.progress.startedAt };
    if (!result.ok) event.error = result.error.code;
    this.emit(event);
    running.resolve(result);
    this.pump();
  }

  private decodeOptions(): CodecOptions {
    const options = this.codecOptions();
    const running = this.current?.command.kind;
    // The Completion layout depends on the command (2.56.5 vs 3.2).
    options.completionForm = running === undefined ? 'auto' : running === 'status-enquiry' ? 'status-enquiry' : 'bitmaps';
    return options;
  }

  private handleApdu(apdu: Uint8Array): void {
    const decoded = decodeApdu(apdu, this.decodeOptions());
    const at = this.clock.now();
    if (!decoded.ok) {
      this.emit({ type: 'apdu-in', at, apdu: apdu.slice(), error: decoded.error });
      this.handleUndecodable(apdu, decoded.error);
      return;
    }
    this.emit({ type: 'apdu-in', at, apdu: apdu.slice(), message: decoded.value });
    this.handleMessage(decoded.value);
  }

  /** A message we cannot read: keep the sequence alive where the control field tells us enough. */
  private handleUndecodable(apdu: Uint8Array, error: DecodeError): void {
    const parsed = parseApdu(apdu);
    const classByte = parsed.ok ? parsed.value.classByte : (apdu[0] ?? 0);
    const instruction = parsed.ok ? parsed.value.instruction : (apdu[1] ?? 0);
    const data = parsed.ok ? parsed.value.data : new Uint8Array(0);
    this.warn(`undecodable message ${hex(classByte)} ${hex(instruction)}: ${error.message}`);
    if (classByte === 0x80 || classByte === 0x84) {
      this.handleMessage(classByte === 0x80 || instruction === 0 ? { kind: 'positive-ack' } : { kind: 'negative-ack', resultCode: instruction });
      return;
    }
    // Completion and Abort end the sequence whatever their content; we must not hang until T4.
    if (classByte === 0x06 && instruction === 0x0f) return this.handleMessage({ kind: 'completion', form: 'bitmaps' });
    if (classByte === 0x06 && instruction === 0x1e) return this.handleMessage({ kind: 'terminal-abort', resultCode: data[0] ?? 0xff });
    // Anything else (e.g. a Status-Information we cannot read): 84 9A "ZVT protocol error" (chapter 10),
    // so the terminal does not take our silence for agreement.
    this.respond(negativeAcknowledgement(0x9a));
    if (this.current?.phase === 'awaiting-completion') this.setCommandTimer(this.current, this.current.completionMs, 'T4');
  }

  private handleMessage(message: ZvtMessage): void {
    const running = this.current;
    if (message.kind === 'positive-ack' || message.kind === 'negative-ack') {
      if (running && (running.phase === 'sending' || running.phase === 'awaiting-response')) {
        if (running.phase === 'sending') this.implicitLineAcknowledgement();
        this.commandAnswered(running, message);
      } else if (running?.abortRequested) {
        // The answer to our 06 B0; the command itself still ends with 06 1E or 06 0F.
        running.abortRequested = false;
      } else {
        this.warn(`unexpected ${message.kind} ignored`);
      }
      return;
    }
    if (!running) {
      // PT commands without master rights (PA00P016 5.1 forbids, some terminals do): answer and report.
      this.respond(message.kind === 'unknown' ? negativeAcknowledgement(0x83) : POSITIVE_ACKNOWLEDGEMENT);
      this.emit({ type: 'unsolicited', at: this.clock.now(), message });
      return;
    }
    if (running.phase === 'sending' || running.phase === 'awaiting-response') {
      // The terminal skipped its 80 00 and went on: take the command as accepted.
      if (running.phase === 'sending') this.implicitLineAcknowledgement();
      this.warn(`${message.kind} arrived before 80 00; command taken as accepted`);
      this.commandAnswered(running, { kind: 'positive-ack' });
      if (this.current !== running) {
        this.respond(POSITIVE_ACKNOWLEDGEMENT);
        return;
      }
    }
    this.terminalMessage(running, message);
  }

  private commandAnswered(running: RunningCommand, message: PositiveAckMessage | NegativeAckMessage): void {
    if (message.kind === 'negative-ack') {
      const result = describeResultCode(message.resultCode);
      this.finish(running, {
        ok: false,
        error: { code: 'negative-ack', message: `terminal refused the command: ${result.en}`, result, negativeAck: message, progress: running.progress },
      });
      return;
    }
    if (ENDS_WITH_ACKNOWLEDGEMENT.has(running.command.kind)) {
      this.finish(running, { ok: true, value: { ...running.progress, finishedAt: this.clock.now(), acknowledgement: message } });
      return;
    }
    running.phase = 'awaiting-completion';
    running.acknowledgement = message;
    this.setCommandTimer(running, running.completionMs, 'T4');
  }

  private terminalMessage(running: RunningCommand, message: ZvtMessage): void {
    const progress = running.progress;
    switch (message.kind) {
      case 'completion': {
        this.respond(POSITIVE_ACKNOWLEDGEMENT);
        if (running.command.kind === 'registration') this.learnCharset(message);
        const acknowledgement = running.acknowledgement ?? { kind: 'positive-ack' };
        const filesSent = running.filesSent ? { filesSent: running.filesSent } : {};
        this.finish(running, { ok: true, value: { ...progress, finishedAt: this.clock.now(), acknowledgement, completion: message, ...filesSent } });
        return;
      }
      case 'terminal-abort': {
        this.respond(POSITIVE_ACKNOWLEDGEMENT);
        const result = describeResultCode(message.resultCode);
        this.finish(running, { ok: false, error: { code: 'aborted', message: `terminal aborted: ${result.en}`, result, abort: message, progress } });
        return;
      }
      case 'status-information':
        keep(progress, progress.statusInformation, message);
        if (ENDS_WITH_STATUS_INFORMATION.has(running.command.kind)) {
          // Read Card (2.21, 3.1.2): the Status-Information hands the master rights back, no Completion.
          this.respond(POSITIVE_ACKNOWLEDGEMENT);
          const acknowledgement = running.acknowledgement ?? { kind: 'positive-ack' };
          if (message.resultCode !== undefined && message.resultCode !== 0) {
            const result = describeResultCode(message.resultCode);
            this.finish(running, { ok: false, error: { code: 'aborted', message: `terminal could not read the card: ${result.en}`, result, progress } });
          } else {
            this.finish(running, { ok: true, value: { ...progress, finishedAt: this.clock.now(), acknowledgement } });
          }
          return;
        }
        break;
      case 'file-request':
        this.respond(this.fileBlock(running, message));
        if (this.current === running) this.setCommandTimer(running, running.completionMs, 'T4');
        return;
      case 'intermediate-status':
        keep(progress, progress.intermediateStatus, message);
        // The timeout byte sets T4 in minutes (3.7); 0 keeps the current value.
        if (message.timeoutMinutes) running.completionMs = message.timeoutMinutes * 60_000;
        break;
      case 'print-line':
        keep(progress, progress.printLines, message);
        if (message.attribute !== 0xff) keep(progress, progress.receipt, { attribute: message.attribute, text: message.text });
        break;
      case 'print-text-block':
        keep(progress, progress.textBlocks, message);
        keep(progress, progress.receipt, ...message.lines);
        break;
      case 'set-date-time':
        progress.dateTime = message;
        break;
      default:
        keep(progress, progress.other, message);
        // Commands we do not implement (dial-up, menus, ...): "function not possible" (chapter 10, 83).
        this.respond(negativeAcknowledgement(0x83));
        if (this.current === running) this.setCommandTimer(running, running.completionMs, 'T4');
        return;
    }
    this.respond(POSITIVE_ACKNOWLEDGEMENT);
    // Every message from the terminal restarts T4 (5.2.6).
    if (this.current === running) this.setCommandTimer(running, running.completionMs, 'T4');
  }

  /**
   * The answer to a block request of Write File (2.41.2/2.41.3): 80 00 06<2D with 1C block, 1D or
   * 1F80, 1E offset>; a request outside a Write File, for a file it did not announce or past its
   * end is answered 84 83 "function not possible".
   */
  private fileBlock(running: RunningCommand, request: FileRequestMessage): Uint8Array {
    const refuse = negativeAcknowledgement(0x83);
    if (running.command.kind !== 'write-file') return refuse;
    const files = running.command.files;
    // 1D / 1F80 may be left out when only one file is transferred (2.41.2).
    const asked = request.file;
    const file = asked?.fileId !== undefined || asked?.fileName !== undefined ? files.find((entry) => fileKey(entry) === fileKey(asked)) : files.length === 1 ? files[0] : undefined;
    const key = file && fileKey(file);
    const content = key === undefined ? undefined : running.options.files?.get(key);
    const offset = asked?.offset;
    if (!file || key === undefined || !content || offset === undefined || offset >= content.length) {
      this.warn(`file request refused: ${JSON.stringify(asked ?? null)}`);
      return refuse;
    }
    const block = content.subarray(offset, offset + FILE_BLOCK_SIZE);
    const answer = fileBlockAnswer({ ...file, totalLength: content.length }, offset, block, { charset: this.charset === 'auto' ? 'cp437' : this.charset });
    if (!answer.ok) return refuse;
    const sent = (running.filesSent ??= {});
    sent[key] = Math.max(sent[key] ?? 0, offset + block.length);
    return answer.value;
  }

  private learnCharset(completion: CompletionMessage): void {
    // One tag 14 echoed in the Registration completion (inside tag 27, or alone) is the charset the
    // terminal now uses (2.1, 9.4.2); a list of common sets leaves it at its default, and so does no echo.
    const codes = findAllTlv(completion.tlv, 0x14);
    const code = codes.length === 1 ? codes[0]?.value[0] : undefined;
    this.negotiatedCharset = code === undefined ? undefined : charsetFromIsoCode(code);
  }

  /** The ECR's answer to a PT message. */
  private respond(apdu: Uint8Array): void {
    const running = this.current;
    this.transmit(
      apdu,
      () => undefined,
      (error) => {
        if (running && this.current === running) this.finish(running, { ok: false, error: { ...error, progress: running.progress } });
        else this.warn(`answer to the terminal not delivered: ${error.message}`);
      },
    );
  }

  // --- transport --------------------------------------------------------------------------

  private transmit(apdu: Uint8Array, onSent: () => void, onFailed: (error: SessionError) => void): void {
    if (this.dependencies.transportKind === 'tcp') {
      this.emit({ type: 'apdu-out', at: this.clock.now(), apdu, attempt: 1 });
      if (this.writeBytes(apdu)) onSent();
      return;
    }
    this.outgoing.push({ apdu, frame: encodeSerialFrame(apdu), attempts: 0, onSent, onFailed });
    if (this.outgoing.length === 1) this.sendHeadBlock();
  }

  private sendHeadBlock(): void {
    const block = this.outgoing[0];
    if (!block) return;
    block.attempts++;
    this.emit({ type: 'apdu-out', at: this.clock.now(), apdu: block.apdu, attempt: block.attempts });
    if (this.acknowledgeTimer !== undefined) this.clock.clearTimeout(this.acknowledgeTimer);
    this.acknowledgeTimer = this.clock.setTimeout(() => {
      this.acknowledgeTimer = undefined;
      this.lineRefused('timeout');
    }, this.timeouts.acknowledgeMs);
    this.writeBytes(block.frame);
  }

  private lineAcknowledged(): void {
    const block = this.outgoing.shift();
    if (!block) return this.warn('ACK without a block waiting for it');
    if (this.acknowledgeTimer !== undefined) this.clock.clearTimeout(this.acknowledgeTimer);
    this.acknowledgeTimer = undefined;
    block.onSent();
    if (this.outgoing.length > 0) this.sendHeadBlock();
  }

  /** A block from the PT while ours waits for its ACK: the ACK got lost, the PT clearly has our block. */
  private implicitLineAcknowledgement(): void {
    if (this.dependencies.transportKind === 'serial' && this.outgoing.length > 0) {
      this.warn('terminal answered before acknowledging the block; ACK assumed');
      this.lineAcknowledged();
    }
  }

  private lineRefused(reason: 'nak' | 'timeout'): void {
    const block = this.outgoing[0];
    if (!block) {
      if (reason === 'nak') this.warn('NAK without a block waiting for it');
      return;
    }
    // NAK or T2: repeat, at most two more times (PA00P016 3.5).
    if (block.attempts < this.timeouts.maximumTransmissions) {
      this.sendHeadBlock();
      return;
    }
    this.outgoing.shift();
    if (this.acknowledgeTimer !== undefined) this.clock.clearTimeout(this.acknowledgeTimer);
    this.acknowledgeTimer = undefined;
    const error: SessionError =
      reason === 'nak'
        ? { code: 'nak', message: `terminal refused the block ${block.attempts} times (NAK)` }
        : { code: 'timeout', timer: 'T2', message: `no ACK/NAK for the block after ${block.attempts} transmissions (T2)` };
    block.onFailed(error);
    if (this.outgoing.length > 0) this.sendHeadBlock();
  }

  private armInterByteTimer(): void {
    if (this.interByteTimer !== undefined) this.clock.clearTimeout(this.interByteTimer);
    this.interByteTimer = undefined;
    if (!this.serialDecoder.inFrame) return;
    this.interByteTimer = this.clock.setTimeout(() => {
      this.interByteTimer = undefined;
      // T1: a block stalled mid-way is dropped and answered with NAK (3.4.1).
      this.serialDecoder.reset();
      this.emit({ type: 'frame-error', at: this.clock.now(), code: 'inter-byte-timeout', message: `no byte for ${this.timeouts.interByteMs} ms inside a block (T1)` });
      this.writeLine(ControlByte.NAK);
    }, this.timeouts.interByteMs);
  }

  /**
   * TCP: the whole APDU must arrive within T3 of its first byte; a message whose pieces take
   * longer (or whose length field lies, so the rest never comes) makes the receiver close the
   * socket (PA00P016 5.2.5, time-out case b). The timer starts with the first byte of an APDU and
   * restarts only when an APDU completes and a new one begins.
   */
  private armStallTimer(completedOne: boolean): void {
    if (!this.apduDecoder.inFrame) {
      this.clearStallTimer();
      return;
    }
    if (this.stallTimer !== undefined && !completedOne) return;
    this.clearStallTimer();
    this.stallTimer = this.clock.setTimeout(() => {
      this.stallTimer = undefined;
      const partial = this.dropPartialApdu();
      if (!partial) return;
      const message = `APDU incomplete after ${this.timeouts.responseMs} ms (T3, PA00P016 5.2.5 case b): ${partial}`;
      this.emit({ type: 'frame-error', at: this.clock.now(), code: 'stalled-apdu', message });
      if (this.current) this.finish(this.current, failed('protocol', `stream out of step: ${message}`, this.current.progress));
    }, this.timeouts.responseMs);
  }

  private clearStallTimer(): void {
    if (this.stallTimer !== undefined) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  /** TCP: forgets a partial APDU so its missing bytes cannot swallow the next answer; describes what was dropped. */
  private dropPartialApdu(): string | undefined {
    if (this.dependencies.transportKind !== 'tcp' || !this.apduDecoder.inFrame) return undefined;
    const held = this.apduDecoder.buffered;
    const declared = this.apduDecoder.declaredLength;
    this.apduDecoder.reset();
    this.clearStallTimer();
    return declared === undefined ? `${held} byte(s) of an APDU header dropped` : `${held} of ${declared} declared byte(s) dropped`;
  }

  private writeLine(signal: ControlByte.ACK | ControlByte.NAK): void {
    this.emit({ type: 'line', at: this.clock.now(), direction: 'out', signal: signal === ControlByte.ACK ? 'ack' : 'nak' });
    this.writeBytes(new Uint8Array([signal]));
  }

  /** Returns false when the transport threw; the session has then failed everything like on linkClosed(). */
  private writeBytes(bytes: Uint8Array): boolean {
    this.emit({ type: 'bytes-out', at: this.clock.now(), bytes });
    if (this.batch) {
      this.batch.push(bytes);
      return true;
    }
    return this.writeNow(bytes);
  }

  private writeNow(bytes: Uint8Array): boolean {
    try {
      this.dependencies.write(bytes);
      return true;
    } catch (error) {
      this.failEverything('link-closed', `write failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private failEverything(code: 'link-closed' | 'disposed', reason: string): void {
    if (this.acknowledgeTimer !== undefined) this.clock.clearTimeout(this.acknowledgeTimer);
    if (this.interByteTimer !== undefined) this.clock.clearTimeout(this.interByteTimer);
    this.acknowledgeTimer = undefined;
    this.interByteTimer = undefined;
    this.clearStallTimer();
    this.outgoing = [];
    this.serialDecoder.reset();
    this.apduDecoder.reset();
    this.negotiatedCharset = undefined;
    const pending = this.queue.splice(0);
    const running = this.current;
    // The queue is already empty, so finish() starts nothing new.
    if (running) this.finish(running, failed(code, reason, running.progress));
    for (const waiting of pending) waiting.resolve(failed(code, reason, waiting.progress));
  }

  private warn(message: string): void {
    this.emit({ type: 'warning', at: this.clock.now(), message });
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty observer must not break the protocol.
      }
    }
  }
}

function emptyProgress(command: EcrCommandKind, now: number): CommandProgress {
  return { command, startedAt: now, statusInformation: [], intermediateStatus: [], printLines: [], textBlocks: [], receipt: [], other: [] };
}

function failed(code: SessionErrorCode, message: string, progress?: CommandProgress): CommandResult {
  return progress ? { ok: false, error: { code, message, progress } } : { ok: false, error: { code, message } };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0').toUpperCase();
}
