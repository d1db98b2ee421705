/**
 * The spare-parts catalogue as CSV, without I/O: the export (one line per part, with what is on
 * hand for reading only: stock changes only by movements) and the reading of an import into
 * candidate lines the service checks. A category may be written as its id or as its name in
 * either language; compatible models are separated by ";" (or "；", "|").
 */
import { PART_CATEGORIES, type Part, type PartCategory } from '../../../../shared/domain/parts';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';
import { parseCsv, toCsvLine } from '../devices/csv';

export const CATALOGUE_COLUMNS = [
  'id',
  'partNumber',
  'name',
  'category',
  'barcode',
  'compatibleModels',
  'location',
  'supplier',
  'supplierContact',
  'unitCost',
  'minimumStock',
  'reorderQuantity',
  'notes',
  'onHand',
] as const;

/** The columns an import needs; the others may be left out. */
export const REQUIRED_COLUMNS = ['partNumber', 'name', 'category'] as const;

export function catalogueCsv(parts: readonly Part[]): string {
  const lines = [toCsvLine(CATALOGUE_COLUMNS)];
  for (const p of parts) {
    lines.push(
      toCsvLine([
        p.id, p.partNumber, p.name, p.category, p.barcode, p.compatibleModels.join(';'), p.location, p.supplier, p.supplierContact,
        p.unitCost.toFixed(2), p.minimumStock, p.reorderQuantity, p.notes, p.onHand,
      ]),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A category id from its id or its name in either language (case-insensitive); the text itself when unknown (the schema names it). */
export function categoryOf(text: string): PartCategory | string {
  const wanted = text.trim().toLowerCase();
  for (const id of PART_CATEGORIES) {
    if (id === wanted || en.parts.categories[id].toLowerCase() === wanted || zhCN.parts.categories[id].toLowerCase() === wanted) return id;
  }
  return text.trim();
}

/** A number cell: empty is the default, "1,234.50" and full-width digits are read as numbers, anything else stays text for the schema to refuse. */
function numberCell(text: string, fallback: number): number | string {
  const normal = text.trim().replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/,/g, '');
  if (normal === '') return fallback;
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : text;
}

export interface CatalogueLine {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  id: string;
  /** The catalogue fields as read, for PartFields to check. */
  candidate: Record<string, unknown>;
}

/** The file's lines as candidates; `missing` names required columns the header lacks. */
export function readCatalogueCsv(text: string): { missing: string[]; lines: CatalogueLine[] } {
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim()) ?? [];
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  const lines: CatalogueLine[] = [];
  for (let index = 1; index < rows.length; index += 1) {
    const cells = rows[index] ?? [];
    const value = (column: string): string => (header.includes(column) ? (cells[header.indexOf(column)] ?? '').trim() : '');
    lines.push({
      line: index + 1,
      id: value('id'),
      candidate: {
        partNumber: value('partNumber'),
        name: value('name'),
        category: categoryOf(value('category')),
        barcode: value('barcode'),
        compatibleModels: value('compatibleModels').split(/[;；|]/).map((m) => m.trim()).filter((m) => m),
        location: value('location'),
        supplier: value('supplier'),
        supplierContact: value('supplierContact'),
        unitCost: numberCell(value('unitCost'), 0),
        minimumStock: numberCell(value('minimumStock'), 0),
        reorderQuantity: numberCell(value('reorderQuantity'), 0),
        notes: value('notes'),
      },
    });
  }
  return { missing, lines };
}
