import { wordAutoSymptoms, type Incident } from '../../../../shared/domain/incidents';

/** Shared with the escalation pack, so the console and the pack word a duration alike. */
export { formatDuration } from '../../../../shared/domain/incidents';

/** The incident's symptoms as shown: automatic ones worded in the current language, the manager's own words as written. */
export function symptomsShown(incident: Incident, t: (key: string, values?: Record<string, string>) => string, language: string): string {
  return incident.autoSymptoms ? wordAutoSymptoms(incident.autoSymptoms, language === 'en' ? 'en' : 'zh-CN', t) : incident.symptoms;
}
