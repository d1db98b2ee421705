/**
 * The escalation pack: everything vendor support asks for (store, model, serial, TID, software
 * version, fault start and duration, symptoms, steps and results, status timeline, last error
 * codes, commands and print lines, the terminal's event log), as a printable HTML page and as
 * plain text to paste into a chat. Every word comes from the locale files (shared/locales), the
 * same texts the console shows, so a Chinese pack has no English state or cause names in it.
 */
import type { Device } from '../../../../shared/domain/devices';
import { formatDuration, wordAutoSymptoms, wordStep, type Incident } from '../../../../shared/domain/incidents';
import type { Language } from '../../../../shared/domain/settings';
import type { CodeText, StatusChange } from '../../../../shared/domain/status';
import { formatStoreTime } from '../../../../shared/domain/time';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';

const MESSAGES = { 'zh-CN': zhCN, en } as const;

/** One line of the terminal's stored event log (link changes and errors only: no frames, no card data), worded in both languages. */
export interface TerminalLogLine {
  at: string;
  type: string;
  text: CodeText;
}

export interface PackCommand {
  startedAt: string;
  command: string;
  ok: boolean | null;
  /** The result worded in both languages (devices summary-text). */
  summaryText: CodeText;
  printLines: string[];
}

export interface PackInput {
  language: Language;
  /** The store's time zone: every time in the pack is the store's wall clock. */
  timeZone: string;
  storeName: string;
  storeAddress: string;
  device: Device;
  incident: Incident;
  timeline: StatusChange[];
  /** Commands run on the device (newest first) with their results and print lines. */
  commands: PackCommand[];
  terminalLog: TerminalLogLine[];
  generatedAt: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
}

/** A word from a locale table, or the key itself when the table does not know it (old data). */
function word(table: Record<string, string>, key: string | null | undefined): string {
  if (!key) return '';
  return table[key] ?? key;
}

/** A locale text by its dotted key with {placeholders} filled; the key itself when the table does not know it. */
function translator(language: Language): (key: string, values?: Record<string, string | number>) => string {
  return (key, values = {}) => {
    const found = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), MESSAGES[language]);
    return typeof found === 'string' ? fill(found, values) : key;
  };
}

/** The incident's symptoms in the pack's language: automatic ones are worded from what was seen, the manager's as written. */
function symptomsText(incident: Incident, language: Language): string {
  return incident.autoSymptoms ? wordAutoSymptoms(incident.autoSymptoms, language, translator(language)) : incident.symptoms;
}

/** Digit runs as long as a card number are masked, should one ever reach a log message. */
function maskCardNumbers(text: string): string {
  return text.replace(/\d{13,19}/g, (digits) => `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`);
}

export function buildPack(input: PackInput): { html: string; text: string } {
  const M = MESSAGES[input.language];
  const P = M.incidents.pack;
  const t = translator(input.language);
  const zh = input.language !== 'en';
  const codeText = (text: CodeText) => (zh ? text.zh : text.en);
  const when = (value: string | null) => formatStoreTime(value, input.language, input.timeZone, 'dateTime');
  const whenSeconds = (value: string) => `${formatStoreTime(value, input.language, input.timeZone, 'date')} ${formatStoreTime(value, input.language, input.timeZone, 'time')}`;
  const { device, incident } = input;
  const errorCodes = [
    ...new Set(
      input.timeline
        .map((s) => (s.lastErrorCode ? `${s.lastErrorText ? codeText(s.lastErrorText) : ''} (${s.lastErrorCode.replace(/^(terminal|result):/, '')})`.trim() : ''))
        .filter(Boolean),
    ),
  ].slice(0, 10);
  const cause = [word(M.incidents.classes, incident.faultClass), word(M.incidents.causes, incident.cause)].filter(Boolean).join(' / ');
  // Only what is known: an empty field is left out, not written as "none".
  const facts: [string, string][] = (
    [
      [P.store, input.storeName],
      [P.address, input.storeAddress],
      [P.device, device.name],
      [M.devices.model, device.model],
      [M.devices.vendor, device.vendor],
      [M.devices.serialNumber, device.serialNumber],
      [M.devices.tid, device.tid],
      [M.devices.softwareVersion, device.softwareVersion],
      [M.devices.location, device.location],
      [M.devices.acquirer, device.acquirer],
      [M.devices.acquirerHotline, device.acquirerHotline],
      [P.start, when(incident.openedAt)],
      [P.end, incident.closedAt ? when(incident.closedAt) : M.incidents.ongoing],
      [M.incidents.duration, formatDuration(incident.durationMs, t)],
      [M.incidents.state, word(M.incidents.states, incident.state)],
      [M.incidents.severity, word(M.incidents.severities, incident.severity)],
      [P.faultClassCause, cause],
      [M.incidents.fallbackUsed, incident.fallbackUsed],
      [M.incidents.partsUsed, incident.partsUsed],
      // Who at the store handled it: the person support calls back.
      [M.incidents.handledBy, incident.handledBy],
      [M.incidents.vendorTicket, incident.vendorTicket],
    ] as [string, string | null | undefined][]
  ).filter((fact): fact is [string, string] => typeof fact[1] === 'string' && fact[1].trim() !== '');
  const symptoms = symptomsText(incident, input.language);
  const steps = incident.steps.map((step) => {
    const worded = wordStep(step, input.language, t);
    return `${when(step.at)} ${worded.prompt} → ${worded.answer}${worded.note ? (zh ? `（${worded.note}）` : ` (${worded.note})`) : ''}`;
  });
  const timeline = [...input.timeline].reverse().map((change) =>
    fill(P.timelineLine, {
      time: when(change.since),
      from: change.previousOverall ? word(M.status.overall, change.previousOverall) : '-',
      to: word(M.status.overall, change.overall),
      link: word(M.status.link, change.link),
      error: change.lastErrorText ? (zh ? `，${change.lastErrorText.zh}` : `, ${change.lastErrorText.en}`) : '',
    }),
  );
  const terminalLog = input.terminalLog.map((line) => `${whenSeconds(line.at)} ${word(P.logType, line.type)} ${maskCardNumbers(codeText(line.text))}`);
  const rawLines = input.commands
    .flatMap((c) => {
      const outcome = c.ok === null ? M.devices.running : c.ok ? M.devices.commandOk : M.devices.commandFailed;
      // "Done" twice says nothing: the result words only when they add to the outcome.
      const result = codeText(c.summaryText) === outcome ? '' : codeText(c.summaryText);
      return [`${when(c.startedAt)} ${word(M.devices.command, c.command)} ${outcome} ${result}`.trim(), ...c.printLines.map((line) => `  | ${line}`)];
    })
    .map(maskCardNumbers);
  const title = [P.title, [device.name, input.storeName].filter(Boolean).join(' · ')].join(' — ');

  // Sections with nothing to say are left out; the headline (device, state, how long, symptoms) comes first.
  const section = (heading: string, lines: string[]) => (lines.length ? [`${heading}:`, ...lines, ''] : []);
  const text = [
    title,
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    ...section(M.incidents.symptoms, symptoms ? [symptoms] : []),
    ...section(M.incidents.steps, steps.map((s, i) => `${i + 1}. ${s}`)),
    ...section(M.devices.timeline, timeline),
    ...section(P.errors, errorCodes),
    ...section(P.commands, rawLines),
    ...section(P.terminalLog, terminalLog),
    `${P.generated}: ${when(input.generatedAt)}`,
  ].join('\n');

  const list = (heading: string, items: string[]) => (items.length ? `<h2>${escapeHtml(heading)}</h2><ol>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ol>` : '');
  const pre = (heading: string, lines: string[]) => (lines.length ? `<h2>${escapeHtml(heading)}</h2><pre>${escapeHtml(lines.join('\n'))}</pre>` : '');
  const html = `<!doctype html>
<html lang="${input.language}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',system-ui,sans-serif;margin:24px;color:#222;max-width:900px}h1{font-size:20px}h2{font-size:16px;margin-top:20px;border-bottom:1px solid #ccc}
table{border-collapse:collapse}td{padding:3px 12px 3px 0;vertical-align:top}td:first-child{color:#555;white-space:nowrap}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;font-size:12px}
.symptoms{font-size:15px;background:#fff4e5;border-left:4px solid #e6a23c;padding:8px 12px}@media print{body{margin:0}}</style></head><body>
<h1>${escapeHtml(title)}</h1>
${symptoms ? `<h2>${escapeHtml(M.incidents.symptoms)}</h2><p class="symptoms">${escapeHtml(symptoms)}</p>` : ''}
<table>${facts.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${list(M.incidents.steps, steps)}
${list(M.devices.timeline, timeline)}
${list(P.errors, errorCodes)}
${pre(P.commands, rawLines)}
${pre(P.terminalLog, terminalLog)}
<p>${escapeHtml(P.generated)}: ${escapeHtml(when(input.generatedAt))}</p>
</body></html>`;
  return { html, text };
}
