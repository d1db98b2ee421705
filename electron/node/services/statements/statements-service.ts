/**
 * Acquirer statements: preview a downloaded file (encoding, header, a mapping remembered or
 * guessed), import it through the manager's mapping (remembered per acquirer, with the agreed fee
 * rate), and list the findings of reconciling it. Imports are idempotent: a file seen before
 * (SHA-256) adds nothing, and a line seen in an earlier, overlapping statement is not added again.
 * A file with unreadable lines imports nothing unless the manager asks for its good lines.
 * Attention: differences found in the last month's statements, and days a standalone terminal's
 * statement cannot be reconciled because its end-of-day total was not entered by hand.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AttentionItem } from '../../../../shared/domain/attention';
import type { Device } from '../../../../shared/domain/devices';
import {
  type HandDayTotal,
  type StatementFinding,
  type StatementFindings,
  type StatementImportInput,
  type StatementImportResult,
  type StatementLineError,
  type StatementMapping,
  type StatementPreview,
} from '../../../../shared/domain/statements';
import { zonedDay } from '../../../../shared/domain/time';
import { nextDay } from '../../../../shared/domain/transactions';
import { AppError } from '../../../../shared/ipc/result';
import { isoNow, systemClock, type Clock } from '../../clock';
import type { Db } from '../../db/connection';
import {
  capturedBetween,
  getMapping,
  handTotalsBetween,
  importOfHash,
  insertImport,
  insertLines,
  linesOfDay,
  listImports,
  listMappings,
  saveMapping,
  setImportAdded,
  upsertHandTotal,
  type NewLine,
  type StoredLine,
} from '../../db/statements';
import { statementFindings } from './findings';
import { findHeader, guessColumns, readLines, readStatementRows, StatementFileError } from './parse';

/** Errors listed back to the manager (the count says how many there are in all). */
const MAX_ERRORS_SHOWN = 200;
const MAX_FINDINGS = 5_000;
const INSERT_STEP = 2_000;
/** The statement days the attention items look at: this many days back to today. */
const ATTENTION_DAYS = 31;
const DAY_MS = 86_400_000;

/**
 * Whether end-of-day totals may be entered by hand for a device, and its statement lines are
 * compared with them when PosCare captured nothing from it: active standalone terminals.
 */
export function takesHandTotals(device: Device): boolean {
  return device.archived === false && device.connection.type === 'none';
}

function fileError(messageKey: string, message: string, params: Record<string, unknown> = {}): AppError {
  return new AppError('validation', message, { issues: [{ path: 'dataBase64', code: 'custom', messageKey }], ...params });
}

export interface StatementsOptions {
  /** The store's timezone (its "today" for the attention window); default Asia/Shanghai. */
  timeZone?: () => string;
  /** After an import or a hand-entered total: the attention items may have changed. */
  onChanged?: () => void;
}

/** A finding that only says the day's hand total is missing (a standalone terminal's day cannot be reconciled without it). */
function handTotalMissing(finding: StatementFinding, standalone: (deviceId: string) => boolean): boolean {
  return finding.kind === 'settled_not_captured' && finding.deviceId !== null && standalone(finding.deviceId);
}

export class StatementsService {
  /** The attention items of one store day and data version (imports and hand totals move it). */
  private attentionCache: { key: string; items: AttentionItem[] } | undefined;
  private version = 0;

  constructor(
    private readonly db: Db,
    private readonly devices: () => Device[],
    private readonly clock: Clock = systemClock,
    private readonly options: StatementsOptions = {},
  ) {}

  /** After a restore: the attention items kept were worked out from the old database. */
  forgetKept(): void {
    this.attentionCache = undefined;
  }

  private changed(): void {
    this.version += 1;
    this.options.onChanged?.();
  }

  private async rows(fileName: string, dataBase64: string): Promise<{ rows: string[][]; encoding: StatementPreview['encoding']; hash: string }> {
    const bytes = Buffer.from(dataBase64, 'base64');
    if (bytes.length === 0) throw fileError('statements.emptyFile', 'The statement file is empty');
    const hash = createHash('sha256').update(bytes).digest('hex');
    try {
      const { rows, encoding } = await readStatementRows(fileName, bytes);
      return { rows, encoding, hash };
    } catch (err) {
      if (err instanceof StatementFileError) throw fileError(err.messageKey, err.message);
      throw err;
    }
  }

  mappings(): StatementMapping[] {
    return listMappings(this.db);
  }

  async preview(input: { fileName: string; dataBase64: string; acquirer?: string | undefined }): Promise<StatementPreview> {
    const { rows, encoding, hash } = await this.rows(input.fileName, input.dataBase64);
    const mapping = input.acquirer ? getMapping(this.db, input.acquirer) : null;
    let header = mapping ? findHeader(rows, Object.values(mapping.columns).filter(Boolean)) : -1;
    if (header < 0) header = findHeader(rows);
    if (header < 0) throw fileError('statements.noHeader', 'No header row found in the first 30 rows');
    const headers = (rows[header] ?? []).map((c) => c.trim());
    return {
      fileHash: hash,
      encoding,
      headers,
      sample: rows.slice(header + 1, header + 6),
      rows: rows.length - header - 1,
      mapping,
      guessed: guessColumns(headers),
      alreadyImported: importOfHash(this.db, hash) !== null,
      acquirers: listMappings(this.db).map((m) => m.acquirer),
    };
  }

  /** The acquirer whose remembered columns the file has, when the chosen acquirer's are missing. */
  private otherAcquirer(rows: string[][], mapping: StatementMapping): string | null {
    for (const other of listMappings(this.db)) {
      if (other.acquirer !== mapping.acquirer && findHeader(rows, Object.values(other.columns).filter(Boolean)) >= 0) return other.acquirer;
    }
    return null;
  }

  async import(input: StatementImportInput & { mapping: StatementMapping; importGoodLines: boolean }): Promise<StatementImportResult> {
    const empty = { importId: null, rows: 0, added: 0, known: 0, from: null, to: null };
    // A file seen before is known by its hash, before any of it is read.
    const existing = importOfHash(this.db, createHash('sha256').update(Buffer.from(input.dataBase64, 'base64')).digest('hex'));
    if (existing !== null) return { ...empty, status: 'already_imported', importId: existing, errors: [], errorCount: 0 };
    const { rows, hash } = await this.rows(input.fileName, input.dataBase64);
    const mapping = input.mapping;
    const read = await readLines(rows, mapping);
    if (read.errors.some((e) => e.line === 0)) {
      const other = this.otherAcquirer(rows, mapping);
      const errors: StatementLineError[] = other ? [{ line: 0, field: 'acquirer', messageKey: 'statements.otherAcquirer', value: other }, ...read.errors] : read.errors;
      return { ...empty, status: 'has_errors', errors, errorCount: errors.length };
    }
    const errors = read.errors.slice(0, MAX_ERRORS_SHOWN);
    if (read.lines.length === 0 && read.errors.length === 0) throw fileError('statements.noLines', 'The statement has no lines under its header');
    // The mapping is remembered once the file reads with it, whatever the manager decides next.
    saveMapping(this.db, mapping, isoNow(this.clock));
    if (read.errors.length > 0 && !input.importGoodLines) return { ...empty, rows: read.rows, status: 'has_errors', errors, errorCount: read.errors.length };

    const copies = new Map<string, number>();
    const lines: NewLine[] = read.lines.map((l) => {
      const copy = (copies.get(l.baseKey) ?? 0) + 1;
      copies.set(l.baseKey, copy);
      return { ...l, copy };
    });
    const days = lines.map((l) => l.businessDay).sort();
    const from = days[0] ?? null;
    const to = days.at(-1) ?? null;
    // One import row first (the hash makes a second concurrent import of the file fail here), then the lines in steps.
    if (importOfHash(this.db, hash) !== null) return { ...empty, status: 'already_imported', importId: importOfHash(this.db, hash), errors: [], errorCount: 0 };
    const importId = insertImport(this.db, { hash, acquirer: mapping.acquirer, fileName: input.fileName, importedAt: isoNow(this.clock), rows: read.rows, from, to });
    let added = 0;
    for (let i = 0; i < lines.length; i += INSERT_STEP) {
      added += this.db.transaction(() => insertLines(this.db, importId, mapping.acquirer, lines.slice(i, i + INSERT_STEP)))();
      if (i + INSERT_STEP < lines.length) await yieldToLoop();
    }
    setImportAdded(this.db, importId, added);
    this.changed();
    return { status: 'imported', importId, rows: read.rows, added, known: lines.length - added, errors, errorCount: read.errors.length, from, to };
  }

  async findings(query: { from: string; to: string; acquirer?: string | undefined }): Promise<StatementFindings> {
    const lines: StoredLine[] = [];
    // A day at a time, giving other requests their turn between days (a month may hold 100k lines).
    for (let day = query.from; day <= query.to; day = nextDay(day)) {
      lines.push(...linesOfDay(this.db, day, query.acquirer || undefined));
      await yieldToLoop();
    }
    const findings = this.reconcile(lines, query.from, query.to);
    return {
      findings: findings.slice(0, MAX_FINDINGS),
      truncated: findings.length > MAX_FINDINGS,
      imports: listImports(this.db),
    };
  }

  /** Every finding of the given statement lines of [from, to] against the captured records and the hand totals. */
  private reconcile(lines: StoredLine[], from: string, to: string): StatementFinding[] {
    const devices = this.devices();
    const byKey = new Map<string, Device>();
    // A statement names a terminal by its TID; PosCare's id or name also do.
    for (const d of devices) for (const key of [d.name, d.id, d.tid]) if (key) byKey.set(key.trim(), d);
    const resolve = (terminal: string) => byKey.get(terminal)?.id ?? null;
    const rates = new Map(listMappings(this.db).map((m) => [m.acquirer, m.feeRateBp]));
    const upTo = `${nextDay(to)}T06:00:00`;
    const cache = new Map<string, ReturnType<typeof capturedBetween>>();
    const findings = statementFindings({
      lines,
      resolve,
      captured: (id) => cache.get(id) ?? cache.set(id, capturedBetween(this.db, [id], `${from}T00:00:00`, upTo)).get(id)!,
      takesHandTotals: (id) => {
        const device = devices.find((d) => d.id === id);
        return device !== undefined && takesHandTotals(device);
      },
      handTotals: handTotalsBetween(this.db, from, to),
      feeRateBp: (acquirer) => rates.get(acquirer) ?? null,
    });
    return findings;
  }

  /**
   * The statements of the last month (ATTENTION_DAYS to today): one warning for the differences
   * found, one for the standalone terminals' days that lack their hand-entered total. Each new
   * import is a new crossing (the ids carry the latest import). Worked out again only when the
   * store day, the data (imports, hand totals) or the registry changed.
   */
  attentionItems(): AttentionItem[] {
    const today = zonedDay(this.clock.now(), this.options.timeZone?.() ?? 'Asia/Shanghai');
    const latest = listImports(this.db, 1)[0]?.id;
    if (latest === undefined) return [];
    // The registry decides which terminal a line is and whether it takes hand totals.
    const registry = this.devices().map((d) => `${d.id}:${d.name}:${d.tid}:${d.connection.type}:${d.archived}`).join(',');
    const key = `${today}|${this.version}|${latest}|${registry}`;
    if (this.attentionCache?.key === key) return this.attentionCache.items;
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - (ATTENTION_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    const lines: StoredLine[] = [];
    for (let day = from; day <= today; day = nextDay(day)) lines.push(...linesOfDay(this.db, day));
    const standalone = new Set(this.devices().filter(takesHandTotals).map((d) => d.id));
    const findings = this.reconcile(lines, from, today);
    const missing = new Set(findings.filter((f) => handTotalMissing(f, (id) => standalone.has(id))).map((f) => `${f.deviceId}|${f.businessDay}`)).size;
    const differences = findings.filter((f) => !handTotalMissing(f, (id) => standalone.has(id))).length;
    const items: AttentionItem[] = [];
    const link = '/transactions?tab=statements';
    if (differences > 0) {
      items.push({ id: `statements.differences:${latest}`, section: 'transactions', kind: 'statements.differences', severity: 'warning', count: differences, textKey: 'statements.attention.differences', params: { count: differences }, link });
    }
    if (missing > 0) {
      items.push({ id: `statements.handTotalMissing:${latest}`, section: 'transactions', kind: 'statements.handTotalMissing', severity: 'warning', count: missing, textKey: 'statements.attention.handTotalMissing', params: { count: missing }, link });
    }
    this.attentionCache = { key, items };
    return items;
  }

  saveHandTotal(total: HandDayTotal): HandDayTotal & { enteredAt: string } {
    const device = this.devices().find((d) => d.id === total.deviceId);
    if (!device) throw new AppError('not_found', `No device ${total.deviceId}`, { issues: [{ path: 'deviceId', code: 'custom', messageKey: 'statements.unknownDevice' }] });
    if (!takesHandTotals(device)) throw new AppError('validation', `Device ${total.deviceId} is linked: its totals are captured`, { issues: [{ path: 'deviceId', code: 'custom', messageKey: 'statements.linkedDevice' }] });
    const enteredAt = isoNow(this.clock);
    upsertHandTotal(this.db, total, enteredAt);
    this.changed();
    return { ...total, enteredAt };
  }

  handTotals(query: { from: string; to: string }): (HandDayTotal & { enteredAt: string })[] {
    return handTotalsBetween(this.db, query.from, query.to);
  }
}
