/**
 * `npm run conformance`: a compatibility matrix of PosCare's ZVT support, per command of PA00P015.
 * Nothing here is a hard-coded claim: for every ECR command the row is found out by
 *  - "ECR writes": encoding the command with our codec (the console's strict writer),
 *  - "ECR reads": decoding our own bytes back (what a terminal would receive, read by us),
 *  - "simulator": sending it to `poscare simulate`'s terminal over real TCP on 127.0.0.1 (registered
 *    with config 8E, so intermediate status and Print Line show) and listing what came back;
 * and for every terminal message whether our reader decodes the spec's example layout.
 */
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { COMMAND_CODES, decodeApdu, encodeMessage, tlv, type EcrCommand, type TerminalMessage } from '../../electron/node/protocol/zvt';
import { fileBlockAnswer } from '../../electron/node/protocol/zvt/command-layouts';
import { CARD_DATA_TLV_TAGS } from '../../electron/node/protocol/zvt';
import { NAMED_TLV_CONTAINERS, NAMED_TLV_TAGS, TLV_TAGS_NAMED_ELSEWHERE } from '../../electron/node/protocol/zvt/tlv-fields';
import { startSimulator } from '../../electron/node/simulator';
import { CONTAINERS_READ_THROUGH_CHILDREN, SPEC_CONSTRUCTED_TAGS, SPEC_PRIMITIVE_TAGS, unreadTlvTags } from './spec-tlv-tags';

/** What earlier rows learnt from the simulator (a reservation's receipt and trace number) for later ones. */
interface MatrixState {
  receiptNumber?: number;
  trace?: number;
}

/** Write File's demo file: its content answers the terminal's block requests (04 0C, 2.41.2). */
const FILE = { fileId: 1, content: new TextEncoder().encode('PosCare conformance file '.repeat(20)) };

const ECR_COMMANDS: { chapter: string; command: EcrCommand | ((state: MatrixState) => EcrCommand) }[] = [
  { chapter: '2.1', command: { kind: 'registration', password: '000000', config: 0x8e, currency: 978 } },
  { chapter: '2.56', command: { kind: 'status-enquiry', password: '000000' } },
  { chapter: '2.2', command: { kind: 'authorization', amount: 1234, currency: 978 } },
  { chapter: '2.20', command: { kind: 'repeat-receipt', password: '000000' } },
  { chapter: '2.9', command: { kind: 'reversal', password: '000000', receiptNumber: 1, currency: 978 } },
  { chapter: '2.43', command: { kind: 'send-turnover-totals', password: '000000' } },
  { chapter: '2.16', command: { kind: 'end-of-day', password: '000000' } },
  { chapter: '2.17', command: { kind: 'diagnosis' } },
  { chapter: '2.48', command: { kind: 'selftest' } },
  { chapter: '2.45', command: { kind: 'print-system-configuration' } },
  { chapter: '2.37', command: { kind: 'software-update' } },
  { chapter: '2.26', command: { kind: 'display-text', displayDuration: 5, text1Line1: 'PosCare', text1Line2: '\u0014Hallo' } },
  { chapter: '2.27', command: { kind: 'display-text-old', texts: [{ position: 0, text: 'Grüße' }] } },
  { chapter: '2.28', command: { kind: 'display-text-key-input', text1Line1: 'OK?' } },
  { chapter: '2.29', command: { kind: 'display-text-key-input-old', texts: [{ position: 0, text: 'OK?' }] } },
  { chapter: '2.30', command: { kind: 'display-text-numeric-input', text1Line1: 'PLZ', inputMaximumLength: 5 } },
  { chapter: '2.8', command: { kind: 'pre-authorisation', amount: 5000, currency: 978 } },
  { chapter: '2.10.1', command: { kind: 'partial-reversal', receiptNumber: null } },
  { chapter: '2.10', command: (state) => ({ kind: 'partial-reversal', receiptNumber: state.receiptNumber ?? 1, amount: 1234, currency: 978 }) },
  { chapter: '2.8', command: { kind: 'pre-authorisation', amount: 3000, currency: 978 } },
  { chapter: '2.13', command: (state) => ({ kind: 'book-total', receiptNumber: state.receiptNumber ?? 1, amount: 2500, currency: 978 }) },
  { chapter: '2.8', command: { kind: 'pre-authorisation', amount: 800, currency: 978 } },
  { chapter: '2.14', command: (state) => ({ kind: 'pre-authorisation-reversal', receiptNumber: state.receiptNumber ?? 1, currency: 978 }) },
  // After the bookings: a refund must be covered by the turnover since the last end-of-day.
  { chapter: '2.15', command: { kind: 'refund', password: '000000', amount: 100, currency: 978 } },
  { chapter: '2.8', command: { kind: 'pre-authorisation', amount: 800, currency: 978 } },
  {
    chapter: '2.11',
    command: (state) => ({ kind: 'external-reversal', amount: 800, currency: 978, trace: state.trace ?? 1, authorisationAttribute: '12345678', tlv: [tlv(0x1f06, [2])] }),
  },
  { chapter: '2.21', command: { kind: 'read-card', timeoutSeconds: 30, cardReadType: 0x50 } },
  { chapter: '2.22', command: { kind: 'activate-card-reader', cardReaderActivation: 1 } },
  { chapter: '2.41', command: { kind: 'write-file', password: '000000', files: [{ fileId: FILE.fileId, totalLength: FILE.content.length }] } },
  { chapter: '2.23', command: { kind: 'abort' } },
  { chapter: '2.24', command: { kind: 'log-off' } },
];

const TERMINAL_MESSAGES: { chapter: string; message: TerminalMessage }[] = [
  { chapter: '3.1', message: { kind: 'status-information', resultCode: 0, amount: 1234, currency: 978, receiptNumber: null, tlv: [tlv(0x1f12, [2])] } },
  { chapter: '3.2', message: { kind: 'completion', form: 'bitmaps', statusByte: 0, terminalId: '52500001', currency: 978 } },
  { chapter: '3.3', message: { kind: 'terminal-abort', resultCode: 0x6c } },
  { chapter: '3.4', message: { kind: 'set-date-time', fullDate: '261204', time: '093015' } },
  { chapter: '3.5', message: { kind: 'print-line', attribute: 0x81, text: 'Grüße' } },
  { chapter: '3.6', message: { kind: 'print-text-block', lines: [{ attribute: 0, text: 'Beleg' }], endOfReceipt: true, receiptType: 2 } },
  { chapter: '3.7', message: { kind: 'intermediate-status', status: 0x0a } },
  { chapter: '2.41.2', message: { kind: 'file-request', tlv: [tlv(0x2d, [tlv(0x1d, [1]), tlv(0x1e, [0, 0, 0, 0])])] } },
];

const name = (classByte: number, instruction: number): string => {
  const hex = (value: number) => value.toString(16).padStart(2, '0').toUpperCase();
  return `${hex(classByte)} ${hex(instruction)}`;
};

/** Commands whose sequence ends with the terminal's 80 00 (2.22-2.30), and with its Status-Information (2.21). */
const ENDS_WITH_ACK = new Set(['abort', 'log-off', 'activate-card-reader', 'display-text', 'display-text-old', 'display-text-key-input', 'display-text-key-input-old', 'display-text-numeric-input']);
const ENDS_WITH_STATUS = new Set(['read-card']);

/**
 * Sends one command and answers every terminal message with 80 00 until the sequence ends; a block
 * request of Write File (04 0C) gets the block it asks for (2.41.3). Learns receipt and trace numbers.
 */
async function exchange(socket: net.Socket, inbox: { buffer: Buffer; wake?: () => void }, apdu: Uint8Array, kind: string, state: MatrixState): Promise<string[]> {
  const endsWithAck = ENDS_WITH_ACK.has(kind);
  socket.write(apdu);
  const seen: string[] = [];
  for (;;) {
    while (inbox.buffer.length < 3 || inbox.buffer.length < 3 + (inbox.buffer[2] === 0xff ? 2 + inbox.buffer.readUInt16LE(3) : inbox.buffer[2]!)) {
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000));
      if ((await Promise.race([new Promise<void>((resolve) => (inbox.wake = resolve)), timer])) === 'timeout') return [...seen, '(no answer)'];
    }
    const length = inbox.buffer[2] === 0xff ? 5 + inbox.buffer.readUInt16LE(3) : 3 + inbox.buffer[2]!;
    const answer = inbox.buffer.subarray(0, length);
    inbox.buffer = inbox.buffer.subarray(length);
    const code = name(answer[0]!, answer[1]!);
    const decoded = decodeApdu(answer);
    seen.push(decoded.ok ? code : `${code}(undecodable)`);
    if (answer[0] === 0x80 || answer[0] === 0x84) {
      if (endsWithAck || answer[0] === 0x84) return seen;
      continue;
    }
    if (decoded.ok && decoded.value.kind === 'status-information') {
      if (typeof decoded.value.receiptNumber === 'number') state.receiptNumber = decoded.value.receiptNumber;
      if (decoded.value.trace !== undefined) state.trace = decoded.value.trace;
    }
    const request = decoded.ok && decoded.value.kind === 'file-request' ? decoded.value.file : undefined;
    const offset = request?.offset ?? 0;
    const block = request ? fileBlockAnswer({ fileId: FILE.fileId, totalLength: FILE.content.length }, offset, FILE.content.subarray(offset, offset + 200), {}) : undefined;
    socket.write(block?.ok ? block.value : Uint8Array.from([0x80, 0x00, 0x00]));
    if (code === '06 0F' || code === '06 1E' || (ENDS_WITH_STATUS.has(kind) && code === '04 0F')) return seen;
  }
}

/** The matrix's rows: a header, one per ECR command, an empty row, a header, one per terminal message, then the same for the TLV table. */
export async function conformanceMatrix(): Promise<string[][]> {
  const simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 } });
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const connection = net.createConnection({ host: '127.0.0.1', port: simulator.tcpPort! }, () => resolve(connection));
    connection.once('error', reject);
  });
  const inbox: { buffer: Buffer; wake?: () => void } = { buffer: Buffer.alloc(0) };
  socket.on('data', (chunk: Buffer) => {
    inbox.buffer = Buffer.concat([inbox.buffer, chunk]);
    inbox.wake?.();
  });

  const rows: string[][] = [['command', 'code', 'chapter', 'ECR writes', 'ECR reads', 'simulator answers (ECR acknowledges each)']];
  const state: MatrixState = {};
  for (const row of ECR_COMMANDS) {
    const { chapter } = row;
    const command = typeof row.command === 'function' ? row.command(state) : row.command;
    const [classByte, instruction] = COMMAND_CODES[command.kind];
    const encoded = encodeMessage(command);
    const readBack = encoded.ok ? decodeApdu(encoded.value) : undefined;
    const answers = encoded.ok ? await exchange(socket, inbox, encoded.value, command.kind, state) : [];
    const collapsed = answers.reduce<string[]>((out, code) => {
      const last = out[out.length - 1];
      const match = last ? /^(.*?)(?: x(\d+))?$/.exec(last) : null;
      if (match && match[1] === code) out[out.length - 1] = `${code} x${Number(match[2] ?? 1) + 1}`;
      else out.push(code);
      return out;
    }, []);
    rows.push([command.kind, name(classByte, instruction), chapter, encoded.ok ? 'yes' : `no (${encoded.error.message})`, readBack?.ok && readBack.value.kind === command.kind ? 'yes' : 'no', collapsed.join(' → ') || '-']);
  }
  rows.push([]);
  rows.push(['terminal message', 'code', 'chapter', 'simulator writes', 'ECR reads', '']);
  for (const { chapter, message } of TERMINAL_MESSAGES) {
    const [classByte, instruction] = COMMAND_CODES[message.kind];
    const encoded = encodeMessage(message);
    const read = encoded.ok ? decodeApdu(encoded.value, message.kind === 'completion' ? { completionForm: 'bitmaps' } : {}) : undefined;
    rows.push([message.kind, name(classByte, instruction), chapter, encoded.ok ? 'yes' : 'no', read?.ok && read.value.kind === message.kind ? 'yes' : 'no', '']);
  }
  rows.push([]);
  rows.push(['TLV data objects', 'tags', 'chapter', 'ECR reads', '', 'how']);
  const tagName = (tag: number) => tag.toString(16).toUpperCase().padStart(2, '0');
  const count = (tags: readonly number[], test: (tag: number) => boolean) => tags.filter(test).length;
  const unread = unreadTlvTags();
  const unreadPrimitive = unread.primitive;
  rows.push([
    'primitive',
    String(SPEC_PRIMITIVE_TAGS.length),
    '9.4.1.1',
    unreadPrimitive.length === 0 ? 'yes' : `no: ${unreadPrimitive.map(tagName).join(' ')}`,
    '',
    `named ${count(SPEC_PRIMITIVE_TAGS, (tag) => NAMED_TLV_TAGS.has(tag) && !CARD_DATA_TLV_TAGS.has(tag))}, in a container's field ${count(SPEC_PRIMITIVE_TAGS, (tag) => TLV_TAGS_NAMED_ELSEWHERE.has(tag))}, card data held masked ${count(SPEC_PRIMITIVE_TAGS, (tag) => CARD_DATA_TLV_TAGS.has(tag))}`,
  ]);
  const unreadConstructed = unread.constructed;
  rows.push([
    'constructed',
    String(SPEC_CONSTRUCTED_TAGS.length),
    '9.4.1.2',
    unreadConstructed.length === 0 ? 'yes' : `no: ${unreadConstructed.map(tagName).join(' ')}`,
    '',
    `named ${count(SPEC_CONSTRUCTED_TAGS, (tag) => NAMED_TLV_CONTAINERS.has(tag))}, read through their children ${count(SPEC_CONSTRUCTED_TAGS, (tag) => CONTAINERS_READ_THROUGH_CHILDREN.has(tag))}`,
  ]);
  socket.destroy();
  await simulator.close();
  return rows;
}

async function main(): Promise<void> {
  const rows = await conformanceMatrix();
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) console.log(row.length === 0 ? '' : row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
