/**
 * Reading an acquirer statement: bytes -> text (BOM, strict UTF-8, else GB18030) or XLSX cells ->
 * rows -> the header row -> statement lines through the manager's column mapping. Every value a
 * line cannot be read at becomes an error naming the row and the field. No database here; long
 * files are read in steps that give the event loop back (a 100k-line statement is ordinary).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { STATEMENT_FIELDS, type LineStatus, type StatementField, type StatementLine, type StatementLineError, type StatementMapping } from '../../../../shared/domain/statements';

export type StatementEncoding = 'utf-8' | 'gb18030' | 'xlsx';

const STEP_ROWS = 2_000;

export class StatementFileError extends Error {
  constructor(readonly messageKey: string, message: string) {
    super(message);
  }
}

/** BOM first, then strict UTF-8, else GB18030 (a superset of GBK); text that is neither is refused. */
export function decodeStatement(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { text: new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2)), encoding: 'utf-8' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: the Chinese portals' default export is GBK.
  }
  try {
    return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
  } catch {
    throw new StatementFileError('statements.badEncoding', 'The file is neither UTF-8 nor GBK/GB18030 text');
  }
}

/** RFC 4180 CSV (quotes, doubled quotes, CR LF), comma or tab separated, read a step at a time. */
export async function parseCsv(text: string): Promise<string[][]> {
  if (text.includes('\0')) throw new StatementFileError('statements.brokenFile', 'The file holds binary data, not a CSV statement');
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const sep = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let nextYield = 1 << 18;
  for (let i = 0; i < text.length; i++) {
    if (i >= nextYield) {
      nextYield += 1 << 18;
      await yieldToLoop();
    }
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (quoted) throw new StatementFileError('statements.brokenFile', `A quoted value opened on row ${rows.length + 1} never closes`);
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // ExcelJS gives a sheet's wall-clock time as the same digits in UTC.
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return String(value);
}

async function parseXlsx(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new StatementFileError('statements.brokenFile', `The XLSX file cannot be read: ${(err as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new StatementFileError('statements.brokenFile', 'The XLSX file has no sheet');
  const rows: string[][] = [];
  let n = 0;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
    rows.push(cells);
    if (++n % STEP_ROWS === 0) await yieldToLoop();
  }
  return rows;
}

/** The rows of a CSV or XLSX statement, as text cells. */
export async function readStatementRows(fileName: string, bytes: Uint8Array): Promise<{ rows: string[][]; encoding: StatementEncoding }> {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (/\.xlsx$/i.test(fileName) || zip) {
    if (!zip) throw new StatementFileError('statements.brokenFile', 'The .xlsx file is not an Excel workbook');
    return { rows: await parseXlsx(bytes), encoding: 'xlsx' };
  }
  const { text, encoding } = decodeStatement(bytes);
  return { rows: await parseCsv(text), encoding };
}

/** Full-width digits and punctuation (１２３．４５) and the ideographic space as their ASCII forms. */
export function halfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Yuan as written on statements ("1,234.50", "１２３．４５", "¥-12.00", "(5.00)", "12.3元") to cents; null when it is not an amount. */
export function parseAmount(text: string): number | null {
  let s = halfWidth(text).trim().replace(/^[¥￥]|元$|^CNY\s*|^RMB\s*/gi, '').replace(/\s/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  s = s.replace(/^[¥￥]/, '');
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(s)) return null;
  const [whole, fraction = ''] = s.replace(/,/g, '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents > 99_999_999_999) return null;
  return negative ? -cents : cents;
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): string | null {
  if (y < 2000 || y > 2100 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}

const DATE_PATTERNS: RegExp[] = [
  // 20261204100000, 202612041000, 20261204
  /^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2})(\d{2})(\d{2})?)?$/,
  // 2026-12-04 10:00:00, 2026/12/4 10:00, 2026.12.04, 2026年12月4日 10:00, 2026年12月4日10时05分
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?\s*[分秒]?)?$/,
];

/** A statement's date (and time, or a separate time cell) as local "YYYY-MM-DDTHH:mm:ss"; null when unreadable. */
export function parseDateTime(dateText: string, timeText = ''): string | null {
  const date = halfWidth(dateText).trim().replace(/\.\d+$/, '');
  let parts: number[] | null = null;
  for (const pattern of DATE_PATTERNS) {
    const m = pattern.exec(date);
    if (m) {
      parts = m.slice(1).map((v) => (v === undefined ? -1 : Number(v)));
      break;
    }
  }
  if (!parts && /^\d{5}(\.\d+)?$/.test(date)) {
    // An Excel serial date left unformatted: days since 1899-12-30.
    const ms = Math.round((Number(date) - 25_569) * 86_400) * 1000;
    const d = new Date(ms);
    parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
  }
  if (!parts) return null;
  const [y = 0, mo = 0, d = 0] = parts;
  let [h = -1, mi = -1, s = -1] = parts.slice(3);
  const time = halfWidth(timeText).trim();
  if (h < 0 && time) {
    const t = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(time) ?? /^(\d{2})(\d{2})(\d{2})?$/.exec(time);
    if (!t) return null;
    [h, mi, s] = [Number(t[1]), Number(t[2]), t[3] === undefined ? 0 : Number(t[3])];
  }
  return validDate(y, mo, d, Math.max(h, 0), Math.max(mi, 0), Math.max(s, 0));
}

/** Failed, cancelled or reversed lines move no money; refunds move it back. */
export function parseStatus(text: string): LineStatus {
  const s = text.trim();
  if (/失败|撤销|冲正|关闭|未支付|拒绝|fail|void|revers|cancel|declin|closed/i.test(s)) return 'failed';
  if (/退|refund/i.test(s)) return 'refund';
  return 'settled';
}

const SYNONYMS: Record<StatementField, RegExp> = {
  date: /^(交易)?(日期时间|时间|日期)$|^交易(发生)?时间$|^(transaction )?(date|time|date ?time)$/i,
  time: /^交易时间$|^时间$|^time$/i,
  terminal: /终端(号|编号|ID)?$|^(terminal|tid)/i,
  amount: /^(交易|订单|结算)?金额(\(元\)|（元）)?$|^amount/i,
  fee: /手续费|^fee/i,
  payType: /卡类型|卡种|支付方式|交易方式|支付类型|^(card|pay(ment)?) ?type/i,
  reference: /参考号|凭证号|流水号|订单号|^(reference|trace|rrn)/i,
  status: /状态|^status/i,
};

/** A mapping guessed from the header names (Chinese portals' and English ones). */
export function guessColumns(headers: string[]): Record<StatementField, string> {
  const out = Object.fromEntries(STATEMENT_FIELDS.map((f) => [f, ''])) as Record<StatementField, string>;
  const taken = new Set<string>();
  const dateHeader = headers.find((h) => /日期/.test(h) && !/时间/.test(h));
  for (const field of ['terminal', 'amount', 'fee', 'payType', 'reference', 'status', 'date', 'time'] as StatementField[]) {
    if (field === 'date' && dateHeader) {
      out.date = dateHeader;
      taken.add(dateHeader);
      continue;
    }
    if (field === 'time' && !dateHeader) continue;
    const header = headers.find((h) => !taken.has(h) && SYNONYMS[field].test(h.trim()));
    if (header) {
      out[field] = header;
      taken.add(header);
    }
  }
  return out;
}

/**
 * The header row: the first of the first 30 rows holding every given column (a remembered
 * mapping), else the first with the most text cells (portals put a title and the merchant's
 * name above it).
 */
export function findHeader(rows: string[][], columns: string[] = []): number {
  const limit = Math.min(rows.length, 30);
  if (columns.length > 0) {
    for (let i = 0; i < limit; i++) {
      const cells = new Set((rows[i] ?? []).map((c) => c.trim()));
      if (columns.every((c) => cells.has(c))) return i;
    }
    return -1;
  }
  let best = -1;
  let bestCount = 0;
  for (let i = 0; i < limit; i++) {
    const count = (rows[i] ?? []).filter((c) => c.trim() !== '' && parseAmount(c) === null && parseDateTime(c) === null).length;
    if (count > bestCount) {
      best = i;
      bestCount = count;
    }
  }
  return best;
}

export interface ReadLines {
  lines: StatementLine[];
  errors: StatementLineError[];
  rows: number;
}

/** The statement lines under the header through the mapping; a line with an unreadable value is left out and named. */
export async function readLines(rows: string[][], mapping: StatementMapping): Promise<ReadLines> {
  const columns = Object.entries(mapping.columns).filter(([, header]) => header) as [StatementField, string][];
  const header = findHeader(rows, columns.map(([, h]) => h));
  if (header < 0) {
    const present = new Set(rows.slice(0, 30).flat().map((c) => c.trim()));
    const missing = columns.filter(([, h]) => !present.has(h));
    return {
      lines: [],
      rows: 0,
      errors: (missing.length ? missing : columns).map(([field, h]) => ({ line: 0, field, messageKey: 'statements.columnMissing', value: h })),
    };
  }
  const headerRow = rows[header] ?? [];
  const index = Object.fromEntries(columns.map(([field, h]) => [field, headerRow.findIndex((c) => c.trim() === h)])) as Partial<Record<StatementField, number>>;
  const cell = (row: string[], field: StatementField) => {
    const i = index[field];
    return i === undefined ? '' : (row[i] ?? '').trim();
  };
  const lines: StatementLine[] = [];
  const errors: StatementLineError[] = [];
  let count = 0;
  for (let r = header + 1; r < rows.length; r++) {
    if (r % STEP_ROWS === 0) await yieldToLoop();
    const row = rows[r] ?? [];
    if (row.every((c) => c.trim() === '')) continue;
    const line = r + 1;
    const dateText = cell(row, 'date');
    // A summary row (合计/总计/Total) under the lines.
    if (/^(合计|总计|小计|汇总|total)/i.test(row.find((c) => c.trim() !== '')?.trim() ?? '')) continue;
    count++;
    const fail = (field: StatementField, messageKey: string, value: string) => errors.push({ line, field, messageKey, value: value.slice(0, 60) });
    const occurredAt = parseDateTime(dateText, cell(row, 'time'));
    const amountText = cell(row, 'amount');
    const amount = parseAmount(amountText);
    const feeText = cell(row, 'fee');
    const fee = feeText === '' ? null : parseAmount(feeText);
    const terminal = halfWidth(cell(row, 'terminal'));
    const before = errors.length;
    if (!occurredAt) fail('date', 'statements.badDate', [dateText, cell(row, 'time')].filter(Boolean).join(' '));
    if (amount === null) fail('amount', 'statements.badAmount', amountText);
    if (feeText !== '' && fee === null) fail('fee', 'statements.badAmount', feeText);
    if (!terminal) fail('terminal', 'statements.terminalMissing', '');
    if (errors.length > before || !occurredAt || amount === null) continue;
    const status = parseStatus(cell(row, 'status'));
    const reference = halfWidth(cell(row, 'reference'));
    const amountCents = status === 'refund' ? -Math.abs(amount) : amount;
    lines.push({
      line,
      terminal,
      occurredAt,
      businessDay: occurredAt.slice(0, 10),
      amountCents,
      feeCents: fee === null ? null : Math.abs(fee),
      payType: cell(row, 'payType').slice(0, 40),
      reference: reference.slice(0, 64),
      status,
      baseKey: reference ? `${terminal}|r:${reference}|${status}` : `${terminal}|${occurredAt}|${amountCents}|${status}`,
    });
  }
  return { lines, errors, rows: count };
}
