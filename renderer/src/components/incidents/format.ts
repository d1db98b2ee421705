import { wordAutoSymptoms, type Incident } from '../../../../shared/domain/incidents';

/** "2 h 5 min" in the current language (locale keys incidents.duration*). */
export function formatDuration(ms: number, t: (key: string, values: Record<string, number>) => string): string {
  const minutes = Math.floor(ms / 60000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days > 0) return t('incidents.durationDays', { d: days, h: hours % 24, m: minutes % 60 });
  if (hours > 0) return t('incidents.durationHours', { h: hours, m: minutes % 60 });
  if (minutes > 0) return t('incidents.durationMinutes', { m: minutes });
  return t('incidents.durationSeconds', { s: Math.floor(ms / 1000) });
}

/** The incident's symptoms as shown: automatic ones worded in the current language, the manager's own words as written. */
export function symptomsShown(incident: Incident, t: (key: string, values?: Record<string, string>) => string, language: string): string {
  return incident.autoSymptoms ? wordAutoSymptoms(incident.autoSymptoms, language === 'en' ? 'en' : 'zh-CN', t) : incident.symptoms;
}
