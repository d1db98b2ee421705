/**
 * Reliability analytics over incidents and the status history. The figures are the answers of
 * the documented queries in db/analytics.ts; this service only picks the window and the store's
 * UTC offset and weighs the health score's ingredients.
 */
import type { AnalyticsQuery, AnalyticsSummary } from '../../../../shared/domain/analytics';
import { AppError } from '../../../../shared/ipc/result';
import { byHour, byWeekday, deviceReliability, downtimeByMonth, fleetNow, pareto, recurringErrors, storeReliability, type AnalyticsParams } from '../../db/analytics';
import type { Db } from '../../db/connection';
import type { Clock } from '../../clock';
import { describeErrorCode } from '../devices/status-model';
import type { SettingsService } from '../settings/settings-service';

const DAY = 86_400_000;
/** Weights of the store health score (sum 100). */
export const HEALTH_WEIGHTS = { availability: 50, terminalsOk: 20, openIncidents: 15, softwareCurrent: 15 } as const;

/** The UTC offset of a time zone at an instant, as an SQLite modifier ("+480 minutes"). */
export function offsetModifier(timeZone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const minutes = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60000);
  return `${minutes >= 0 ? '+' : ''}${minutes} minutes`;
}

export class AnalyticsService {
  constructor(
    private readonly db: Db,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  summary(query: AnalyticsQuery = {}): AnalyticsSummary {
    const now = new Date(this.clock.now());
    const to = query.to ? new Date(query.to).toISOString() : now.toISOString();
    const from = query.from ? new Date(query.from).toISOString() : new Date(Date.parse(to) - 365 * DAY).toISOString();
    if (from > to) {
      throw new AppError('validation', 'The window ends before it starts', { issues: [{ path: query.to ? 'to' : 'from', code: 'custom', messageKey: 'analytics.toBeforeFrom' }] });
    }
    const params: AnalyticsParams = { from, to, device: query.deviceId ?? null, offset: offsetModifier(this.settings.get().store.timezone, new Date(to)) };
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
  health(device: string | null, now: Date = new Date(this.clock.now())) {
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
