/**
 * What the statements ask of the manager (attention service, section transactions): the
 * differences of the last month's statements, and the standalone terminals' statement days that
 * cannot be reconciled because their end-of-day total was not entered by hand. Real SQLite.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import type { AttentionItem, AttentionState } from '../../../shared/domain/attention';
import type { StatementImportResult, StatementMappingInput } from '../../../shared/domain/statements';
import { FakeClock } from '../../helpers/clock';
import { call } from '../../helpers/dispatch';
import { b64, csvText } from '../../helpers/statements';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const MEITUAN: StatementMappingInput = { acquirer: '美团', columns: { date: '交易时间', terminal: '终端号', amount: '交易金额' } };
const HEADER = ['交易时间', '终端号', '交易金额'];

async function shop() {
  const temp = tempDir();
  // 10:00 in Shanghai on 4 December.
  const clock = new FakeClock(Date.parse('2026-12-04T02:00:00Z'));
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  const standalone = await call<{ id: string }>(core, 'devices.create', { name: '美团POS', tid: 'MT000002', connection: { type: 'none' } });
  const statementItems = async (): Promise<AttentionItem[]> => (await call<AttentionState>(core, 'attention.list', {})).items.filter((i) => i.kind.startsWith('statements.'));
  const importCsv = (name: string, lines: string[][]) =>
    call<StatementImportResult>(core, 'statements.import', { fileName: name, dataBase64: b64(csvText([HEADER, ...lines])), mapping: MEITUAN });
  return { core, clock, standalone, statementItems, importCsv, dir: temp.dir };
}

describe('statement attention items', () => {
  it('are none before any statement is imported', async () => {
    const { statementItems } = await shop();
    expect(await statementItems()).toEqual([]);
  });

  it('ask for the hand totals of a standalone terminal\'s statement days, and clear as they are entered', async () => {
    const { core, standalone, statementItems, importCsv } = await shop();
    await importCsv('meituan-1202-1203.csv', [
      ['2026-12-02 09:00:00', 'MT000002', '50.00'],
      ['2026-12-03 09:00:00', 'MT000002', '100.00'],
      ['2026-12-03 15:00:00', 'MT000002', '20.00'],
    ]);
    expect(await statementItems()).toEqual([
      expect.objectContaining({ kind: 'statements.handTotalMissing', section: 'transactions', severity: 'warning', count: 2, textKey: 'statements.attention.handTotalMissing', params: { count: 2 }, link: '/transactions?tab=statements' }),
    ]);
    await call(core, 'statements.saveHandTotal', { deviceId: standalone.id, businessDay: '2026-12-02', count: 1, amountCents: 5_000 });
    expect((await statementItems()).map((i) => [i.kind, i.count])).toEqual([['statements.handTotalMissing', 1]]);
    // A total that does not match the statement is a difference, no longer a missing total.
    await call(core, 'statements.saveHandTotal', { deviceId: standalone.id, businessDay: '2026-12-03', count: 2, amountCents: 11_000 });
    expect((await statementItems()).map((i) => [i.kind, i.count])).toEqual([['statements.differences', 1]]);
    // Corrected: nothing left to look at.
    await call(core, 'statements.saveHandTotal', { deviceId: standalone.id, businessDay: '2026-12-03', count: 2, amountCents: 12_000 });
    expect(await statementItems()).toEqual([]);
  });

  it('count the differences of the last month (an unknown terminal, a duplicate), announce a new import once, and leave out older days', async () => {
    const { core, clock, statementItems, importCsv } = await shop();
    const first = await importCsv('meituan-a.csv', [
      ['2026-12-03 10:00:00', 'XX999999', '30.00'],
      ['2026-12-03 11:00:00', 'XX999999', '40.00'],
      ['2026-12-03 11:00:00', 'XX999999', '40.00'],
      // Older than a month: not counted.
      ['2026-10-01 11:00:00', 'XX999999', '40.00'],
    ]);
    const items = await statementItems();
    // settled_not_captured for the unknown terminal on 3 December, and the duplicate line.
    expect(items).toEqual([expect.objectContaining({ id: `statements.differences:${first.importId}`, kind: 'statements.differences', count: 2 })]);
    const notices: string[] = [];
    core.bus.subscribe((name, payload) => {
      if (name === 'attention.changed') notices.push(...(payload as { notices: { id: string; phase: string }[] }).notices.filter((n) => n.phase === 'appeared').map((n) => n.id));
    });
    const second = await importCsv('meituan-b.csv', [['2026-12-04 09:00:00', 'XX999999', '10.00']]);
    expect((await statementItems())[0]).toMatchObject({ id: `statements.differences:${second.importId}`, count: 3 });
    expect(notices.filter((id) => id.startsWith('statements.'))).toEqual([`statements.differences:${second.importId}`]);
    // Five weeks later (the attention tick reads the sources again), the December days are out of the window.
    clock.time += 35 * 86_400_000;
    core.services.attention.refresh('transactions');
    expect(await statementItems()).toEqual([]);
  });

  it('are worked out again from the restored database after a restore (nothing kept from before)', async () => {
    const { core, statementItems, importCsv, dir } = await shop();
    const folder = `${dir}-usb`;
    mkdirSync(folder, { recursive: true });
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    // A backup with the same statement imported but its totals entered: nothing to ask.
    const lines = [['2026-12-03 09:00:00', 'MT000002', '100.00']];
    await importCsv('meituan.csv', lines);
    const standaloneId = core.services.devices.list()[0]!.id;
    await call(core, 'statements.saveHandTotal', { deviceId: standaloneId, businessDay: '2026-12-03', count: 1, amountCents: 10_000 });
    const backup = await core.services.backup.create({ folder: path.resolve(folder), noEncryption: true });
    expect(await statementItems()).toEqual([]);
    // Then the total is corrected wrongly: a difference.
    await call(core, 'statements.saveHandTotal', { deviceId: standaloneId, businessDay: '2026-12-03', count: 1, amountCents: 9_000 });
    expect((await statementItems()).map((i) => i.kind)).toEqual(['statements.differences']);
    await core.services.backup.restore({ file: backup.file!, confirm: true }, { drill: false });
    expect(await statementItems()).toEqual([]);
  });
});
