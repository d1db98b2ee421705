/**
 * One rule for every time the console shows: the store's time zone (Settings → store profile)
 * and the manager's language, never the PC's clock settings. Components format through this.
 */
import { useI18n } from 'vue-i18n';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { formatStoreTime, zonedDateTime, zonedDay, zonedInstant } from '../../../shared/domain/time';
import { useSettingsStore } from '../stores/settings';

export function useStoreTime() {
  const { locale } = useI18n();
  const settings = useSettingsStore();
  const zone = () => settings.settings?.store.timezone ?? DEFAULT_SETTINGS.store.timezone;
  return {
    dateTime: (value: string | number | null | undefined) => formatStoreTime(value, locale.value, zone(), 'dateTime'),
    date: (value: string | number | null | undefined) => formatStoreTime(value, locale.value, zone(), 'date'),
    time: (value: string | number | null | undefined) => formatStoreTime(value, locale.value, zone(), 'time'),
    /** A floating store wall-clock time ("YYYY-MM-DDTHH:mm:ss", e.g. a maintenance occurrence) shown like `dateTime`. */
    wallClock: (value: string | null | undefined) => (value ? formatStoreTime(zonedInstant(value, zone()), locale.value, zone(), 'dateTime') : ''),
    /** The same with seconds (captured transactions, where the second tells receipts apart). */
    wallClockSeconds: (value: string | null | undefined) => {
      if (!value) return '';
      const at = zonedInstant(value, zone());
      return `${formatStoreTime(at, locale.value, zone(), 'date')} ${formatStoreTime(at, locale.value, zone(), 'time')}`;
    },
    /** The store-local calendar day (YYYY-MM-DD) `daysBack` days before now: default date pickers. */
    day: (daysBack = 0) => zonedDay(Date.now() - daysBack * 86_400_000, zone()),
    /** The store's wall clock now, as a floating "YYYY-MM-DDTHH:mm:ss". */
    now: () => zonedDateTime(Date.now(), zone()),
    /** A calendar day (YYYY-MM-DD: a due date, a start date) written the way the language writes dates; it has no time zone. */
    calendarDay: (value: string | null | undefined) => (value ? formatStoreTime(`${value}T12:00:00Z`, locale.value, 'UTC', 'date') : ''),
    timeZone: zone,
    /** The display format of a date picker, written like `date` / `dateTime` above (never the ISO form). */
    pickerFormat: (style: 'date' | 'dateTime') => {
      const day = locale.value === 'en' ? 'MM/DD/YYYY' : 'YYYY/MM/DD';
      return style === 'date' ? day : `${day} HH:mm`;
    },
    /** An instant as the store's wall clock "YYYY-MM-DDTHH:mm:ss" (what a datetime picker edits); null for none. */
    toWallClock: (value: string | null | undefined) => (value && !Number.isNaN(Date.parse(value)) ? zonedDateTime(Date.parse(value), zone()) : null),
    /** The store wall-clock time a picker gave back, as an ISO instant; null for none. */
    fromWallClock: (value: string | null | undefined) => (value ? new Date(zonedInstant(value, zone())).toISOString() : null),
  };
}
