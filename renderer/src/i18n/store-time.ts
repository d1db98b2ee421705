/**
 * One rule for every time the console shows: the store's time zone (Settings → store profile)
 * and the manager's language, never the PC's clock settings. Components format through this.
 */
import { useI18n } from 'vue-i18n';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { useSettingsStore } from '../stores/settings';

type Style = 'dateTime' | 'date' | 'time';

const OPTIONS: Record<Style, Intl.DateTimeFormatOptions> = {
  dateTime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
};

/** An ISO time (or epoch ms) as the store's wall clock in `language`; empty input gives ''. */
export function formatStoreTime(value: string | number | null | undefined, language: string, timeZone: string, style: Style = 'dateTime'): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(language, { ...OPTIONS[style], timeZone }).format(date);
}

export function useStoreTime() {
  const { locale } = useI18n();
  const settings = useSettingsStore();
  const zone = () => settings.settings?.store.timezone ?? DEFAULT_SETTINGS.store.timezone;
  return {
    dateTime: (value: string | number | null | undefined) => formatStoreTime(value, locale.value, zone(), 'dateTime'),
    date: (value: string | number | null | undefined) => formatStoreTime(value, locale.value, zone(), 'date'),
    time: (value: string | number | null | undefined) => formatStoreTime(value, locale.value, zone(), 'time'),
    timeZone: zone,
  };
}
