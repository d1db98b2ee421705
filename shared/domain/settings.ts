import { z } from 'zod';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

/** "HH:mm", 24-hour clock. */
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'settings.invalidTime' });

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
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
