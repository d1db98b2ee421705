/** Reliability analytics: every number comes from one documented SQL query in electron/node/db/analytics.ts. */
import { z } from 'zod';
import { isCalendarDay } from './time';

const StoreDay = z.string().refine(isCalendarDay, { error: 'analytics.invalidDay' });

export const AnalyticsQuery = z
  .object({
    /** ISO times; default: the last 365 days up to now. */
    from: z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'incidents.invalidTime' }).optional(),
    to: z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'incidents.invalidTime' }).optional(),
    /** Store-local calendar days, inclusive (a custom period): from 00:00 of `fromDay` to the end of `toDay`, never past now. */
    fromDay: StoreDay.optional(),
    toDay: StoreDay.optional(),
    deviceId: z.string().optional(),
  })
  .strict()
  // A window that ends before it starts is refused by AnalyticsService.summary, which also sees the defaults.
  .optional()
  .default({});
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

/** The whole store (or the one device asked for): MTBF over all terminals, MTTR over all closed incidents. */
export const StoreReliability = z.object({
  failures: z.number().int(),
  observedMs: z.number(),
  downtimeMs: z.number(),
  /** Failures of the window that are closed (the ones MTTR is the mean of). */
  repairs: z.number().int(),
  /** Mean time between failures: (observed - downtime) / failures; null without failures. */
  mtbfMs: z.number().nullable(),
  /** Mean time to repair over closed incidents; null when none closed. */
  mttrMs: z.number().nullable(),
});
export type StoreReliability = z.infer<typeof StoreReliability>;

/** One device: the same figures as StoreReliability, plus when it last failed and when it may fail next. */
export const DeviceReliability = StoreReliability.extend({
  deviceId: z.string(),
  name: z.string(),
  lastFailureAt: z.string().nullable(),
  /** Last failure + MTBF. */
  expectedNextFailureAt: z.string().nullable(),
});
export type DeviceReliability = z.infer<typeof DeviceReliability>;

export const HealthScore = z.object({
  score: z.number(),
  ingredients: z.array(z.object({ key: z.enum(['availability', 'terminalsOk', 'openIncidents', 'softwareCurrent']), value: z.number(), weight: z.number(), points: z.number() })),
});

export const AnalyticsSummary = z.object({
  from: z.string(),
  to: z.string(),
  store: StoreReliability,
  devices: z.array(DeviceReliability),
  downtimeByMonth: z.array(z.object({ deviceId: z.string(), month: z.string(), failures: z.number().int(), downtimeMs: z.number() })),
  pareto: z.array(z.object({ faultClass: z.string(), count: z.number().int(), cumulativeShare: z.number() })),
  /** `text`: what the code means, in both languages (null for a code PosCare does not know). */
  recurringErrors: z.array(z.object({ code: z.string(), text: z.object({ zh: z.string(), en: z.string() }).nullable(), occurrences: z.number().int(), devices: z.number().int(), lastAt: z.string() })),
  byHour: z.array(z.number().int()).length(24),
  byWeekday: z.array(z.number().int()).length(7),
  health: HealthScore,
});
export type AnalyticsSummary = z.infer<typeof AnalyticsSummary>;
