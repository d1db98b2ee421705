/**
 * Exports of a date range as CSV or XLSX, written in batches (keyset, no statement held open
 * across awaits) to a temporary name and renamed when complete, so a half-written export never
 * carries the final name.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { TransactionRecord } from '../../../../shared/domain/transactions';
import { finish, tempName } from '../../files/replace-file';

export const EXPORT_COLUMNS: readonly { key: keyof TransactionRecord; header: string; width: number }[] = [
  { key: 'occurredAt', header: 'occurred_at', width: 20 },
  { key: 'businessDay', header: 'business_day', width: 12 },
  { key: 'terminalId', header: 'terminal_id', width: 14 },
  { key: 'kind', header: 'kind', width: 10 },
  { key: 'amountCents', header: 'amount_cents', width: 12 },
  { key: 'cardType', header: 'card_type', width: 10 },
  { key: 'cardName', header: 'card_name', width: 14 },
  { key: 'maskedPan', header: 'masked_pan', width: 20 },
  { key: 'traceNumber', header: 'trace_number', width: 12 },
  { key: 'receiptNumber', header: 'receipt_number', width: 12 },
  { key: 'originalReceiptNumber', header: 'original_receipt_number', width: 12 },
  { key: 'resultCode', header: 'result_code', width: 10 },
  { key: 'tid', header: 'tid', width: 10 },
  { key: 'vu', header: 'vu', width: 16 },
  { key: 'aid', header: 'aid', width: 10 },
];

export type BatchSource = () => TransactionRecord[] | Promise<TransactionRecord[]>;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets never run it as a formula. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function writeCsv(file: string, next: BatchSource): Promise<{ rows: number; bytes: number }> {
  const temp = tempName(file);
  const stream = fs.createWriteStream(temp);
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      stream.write(text, (error) => (error ? reject(error) : resolve()));
    });
  let rows = 0;
  try {
    // A BOM so spreadsheet programs read the UTF-8 (card names, receipt text in Chinese) right.
    await write('\uFEFF' + EXPORT_COLUMNS.map((c) => c.header).join(',') + '\r\n');
    for (;;) {
      const batch = await next();
      if (batch.length === 0) break;
      await write(batch.map((r) => EXPORT_COLUMNS.map((c) => csvField(r[c.key])).join(',')).join('\r\n') + '\r\n');
      rows += batch.length;
    }
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    return { rows, bytes: await finish(temp, file) };
  } catch (error) {
    stream.destroy();
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

export async function writeXlsx(file: string, next: BatchSource): Promise<{ rows: number; bytes: number }> {
  const temp = tempName(file);
  // The streaming writer keeps memory flat for any number of rows.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: temp, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('transactions');
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  let rows = 0;
  try {
    for (;;) {
      const batch = await next();
      if (batch.length === 0) break;
      for (const record of batch) sheet.addRow(EXPORT_COLUMNS.map((c) => record[c.key])).commit();
      rows += batch.length;
    }
    sheet.commit();
    await workbook.commit();
    return { rows, bytes: await finish(temp, file) };
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}
