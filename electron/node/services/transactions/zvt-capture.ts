/**
 * From what a terminal reports over ZVT to PosCare's transaction records: each Status
 * Information (04 0F, PA00P015 3.2) with a trace and receipt number becomes one captured
 * transaction, and one that carries single totals (BMP 60, chapter 3.1.3) after an End-of-Day
 * becomes that business day's totals per card group. Pure mapping; the wiring is in app.ts.
 */
import { MAX_RECEIPT_TEXT, type CardTypeTotal, type TransactionKind, type TransactionRecordInput } from '../../../../shared/domain/transactions';
import { sentTrace, totalsGroupOfCardType, type StatusInformationMessage } from '../../protocol/zvt/index';

export interface CaptureContext {
  /** The manager command the message arrived under ('pay', 'end-of-day', ...). */
  command: string;
  /** When it arrived (ms since epoch); gives the year, which ZVT's MMDD date lacks. */
  at: number;
  /** The ZVT command actually sent ('authorization', 'reversal', 'refund', ...), when known. */
  ecrCommand?: string;
  /** Receipt lines the terminal printed through the ECR during the command (06 D1 / 06 D3). */
  receipt?: readonly string[];
  /** A reversal's BMP 87: the receipt number of the payment it undoes (chapter 2.9). */
  originalReceiptNumber?: number;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * "YYYY-MM-DDTHH:mm:ss" in the terminal's local time. BMP AA (YYMMDD) gives the year when sent;
 * otherwise the year of arrival, one year back when MMDD lies ahead of the arrival date (a
 * receipt from 31 Dec read on 1 Jan).
 */
export function localDateTime(message: StatusInformationMessage, at: number): string | undefined {
  const arrival = new Date(at);
  const time = message.time && /^\d{6}$/.test(message.time) ? message.time : undefined;
  let year: number;
  let monthDay: string | undefined;
  if (message.fullDate && /^\d{6}$/.test(message.fullDate)) {
    year = 2000 + Number(message.fullDate.slice(0, 2));
    monthDay = message.fullDate.slice(2);
  } else if (message.date && /^\d{4}$/.test(message.date)) {
    monthDay = message.date;
    year = arrival.getFullYear();
    const arrivalMonthDay = `${pad(arrival.getMonth() + 1)}${pad(arrival.getDate())}`;
    if (monthDay > arrivalMonthDay) year -= 1;
  } else {
    return undefined;
  }
  if (!time) return undefined;
  const month = Number(monthDay.slice(0, 2));
  const day = Number(monthDay.slice(2));
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return `${year}-${monthDay.slice(0, 2)}-${monthDay.slice(2)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4)}`;
}

function kindOf(context: CaptureContext, resultCode: number | undefined): TransactionKind {
  if (resultCode !== undefined && resultCode !== 0) return 'declined';
  // Either the manager command or the ZVT command sent names it (a reversal is only known by the latter).
  const commands = [context.command, context.ecrCommand];
  if (commands.includes('reversal')) return 'reversal';
  if (commands.includes('refund')) return 'refund';
  return 'payment';
}

/** Cut to the domain schema's limit: a runaway printer never fails a capture. */
function receiptText(lines: readonly string[] | undefined): string {
  if (!lines || lines.length === 0) return '';
  const text = lines.map((line) => line.replace(/\s+$/, '')).join('\n').replace(/\n+$/, '');
  return text.length > MAX_RECEIPT_TEXT ? text.slice(0, MAX_RECEIPT_TEXT) : text;
}

/** The transaction a Status Information reports, or undefined when it reports none. */
export function transactionFromStatusInformation(
  terminalId: string,
  message: StatusInformationMessage,
  context: CaptureContext,
): TransactionRecordInput | undefined {
  // A trace number of more than 6 digits comes in TLV 1F2B, with BMP 0B set to 000000 (3.1.1, 9.4.2).
  const trace = sentTrace(message) ?? message.trace;
  // A receipt number of FFFF (null) means "none": nothing to reconcile against.
  if (trace === undefined || message.receiptNumber === undefined || message.receiptNumber === null || message.amount === undefined) return undefined;
  // End-of-day and turnover reports carry totals, not a sale.
  if (message.singleTotals !== undefined || context.command === 'end-of-day' || context.command === 'turnover-totals') return undefined;
  const occurredAt = localDateTime(message, context.at);
  if (!occurredAt) return undefined;
  const kind = kindOf(context, message.resultCode);
  return {
    terminalId,
    traceNumber: trace,
    receiptNumber: message.receiptNumber,
    occurredAt,
    amountCents: message.amount,
    kind,
    // Counted in the same group the end-of-day totals use, so reconciliation compares like with like.
    cardType: totalsGroupOfCardType(message.cardType),
    cardName: message.cardName ?? '',
    maskedPan: message.maskedPan ?? '',
    tid: message.terminalId ?? '',
    vu: message.contractNumber ?? '',
    aid: message.authorisationAttribute ?? '',
    resultCode: message.resultCode ?? null,
    originalReceiptNumber: kind === 'reversal' ? (context.originalReceiptNumber ?? null) : null,
    receiptText: receiptText(context.receipt),
  };
}

/** What an End-of-Day run reports; the business day it closes is decided against the stored records. */
export interface EndOfDayRun {
  /** When the run happened on the terminal's clock, "YYYY-MM-DDTHH:mm:ss". */
  closedAt: string;
  totals: CardTypeTotal[];
  /** BMP 60 receipt-no start/end of the closed batch; absent when the batch was empty. */
  receiptStart: number | null;
  receiptEnd: number | null;
}

/** The totals per card group and the receipt range an End-of-Day's Status Information reports. */
export function endOfDayFromStatusInformation(message: StatusInformationMessage, context: CaptureContext): EndOfDayRun | undefined {
  if (context.command !== 'end-of-day' || message.singleTotals === undefined) return undefined;
  const closedAt = localDateTime(message, context.at) ?? localTimeOf(context.at);
  const totals = message.singleTotals.groups
    .filter((group) => group.count > 0 || group.amount !== 0)
    .map((group) => ({ cardType: group.group, count: group.count, amountCents: group.amount }));
  // An empty batch still names a range (start = end = the next number): it closed no receipt.
  const empty = totals.every((total) => total.count === 0);
  const { receiptStart, receiptEnd } = message.singleTotals;
  return { closedAt, totals, receiptStart: empty ? null : receiptStart, receiptEnd: empty ? null : receiptEnd };
}

function localTimeOf(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
