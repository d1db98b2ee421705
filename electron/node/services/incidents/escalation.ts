/**
 * The escalation pack: everything vendor support asks for (store, model, serial, TID, software
 * version, fault start and duration, symptoms, steps and results, status timeline, last error
 * codes, raw log lines), as a printable HTML page and as plain text to paste into a chat.
 */
import type { Device } from '../../../../shared/domain/devices';
import type { Incident } from '../../../../shared/domain/incidents';
import type { Language } from '../../../../shared/domain/settings';
import type { StatusChange } from '../../../../shared/domain/status';

export interface PackInput {
  language: Language;
  storeName: string;
  storeAddress: string;
  device: Device;
  incident: Incident;
  timeline: StatusChange[];
  rawLines: string[];
  generatedAt: string;
}

const LABELS = {
  'zh-CN': {
    title: '终端故障报告', store: '门店', address: '地址', device: '设备', model: '型号', vendor: '厂商', serial: '序列号', tid: '终端号 (TID)',
    software: '软件版本', location: '位置', start: '故障开始', end: '恢复时间', duration: '持续时间', ongoing: '仍在持续', state: '状态',
    faultClass: '故障类别', cause: '原因', symptoms: '故障现象', steps: '已采取的步骤', timeline: '状态时间线', errors: '最近错误代码',
    raw: '原始日志', ticket: '厂商工单号', generated: '生成时间', none: '无', severity: '严重程度', fallback: '临时替代方案',
  },
  en: {
    title: 'Terminal fault report', store: 'Store', address: 'Address', device: 'Device', model: 'Model', vendor: 'Vendor', serial: 'Serial number',
    tid: 'Terminal ID (TID)', software: 'Software version', location: 'Location', start: 'Fault started', end: 'Recovered', duration: 'Duration',
    ongoing: 'ongoing', state: 'State', faultClass: 'Fault class', cause: 'Cause', symptoms: 'Symptoms', steps: 'Steps taken', timeline: 'Status timeline',
    errors: 'Last error codes', raw: 'Raw log lines', ticket: 'Vendor ticket', generated: 'Generated', none: 'none', severity: 'Severity', fallback: 'Fallback used',
  },
} as const;

export function formatDuration(ms: number, language: Language): string {
  const minutes = Math.floor(ms / 60000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (language === 'zh-CN') return days > 0 ? `${days}天${hours % 24}小时${minutes % 60}分钟` : hours > 0 ? `${hours}小时${minutes % 60}分钟` : `${minutes}分钟`;
  return days > 0 ? `${days} d ${hours % 24} h ${minutes % 60} min` : hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function buildPack(input: PackInput): { html: string; text: string } {
  const L = LABELS[input.language];
  const { device, incident } = input;
  const errorCodes = [...new Set(input.timeline.map((t) => (t.lastErrorCode ? `${t.lastErrorCode} ${input.language === 'en' ? t.lastErrorText?.en ?? '' : t.lastErrorText?.zh ?? ''}`.trim() : '')).filter(Boolean))].slice(0, 10);
  const facts: [string, string][] = [
    [L.store, input.storeName || L.none],
    [L.address, input.storeAddress || L.none],
    [L.device, device.name],
    [L.model, device.model || L.none],
    [L.vendor, device.vendor || L.none],
    [L.serial, device.serialNumber || L.none],
    [L.tid, device.tid || L.none],
    [L.software, device.softwareVersion || L.none],
    [L.location, device.location || L.none],
    [L.start, incident.openedAt],
    [L.end, incident.closedAt ?? L.ongoing],
    [L.duration, formatDuration(incident.durationMs, input.language)],
    [L.state, incident.state],
    [L.severity, incident.severity],
    [L.faultClass, [incident.faultClass, incident.cause].filter(Boolean).join(' / ') || L.none],
    [L.fallback, incident.fallbackUsed || L.none],
    [L.ticket, incident.vendorTicket || L.none],
  ];
  const steps = incident.steps.map((s, i) => `${i + 1}. [${s.at}] ${s.prompt} -> ${s.answer}${s.note ? ` (${s.note})` : ''}`);
  const timeline = [...input.timeline].reverse().map((t) => `${t.since} ${t.previousOverall ?? '-'} -> ${t.overall} (link ${t.link}${t.lastErrorCode ? `, ${t.lastErrorCode}` : ''})`);

  const text = [
    `${L.title} — ${input.storeName}`,
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `${L.symptoms}:`,
    incident.symptoms || L.none,
    '',
    `${L.steps}:`,
    ...(steps.length ? steps : [L.none]),
    '',
    `${L.timeline}:`,
    ...(timeline.length ? timeline : [L.none]),
    '',
    `${L.errors}:`,
    ...(errorCodes.length ? errorCodes : [L.none]),
    '',
    `${L.raw}:`,
    ...(input.rawLines.length ? input.rawLines : [L.none]),
    '',
    `${L.generated}: ${input.generatedAt}`,
  ].join('\n');

  const list = (items: string[]) => (items.length ? `<ol>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ol>` : `<p>${L.none}</p>`);
  const html = `<!doctype html>
<html lang="${input.language}"><head><meta charset="utf-8"><title>${escapeHtml(L.title)} — ${escapeHtml(device.name)}</title>
<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:20px;border-bottom:1px solid #ccc}
table{border-collapse:collapse}td{padding:3px 12px 3px 0;vertical-align:top}td:first-child{color:#555;white-space:nowrap}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;font-size:12px}
@media print{body{margin:0}}</style></head><body>
<h1>${escapeHtml(L.title)}</h1>
<table>${facts.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>${escapeHtml(L.symptoms)}</h2><p>${escapeHtml(incident.symptoms || L.none)}</p>
<h2>${escapeHtml(L.steps)}</h2>${list(steps)}
<h2>${escapeHtml(L.timeline)}</h2>${list(timeline)}
<h2>${escapeHtml(L.errors)}</h2>${list(errorCodes)}
<h2>${escapeHtml(L.raw)}</h2><pre>${escapeHtml(input.rawLines.join('\n') || L.none)}</pre>
<p>${escapeHtml(L.generated)}: ${escapeHtml(input.generatedAt)}</p>
</body></html>`;
  return { html, text };
}
