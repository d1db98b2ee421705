/**
 * Keeps PosCare's own copy of every transaction the terminals report and reconciles it.
 * The terminal link calls `capture` for each Status Information and `captureEndOfDayRun` for each
 * end-of-day result; both are idempotent.
 */
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  BUSINESS_DAY_CUTOFF_HOUR,
  CaptureResult,
  EndOfDayInput,
  LocalDateTime,
  TRANSACTION_PAGE_SIZE,
  TransactionRecordInput,
  maskPan,
  nextDay,
  previousDay,
  type Anomaly,
  type ReconciliationDayQuery,
  type ReconciliationQuery,
  type TransactionExportInput,
  type TransactionQuery,
  type ReconciliationDayDetail,
  type ReconciliationList,
  type TransactionExportResult,
  type TransactionPage,
  type TransactionRecord,
  type TransactionTotals,
} from '../../../../shared/domain/transactions';
import { AppError } from '../../../../shared/ipc/result';
import { validated } from '../../../../shared/ipc/validate';
import type { Db } from '../../db/connection';
import {
  dayTransactions,
  daySums,
  endOfDayBetween,
  endOfDayTotals,
  insertTransaction,
  dayNumbers,
  lastBusinessDayBetween,
  orphanReversals,
  previousEndOfDay,
  previousTransaction,
  recordEndOfDay,
  replaceEndOfDay,
  searchTransactions,
  transactionBatch,
  transactionTotals,
  type DaySums,
  type EndOfDayRow,
  type EndOfDayRunInput,
  type StoredTransaction,
} from '../../db/transactions';
import { isoNow, systemClock, type Clock } from '../../clock';
import type { Logger } from '../../log/logger';
import type { AttentionItem } from '../../../../shared/domain/attention';
import { CaptureHold, type CaptureHoldOptions, type HeldCapture } from './capture-hold';
import { collectDays, dayKey, dayNumberAnomalies, orphanAnomalies, summarizeDay, totalAnomalies, type DayFacts } from './reconcile';
import { fillDemoData, type DemoFillRequest, type DemoFillResult } from './demo-data';
import { writeCsv, writeXlsx } from './export';
import { checkWriteFile } from '../../files/write-target';
import { zonedDay } from '../../../../shared/domain/time';

/** What became of a capture: stored (new or a repeat), or held because the database could not take it. */
export type CaptureOutcome = { stored: true; id: number; created: boolean } | { stored: false; held: number };

export interface TransactionsOptions {
  /** Where captures that cannot be stored are held; without it a storage failure throws as before. */
  hold?: CaptureHoldOptions;
  /** Opens the incident for held captures of a terminal; throws when it cannot (retried). */
  openIncident?: (terminalId: string, held: number) => void;
  /** Told whenever the attention items change. */
  onAttention?: (items: AttentionItem[]) => void;
  /** The store's timezone (settings): which business day is today. Without it, this PC's. */
  timeZone?: () => string;
}

const DAY_VIEW_LIMIT = 2_000;
const EXPORT_BATCH = 5_000;
function beforeCutoff(localDateTime: string): boolean {
  return Number(localDateTime.slice(11, 13)) < BUSINESS_DAY_CUTOFF_HOUR;
}


export class TransactionsService {
  private readonly hold: CaptureHold | undefined;
  private readonly storedListeners = new Set<(record: TransactionRecordInput, created: boolean) => void>();
  /** Terminals with held captures whose incident is not open yet (the database may be full too). */
  private readonly incidentsToOpen = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
    private readonly options: TransactionsOptions = {},
  ) {
    this.hold = options.hold
      ? new CaptureHold(options.hold, logger, clock, (held) => this.storeHeld(held), () => this.afterRetry())
      : undefined;
    for (const held of this.hold?.records() ?? []) this.incidentsToOpen.set(held.record.terminalId, (this.incidentsToOpen.get(held.record.terminalId) ?? 0) + 1);
  }

  /** Told of every record written (by a capture or a retry of a held one). */
  onStored(listener: (record: TransactionRecordInput, created: boolean) => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  /**
   * Stores one capture, or holds it when the database cannot take it (a full disk): never lost,
   * never answered as stored. An invalid record is refused (thrown) as by `capture`.
   */
  captureOrHold(input: TransactionRecordInput): CaptureOutcome {
    const record = validated(TransactionRecordInput, input);
    let result: CaptureResult;
    try {
      result = this.capture(record);
    } catch (error) {
      if (error instanceof AppError || !this.hold) throw error;
      this.hold.hold(record, isoNow(this.clock), error);
      this.incidentsToOpen.set(record.terminalId, (this.incidentsToOpen.get(record.terminalId) ?? 0) + 1);
      this.tryOpenIncidents();
      this.announce();
      return { stored: false, held: this.hold.count };
    }
    this.told(record, result.created);
    return { stored: true, ...result };
  }

  /** Captures held because they could not be stored yet. */
  heldCount(): number {
    return this.hold?.count ?? 0;
  }

  /** Tries to write the held captures now (the retry timer does this by itself); answers how many were written. */
  retryHeld(): number {
    return this.hold?.retry() ?? 0;
  }

  /** A critical item while captures are held: payments the terminal took that are not in the database yet. */
  attentionItems(): AttentionItem[] {
    const count = this.heldCount();
    if (count === 0) return [];
    return [
      {
        id: 'transactions.captureHeld',
        section: 'transactions',
        kind: 'transactions.captureHeld',
        severity: 'critical',
        count,
        textKey: 'transactions.attention.captureHeld',
        params: { count, since: this.hold?.since ?? '' },
        link: '/transactions',
      },
    ];
  }

  private storeHeld(held: HeldCapture): void {
    const result = this.capture(held.record);
    this.told(held.record, result.created);
  }

  private told(record: TransactionRecordInput, created: boolean): void {
    for (const listener of [...this.storedListeners]) {
      try {
        listener(record, created);
      } catch (error) {
        this.logger.error('capture listener failed', { error });
      }
    }
  }

  private afterRetry(): boolean {
    this.tryOpenIncidents();
    this.announce();
    return this.incidentsToOpen.size > 0;
  }

  private tryOpenIncidents(): void {
    const open = this.options.openIncident;
    if (!open) return this.incidentsToOpen.clear();
    for (const [terminalId, held] of [...this.incidentsToOpen]) {
      try {
        open(terminalId, held);
        this.incidentsToOpen.delete(terminalId);
      } catch (error) {
        // A full disk refuses the incident too: tried again with the next retry. An unknown or
        // archived terminal never gets one (the attention item still shows the held records).
        if (error instanceof AppError) this.incidentsToOpen.delete(terminalId);
        else this.logger.warn('cannot open the incident for held captures yet', { error, terminalId });
      }
    }
  }

  private announce(): void {
    this.options.onAttention?.(this.attentionItems());
  }

  /**
   * Stores one Status Information; a repeat (same terminal, business day, trace and receipt
   * number) answers the stored row and changes nothing. A full card number is masked to the
   * first six and last four digits before it is stored.
   */
  capture(input: TransactionRecordInput): CaptureResult {
    const record = validated(TransactionRecordInput, input);
    const stored: StoredTransaction = {
      ...record,
      maskedPan: maskPan(record.maskedPan),
      businessDay: record.businessDay ?? this.businessDayOf(record.terminalId, record.occurredAt),
    };
    const result = insertTransaction(this.db, stored, isoNow(this.clock));
    if (!result.created) this.logger.info('transaction already captured', { terminalId: stored.terminalId, trace: stored.traceNumber });
    return CaptureResult.parse(result);
  }

  /**
   * The business day a sale belongs to: its date, unless it happened after midnight (before the
   * cut-off) while the terminal's batch of the previous day was still open, i.e. its last sale
   * was on that day and no end-of-day ran since. Then the end-of-day that closes the batch and
   * the sale are reconciled under the same day.
   */
  private businessDayOf(terminalId: string, occurredAt: string): string {
    const date = occurredAt.slice(0, 10);
    if (!beforeCutoff(occurredAt)) return date;
    const previous = previousTransaction(this.db, terminalId, occurredAt);
    if (!previous || previous.businessDay !== previousDay(date)) return date;
    return endOfDayBetween(this.db, terminalId, previous.occurredAt, occurredAt) ? date : previous.businessDay;
  }

  /**
   * Stores an End-of-Day run (totals per card group, BMP 60 receipt range) under the business
   * day it closes: the day of the terminal's sales since its previous end-of-day, so a run after
   * midnight closes yesterday, not the calendar day it ran on. Without such sales, a run before
   * the cut-off closes the previous day and a later one its own date. Answers that day.
   */
  captureEndOfDayRun(terminalId: string, run: EndOfDayRunInput): string {
    const closedAt = validated(LocalDateTime, run.closedAt);
    const totals = validated(EndOfDayInput, { terminalId, businessDay: closedAt.slice(0, 10), totals: run.totals }).totals;
    // An empty batch closed no sales: it belongs to the day by the clock, never to the last day with sales.
    const empty = totals.every((total) => total.count === 0);
    const previous = empty ? undefined : previousEndOfDay(this.db, terminalId, closedAt);
    const salesDay = empty ? undefined : lastBusinessDayBetween(this.db, terminalId, previous?.closedAt ?? '', closedAt);
    const businessDay = salesDay ?? (beforeCutoff(closedAt) ? previousDay(closedAt.slice(0, 10)) : closedAt.slice(0, 10));
    recordEndOfDay(this.db, terminalId, businessDay, { ...run, closedAt, totals }, isoNow(this.clock));
    return businessDay;
  }

  /** Stores an end-of-day result; a repeat for the same terminal and day replaces the totals. */
  captureEndOfDay(terminalId: string, businessDay: string, totals: EndOfDayInput['totals']): void {
    const input = validated(EndOfDayInput, { terminalId, businessDay, totals });
    replaceEndOfDay(this.db, input.terminalId, input.businessDay, input.totals, isoNow(this.clock));
  }

  /** Fills the database with demo transactions ending yesterday (`poscare demo-data`). */
  /** Demo transactions ending yesterday in the store's timezone. */
  fillDemo(request: DemoFillRequest, timeZone: string): DemoFillResult {
    return fillDemoData(this.db, { ...request, lastDay: zonedDay(this.clock.now() - 86_400_000, timeZone), capturedAt: isoNow(this.clock) });
  }

  search(query: TransactionQuery): TransactionPage {
    return searchTransactions(this.db, { ...query, limit: query.limit ?? TRANSACTION_PAGE_SIZE });
  }

  /**
   * Count and net amount of everything the search's filters match. One day at a time with a
   * yield between days, like reconcile: a year at 10 million rows never stalls the main process.
   */
  async totals(input: TransactionQuery): Promise<TransactionTotals> {
    const { limit: _limit, cursor: _cursor, ...query } = input;
    const totals: TransactionTotals = { count: 0, netCents: 0, declined: 0 };
    for (let day = query.from; day <= query.to; day = nextDay(day)) {
      await yieldToLoop();
      const one = transactionTotals(this.db, { ...query, from: day, to: day });
      totals.count += one.count;
      totals.netCents += one.netCents;
      totals.declined += one.declined;
    }
    return totals;
  }

  /**
   * Reconciles a range of business days. At 10 million rows one query over a month takes
   * seconds, so the work goes one day (and one terminal-day) at a time, yielding to the event
   * loop between steps: the main process never stalls for long.
   */
  async reconcile(input: ReconciliationQuery): Promise<ReconciliationList> {
    const { list } = await this.reconcileRange(input);
    return list;
  }

  /** The reconciliation of a range, with the facts per terminal-day it was drawn from (the day view shows them). */
  private async reconcileRange(query: ReconciliationQuery): Promise<{ list: ReconciliationList; days: Map<string, DayFacts> }> {
    const terminal = query.terminalId || null;
    const sums: DaySums[] = [];
    const endOfDay: EndOfDayRow[] = [];
    const orphans: TransactionRecord[] = [];
    for (let day = query.from; day <= query.to; day = nextDay(day)) {
      await yieldToLoop();
      sums.push(...daySums(this.db, day, day, terminal));
      endOfDay.push(...endOfDayTotals(this.db, day, day, terminal));
      orphans.push(...orphanReversals(this.db, day, day, terminal));
    }
    const days = collectDays(sums, endOfDay);
    // A day is over once the next one has passed the cut-off: its end-of-day may run after midnight.
    // Business days are the terminals' local dates, the store's wall time, not this PC's zone.
    const timeZone = this.options.timeZone?.() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const today = zonedDay(this.clock.now() - BUSINESS_DAY_CUTOFF_HOUR * 3_600_000, timeZone);
    const anomalies: Anomaly[] = [];
    for (const day of days.values()) {
      anomalies.push(...totalAnomalies(day, today));
      await yieldToLoop();
      anomalies.push(...dayNumberAnomalies(day, dayNumbers(this.db, day.terminalId, day.businessDay)));
    }
    anomalies.push(...orphanAnomalies(orphans));
    anomalies.sort((a, b) => b.businessDay.localeCompare(a.businessDay) || a.terminalId.localeCompare(b.terminalId));
    const list = [...days.values()]
      .map((day) => summarizeDay(day, anomalies))
      .sort((a, b) => b.businessDay.localeCompare(a.businessDay) || a.terminalId.localeCompare(b.terminalId));
    return { list: { days: list, anomalies }, days };
  }

  async reconcileDay(query: ReconciliationDayQuery): Promise<ReconciliationDayDetail> {
    const { list, days: facts } = await this.reconcileRange({ from: query.businessDay, to: query.businessDay, terminalId: query.terminalId });
    const { days, anomalies } = list;
    const day = days[0] ?? {
      terminalId: query.terminalId,
      businessDay: query.businessDay,
      transactionCount: 0,
      capturedCents: 0,
      endOfDayCents: null,
      status: 'no_end_of_day' as const,
      anomalyCount: 0,
    };
    const cardTypes = [...(facts.get(dayKey(query.terminalId, query.businessDay))?.cardTypes ?? new Map())].map(([cardType, sums]) => ({ cardType, ...sums }));
    const transactions: TransactionRecord[] = dayTransactions(this.db, query.terminalId, query.businessDay, DAY_VIEW_LIMIT + 1);
    return {
      day,
      cardTypes,
      anomalies,
      transactions: transactions.slice(0, DAY_VIEW_LIMIT),
      truncated: transactions.length > DAY_VIEW_LIMIT,
    };
  }

  /** Writes a date range to a CSV or XLSX file, yielding to the event loop between batches. */
  async export(query: TransactionExportInput): Promise<TransactionExportResult> {
    // The database's folder is the data folder: nothing but the database is written there.
    const file = checkWriteFile(query.out, { dataDir: path.dirname(this.db.name), field: 'out', overwrite: query.overwrite === true });
    const filter = { from: query.from, to: query.to, terminalId: query.terminalId || undefined };
    let after: { occurredAt: string; id: number } | undefined;
    const next = async () => {
      await yieldToLoop();
      const batch = transactionBatch(this.db, filter, after, EXPORT_BATCH);
      const last = batch[batch.length - 1];
      if (last) after = { occurredAt: last.occurredAt, id: last.id };
      return batch;
    };
    const written = query.format === 'csv' ? await writeCsv(file, next) : await writeXlsx(file, next);
    this.logger.info('transactions exported', { file, rows: written.rows, format: query.format });
    return { file, ...written };
  }

  dispose(): void {
    this.hold?.dispose();
  }
}
