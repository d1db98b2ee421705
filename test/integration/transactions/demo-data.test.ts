import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../electron/node/app';
import { demoDataCommand } from '../../../electron/node/cli/demo-data';
import { openDatabase } from '../../../electron/node/db/connection';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

async function demo(dir: string, args: string[] = []): Promise<Record<string, unknown>> {
  let out = '';
  const io = { stdout: (text: string) => void (out += text), stderr: () => undefined, env: {}, stopped: new Promise<void>(() => undefined) };
  expect(await demoDataCommand.run(['--data', dir, '--transactions', '600', '--days', '2', ...args], io as never)).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

describe('poscare demo-data', () => {
  it('writes for the terminals the manager registered, so the data shows under their names and TIDs, in a Chinese shop', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), resolveHost: () => Promise.resolve(true) });
    const counter = await core.services.devices.create(DeviceCreate.parse({ name: '收银台 1', tid: '88880001', connection: { type: 'serial', path: 'COM3' } }));
    const bar = await core.services.devices.create(DeviceCreate.parse({ name: '收银台 2', connection: { type: 'serial', path: 'COM4' } }));
    core.dispose();

    expect(await demo(temp.dir)).toMatchObject({ terminals: 2, registered: 2, created: 600 });
    const db = openDatabase(`${temp.dir}/poscare.db`);
    cleanups.push(() => db.close());
    const perTerminal = db.prepare('SELECT terminal_id AS id, MIN(tid) AS tid, count(*) AS n FROM transactions GROUP BY terminal_id ORDER BY terminal_id').all() as { id: string; tid: string; n: number }[];
    expect(perTerminal.map((r) => r.id).sort()).toEqual([counter.id, bar.id].sort());
    expect(perTerminal.find((r) => r.id === counter.id)?.tid).toBe('88880001');
    const cards = (db.prepare('SELECT DISTINCT card_name AS name FROM transactions').all() as { name: string }[]).map((r) => r.name);
    expect(cards).toContain('银联借记卡');
    expect(cards).not.toContain('girocard');
    const receipt = (db.prepare("SELECT receipt_text AS text FROM transactions WHERE kind = 'payment' LIMIT 1").get() as { text: string }).text;
    expect(receipt).toContain('金额 RMB');
    expect(receipt).not.toMatch(/EUR|Beleg|Karte/);
  });

  it('adds demo terminals after the registered ones when asked for more', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    // An empty registry gets the demo shop's standalone Lakala terminal first.
    expect(await demo(temp.dir, ['--terminals', '2'])).toMatchObject({ terminals: 2, registered: 1 });
    const db = openDatabase(`${temp.dir}/poscare.db`);
    cleanups.push(() => db.close());
    const lakala = db.prepare('SELECT id, connection, acquirer, acquirer_hotline AS hotline FROM devices').get() as { id: string; connection: string; acquirer: string; hotline: string };
    expect(lakala).toMatchObject({ connection: '{"type":"none"}', acquirer: '拉卡拉', hotline: '95016' });
    expect((db.prepare('SELECT DISTINCT terminal_id AS id FROM transactions ORDER BY id').all() as { id: string }[]).map((r) => r.id).sort()).toEqual([lakala.id, 'T002'].sort());
    // The payments of a Chinese counter: UnionPay cards, 云闪付, WeChat Pay and Alipay QR codes (no card number), foreign cards rare.
    const mix = db.prepare('SELECT card_name AS name, COUNT(*) AS n, MAX(masked_pan) AS pan FROM transactions GROUP BY card_name').all() as { name: string; n: number; pan: string }[];
    expect(mix.map((r) => r.name)).toEqual(expect.arrayContaining(['银联借记卡', '银联贷记卡', '云闪付', '微信支付', '支付宝']));
    expect(mix.find((r) => r.name === '微信支付')?.pan).toBe('');
    const foreign = mix.filter((r) => r.name === 'Visa' || r.name === 'Mastercard').reduce((sum, r) => sum + r.n, 0);
    expect(foreign).toBeLessThan(600 * 0.1);
  });
});
