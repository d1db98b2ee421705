/**
 * When to back up: every day at the configured hour, and at quit when the last good backup is
 * older than a day. A plain class over an injected clock and timer so tests drive the time.
 */
import type { Clock } from '../../clock';

const DAY = 86_400_000;

/** The next time (local clock) at `hour`:00 strictly after `now`. */
export function nextRun(now: Date, hour: number): Date {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate(), hour, 0, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

export class BackupScheduler {
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly config: () => { dailyHour: number | null; atQuit: boolean },
    private readonly lastGoodBackup: () => Date | undefined,
    private readonly runBackup: (trigger: 'scheduled' | 'quit') => Promise<unknown>,
  ) {}

  /** (Re)arms the daily timer from the current settings. */
  start(): void {
    this.stop();
    const { dailyHour } = this.config();
    if (this.disposed || dailyHour === null) return;
    const now = this.clock.now();
    const delay = Math.max(0, nextRun(new Date(now), dailyHour).getTime() - now);
    // Long timeouts are capped: re-arm at least hourly so clock changes (sleep, DST) are caught.
    this.timer = this.clock.setTimeout(() => void this.tick(), Math.min(delay, 3_600_000));
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    const { dailyHour } = this.config();
    const now = new Date(this.clock.now());
    const last = this.lastGoodBackup();
    if (dailyHour !== null && now.getHours() === dailyHour && (!last || now.getTime() - last.getTime() > DAY / 2)) {
      await this.runBackup('scheduled').catch(() => undefined);
    }
    this.start();
  }

  /** Whether a backup should run before the app quits. */
  dueAtQuit(): boolean {
    if (!this.config().atQuit) return false;
    const last = this.lastGoodBackup();
    return !last || this.clock.now() - last.getTime() > DAY;
  }

  /** Runs the at-quit backup when one is due; answers whether it ran. Never throws. */
  async beforeQuit(): Promise<boolean> {
    if (this.disposed || !this.dueAtQuit()) return false;
    await this.runBackup('quit').catch(() => undefined);
    return true;
  }

  /**
   * The at-quit backup, but the app quits after `capMs` whatever happens: a hung drive must not
   * keep the app from closing (an unfinished file stays `.partial` and is swept next time).
   * Answers 'none' (not due), 'done', or 'timeout'.
   */
  async beforeQuitWithin(capMs: number): Promise<'none' | 'done' | 'timeout'> {
    let timer: unknown;
    const cap = new Promise<'timeout'>((resolve) => {
      timer = this.clock.setTimeout(() => resolve('timeout'), capMs);
    });
    try {
      return await Promise.race([this.beforeQuit().then((ran) => (ran ? ('done' as const) : ('none' as const))), cap]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
