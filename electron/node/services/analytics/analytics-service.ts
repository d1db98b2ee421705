/**
 * Reliability analytics over incidents and the status history. The figures are the answers of
 * the documented queries in db/analytics.ts; this service only picks the window and the store's
 * UTC offset and weighs the health score's ingredients.
 */
import type { AnalyticsQuery, AnalyticsSummary } from '../../../../shared/domain/analytics';
import { nextDay } from '../../../../shared/domain/transactions';
import { zonedDayStart, zoneOffsetMs } from '../../../../shared/domain/time';
import { AppError } from '../../../../shared/ipc/result';
import { byHour, byWeekday, deviceReliability, downtimeByMonth, fleetNow, pareto, recurringErrors, storeReliability, type AnalyticsParams } from '../../db/analytics';
import type { Db } from '../../db/connection';
import type { Clock } from '../devices/devices-service';
import { describeErrorCode } from '../devices/status-model';
import type { SettingsService } from '../settings/settings-service';

const DAY = 86_400_000;
/** Weights of the store health score (sum 100). */
export const HEALTH_WEIGHTS = { availability: 50, terminalsOk: 20, openIncidents: 15, softwareCurrent: 15 } as const;

/** The UTC offset of a time zone at an instant, as an SQLite modifier ("+480 minutes"). */
export function offsetModifier(timeZone: string, at: Date): string {
  const minutes = Math.round(zoneOffsetMs(timeZone, at.getTime()) / 60000);
  return `${minutes >= 0 ? '+' : ''}${minutes} minutes`;
}

export class AnalyticsService {
  constructor(
    private readonly db: Db,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  summary(query: AnalyticsQuery = {}): AnalyticsSummary {
    const now = this.clock.now();
    const timeZone = this.settings.get().store.timezone;
    // A window is never counted past now (an open incident would count downtime into the
    // future), and store-local days start at 00:00 in the store's time zone, not the PC's.
    const askedTo = query.toDay ? zonedDayStart(nextDay(query.toDay), timeZone) : query.to ? Date.parse(query.to) : now.getTime();
    const askedFrom = query.fromDay ? zonedDayStart(query.fromDay, timeZone) : query.from ? Date.parse(query.from) : Math.min(askedTo, now.getTime()) - 365 * DAY;
    if (askedFrom > askedTo) {
      const path = query.toDay ? 'toDay' : query.to ? 'to' : query.fromDay ? 'fromDay' : 'from';
      throw new AppError('validation', 'The window ends before it starts', { issues: [{ path, code: 'custom', messageKey: 'analytics.toBeforeFrom' }] });
    }
    if (askedFrom > now.getTime()) {
      const path = query.fromDay ? 'fromDay' : 'from';
      throw new AppError('validation', 'The window starts in the future', { issues: [{ path, code: 'custom', messageKey: 'analytics.fromInFuture' }] });
    }
    const to = new Date(Math.min(askedTo, now.getTime())).toISOString();
    const from = new Date(askedFrom).toISOString();
    const params: AnalyticsParams = { from, to, device: query.deviceId ?? null, offset: offsetModifier(timeZone, new Date(to)) };
    const devices = deviceReliability(this.db, params);
    return {
      from,
      to,
      store: storeReliability(this.db, params),
      devices,
      downtimeByMonth: downtimeByMonth(this.db, params),
      pareto: pareto(this.db, params),
      recurringErrors: recurringErrors(this.db, params).map((row) => ({ ...row, text: describeErrorCode(row.code) })),
      byHour: byHour(this.db, params),
      byWeekday: byWeekday(this.db, params),
      health: this.health(params.device, now),
    };
  }

  /** 0..100 from availability over the last 30 days, terminals ok now, open incidents, current software. */
  health(device: string | null, now: Date = this.clock.now()) {
    const to = now.toISOString();
    const window = deviceReliability(this.db, { from: new Date(now.getTime() - 30 * DAY).toISOString(), to, device, offset: '+0 minutes' });
    const observed = window.reduce((sum, d) => sum + d.observedMs, 0);
    const down = window.reduce((sum, d) => sum + Math.min(d.downtimeMs, d.observedMs), 0);
    const fleet = fleetNow(this.db, device);
    const values = {
      availability: observed > 0 ? 1 - down / observed : 1,
      terminalsOk: fleet.terminals > 0 ? fleet.ok / fleet.terminals : 1,
      openIncidents: fleet.terminals > 0 ? 1 - Math.min(1, fleet.openIncidents / fleet.terminals) : 1,
      softwareCurrent: fleet.terminals > 0 ? fleet.softwareCurrent / fleet.terminals : 1,
    };
    const ingredients = (Object.keys(HEALTH_WEIGHTS) as (keyof typeof HEALTH_WEIGHTS)[]).map((key) => ({
      key,
      value: values[key],
      weight: HEALTH_WEIGHTS[key],
      points: Math.round(values[key] * HEALTH_WEIGHTS[key] * 10) / 10,
    }));
    return { score: Math.round(ingredients.reduce((sum, i) => sum + values[i.key] * i.weight, 0)), ingredients };
  }

  dispose(): void {}
}
