/**
 * What needs the manager's attention, collected once for every section: the shell turns it into
 * menu badges, status-board cards and one desktop notification per crossing.
 *
 * How a section publishes (devices/ and backup/ are the worked examples, wired in app.ts):
 *   1. Its service exposes `attentionItems(): AttentionItem[]`, pure, computed from its data and
 *      the clock (shared/domain/attention.ts has the shape). An item's `id` is stable for one
 *      thing in one crossing, e.g. `parts.low:<partId>`; its text is a locale key + params (a
 *      param named `xxxKey` holds a locale key and fills `{xxx}` translated).
 *   2. app.ts registers it once: `attention.register('parts', () => parts.attentionItems())`.
 *      The service reads every registered source now and on each clock tick (every minute), so
 *      time-driven items (due, overdue, expired) appear by themselves.
 *   3. After a change that may add or clear items, call `attention.refresh('parts')` (app.ts does
 *      it for the section's bus events); or push a computed set with `attention.publish('parts', items)`.
 * Publishing replaces that section's whole set. An id that was not in the section's previous
 * set is a crossing: one notification (unless its kind is muted). An id that stays is not
 * announced again, however often it is republished; once it is gone, its return is a new crossing.
 * A section that wants a notification when an item clears too (a terminal back) passes
 * `cleared(item)` answering its text.
 */
import {
  AttentionItem,
  AttentionSettings,
  type AttentionChangedEvent,
  type AttentionNotice,
  type AttentionSection,
  type AttentionState,
} from '../../../../shared/domain/attention';
import { AppError } from '../../../../shared/ipc/result';
import { unrefTimer, type Clock, type TimerHandle } from '../../clock';
import type { Db } from '../../db/connection';
import { domainSettings, type DomainSettings } from '../../db/settings';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';

const SETTINGS_KEY = 'attention';
/** How often registered sources are read again (time-driven items: due, overdue, expired). */
const ATTENTION_TICK_MS = 60_000;

export type ClearedText = (item: AttentionItem) => { textKey: string; params: AttentionItem['params'] } | undefined;

export interface AttentionSourceOptions {
  /** The notification text when an item of this section clears; none when absent or undefined. */
  cleared?: ClearedText;
}

interface Source extends AttentionSourceOptions {
  items: () => AttentionItem[];
}

export interface AttentionServiceOptions {
  clock: Clock;
  logger?: Logger;
  /** Shows a desktop notification (the desktop app: Electron's Notification); browser mode shows the event's notices. */
  notify?: (notice: AttentionNotice) => void;
  /** Read the registered sources on every tick; false in tests that drive `refresh()` themselves. */
  tick?: boolean;
}

export class AttentionService {
  private readonly bySection = new Map<AttentionSection, AttentionItem[]>();
  private readonly sources = new Map<AttentionSection, Source>();
  private readonly stored: DomainSettings<AttentionSettings>;
  private readonly timer: TimerHandle | undefined;

  constructor(
    db: () => Db,
    private readonly bus: EventBus,
    private readonly options: AttentionServiceOptions,
  ) {
    this.stored = domainSettings(db, SETTINGS_KEY, AttentionSettings, AttentionSettings.parse({}), () => options.clock.now());
    if (options.tick !== false) {
      this.timer = options.clock.setInterval(() => this.refresh(), ATTENTION_TICK_MS);
      unrefTimer(this.timer);
    }
  }

  /**
   * Adds a section whose items are read now, on every tick and on `refresh(section)`. What is
   * already there when the app starts shows (badges, cards) without a notification, as a
   * terminal found down at start was never announced; crossings from then on are.
   */
  register(section: AttentionSection, items: () => AttentionItem[], options: AttentionSourceOptions = {}): void {
    this.sources.set(section, { items, ...options });
    this.refresh(section, { silent: true });
  }

  /** Reads one registered section again (all of them without an argument); a failing source keeps its last set. */
  refresh(section?: AttentionSection, how: { silent?: boolean } = {}): void {
    for (const [name, source] of this.sources) {
      if (section !== undefined && name !== section) continue;
      let items: AttentionItem[];
      try {
        items = source.items();
      } catch (error) {
        this.options.logger?.error('attention source failed', { section: name, error });
        continue;
      }
      this.publish(name, items, source, how);
    }
  }

  /** Replaces a section's items; announces the crossings (ids new to the section) once. */
  publish(section: AttentionSection, items: readonly AttentionItem[], options: AttentionSourceOptions = this.sources.get(section) ?? {}, how: { silent?: boolean } = {}): void {
    const next = items.map((item) => AttentionItem.parse(item));
    const wrong = next.find((item) => item.section !== section);
    if (wrong) throw new AppError('validation', `Attention item ${wrong.id} belongs to ${wrong.section}, not ${section}`, { id: wrong.id });
    const previous = this.bySection.get(section) ?? [];
    const before = new Set(previous.map((item) => item.id));
    const after = new Set(next.map((item) => item.id));
    const muted = new Set(this.stored.get().mutedKinds);
    const notices: AttentionNotice[] = [];
    for (const item of how.silent ? [] : next) {
      if (!before.has(item.id) && !muted.has(item.kind)) notices.push({ id: item.id, phase: 'appeared', severity: item.severity, textKey: item.textKey, params: item.params, link: item.link });
    }
    for (const item of how.silent ? [] : previous) {
      if (after.has(item.id) || muted.has(item.kind)) continue;
      const text = options.cleared?.(item);
      if (text) notices.push({ id: item.id, phase: 'cleared', severity: 'info', textKey: text.textKey, params: text.params, link: item.link });
    }
    if (next.length === 0) this.bySection.delete(section);
    else this.bySection.set(section, next);
    if (notices.length === 0 && JSON.stringify(previous) === JSON.stringify(next)) return;
    this.announce(notices);
  }

  /** The items of kinds not muted, in section order, most severe first; badge totals per section. */
  list(): AttentionState {
    const mutedKinds = this.stored.get().mutedKinds;
    const muted = new Set(mutedKinds);
    const rank = { critical: 0, warning: 1, info: 2 } as const;
    const items = [...this.bySection.values()].flat().filter((item) => !muted.has(item.kind));
    items.sort((a, b) => rank[a.severity] - rank[b.severity]);
    const badges: AttentionState['badges'] = {};
    for (const item of items) badges[item.section] = (badges[item.section] ?? 0) + item.count;
    return { items, badges, mutedKinds };
  }

  /** Hides a kind: no badge, card or notification for it until unmuted (kept in the settings). */
  mute(kind: string): AttentionState {
    const current = this.stored.get().mutedKinds;
    if (!current.includes(kind)) this.stored.update({ mutedKinds: [...current, kind] });
    this.announce([]);
    return this.list();
  }

  /** Shows a kind again; its items come back without a notification (they did not cross now). */
  unmute(kind: string): AttentionState {
    this.stored.update({ mutedKinds: this.stored.get().mutedKinds.filter((k) => k !== kind) });
    this.announce([]);
    return this.list();
  }

  private announce(notices: AttentionNotice[]): void {
    const event: AttentionChangedEvent = { ...this.list(), notices };
    this.bus.emit('attention.changed', event);
    for (const notice of notices) {
      try {
        this.options.notify?.(notice);
      } catch (error) {
        this.options.logger?.warn('attention notification failed', { id: notice.id, error });
      }
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.options.clock.clearInterval(this.timer);
    this.sources.clear();
  }
}
