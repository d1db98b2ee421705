import { z } from 'zod';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

/** "HH:mm", 24-hour clock. */
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'settings.invalidTime' });

/** Answers by name, kept: making a DateTimeFormat costs about a millisecond, and settings are read on every call. */
const KNOWN_TIME_ZONES = new Map<string, boolean>();

function isTimeZone(value: string): boolean {
  let known = KNOWN_TIME_ZONES.get(value);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
    if (KNOWN_TIME_ZONES.size < 1_000) KNOWN_TIME_ZONES.set(value, known);
  }
  return known;
}

export const BusinessHours = z.object({
  opens: ClockTime,
  /** May be earlier than `opens`: the store closes after midnight. */
  closes: ClockTime,
});

export const StoreProfile = z.object({
  name: z.string().trim().max(100),
  address: z.string().trim().max(300),
  timezone: z.string().refine(isTimeZone, { error: 'settings.invalidTimezone' }),
  businessHours: BusinessHours,
});
export type StoreProfile = z.infer<typeof StoreProfile>;

export const Settings = z.object({
  language: Language,
  store: StoreProfile,
});
export type Settings = z.infer<typeof Settings>;

/** A partial update: the store profile is replaced whole when given. */
export const SettingsUpdate = z
  .object({
    language: Language.optional(),
    store: StoreProfile.optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;

export const DEFAULT_SETTINGS: Settings = {
  language: 'zh-CN',
  store: {
    name: '',
    address: '',
    timezone: 'Asia/Shanghai',
    businessHours: { opens: '09:00', closes: '21:00' },
  },
};
