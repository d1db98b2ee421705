/**
 * Issue 13, item 7: the catalogue as CSV, out and back in. Same rules as the device CSV: every
 * line is checked first, all or nothing is written, every bad line and field is named; stock is
 * never changed by an import (on hand is the ledger's).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import type { CsvImportResult } from '../../../shared/domain/csv';
import type { Part } from '../../../shared/domain/parts';
import type { Result } from '../../../shared/ipc/result';
import { FakeClock } from '../../helpers/clock';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../devices/fakes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function setup(): AppCore {
  const temp = tempDir();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock: new FakeClock(), resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  return core;
}

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value as T;
}

const list = async (core: AppCore) => value<Part[]>(await core.dispatch('parts.list', {}));
const importCsv = async (core: AppCore, csv: string) => value<CsvImportResult>(await core.dispatch('parts.importCsv', { csv }));

describe('the parts catalogue as CSV', () => {
  it('exports every part and imports the file back unchanged into another shop; a re-import updates instead of doubling', async () => {
    const source = setup();
    const adapter = value<Part>(await source.dispatch('parts.create', { name: '电源适配器 12V', partNumber: 'PSU-12V', category: 'power_adapter', minimumStock: 3, reorderQuantity: 4, unitCost: 45.5, supplier: '深圳某某电子', compatibleModels: ['VX 520', 'A920'], notes: 'line one, "quoted"\nline two' }));
    await source.dispatch('parts.create', { name: '=HYPERLINK("x")', partNumber: 'PAPER-57', category: 'paper_roll', barcode: '6920000000019' });
    await source.dispatch('parts.move', { partId: adapter.id, kind: 'receive', quantity: 7 });
    const { csv } = value<{ csv: string }>(await source.dispatch('parts.exportCsv', {}));
    expect(csv.split('\r\n')[0]).toBe('id,partNumber,name,category,barcode,compatibleModels,location,supplier,supplierContact,unitCost,minimumStock,reorderQuantity,notes,onHand');

    const target = setup();
    // Another shop's catalogue: the ids of the file are not its own, so the parts are created.
    expect(await importCsv(target, csv)).toEqual({ created: 2, updated: 0, errors: [] });
    const imported = await list(target);
    const strip = (parts: Part[]) => parts.map(({ id: _id, onHand: _onHand, createdAt: _c, updatedAt: _u, belowMinimum: _b, daysOfCover: _d, ...rest }) => rest).sort((a, b) => a.partNumber.localeCompare(b.partNumber));
    expect(strip(imported)).toEqual(strip(await list(source)));
    // Stock comes only from movements: the import leaves on hand at zero.
    expect(imported.every((p) => p.onHand === 0)).toBe(true);

    // The same file again, with a changed minimum: matched by part number, updated, not doubled.
    const again = csv.replace(',45.50,3,4,', ',45.50,5,4,');
    expect(again).not.toBe(csv);
    expect(await importCsv(target, again)).toEqual({ created: 0, updated: 2, errors: [] });
    const after = await list(target);
    expect(after).toHaveLength(2);
    expect(after.find((p) => p.partNumber === 'PSU-12V')!.minimumStock).toBe(5);
  });

  it('writes nothing when any line is wrong and names every bad line and field', async () => {
    const core = setup();
    await core.dispatch('parts.create', { name: 'Cable', partNumber: 'CBL-USB', category: 'cable', barcode: '6920000000026' });
    const before = await list(core);
    const csv = [
      'partNumber,name,category,barcode,unitCost,minimumStock',
      'PSU-12V,电源适配器,电源适配器,,"1,234.50",３', // category by its Chinese name, thousands separator, full-width digit: fine
      'PAPER-57,,paper_roll,,0,2', // no name
      'BAT-1,Battery,spaceship,,0,1', // unknown category
      'BAT-2,Battery 2,battery,6920000000026,0,1', // barcode of CBL-USB
      'psu-12v,Again,other,,0,1', // the part number of line 2, other case
      'X-1,Broken,other,,12.345,-1', // fen fractions, negative minimum
    ].join('\n');
    const result = await importCsv(core, csv);
    expect(result.created + result.updated).toBe(0);
    expect(result.errors).toEqual([
      { line: 2, issues: [{ path: 'partNumber', messageKey: 'parts.duplicatePartNumber' }] },
      { line: 3, issues: [{ path: 'name', messageKey: 'parts.nameRequired' }] },
      { line: 4, issues: [{ path: 'category', messageKey: 'parts.unknownCategory' }] },
      { line: 5, issues: [{ path: 'barcode', messageKey: 'parts.duplicateBarcode' }] },
      { line: 6, issues: [{ path: 'partNumber', messageKey: 'parts.duplicatePartNumber' }] },
      { line: 7, issues: [expect.objectContaining({ path: 'unitCost' }), expect.objectContaining({ path: 'minimumStock' })] },
    ]);
    expect(await list(core)).toEqual(before);

    // The good lines alone go in, with the numbers read as the manager wrote them.
    expect(await importCsv(core, [csv.split('\n')[0], csv.split('\n')[1]].join('\n'))).toEqual({ created: 1, updated: 0, errors: [] });
    const psu = (await list(core)).find((p) => p.partNumber === 'PSU-12V')!;
    expect(psu).toMatchObject({ category: 'power_adapter', unitCost: 1234.5, minimumStock: 3 });
  });

  it('refuses a file without the required columns, and two lines for one part, changing nothing', async () => {
    const core = setup();
    const missing = await core.dispatch('parts.importCsv', { csv: 'name,category\nCable,cable\n' });
    expect(missing.ok ? '' : missing.error.details?.issues?.[0]?.messageKey).toBe('parts.csvMissingColumns');
    const cable = value<Part>(await core.dispatch('parts.create', { name: 'Cable', partNumber: 'CBL', category: 'cable' }));
    const twice = await importCsv(core, `id,partNumber,name,category\n${cable.id},CBL-2,Cable renamed,cable\n,cbl,Cable again,cable\n`);
    expect(twice.errors).toEqual([{ line: 3, issues: [{ path: 'id', messageKey: 'parts.csvSamePartTwice' }] }]);
    expect(await list(core)).toEqual([cable]);
  });
});
