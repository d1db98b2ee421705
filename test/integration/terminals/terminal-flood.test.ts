/**
 * A faulty terminal that floods its link (a peer streaming print lines on loopback TCP): the
 * event log keeps a bounded share per terminal (token bucket) and says how many frames it
 * dropped, raw frames are pruned by count as well as age, and one command keeps a bounded
 * number of messages however many arrive.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase, type Db } from '../../../electron/node/db/connection';
import { encodeMessage, type ZvtMessage } from '../../../electron/node/protocol/zvt/index';
import { MAX_PROGRESS_ENTRIES } from '../../../electron/node/protocol/zvt/session';
import { TerminalManager, type TerminalManagerOptions } from '../../../electron/node/services/terminals/terminal-manager';
import { tempDir } from '../../helpers/temp';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ACK = Buffer.from([0x80, 0x00, 0x00]);
const COMPLETION = Buffer.from([0x06, 0x0f, 0x00]);
/** A Status Enquiry's completion: terminal status 00, ready. */
const encodedStatus = encodeMessage({ kind: 'completion', form: 'status-enquiry', terminalStatus: 0 } as ZvtMessage);
if (!encodedStatus.ok) throw new Error('cannot encode the status completion');
const STATUS_COMPLETION = Buffer.from(encodedStatus.value);

function printLine(n: number): Buffer {
  const text = Buffer.from(`LINE ${String(n).padStart(8, '0')} ........................`, 'ascii');
  return Buffer.concat([Buffer.from([0x06, 0xd1, text.length + 1, 0x00]), text]);
}

/**
 * A terminal that answers registration, and answers a payment with `lines` print lines streamed
 * as fast as the socket takes them before completing it. Counts what it sent.
 */
async function floodingPeer(lines: number): Promise<{ port: number; sent: () => number }> {
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 3) {
        const long = buffer[2] === 0xff;
        const length = long ? (buffer.length >= 5 ? buffer.readUInt16LE(3) : -1) : buffer[2]!;
        const head = long ? 5 : 3;
        if (length < 0 || buffer.length < head + length) return;
        const [cls, instr] = [buffer[0], buffer[1]];
        buffer = buffer.subarray(head + length);
        if (cls === 0x80 || cls === 0x84) continue; // the ECR's acknowledgements
        socket.write(ACK);
        if (cls === 0x06 && instr === 0x01) stream(socket);
        else socket.write(cls === 0x05 ? STATUS_COMPLETION : COMPLETION);
      }
    });
  });
  const stream = (socket: net.Socket) => {
    const pump = () => {
      while (sent < lines) {
        const batch: Buffer[] = [];
        for (let i = 0; i < 200 && sent < lines; i++) batch.push(printLine(sent++));
        if (!socket.write(Buffer.concat(batch))) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.write(COMPLETION);
    };
    pump();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, sent: () => sent };
}

function manager(options: Partial<TerminalManagerOptions> = {}): { terminals: TerminalManager; db: Db } {
  const temp = tempDir();
  const db = openDatabase(databasePath(temp.dir));
  const terminals = new TerminalManager({ db, pollIntervalMs: 0, flushIntervalMs: 100, ...options });
  cleanups.push(async () => {
    await terminals.dispose();
    db.close();
    temp.cleanup();
  });
  return { terminals, db };
}

function frameRows(db: Db): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM terminal_events WHERE terminal_id = 't1' AND type = 'frame'").get() as { n: number }).n;
}

function droppedReported(db: Db): number {
  const rows = db.prepare("SELECT data FROM terminal_events WHERE terminal_id = 't1' AND type = 'error' AND message LIKE '% frames dropped%'").all() as { data: string }[];
  return rows.reduce((sum, row) => sum + (JSON.parse(row.data) as { dropped: number }).dropped, 0);
}

async function ready(terminals: TerminalManager): Promise<void> {
  await expect.poll(() => terminals.get('t1').link.state, { timeout: 5000, interval: 20 }).toBe('ready');
}

describe('a terminal that floods its link', () => {
  it('gets a bounded number of log rows, one counted "frames dropped" event per interval, and a bounded command', async () => {
    const LINES = 30_000;
    const peer = await floodingPeer(LINES);
    const rate = { perSecond: 50, burst: 100, reportEveryMs: 500 };
    const { terminals, db } = manager({ frameRate: rate });
    const started = Date.now();
    await terminals.add({ id: 't1', connection: { type: 'tcp', host: '127.0.0.1', port: peer.port } });
    await ready(terminals);
    const result = await terminals.run('t1', { command: 'pay', amount: 100 });
    expect(peer.sent()).toBe(LINES);
    // One command keeps at most MAX_PROGRESS_ENTRIES receipt lines, however many arrive.
    expect(result.receipt.length).toBeLessThanOrEqual(MAX_PROGRESS_ENTRIES);
    terminals.flush();
    const elapsedS = (Date.now() - started) / 1000;
    const rows = frameRows(db);
    // Every print line came in and was acknowledged (2 frames each): a handful of rows made it.
    expect(rows).toBeLessThanOrEqual(rate.burst + Math.ceil(rate.perSecond * elapsedS) + 1);
    expect(rows).toBeLessThan(LINES / 10);
    await terminals.dispose();
    // The rest is counted, not silently lost: one event per interval says how many.
    const dropped = droppedReported(db);
    expect(dropped).toBeGreaterThan(LINES);
    const total = (db.prepare("SELECT COUNT(*) AS n FROM terminal_events WHERE terminal_id = 't1'").get() as { n: number }).n;
    expect(total).toBeLessThan(rows + 50 + Math.ceil((elapsedS * 1000) / rate.reportEveryMs) + 2);
  });

  it('prunes raw frames by count as well as age', async () => {
    const LINES = 6_000;
    const peer = await floodingPeer(LINES);
    const { terminals, db } = manager({ frameRate: { perSecond: 1e9, burst: 1e9 }, maxFramesPerTerminal: 1_000 });
    await terminals.add({ id: 't1', connection: { type: 'tcp', host: '127.0.0.1', port: peer.port } });
    await ready(terminals);
    await terminals.run('t1', { command: 'pay', amount: 100 });
    terminals.flush();
    // Pruned as it goes (a tenth of the allowance past it at most), exactly to the cap by prune().
    expect(frameRows(db)).toBeLessThanOrEqual(1_100 + 400);
    terminals.prune();
    expect(frameRows(db)).toBe(1_000);
    const newest = db.prepare("SELECT message FROM terminal_events WHERE terminal_id = 't1' AND type = 'frame' ORDER BY id DESC LIMIT 1").get() as { message: string };
    expect(newest.message).toMatch(/^(in|out) /);
  });
});
