/**
 * `npm run bench -- statements [--lines N] [--xlsx-lines M]`: a GBK statement of N lines (default
 * 100,000: 10 terminals over 30 days, two of them linked with their payments captured) previewed,
 * imported, imported again, and reconciled; plus an XLSX of M lines (default 20,000). The longest
 * stall of the event loop during each import shows the main process keeps answering.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppCore, type AppCore } from '../../electron/node/app';
import { createLogger } from '../../electron/node/log/logger';
import { FakeLinks } from '../helpers/terminal-links';
import { csvText, encodeGb18030, xlsxBytes } from '../helpers/statements';

const quiet = createLogger({ sink: { write: () => undefined } });

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function lines(count: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < count; i++) {
    const day = 1 + (i % 30);
    const second = Math.floor(i / 30) * 7;
    const at = `2026-11-${pad(day)} ${pad(8 + Math.floor(second / 3600) % 14)}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)}`;
    const cents = 500 + ((i * 7919) % 50_000);
    out.push([at, `LKL${pad(i % 10, 5)}`, (cents / 100).toFixed(2), ((cents * 0.006) / 100).toFixed(2), i % 3 === 0 ? '微信支付' : '银联借记卡', pad(i, 12), '成功']);
  }
  return out;
}

/** Runs fn, timing it and the longest gap between ticks of a 5 ms timer (how long the loop was blocked). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; maxStallMs: number; value: T }> {
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 10));
  clearInterval(timer);
  return { ms: Math.round(ms), maxStallMs: Math.round(maxGap), value };
}

async function call<T>(core: AppCore, method: Parameters<AppCore['dispatch']>[0], input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as T;
}

export async function run(args: string[]): Promise<unknown> {
  const count = option(args, '--lines', 100_000);
  const xlsxCount = option(args, '--xlsx-lines', 20_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poscare-bench-statements-'));
  const core = createAppCore({ dataDir: dir, mode: 'browser', logger: quiet, terminalLinks: new FakeLinks(), resolveHost: () => Promise.resolve(true) });
  try {
    const rows = lines(count);
    for (let t = 0; t < 10; t++) await call(core, 'devices.create', { name: `POS ${t}`, tid: `LKL${pad(t, 5)}`, connection: { type: 'tcp', host: '127.0.0.1', port: 20000 + t } });
    const devices = core.services.devices.list();
    // Terminals 0 and 1 are linked: their payments were captured (one in a hundred missing).
    rows.forEach((r, i) => {
      if (i % 10 > 1 || i % 100 === 0) return;
      const device = devices.find((d) => d.tid === r[1])!;
      core.services.transactions.capture({ terminalId: device.id, traceNumber: i % 1_000_000, receiptNumber: i % 10_000, occurredAt: r[0]!.replace(' ', 'T'), amountCents: Math.round(Number(r[2]) * 100), kind: 'payment' });
    });
    const bytes = encodeGb18030(csvText([['拉卡拉商户交易明细'], ['交易时间', '终端号', '交易金额', '手续费', '卡类型', '参考号', '交易状态'], ...rows]));
    const dataBase64 = bytes.toString('base64');
    const mapping = { acquirer: '拉卡拉', columns: { date: '交易时间', terminal: '终端号', amount: '交易金额', fee: '手续费', payType: '卡类型', reference: '参考号', status: '交易状态' }, feeRateBp: 60 };
    const preview = await timed(() => call(core, 'statements.preview', { fileName: 'big.csv', dataBase64 }));
    const first = await timed(() => call<{ added: number }>(core, 'statements.import', { fileName: 'big.csv', dataBase64, mapping }));
    const again = await timed(() => call<{ status: string }>(core, 'statements.import', { fileName: 'big.csv', dataBase64, mapping }));
    const findings = await timed(() => call<{ findings: { kind: string }[] }>(core, 'statements.findings', { from: '2026-11-01', to: '2026-11-30' }));
    const byKind: Record<string, number> = {};
    for (const f of findings.value.findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;

    const xlsx = await xlsxBytes([['交易时间', '终端号', '交易金额', '手续费', '卡类型', '参考号', '交易状态'], ...lines(xlsxCount).map((r) => r.map((c, i) => (i === 1 ? c.replace('LKL', 'XLS') : c)))]);
    const xlsxImport = await timed(() => call<{ added: number }>(core, 'statements.import', { fileName: 'big.xlsx', dataBase64: xlsx.toString('base64'), mapping: { ...mapping, acquirer: 'xlsx' } }));
    return {
      csv: { lines: count, bytes: bytes.length, encoding: 'gb18030' },
      previewMs: preview.ms,
      import: { ms: first.ms, maxEventLoopStallMs: first.maxStallMs, added: first.value.added, linesPerSecond: Math.round((count / first.ms) * 1000) },
      importAgain: { ms: again.ms, status: again.value.status },
      findings: { ms: findings.ms, maxEventLoopStallMs: findings.maxStallMs, count: findings.value.findings.length, byKind },
      xlsx: { lines: xlsxCount, bytes: xlsx.length, importMs: xlsxImport.ms, maxEventLoopStallMs: xlsxImport.maxStallMs, added: xlsxImport.value.added },
    };
  } finally {
    core.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
