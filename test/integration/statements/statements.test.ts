/**
 * Acquirer statements end to end through the API on a real SQLite file: a Lakala-style GBK CSV
 * (title rows, full-width digits, thousand separators, four date formats, a duplicate, a failed
 * line, a total row) and a Meituan-style XLSX, reconciled against captured records of a linked
 * terminal and hand-entered day totals of a standalone one: every finding kind, imports that
 * repeat add nothing, and bad files that import nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import type { StatementFinding, StatementImportResult, StatementMappingInput } from '../../../shared/domain/statements';
import { METHOD_NAMES } from '../../../shared/ipc/contract';
import { FakeClock } from '../../helpers/clock';
import { call } from '../../helpers/dispatch';
import { b64, csvText, encodeGb18030, xlsxBytes } from '../../helpers/statements';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const LAKALA: StatementMappingInput = {
  acquirer: '拉卡拉',
  columns: { date: '交易时间', terminal: '终端号', amount: '交易金额(元)', fee: '手续费', payType: '卡类型', reference: '凭证号', status: '交易状态' },
  feeRateBp: 60,
};
const HEADER = ['交易时间', '终端号', '交易金额(元)', '手续费', '卡类型', '凭证号', '交易状态'];
const LINES = [
  ['2026-12-03 10:00:05', 'LKL00001', '1,234.50', '7.41', '银联借记卡', '000101', '成功'],
  // Captured as 120.00: the acquirer settled 123.45.
  ['2026/12/3 11:00', 'LKL00001', '１２３．４５', '０．７４', '微信支付', '000102', '成功'],
  // Fee 1.00 on 88.00 at 0.60 % (0.53 allowed).
  ['20261203120000', 'LKL00001', '88.00', '1.00', '支付宝', '000103', '成功'],
  // Never captured, and listed twice.
  ['2026年12月3日 13:00', 'LKL00001', '50.00', '0.30', '云闪付', '000999', '成功'],
  ['2026年12月3日 13:00', 'LKL00001', '50.00', '0.30', '云闪付', '000999', '成功'],
  ['2026-12-03 13:30:00', 'LKL00001', '9.99', '0.00', '银联贷记卡', '000105', '交易失败'],
  // The standalone terminal: 100.00 + 20.00 settled, staff entered 110.00.
  ['2026-12-03 09:00:00', 'MT000002', '100.00', '0.60', '微信支付', '000001', '成功'],
  ['2026-12-03 15:00:00', 'MT000002', '20.00', '0.12', '支付宝', '000002', '成功'],
];
function lakalaCsv(lines = LINES): string {
  return csvText([['拉卡拉商户交易明细'], ['商户编号：822100012345678', '', '商户名称：小王便利店'], [], HEADER, ...lines, ['合计', '', '1,675.44']]);
}

async function shop() {
  const temp = tempDir();
  const clock = new FakeClock(Date.parse('2026-12-04T02:00:00Z'));
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  const linked = await call<{ id: string }>(core, 'devices.create', { name: '1号收银台', tid: 'LKL00001', connection: { type: 'tcp', host: '127.0.0.1', port: 20007 } });
  const standalone = await call<{ id: string }>(core, 'devices.create', { name: '美团POS', tid: 'MT000002', connection: { type: 'none' } });
  const pay = (trace: number, at: string, cents: number) =>
    core.services.transactions.capture({ terminalId: linked.id, traceNumber: trace, receiptNumber: trace, occurredAt: at, amountCents: cents, kind: 'payment' });
  pay(101, '2026-12-03T10:00:00', 123_450);
  pay(102, '2026-12-03T11:00:10', 12_000);
  pay(103, '2026-12-03T12:00:02', 8_800);
  // Captured, never settled.
  pay(104, '2026-12-03T14:00:00', 3_000);
  await call(core, 'statements.saveHandTotal', { deviceId: standalone.id, businessDay: '2026-12-03', count: 2, amountCents: 11_000 });
  return { core, linked, standalone };
}

const lineCount = (core: AppCore) => (core.db.prepare('SELECT COUNT(*) AS n FROM statement_lines').get() as { n: number }).n;
const findings = (core: AppCore) => call<{ findings: StatementFinding[] }>(core, 'statements.findings', { from: '2026-12-01', to: '2026-12-04' }).then((r) => r.findings);
const kinds = (list: StatementFinding[]) => list.map((f) => f.kind).sort();

describe('acquirer statements', () => {
  it('reads a GBK statement with title rows, finds every kind of finding, and a second import of the file changes nothing', async () => {
    const { core, linked, standalone } = await shop();
    const bytes = encodeGb18030(lakalaCsv());
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();

    const preview = await call<{ encoding: string; headers: string[]; guessed: Record<string, string>; alreadyImported: boolean }>(core, 'statements.preview', { fileName: '拉卡拉对账单.csv', dataBase64: b64(bytes) });
    expect(preview.encoding).toBe('gb18030');
    expect(preview.headers).toEqual(HEADER);
    expect(preview.guessed).toMatchObject({ date: '交易时间', terminal: '终端号', amount: '交易金额(元)', fee: '手续费', payType: '卡类型', reference: '凭证号', status: '交易状态' });
    expect(preview.alreadyImported).toBe(false);

    const first = await call<StatementImportResult>(core, 'statements.import', { fileName: '拉卡拉对账单.csv', dataBase64: b64(bytes), mapping: LAKALA });
    expect(first).toMatchObject({ status: 'imported', rows: 8, added: 8, known: 0, errorCount: 0, from: '2026-12-03', to: '2026-12-03' });

    const list = await findings(core);
    expect(kinds(list)).toEqual(['amount_mismatch', 'amount_mismatch', 'captured_not_settled', 'duplicate', 'fee_above_rate', 'settled_not_captured']);
    const byKind = (kind: string, deviceId: string) => list.find((f) => f.kind === kind && f.deviceId === deviceId);
    expect(byKind('amount_mismatch', linked.id)).toMatchObject({ reference: '000102', statementCents: 12_345, posCareCents: 12_000, lines: [6] });
    expect(byKind('amount_mismatch', standalone.id)).toMatchObject({ businessDay: '2026-12-03', statementCents: 12_000, statementCount: 2, posCareCents: 11_000, posCareCount: 2 });
    expect(byKind('fee_above_rate', linked.id)).toMatchObject({ reference: '000103', feeCents: 100, allowedFeeCents: 53 });
    expect(byKind('settled_not_captured', linked.id)).toMatchObject({ reference: '000999', occurredAt: '2026-12-03T13:00:00', statementCents: 5_000 });
    expect(byKind('duplicate', linked.id)).toMatchObject({ reference: '000999', statementCount: 2, lines: [8, 9] });
    expect(byKind('captured_not_settled', linked.id)).toMatchObject({ occurredAt: '2026-12-03T14:00:00', posCareCents: 3_000 });

    // The same file again: nothing added, the same findings.
    const again = await call<StatementImportResult>(core, 'statements.import', { fileName: 'copy.csv', dataBase64: b64(bytes), mapping: LAKALA });
    expect(again).toMatchObject({ status: 'already_imported', added: 0, importId: first.importId });
    expect(lineCount(core)).toBe(8);
    expect(await findings(core)).toEqual(list);
    expect((await call<{ alreadyImported: boolean }>(core, 'statements.preview', { fileName: 'x.csv', dataBase64: b64(bytes) })).alreadyImported).toBe(true);

    // The mapping is remembered for the acquirer.
    const remembered = await call<{ mapping: { feeRateBp: number } | null }>(core, 'statements.preview', { fileName: 'x.csv', dataBase64: b64(bytes), acquirer: '拉卡拉' });
    expect(remembered.mapping).toMatchObject({ acquirer: '拉卡拉', feeRateBp: 60 });

    // Staff correct the hand total: the standalone day reconciles.
    await call(core, 'statements.saveHandTotal', { deviceId: standalone.id, businessDay: '2026-12-03', count: 2, amountCents: 12_000 });
    expect((await findings(core)).filter((f) => f.deviceId === standalone.id)).toEqual([]);
  });

  it('an overlapping UTF-8 download adds only its new lines', async () => {
    const { core } = await shop();
    await call(core, 'statements.import', { fileName: 'a.csv', dataBase64: b64(encodeGb18030(lakalaCsv())), mapping: LAKALA });
    const more = [...LINES, ['2026-12-04 08:00:00', 'LKL00001', '15.00', '0.09', '微信支付', '000106', '成功']];
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lakalaCsv(more))]);
    const result = await call<StatementImportResult>(core, 'statements.import', { fileName: 'b.csv', dataBase64: b64(utf8), mapping: LAKALA });
    expect(result).toMatchObject({ status: 'imported', rows: 9, added: 1, known: 8 });
    expect(lineCount(core)).toBe(9);
    expect((await findings(core)).filter((f) => f.kind === 'duplicate')).toHaveLength(1);
  });

  it('reads an XLSX statement with date cells and separate date and time columns', async () => {
    const { core, linked } = await shop();
    const rows: (string | number | Date)[][] = [
      ['美团收单 交易明细'],
      ['交易日期', '交易时间', '终端编号', '订单金额', '手续费', '支付方式', '流水号', '状态'],
      [new Date(Date.UTC(2026, 11, 3)), '10:00:01', 'LKL00001', 1234.5, 7.41, '银联借记卡', '101', '支付成功'],
      [new Date(Date.UTC(2026, 11, 3)), '11:00:00', 'LKL00001', 120, 0.72, '微信支付', '102', '支付成功'],
      [new Date(Date.UTC(2026, 11, 3, 12, 0, 1)), '', 'LKL00001', 88, 0.53, '支付宝', '103', '支付成功'],
      [new Date(Date.UTC(2026, 11, 3)), '14:00:00', 'LKL00001', 30, 0.18, '云闪付', '104', '支付成功'],
      [new Date(Date.UTC(2026, 11, 3)), '16:00:00', 'LKL00001', -20, 0, '微信支付', '201', '退款成功'],
    ];
    const preview = await call<{ encoding: string; guessed: Record<string, string> }>(core, 'statements.preview', { fileName: 'meituan.xlsx', dataBase64: b64(await xlsxBytes(rows)) });
    expect(preview.encoding).toBe('xlsx');
    expect(preview.guessed).toMatchObject({ date: '交易日期', time: '交易时间', terminal: '终端编号', amount: '订单金额', reference: '流水号', status: '状态' });
    const mapping = { acquirer: '美团', columns: preview.guessed, feeRateBp: 60 };
    const result = await call<StatementImportResult>(core, 'statements.import', { fileName: 'meituan.xlsx', dataBase64: b64(await xlsxBytes(rows)), mapping });
    expect(result).toMatchObject({ status: 'imported', rows: 5, added: 5 });
    const list = await findings(core);
    // The refund was never captured; everything else matches the captured records.
    expect(list.map((f) => [f.kind, f.deviceId, f.statementCents])).toEqual([['settled_not_captured', linked.id, -2_000]]);
  });

  it('names the line and field of every unreadable value and imports nothing unless asked for the good lines', async () => {
    const { core } = await shop();
    const bad = [...LINES.slice(0, 3), ['2026-13-03 10:00', 'LKL00001', '5.00', '', '', '000201', '成功'], ['2026-12-03 10:05', 'LKL00001', '5,00.0', '', '', '000202', '成功']];
    const data = b64(encodeGb18030(lakalaCsv(bad)));
    const refused = await call<StatementImportResult>(core, 'statements.import', { fileName: 'bad.csv', dataBase64: data, mapping: LAKALA });
    expect(refused).toMatchObject({ status: 'has_errors', added: 0, errorCount: 2 });
    expect(refused.errors).toEqual([
      { line: 8, field: 'date', messageKey: 'statements.badDate', value: '2026-13-03 10:00' },
      { line: 9, field: 'amount', messageKey: 'statements.badAmount', value: '5,00.0' },
    ]);
    expect(lineCount(core)).toBe(0);
    const good = await call<StatementImportResult>(core, 'statements.import', { fileName: 'bad.csv', dataBase64: data, mapping: LAKALA, importGoodLines: true });
    expect(good).toMatchObject({ status: 'imported', added: 3, errorCount: 2 });
    expect(lineCount(core)).toBe(3);
  });

  it('refuses a file of another acquirer, unknown columns, a mis-encoded file and a broken workbook', async () => {
    const { core } = await shop();
    await call(core, 'statements.import', { fileName: 'a.csv', dataBase64: b64(encodeGb18030(lakalaCsv())), mapping: LAKALA });
    const meituan = csvText([['交易日期', '交易时间', '终端编号', '订单金额', '流水号'], ['2026-12-03', '10:00', 'LKL00001', '1.00', '1']]);
    const mapping = { acquirer: '美团', columns: { date: '交易日期', time: '交易时间', terminal: '终端编号', amount: '订单金额', reference: '流水号' } };
    await call(core, 'statements.import', { fileName: 'm.csv', dataBase64: b64(meituan), mapping });
    const before = lineCount(core);

    // The Lakala file under the Meituan mapping: its columns are missing, and the file is Lakala's.
    const wrong = await call<StatementImportResult>(core, 'statements.import', { fileName: 'b.csv', dataBase64: b64(lakalaCsv()), mapping });
    expect(wrong.status).toBe('has_errors');
    expect(wrong.errors[0]).toEqual({ line: 0, field: 'acquirer', messageKey: 'statements.otherAcquirer', value: '拉卡拉' });
    expect(wrong.errors).toContainEqual({ line: 0, field: 'date', messageKey: 'statements.columnMissing', value: '交易日期' });

    const unknown = csvText([['时间', '终端', '金额'], ['2026-12-03 10:00', 'LKL00001', '1.00']]);
    const noColumns = await call<StatementImportResult>(core, 'statements.import', { fileName: 'u.csv', dataBase64: b64(unknown), mapping: LAKALA });
    expect(noColumns.errors.map((e) => e.value)).toEqual(['交易时间', '终端号', '交易金额(元)', '手续费', '卡类型', '凭证号', '交易状态']);

    const garbage = await core.dispatch('statements.import', { fileName: 'g.csv', dataBase64: b64(Buffer.from([0x61, 0x2c, 0xff, 0xff, 0x0a])), mapping: LAKALA });
    expect(garbage.ok ? null : garbage.error.details).toMatchObject({ issues: [{ messageKey: 'statements.badEncoding' }] });
    const workbook = await core.dispatch('statements.import', { fileName: 'g.xlsx', dataBase64: b64(Buffer.from('PK\x03\x04 not a zip')), mapping: LAKALA });
    expect(workbook.ok ? null : workbook.error.details).toMatchObject({ issues: [{ messageKey: 'statements.brokenFile' }] });
    const notAFile = await core.dispatch('statements.import', { fileName: 'g.pdf', dataBase64: 'AAAA', mapping: LAKALA });
    expect(notAFile.ok ? null : notAFile.error.code).toBe('validation');
    expect(lineCount(core)).toBe(before);
  });

  it('refuses malformed input to every statements method with a validation error, never an internal one', async () => {
    const { core } = await shop();
    const wrong: string[] = [];
    for (const method of METHOD_NAMES.filter((m) => m.startsWith('statements.'))) {
      for (const input of [42, 'x', [], { from: '2026-02-30', to: '2026-01-01' }, { fileName: 'a.csv', dataBase64: '', mapping: { acquirer: '', columns: {} } }, { deviceId: '', businessDay: '2026-13-01', count: -1, amountCents: 1.5 }]) {
        const result = await core.dispatch(method, input);
        if (result.ok || result.error.code !== 'validation') wrong.push(`${method} ${JSON.stringify(input)} -> ${result.ok ? 'ok' : result.error.code}`);
      }
    }
    expect(wrong).toEqual([]);
    const tooLong = await core.dispatch('statements.findings', { from: '2026-01-01', to: '2026-12-31' });
    expect(tooLong.ok ? null : tooLong.error.details?.issues?.[0]?.messageKey).toBe('transactions.rangeTooLong');
  });

  it('refuses a hand total for an unknown device, and for a linked one (PosCare captures its end-of-day)', async () => {
    const { core, linked } = await shop();
    const result = await core.dispatch('statements.saveHandTotal', { deviceId: 'nope', businessDay: '2026-12-03', count: 1, amountCents: 100 });
    expect(result.ok ? null : result.error.code).toBe('not_found');
    const forLinked = await core.dispatch('statements.saveHandTotal', { deviceId: linked.id, businessDay: '2026-12-03', count: 1, amountCents: 100 });
    expect(forLinked.ok ? null : forLinked.error.details?.issues?.[0]?.messageKey).toBe('statements.linkedDevice');
  });
});
