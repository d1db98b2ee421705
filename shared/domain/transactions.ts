/**
 * Transaction records as PosCare keeps them: every Status Information a terminal reports
 * (payments, reversals, refunds, declines) and every end-of-day result with its totals per card
 * type. The terminal link maps its decoded messages onto `TransactionRecordInput` and
 * `EndOfDayInput`; nothing here knows the wire protocol.
 */
import { z } from 'zod';
import { calendarDate, localDateTime } from './time';

export const TRANSACTION_KINDS = ['payment', 'reversal', 'refund', 'declined'] as const;
export const TransactionKind = z.enum(TRANSACTION_KINDS);
export type TransactionKind = z.infer<typeof TransactionKind>;

/** The terminal's local clock, as ZVT reports it (no zone): "YYYY-MM-DDTHH:mm:ss". */
export const LocalDateTime = localDateTime('transactions.invalidDateTime');
export const BusinessDay = calendarDate('transactions.invalidDay');

const Code = z.string().trim().max(64);

/**
 * A card number as it may be stored: digits with masked middle ("*" or "X"). A number with more
 * than ten clear digits is a full PAN and is masked before it is stored (`maskPan`).
 */
export const MaskedPanInput = z.string().trim().max(32).regex(/^[0-9*Xx ]*$/, { error: 'transactions.invalidPan' });

/** Keeps the first six and last four digits, as PCI DSS allows; everything between becomes '*'. */
export function maskPan(pan: string): string {
  const compact = pan.replace(/\s+/g, '').toUpperCase().replace(/X/g, '*');
  // Ten characters or fewer cannot hold more than the first six and last four digits.
  if (compact.length <= 10) return compact;
  const middle = compact.slice(6, -4).replace(/\d/g, '*');
  return `${compact.slice(0, 6)}${middle}${compact.slice(-4)}`;
}

/** The longest receipt text stored with a transaction (capture cuts a runaway printer's text to it). */
export const MAX_RECEIPT_TEXT = 20_000;

export const TransactionRecordInput = z
  .object({
    /** The terminal's id in PosCare (a free string until devices exist). */
    terminalId: z.string().trim().min(1).max(64),
    /** ZVT trace number: BMP 0B (6 digits) or, longer, TLV 1F2B (BCD, up to 12 digits here). */
    traceNumber: z.number().int().min(0).max(999_999_999_999),
    /** ZVT receipt number (BMP 87), 4 digits. */
    receiptNumber: z.number().int().min(0).max(9_999),
    occurredAt: LocalDateTime,
    /** Defaults to the date of `occurredAt`. */
    businessDay: BusinessDay.optional(),
    /** Always positive; `kind` says which way the money went. */
    amountCents: z.number().int().min(0).max(99_999_999_999),
    kind: TransactionKind,
    cardType: Code.default(''),
    cardName: z.string().trim().max(64).default(''),
    maskedPan: MaskedPanInput.default(''),
    tid: Code.default(''),
    vu: Code.default(''),
    aid: Code.default(''),
    resultCode: z.number().int().min(0).max(255).nullable().default(null),
    /** For a reversal or refund: the receipt number of the payment it undoes, when known. */
    originalReceiptNumber: z.number().int().min(0).max(9_999).nullable().default(null),
    receiptText: z.string().max(MAX_RECEIPT_TEXT).default(''),
  })
  .strict();
export type TransactionRecordInput = z.input<typeof TransactionRecordInput>;
export type TransactionRecordParsed = z.output<typeof TransactionRecordInput>;

export const TransactionRecord = z.object({
  id: z.number().int(),
  terminalId: z.string(),
  traceNumber: z.number().int(),
  receiptNumber: z.number().int(),
  occurredAt: z.string(),
  businessDay: z.string(),
  amountCents: z.number().int(),
  kind: TransactionKind,
  cardType: z.string(),
  cardName: z.string(),
  maskedPan: z.string(),
  tid: z.string(),
  vu: z.string(),
  aid: z.string(),
  resultCode: z.number().int().nullable(),
  originalReceiptNumber: z.number().int().nullable(),
  receiptText: z.string(),
  capturedAt: z.string(),
});
export type TransactionRecord = z.infer<typeof TransactionRecord>;

export const CaptureResult = z.object({ id: z.number().int(), created: z.boolean() });
export type CaptureResult = z.infer<typeof CaptureResult>;

export const CardTypeTotal = z.object({
  cardType: Code,
  count: z.number().int().min(0),
  /** Net amount (payments minus reversals and refunds) as the terminal totals it. */
  amountCents: z.number().int(),
});
export type CardTypeTotal = z.infer<typeof CardTypeTotal>;

export const EndOfDayInput = z
  .object({
    terminalId: z.string().trim().min(1).max(64),
    businessDay: BusinessDay,
    totals: z.array(CardTypeTotal).max(100),
  })
  .strict();
export type EndOfDayInput = z.input<typeof EndOfDayInput>;

/** A search over the transaction records; `cursor` continues after the last row of a page. */
/** Rows per search page when the query names no limit. */
export const TRANSACTION_PAGE_SIZE = 50;

export const TransactionQuery = z
  .object({
    from: BusinessDay,
    to: BusinessDay,
    terminalId: z.string().trim().max(64).optional(),
    cardType: z.string().trim().max(64).optional(),
    kind: TransactionKind.optional(),
    minAmountCents: z.number().int().min(0).optional(),
    maxAmountCents: z.number().int().min(0).optional(),
    receiptNumber: z.number().int().min(0).max(9_999).optional(),
    limit: z.number().int().min(1).max(500).default(TRANSACTION_PAGE_SIZE),
    cursor: z.string().max(100).optional(),
  })
  .strict()
  .refine((q) => q.from <= q.to, { error: 'transactions.rangeReversed', path: ['to'] })
  .refine((q) => q.minAmountCents === undefined || q.maxAmountCents === undefined || q.minAmountCents <= q.maxAmountCents, { error: 'transactions.amountReversed', path: ['maxAmountCents'] });
export type TransactionQuery = z.input<typeof TransactionQuery>;
export type TransactionQueryParsed = z.output<typeof TransactionQuery>;

/** The count and sums of every transaction a search's filters match (not only the page shown). */
export const TransactionTotals = z.object({
  count: z.number().int(),
  /** Payments minus reversals and refunds; declined ones move no money. */
  netCents: z.number().int(),
  declined: z.number().int(),
});
export type TransactionTotals = z.infer<typeof TransactionTotals>;

export const TransactionPage = z.object({
  items: z.array(TransactionRecord),
  nextCursor: z.string().nullable(),
});
export type TransactionPage = z.infer<typeof TransactionPage>;

export const ANOMALY_KINDS = [
  'total_mismatch',
  /** Same amount, different number of transactions: records lost or doubled in cancelling pairs. */
  'count_mismatch',
  'missing_end_of_day',
  'trace_gap',
  'receipt_gap',
  'duplicate_trace',
  'duplicate_receipt',
  'reversal_without_original',
] as const;
export const AnomalyKind = z.enum(ANOMALY_KINDS);
export type AnomalyKind = z.infer<typeof AnomalyKind>;

/**
 * The incident cause (FAULT_CAUSES.transaction) a finding points to: wrong totals are a wrong
 * amount; count mismatches, gaps, duplicates, orphan reversals and a missing end-of-day are
 * lost or doubled records.
 */
export function anomalyCause(kind: AnomalyKind): 'wrongAmount' | 'lostRecords' {
  return kind === 'total_mismatch' ? 'wrongAmount' : 'lostRecords';
}

/**
 * One finding of the reconciliation. `incidentClass` is what an incident opened from it will be
 * filed under (the incident feature takes it from here).
 */
export const Anomaly = z.object({
  kind: AnomalyKind,
  terminalId: z.string(),
  businessDay: z.string(),
  cardType: z.string().nullable(),
  expectedCents: z.number().int().nullable(),
  actualCents: z.number().int().nullable(),
  /** Transactions of that card type: the end-of-day's count and PosCare's (total and count findings). */
  expectedCount: z.number().int().nullable(),
  actualCount: z.number().int().nullable(),
  /** The numbers missing or doubled (trace or receipt numbers), at most 50. */
  numbers: z.array(z.number().int()),
  transactionId: z.number().int().nullable(),
  incidentClass: z.literal('transaction'),
});
export type Anomaly = z.infer<typeof Anomaly>;

export const ReconciliationStatus = z.enum(['ok', 'anomalies', 'no_end_of_day']);
export type ReconciliationStatus = z.infer<typeof ReconciliationStatus>;

export const ReconciliationDay = z.object({
  terminalId: z.string(),
  businessDay: z.string(),
  transactionCount: z.number().int(),
  capturedCents: z.number().int(),
  endOfDayCents: z.number().int().nullable(),
  status: ReconciliationStatus,
  anomalyCount: z.number().int(),
});
export type ReconciliationDay = z.infer<typeof ReconciliationDay>;

export const ReconciliationQuery = z
  .object({ from: BusinessDay, to: BusinessDay, terminalId: z.string().trim().max(64).optional() })
  .strict()
  .refine((q) => q.from <= q.to, { error: 'transactions.rangeReversed', path: ['to'] })
  .refine((q) => daysBetween(q.from, q.to) <= 92, { error: 'transactions.rangeTooLong', path: ['to'] });
export type ReconciliationQuery = z.input<typeof ReconciliationQuery>;

export const ReconciliationList = z.object({ days: z.array(ReconciliationDay), anomalies: z.array(Anomaly) });
export type ReconciliationList = z.infer<typeof ReconciliationList>;

export const ReconciliationDayQuery = z.object({ terminalId: z.string().trim().min(1).max(64), businessDay: BusinessDay }).strict();
export type ReconciliationDayQuery = z.input<typeof ReconciliationDayQuery>;

export const CardTypeComparison = z.object({
  cardType: z.string(),
  capturedCount: z.number().int(),
  capturedCents: z.number().int(),
  endOfDayCount: z.number().int().nullable(),
  endOfDayCents: z.number().int().nullable(),
});

export const ReconciliationDayDetail = z.object({
  day: ReconciliationDay,
  cardTypes: z.array(CardTypeComparison),
  anomalies: z.array(Anomaly),
  transactions: z.array(TransactionRecord),
  /** True when the day has more transactions than the view lists. */
  truncated: z.boolean(),
});
export type ReconciliationDayDetail = z.infer<typeof ReconciliationDayDetail>;

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const TransactionExportInput = z
  .object({
    from: BusinessDay,
    to: BusinessDay,
    format: ExportFormat,
    /** An absolute file path (the renderer asks for a folder; the CLI gives --out). */
    out: z.string().trim().min(1).max(1000),
    terminalId: z.string().trim().max(64).optional(),
    /** Replace an existing file at `out`: set only after the manager confirmed it. */
    overwrite: z.boolean().optional(),
  })
  .strict()
  .refine((q) => q.from <= q.to, { error: 'transactions.rangeReversed', path: ['to'] });
export type TransactionExportInput = z.input<typeof TransactionExportInput>;

export const TransactionExportResult = z.object({ file: z.string(), rows: z.number().int(), bytes: z.number().int() });
export type TransactionExportResult = z.infer<typeof TransactionExportResult>;

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/**
 * A business day may run past midnight until this hour of the next morning: sales and an
 * end-of-day before it belong to the previous day while that day's batch is still open
 * (the service decides so on capture; dayTransactions in db/ reads a day up to it).
 */
export const BUSINESS_DAY_CUTOFF_HOUR = 6;

/** The day after a business day (for half-open ranges over `occurredAt`). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The day before a business day (walking a range newest first; a batch closed after midnight). */
export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
