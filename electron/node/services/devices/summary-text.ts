/**
 * Command results and terminal log lines worded for a store manager in both languages.
 *
 * A command's one-line summary is stored as codes, not as English prose: 'result:0x00',
 * 'terminal:0xCC', 'error:timeout', 'summary:reconnecting', 'software:1.2.3', joined by '; '.
 * The console and the escalation pack word them here, from the ZVT code tables and the locale
 * files, so a Chinese screen or pack never shows "No error" or "Printer not ready". Text that is
 * not a code (rows written by an older version, a test fake's words) is shown as written.
 */
import type { CodeText } from '../../../../shared/domain/status';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';
import { describeResultCode, describeTerminalStatus } from '../../protocol/zvt/codes';

type Table = Record<string, unknown>;

function lookup(table: Table, key: string): string | undefined {
  const found = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Table)[part] : undefined), table);
  return typeof found === 'string' ? found : undefined;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}

/** A locale text in both languages; null when the key is unknown. */
export function localeText(key: string, values: Record<string, string> = {}): CodeText | null {
  const zh = lookup(zhCN as Table, key);
  const english = lookup(en as Table, key);
  return zh && english ? { zh: fill(zh, values), en: fill(english, values) } : null;
}

const same = (text: string): CodeText => ({ zh: text, en: text });

/** One part of a summary: a code worded, anything else as written. */
function partText(part: string): CodeText {
  const code = /^(terminal|result):0x([0-9A-Fa-f]{2})$/.exec(part);
  if (code?.[2]) {
    const info = code[1] === 'terminal' ? describeTerminalStatus(parseInt(code[2], 16)) : describeResultCode(parseInt(code[2], 16));
    return { zh: info.zh, en: info.en };
  }
  const error = /^error:([\w-]+)$/.exec(part);
  if (error?.[1]) return localeText(`devices.summary.errors.${error[1]}`) ?? (localeText('devices.summary.errors.other', { code: error[1] }) as CodeText);
  const card = /^card:([0-9*]{4,19})$/.exec(part);
  if (card?.[1]) return localeText('devices.summary.cardRead', { card: card[1] }) as CodeText;
  const software = /^software:(.+)$/.exec(part);
  if (software?.[1]) return localeText('devices.summary.software', { version: software[1] }) as CodeText;
  const key = /^summary:(\w+)$/.exec(part);
  if (key?.[1]) return localeText(`devices.summary.${key[1]}`) ?? same(part);
  return same(part);
}

/** Whether a stored text is a command summary made of codes (not the manager's words). */
export function isSummaryCode(text: string): boolean {
  return text !== '' && text.split('; ').every((part) => /^((terminal|result):0x[0-9A-Fa-f]{2}|error:[\w-]+|card:[0-9*]{4,19}|software:.+|summary:\w+)$/.test(part));
}

/** A stored command summary in both languages. */
export function describeSummary(summary: string): CodeText {
  if (!summary) return same('');
  const parts = summary.split('; ').map(partText);
  return { zh: parts.map((p) => p.zh).join('；'), en: parts.map((p) => p.en).join('; ') };
}

/** The errno-like code in a socket error ("connect ECONNREFUSED 127.0.0.1:1" -> ECONNREFUSED). */
function errnoOf(text: string): string | null {
  return /\b(E[A-Z]{3,})\b/.exec(text)?.[1] ?? null;
}

const LINK_WORDS = new Set(['unknown', 'disconnected', 'connecting', 'registering', 'ready', 'busy', 'degraded', 'failed']);

function linkWord(state: string): CodeText {
  return LINK_WORDS.has(state) ? (localeText(`status.link.${state}`) as CodeText) : same(state);
}

/**
 * A line of the terminal manager's event log (English, as the manager wrote it for developers)
 * worded for the pack: link changes with the terminal status explained, socket errors by their
 * code, the rest as a translated category. Never the English prose.
 */
export function describeTerminalLogLine(type: string, message: string, data?: unknown): CodeText {
  const state = data && typeof data === 'object' ? (data as { terminalStatus?: unknown; reason?: unknown }) : {};
  if (type === 'link') {
    const change = /^(\w+) -> (\w+)/.exec(message);
    if (change?.[1] && change[2]) {
      const from = linkWord(change[1]);
      const to = linkWord(change[2]);
      const extra: CodeText[] = [];
      if (typeof state.terminalStatus === 'number') {
        const info = describeTerminalStatus(state.terminalStatus);
        extra.push({ zh: info.zh, en: info.en });
      } else if (/printer not ready/i.test(message)) {
        extra.push(partText('terminal:0xCC'));
      }
      const errno = errnoOf(message);
      if (errno) extra.push(same(errno));
      const tail = (lang: 'zh' | 'en') => (extra.length ? (lang === 'zh' ? `（${extra.map((e) => e.zh).join('，')}）` : ` (${extra.map((e) => e.en).join(', ')})`) : '');
      return { zh: `${from.zh} → ${to.zh}${tail('zh')}`, en: `${from.en} → ${to.en}${tail('en')}` };
    }
    const added = /^added (.+)$/.exec(message);
    if (added?.[1]) return localeText('devices.summary.log.added', { address: added[1].replace(/^(tcp|serial):/, '') }) as CodeText;
    if (message === 'removed') return localeText('devices.summary.log.removed') as CodeText;
    return localeText('devices.summary.log.identity') as CodeText;
  }
  const dropped = /^(\d+) frames dropped/.exec(message);
  if (dropped?.[1]) return localeText('devices.summary.log.framesDropped', { count: dropped[1] }) as CodeText;
  const errno = errnoOf(message);
  const suffix = errno ? { zh: `（${errno}）`, en: ` (${errno})` } : { zh: '', en: '' };
  const category = /^link lost/.test(message) ? 'linkLost' : /^protocol error|^registration failed/.test(message) ? 'protocol' : /failed/.test(message) ? 'commandFailed' : 'other';
  const text = localeText(`devices.summary.log.${category}`) as CodeText;
  return { zh: `${text.zh}${suffix.zh}`, en: `${text.en}${suffix.en}` };
}
