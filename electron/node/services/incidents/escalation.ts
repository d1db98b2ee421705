/**
 * The escalation pack: everything vendor support asks for (store, model, serial, TID, software
 * version, fault start and duration, symptoms, steps and results, status timeline, last error
 * codes, commands and print lines, the terminal's event log), as a printable HTML page and as
 * plain text to paste into a chat. Every word comes from the locale files (shared/locales), the
 * same texts the console shows, so a Chinese pack has no English state or cause names in it.
 */
import type { Device } from '../../../../shared/domain/devices';
import { formatDuration, wordAutoSymptoms, type Incident, type IncidentStep } from '../../../../shared/domain/incidents';
import type { Language } from '../../../../shared/domain/settings';
import type { StatusChange } from '../../../../shared/domain/status';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';

const MESSAGES = { 'zh-CN': zhCN, en } as const;

/** One line of the terminal's stored event log (link changes and errors only: no frames, no card data). */
export interface TerminalLogLine {
  at: string;
  type: string;
  message: string;
}

export interface PackCommand {
  startedAt: string;
  command: string;
  ok: boolean | null;
  /** The terminal's own words (English, as it answered). */
  summary: string;
  printLines: string[];
}

export interface PackInput {
  language: Language;
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

/** Makes a recorded step readable in the pack's language: live command results and automatic recovery steps were stored as codes. */
function stepText(step: IncidentStep, language: Language): string {
  const M = MESSAGES[language];
  let prompt = step.prompt;
  let answer = step.answer;
  let note = step.note;
  const command = /^(\w+): (ok|fault)$/.exec(answer);
  if (command && command[1] && command[1] in M.devices.command) {
    answer = `${word(M.devices.command, command[1])}: ${command[2] === 'ok' ? M.incidents.commandOk : M.incidents.commandFault}`;
    if (prompt === command[1]) prompt = word(M.devices.command, command[1]);
  }
  const change = /^(\w+) -> (\w+)$/.exec(answer);
  if (prompt === 'status' && change) {
    prompt = M.incidents.pack.statusStep;
    answer = `${word(M.status.overall, change[1])} → ${word(M.status.overall, change[2])}`;
  }
  if (note === 'auto-resolved on recovery') note = M.incidents.autoResolved;
  return `[${step.at}] ${prompt} -> ${answer}${note ? ` (${note})` : ''}`;
}

export function buildPack(input: PackInput): { html: string; text: string } {
  const M = MESSAGES[input.language];
  const P = M.incidents.pack;
  const { device, incident } = input;
  const none = P.none;
  const errorCodes = [
    ...new Set(input.timeline.map((t) => (t.lastErrorCode ? `${t.lastErrorCode} ${input.language === 'en' ? t.lastErrorText?.en ?? '' : t.lastErrorText?.zh ?? ''}`.trim() : '')).filter(Boolean)),
  ].slice(0, 10);
  const cause = [word(M.incidents.classes, incident.faultClass), word(M.incidents.causes, incident.cause)].filter(Boolean).join(' / ');
  const facts: [string, string][] = [
    [P.store, input.storeName || none],
    [P.address, input.storeAddress || none],
    [P.device, device.name],
    [M.devices.model, device.model || none],
    [M.devices.vendor, device.vendor || none],
    [M.devices.serialNumber, device.serialNumber || none],
    [M.devices.tid, device.tid || none],
    [M.devices.softwareVersion, device.softwareVersion || none],
    [M.devices.location, device.location || none],
    [M.devices.acquirer, device.acquirer || none],
    [M.devices.acquirerHotline, device.acquirerHotline || none],
    [P.start, incident.openedAt],
    [P.end, incident.closedAt ?? M.incidents.ongoing],
    [M.incidents.duration, formatDuration(incident.durationMs, translator(input.language))],
    [M.incidents.state, word(M.incidents.states, incident.state)],
    [M.incidents.severity, word(M.incidents.severities, incident.severity)],
    [P.faultClassCause, cause || none],
    [M.incidents.fallbackUsed, incident.fallbackUsed || none],
    [M.incidents.vendorTicket, incident.vendorTicket || none],
  ];
  const symptoms = symptomsText(incident, input.language);
  const steps = incident.steps.map((s) => stepText(s, input.language));
  const timeline = [...input.timeline].reverse().map((t) =>
    fill(P.timelineLine, {
      time: t.since,
      from: t.previousOverall ? word(M.status.overall, t.previousOverall) : '-',
      to: word(M.status.overall, t.overall),
      link: word(M.status.link, t.link),
      error: t.lastErrorCode ? `, ${t.lastErrorCode}` : '',
    }),
  );
  const terminalLog = input.terminalLog.map((line) => `${line.at} ${word(P.logType, line.type)} ${maskCardNumbers(line.message)}`);
  const rawLines = input.commands
    .flatMap((c) => [
      `${c.startedAt} ${word(M.devices.command, c.command)} ${c.ok === null ? M.devices.running : c.ok ? M.devices.commandOk : M.devices.commandFailed} ${c.summary}`.trim(),
      ...c.printLines.map((line) => `  | ${line}`),
    ])
    .map(maskCardNumbers);

  const section = (title: string, lines: string[]) => [`${title}:`, ...(lines.length ? lines : [none]), ''];
  const text = [
    `${P.title} — ${input.storeName}`,
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    ...section(M.incidents.symptoms, [symptoms || none]),
    ...section(M.incidents.steps, steps.map((s, i) => `${i + 1}. ${s}`)),
    ...section(M.devices.timeline, timeline),
    ...section(P.errors, errorCodes),
    ...section(P.commands, rawLines),
    ...section(P.terminalLog, terminalLog),
    `${P.generated}: ${input.generatedAt}`,
  ].join('\n');

  const list = (items: string[]) => (items.length ? `<ol>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ol>` : `<p>${escapeHtml(none)}</p>`);
  const pre = (lines: string[]) => `<pre>${escapeHtml(lines.join('\n') || none)}</pre>`;
  const html = `<!doctype html>
<html lang="${input.language}"><head><meta charset="utf-8"><title>${escapeHtml(P.title)} — ${escapeHtml(device.name)}</title>
<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:20px;border-bottom:1px solid #ccc}
table{border-collapse:collapse}td{padding:3px 12px 3px 0;vertical-align:top}td:first-child{color:#555;white-space:nowrap}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;font-size:12px}
@media print{body{margin:0}}</style></head><body>
<h1>${escapeHtml(P.title)}</h1>
<table>${facts.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>${escapeHtml(M.incidents.symptoms)}</h2><p>${escapeHtml(symptoms || none)}</p>
<h2>${escapeHtml(M.incidents.steps)}</h2>${list(steps)}
<h2>${escapeHtml(M.devices.timeline)}</h2>${list(timeline)}
<h2>${escapeHtml(P.errors)}</h2>${list(errorCodes)}
<h2>${escapeHtml(P.commands)}</h2>${pre(rawLines)}
<h2>${escapeHtml(P.terminalLog)}</h2>${pre(terminalLog)}
<p>${escapeHtml(P.generated)}: ${escapeHtml(input.generatedAt)}</p>
</body></html>`;
  return { html, text };
}
