/**
 * The maintenance schedule as an iCalendar file (RFC 5545) for Outlook and the phone's calendar.
 * Without I/O: the service gathers the plans, their targets and records, and writes the file.
 *
 * One plan on one target is one recurring event: DTSTART in the store's timezone (TZID with its
 * VTIMEZONE, from @touch4it/ical-timezones), the plan's RRULE (UNTIL turned into UTC, as RFC 5545
 * asks when DTSTART has a TZID), EXDATE for skipped occurrences, and an override event
 * (RECURRENCE-ID) for each moved one. A floating plan ("N days after the last completion") has
 * one occurrence at a time: its next one is a single event. UIDs are stable, so importing a newer
 * export updates the calendar instead of doubling it.
 */
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { formatDateTZ, ICalAlarmType } from 'ical-generator';
import type { Plan, OccurrenceRecord } from '../../../../shared/domain/maintenance';
import { formatLocal, parseLocal, ruleLine } from './recurrence';

/** One plan on one target (a device, or the store as null). */
export interface ScheduleSeries {
  plan: Plan;
  target: { id: string | null; name: string; location: string };
  /** The target's records of this plan (done, skipped, moved, answered). */
  records: OccurrenceRecord[];
  /** For a floating plan: its one open occurrence (original), if any. */
  next?: string | null;
}

export interface CalendarTexts {
  calendarName: string;
  /** "Checklist" heading in the description. */
  checklist: string;
  /** "Every {every} {unit} after the last completion" for floating plans, already filled in. */
  floatingNote: (plan: Plan) => string;
}

function plusMinutes(local: string, minutes: number): string {
  return formatLocal(new Date(parseLocal(local)!.getTime() + Math.max(minutes, 15) * 60_000));
}

/**
 * A floating local date-time as ical-generator takes it with a TZID: the string without offset,
 * which it writes back as the same wall time. (A wall time that does not exist in the PC's own
 * timezone, inside its spring-forward hour, would be shifted by an hour; plans at 02:00-03:00 on
 * that night are the only ones concerned.)
 */
const wallTime = (local: string) => local;

function description(plan: Plan, texts: CalendarTexts): string {
  const lines = [plan.purpose.trim()];
  if (plan.schedule.kind === 'floating') lines.push(texts.floatingNote(plan));
  if (plan.steps.length > 0) lines.push(`${texts.checklist}:`, ...plan.steps.map((step, i) => `${i + 1}. ${step.text}`));
  if (plan.parts.trim()) lines.push(plan.parts.trim());
  return lines.filter((line) => line).join('\n');
}

function uid(plan: Plan, targetId: string | null, suffix = ''): string {
  return `${plan.id}.${targetId ?? 'store'}${suffix}@poscare`;
}

/** The VCALENDAR text of the series, in `timeZone`. */
export function scheduleCalendar(series: ScheduleSeries[], timeZone: string, texts: CalendarTexts, stamp: Date): string {
  const calendar = ical({
    name: texts.calendarName,
    prodId: { company: 'PosCare', product: 'Maintenance', language: 'EN' },
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  for (const { plan, target, records, next } of series) {
    const summary = `${plan.title} · ${target.name}`;
    const common = {
      summary,
      description: description(plan, texts),
      location: target.location || null,
      timezone: timeZone,
      stamp,
      alarms: [{ type: ICalAlarmType.display, trigger: 30 * 60, description: summary }],
    };
    if (plan.schedule.kind === 'floating') {
      if (!next) continue;
      const record = records.find((r) => r.ref.original === next);
      const at = record?.movedTo ?? next;
      calendar.createEvent({ ...common, id: uid(plan, target.id, `.${next.replace(/\D/g, '')}`), start: wallTime(at), end: wallTime(plusMinutes(at, plan.estimatedMinutes)) });
      continue;
    }
    const { start } = plan.schedule;
    const skipped = records.filter((r) => r.state === 'skipped').map((r) => r.ref.original).sort();
    const lines = [ruleLine(plan.schedule.rule, start, timeZone)];
    for (const original of skipped) lines.push(formatDateTZ(timeZone, 'EXDATE', wallTime(original), { timezone: timeZone }));
    calendar.createEvent({ ...common, id: uid(plan, target.id), start: wallTime(start), end: wallTime(plusMinutes(start, plan.estimatedMinutes)), repeating: lines.join('\n') });
    for (const record of records) {
      if (record.state === 'skipped' || record.movedTo === null) continue;
      calendar.createEvent({
        ...common,
        id: uid(plan, target.id),
        recurrenceId: wallTime(record.ref.original),
        start: wallTime(record.movedTo),
        end: wallTime(plusMinutes(record.movedTo, plan.estimatedMinutes)),
      });
    }
  }
  return calendar.toString();
}
