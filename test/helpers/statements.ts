/**
 * Statement files as acquirers' portals export them, made in the test: CSV in GBK (GB18030) or
 * UTF-8, and XLSX through exceljs. Node has no GB18030 encoder (TextDecoder decodes only), so the
 * table is built by decoding every two-byte GBK code once.
 */
import ExcelJS from 'exceljs';

let table: Map<string, number[]> | undefined;

/** Text -> GB18030 bytes (ASCII and the two-byte GBK range, which holds every character of a statement). */
export function encodeGb18030(text: string): Buffer {
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(Uint8Array.of(lead, trail));
        if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, [lead, trail]);
      }
    }
  }
  const out: number[] = [];
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(char);
      if (!bytes) throw new Error(`No GBK code for ${char}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}

export function csvText(rows: (string | number)[][]): string {
  return rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n') + '\r\n';
}

/** An XLSX workbook of the rows; Date values become date cells (as the portals' exports have them). */
export async function xlsxBytes(rows: (string | number | Date)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('交易明细');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
