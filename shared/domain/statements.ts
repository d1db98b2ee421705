/**
 * Acquirer statements: the settlement file the merchant downloads from the acquirer's merchant
 * app or portal (CSV or XLSX, UTF-8 or GBK/GB18030), read through a column mapping the manager
 * sets once per acquirer, and reconciled against what PosCare captured from linked terminals and
 * the end-of-day totals entered by hand for standalone ones.
 */
import { z } from 'zod';
import { calendarDate } from './time';

/** The statement columns PosCare reads; `date` may hold the time too, else `time` holds it. */
export const STATEMENT_FIELDS = ['date', 'time', 'terminal', 'amount', 'fee', 'payType', 'reference', 'status'] as const;
export type StatementField = (typeof STATEMENT_FIELDS)[number];
export const REQUIRED_STATEMENT_FIELDS: readonly StatementField[] = ['date', 'terminal', 'amount'];

const Header = z.string().trim().max(100);
const Acquirer = z.string().trim().min(1, { error: 'statements.acquirerRequired' }).max(60);

export const StatementMapping = z
  .object({
    acquirer: Acquirer,
    /** Statement field -> the header text of its column ('' or absent: not in this acquirer's file). */
    columns: z
      .object({ date: Header.default(''), time: Header.default(''), terminal: Header.default(''), amount: Header.default(''), fee: Header.default(''), payType: Header.default(''), reference: Header.default(''), status: Header.default('') })
      .strict(),
    /** The agreed fee rate in basis points (60 = 0.60 %); null: fees are not checked. */
    feeRateBp: z.number().int().min(0).max(10_000).nullable().default(null),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const f of REQUIRED_STATEMENT_FIELDS) if (!m.columns[f]) ctx.addIssue({ code: 'custom', path: ['columns', f], message: 'statements.columnRequired' });
  });
export type StatementMapping = z.output<typeof StatementMapping>;
export type StatementMappingInput = z.input<typeof StatementMapping>;

/** Largest statement accepted (base64 of about 12 MB, a few hundred thousand lines). */
const MAX_FILE_BASE64 = 16_000_000;
const StatementFile = {
  fileName: z.string().trim().min(1).max(260).regex(/\.(csv|txt|xlsx)$/i, { error: 'statements.unsupportedFile' }),
  dataBase64: z.string().min(1, { error: 'statements.emptyFile' }).max(MAX_FILE_BASE64, { error: 'statements.fileTooLarge' }),
};

export const StatementPreviewInput = z.object({ ...StatementFile, acquirer: Acquirer.optional() }).strict();
export const StatementImportInput = z
  .object({
    ...StatementFile,
    mapping: StatementMapping,
    /** Import the lines without errors of a file that has some; without it such a file imports nothing. */
    importGoodLines: z.boolean().default(false),
  })
  .strict();
export type StatementImportInput = z.input<typeof StatementImportInput>;

/** A line the statement could not be read at, and the field: `line` is the row number in the file (1-based). */
export const StatementLineError = z.object({ line: z.number().int(), field: z.string(), messageKey: z.string(), value: z.string() });
export type StatementLineError = z.infer<typeof StatementLineError>;

export const StatementPreview = z.object({
  fileHash: z.string(),
  encoding: z.enum(['utf-8', 'gb18030', 'xlsx']),
  headers: z.array(z.string()),
  /** The first rows after the header, as text. */
  sample: z.array(z.array(z.string())),
  rows: z.number().int(),
  /** The remembered mapping of this acquirer, else one guessed from the header names. */
  mapping: StatementMapping.nullable(),
  guessed: z.record(z.string(), z.string()),
  alreadyImported: z.boolean(),
  acquirers: z.array(z.string()),
});
export type StatementPreview = z.infer<typeof StatementPreview>;

/** Failed, cancelled or reversed lines move no money; refunds move it back. */
export type LineStatus = 'settled' | 'refund' | 'failed';

/** One statement line as read through the mapping. */
export interface StatementLine {
  /** Row number in the file, 1-based. */
  line: number;
  terminal: string;
  /** Local time "YYYY-MM-DDTHH:mm:ss" (00:00:00 when the statement gives the date only). */
  occurredAt: string;
  businessDay: string;
  /** Signed: a refund is negative. */
  amountCents: number;
  feeCents: number | null;
  payType: string;
  reference: string;
  status: LineStatus;
  /** What makes a line the same line in another download of the statement. */
  baseKey: string;
}

export const FINDING_KINDS = ['settled_not_captured', 'captured_not_settled', 'amount_mismatch', 'fee_above_rate', 'duplicate'] as const;
export const FindingKind = z.enum(FINDING_KINDS);
export type FindingKind = z.infer<typeof FindingKind>;

/** The transaction incident cause a finding points to. */
export function findingCause(kind: FindingKind): 'wrongAmount' | 'lostRecords' {
  return kind === 'amount_mismatch' || kind === 'fee_above_rate' ? 'wrongAmount' : 'lostRecords';
}

export const StatementFinding = z.object({
  kind: FindingKind,
  acquirer: z.string(),
  /** The PosCare device, null when the statement's terminal matches none. */
  deviceId: z.string().nullable(),
  terminal: z.string(),
  businessDay: z.string(),
  occurredAt: z.string().nullable(),
  reference: z.string(),
  /** The statement's amount (or day total) and PosCare's; fee and the fee the agreed rate allows. */
  statementCents: z.number().int().nullable(),
  posCareCents: z.number().int().nullable(),
  statementCount: z.number().int().nullable(),
  posCareCount: z.number().int().nullable(),
  feeCents: z.number().int().nullable(),
  allowedFeeCents: z.number().int().nullable(),
  /** Row numbers in the statement file (duplicates: every copy). */
  lines: z.array(z.number().int()),
  transactionId: z.number().int().nullable(),
  incidentClass: z.literal('transaction'),
});
export type StatementFinding = z.infer<typeof StatementFinding>;

export const StatementImportResult = z.object({
  status: z.enum(['imported', 'already_imported', 'has_errors']),
  importId: z.number().int().nullable(),
  rows: z.number().int(),
  added: z.number().int(),
  /** Lines already in PosCare from an earlier (overlapping) statement. */
  known: z.number().int(),
  errors: z.array(StatementLineError),
  errorCount: z.number().int(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export type StatementImportResult = z.infer<typeof StatementImportResult>;

const Day = calendarDate('statements.invalidDay');
export const StatementFindingsQuery = z
  .object({ from: Day, to: Day, acquirer: z.string().trim().max(60).optional() })
  .strict()
  .refine((q) => q.from <= q.to, { error: 'statements.rangeReversed', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 92 * 86_400_000, { error: 'transactions.rangeTooLong', path: ['to'] });

export const StatementImportRecord = z.object({ id: z.number().int(), acquirer: z.string(), fileName: z.string(), importedAt: z.string(), rows: z.number().int(), added: z.number().int(), from: z.string().nullable(), to: z.string().nullable() });
export const StatementFindings = z.object({ findings: z.array(StatementFinding), imports: z.array(StatementImportRecord), truncated: z.boolean() });
export type StatementFindings = z.infer<typeof StatementFindings>;

/** End-of-day totals a member of staff read off a standalone terminal's settlement slip. */
export const HandDayTotal = z
  .object({
    deviceId: z.string().trim().min(1).max(64),
    businessDay: Day,
    count: z.number().int().min(0, { error: 'statements.invalidCount' }).max(100_000),
    amountCents: z.number().int().min(-99_999_999_999).max(99_999_999_999),
  })
  .strict();
export type HandDayTotal = z.infer<typeof HandDayTotal>;
export const HandDayTotalRecord = HandDayTotal.extend({ enteredAt: z.string() });
export const HandDayTotalsQuery = z.object({ from: Day, to: Day }).strict();
