/**
 * Captures that could not be stored (the data folder's drive is full, the disk failed): a
 * payment the terminal already took must never be lost nor acknowledged as recorded. They are
 * held in memory and in a small spill file in another folder (the OS temp folder by default),
 * retried with backoff until the database takes them (idempotently: the terminal, business day,
 * trace and receipt number make a record unique), and reported to the manager meanwhile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TransactionRecordInput } from '../../../../shared/domain/transactions';
import { unrefTimer, type Clock, type TimerHandle } from '../../clock';
import type { Logger } from '../../log/logger';

export interface HeldCapture {
  record: TransactionRecordInput;
  /** When it was captured (ISO), for the manager and the reconciliation. */
  heldAt: string;
}

export interface CaptureHoldOptions {
  /** Folder of the spill file; must not be the data folder (whose drive is the one that is full). */
  spillDir: string;
  /** First retry after this many ms, doubling up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

const SPILL_FILE = 'held-captures.json';

export class CaptureHold {
  private held: HeldCapture[] = [];
  private readonly spillFile: string;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private delay: number;
  private timer: TimerHandle | undefined;
  private disposed = false;
  private moreWork = false;

  constructor(
    options: CaptureHoldOptions,
    private readonly logger: Logger,
    /** The app's clock: the retry timer. */
    private readonly clock: Clock,
    /** Writes one record; throws when it cannot. */
    private readonly store: (held: HeldCapture) => void,
    /**
     * Runs after every retry (records written or not), e.g. to open the incident once the
     * database allows; answers whether it still has work (then the retries go on).
     */
    private readonly afterRetry: () => boolean = () => false,
  ) {
    this.spillFile = path.join(options.spillDir, SPILL_FILE);
    this.retryMs = options.retryMs ?? 5_000;
    this.maxRetryMs = options.maxRetryMs ?? 60_000;
    this.delay = this.retryMs;
    this.held = this.readSpill();
    if (this.held.length > 0) {
      this.logger.warn('captures held from an earlier run', { count: this.held.length, file: this.spillFile });
      this.schedule(0);
    }
  }

  get count(): number {
    return this.held.length;
  }

  /** The oldest held capture's time, or null. */
  get since(): string | null {
    return this.held[0]?.heldAt ?? null;
  }

  records(): readonly HeldCapture[] {
    return this.held;
  }

  /** Keeps a capture that could not be stored and starts retrying. */
  hold(record: TransactionRecordInput, heldAt: string, error: unknown): void {
    this.held.push({ record, heldAt });
    this.moreWork = true;
    this.logger.error('transaction captured but not stored: held for retry', { error, terminalId: record.terminalId, held: this.held.length });
    this.writeSpill();
    this.delay = this.retryMs;
    this.schedule(this.delay);
  }

  /** Writes what it can now, oldest first; stops at the first failure. Answers how many were written. */
  retry(): number {
    let written = 0;
    while (this.held.length > 0) {
      const next = this.held[0]!;
      try {
        this.store(next);
      } catch (error) {
        this.logger.warn('held captures still cannot be stored', { error, held: this.held.length });
        break;
      }
      this.held.shift();
      written++;
    }
    if (written > 0) {
      this.logger.info('held captures stored', { written, stillHeld: this.held.length });
      this.writeSpill();
    }
    try {
      this.moreWork = this.afterRetry();
    } catch (error) {
      this.logger.error('after-retry hook failed', { error });
    }
    return written;
  }

  /** Keeps retrying while something is held or the after-retry hook has more to do. */
  private schedule(delay: number): void {
    if (this.disposed || this.timer !== undefined) return;
    if (this.held.length === 0 && !this.moreWork) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.retry();
      this.delay = Math.min(this.maxRetryMs, this.delay * 2);
      this.schedule(this.delay);
    }, delay);
    unrefTimer(this.timer);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readSpill(): HeldCapture[] {
    let text: string;
    try {
      text = fs.readFileSync(this.spillFile, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { record: unknown; heldAt: unknown }[];
      return parsed.flatMap((entry) => {
        const record = TransactionRecordInput.safeParse(entry.record);
        return record.success && typeof entry.heldAt === 'string' ? [{ record: record.data, heldAt: entry.heldAt }] : [];
      });
    } catch (error) {
      // Kept as it is for a person to look at; never deleted.
      this.logger.error('the spill file of held captures cannot be read', { error, file: this.spillFile });
      return [];
    }
  }

  /** The held list to the spill file (write, fsync, rename); removed when nothing is held. */
  private writeSpill(): void {
    try {
      if (this.held.length === 0) {
        fs.rmSync(this.spillFile, { force: true });
        return;
      }
      fs.mkdirSync(path.dirname(this.spillFile), { recursive: true });
      const temporary = `${this.spillFile}.${process.pid}.tmp`;
      const fd = fs.openSync(temporary, 'w');
      try {
        fs.writeSync(fd, JSON.stringify(this.held));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, this.spillFile);
    } catch (error) {
      // The records stay held in memory; the attention item says so either way.
      this.logger.error('cannot write the spill file of held captures', { error, file: this.spillFile });
    }
  }
}
