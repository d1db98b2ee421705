/**
 * The contingency plan as one A4 page to pin up behind the counter (zh-CN or English): contacts,
 * backup devices, fallback steps, roles, the day it was printed and reviewed. Plain HTML with its
 * own print stylesheet; the browser prints it, the desktop app renders it with printToPDF. Every
 * word comes from the locale files through attentionText.
 */
import type { ContingencyPlan } from '../../../../shared/domain/contingency';
import type { Language } from '../../../../shared/domain/settings';
import { attentionText } from '../attention/texts';

export interface SheetInput {
  language: Language;
  storeName: string;
  plan: ContingencyPlan;
  /** Backup devices by id: name and location. */
  devices: Map<string, { name: string; location: string }>;
  /** Staff by id: name and phone (for roles linked to the roster). */
  staff: Map<string, { name: string; phone: string }>;
  /** Store-local day it is printed. */
  printedOn: string;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Long texts are cut so the page stays one page whatever the manager typed. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const STYLE = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; font-size: 10.5pt; color: #000; margin: 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 4mm 0 1.5mm; border-bottom: 1px solid #000; }
.meta { font-size: 9pt; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; }
td, th { border: 1px solid #666; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; }
.phone { font-size: 12pt; font-weight: bold; white-space: nowrap; }
.pre { white-space: pre-wrap; margin: 0; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
.say { font-size: 12pt; border: 2px solid #000; padding: 2mm; margin: 0; }
.sheet { max-height: 270mm; overflow: hidden; }
@media screen { body { background: #888; } .sheet { background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 12mm; } }
`;

export function buildSheet(input: SheetInput): string {
  const t = (key: string, params: Record<string, string | number> = {}) => esc(attentionText(input.language, `contingency.${key}`, params));
  const { plan } = input;
  const contacts = plan.contacts.slice(0, 10).map((c) => `<tr><td>${esc(clip(c.name, 40))}${c.role ? `<br><small>${esc(clip(c.role, 40))}</small>` : ''}</td><td class="phone">${esc(c.phone)}${c.other ? `<br><small>${esc(clip(c.other, 40))}</small>` : ''}</td><td>${esc(clip(c.hours, 30))}</td><td><small>${esc(clip(c.prepare, 120))}</small></td></tr>`);
  const backups = plan.backupDeviceIds.slice(0, 6).map((id) => {
    const d = input.devices.get(id);
    return `<li>${esc(d?.name ?? id)}${d?.location ? ` — ${esc(d.location)}` : ''}</li>`;
  });
  const roles = plan.roles.map((r) => {
    const person = r.staffId ? input.staff.get(r.staffId) : undefined;
    const who = person ? `${person.name}${person.phone ? ` ${person.phone}` : ''}` : r.name;
    return `<tr><th>${t(`duties.${r.duty}`)}</th><td>${esc(clip(who, 60)) || '—'}</td></tr>`;
  });
  return `<!doctype html><html lang="${input.language}"><head><meta charset="utf-8"><title>${t('sheet.title')}</title><style>${STYLE}</style></head><body><div class="sheet" data-testid="plan-sheet">
<h1>${t('sheet.title')}${input.storeName ? ` — ${esc(input.storeName)}` : ''}</h1>
<p class="meta">${t('sheet.printed', { date: input.printedOn })} · ${plan.reviewedOn ? t('sheet.reviewed', { date: plan.reviewedOn }) : t('sheet.neverReviewed')}</p>
<h2>${t('sheet.contacts')}</h2>
<table><tr><th>${t('fields.name')}</th><th>${t('fields.phone')}</th><th>${t('fields.hours')}</th><th>${t('fields.prepare')}</th></tr>${contacts.join('') || `<tr><td colspan="4">—</td></tr>`}</table>
<div class="cols"><div><h2>${t('sheet.backups')}</h2><ul>${backups.join('')}${plan.backupOther ? `<li>${esc(clip(plan.backupOther, 200))}</li>` : ''}</ul></div>
<div><h2>${t('sheet.roles')}</h2><table>${roles.join('')}</table></div></div>
<h2>${t('sheet.fallback')}</h2><p class="pre">${esc(clip(plan.qrProcedure, 700))}</p>
${plan.manualRecord ? `<h2>${t('sheet.manualRecord')}</h2><p class="pre">${esc(clip(plan.manualRecord, 400))}</p>` : ''}
<h2>${t('sheet.customers')}</h2><p class="say">${esc(clip(plan.customerWording, 300))}</p>
</div></body></html>`;
}
