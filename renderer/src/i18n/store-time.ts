/**
 * One rule for every time the console shows: the store's time zone (Settings → store profile)
 * and the manager's language, never the PC's clock settings. Components format through this.
 */
import { useI18n } from 'vue-i18n';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { formatStoreTime } from '../../../shared/domain/time';
import { useSettingsStore } from '../stores/settings';

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
