import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AttentionNotice, AttentionSection, AttentionState } from '../../../shared/domain/attention';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

/**
 * What needs the manager (every section's attention items, badge totals, muted kinds), kept
 * current by `attention.changed`. The desktop app notifies from the main side; in browser mode
 * the store shows each crossing once: a browser Notification when allowed, else an in-app notice.
 */
export const useAttentionStore = defineStore('attention', () => {
  const state = ref<AttentionState>({ items: [], badges: {}, mutedKinds: [] });
  const loadError = ref<ApiError>();
  /** The in-page banner (every page, both modes): critical items that just appeared, and items that just cleared (a terminal back), newest first. */
  const banner = ref<AttentionNotice[]>([]);
  let subscribed = false;

  function badge(section: string): number {
    return state.value.badges[section as AttentionSection] ?? 0;
  }

  /** `inApp` shows a notice inside the page (browser mode without Notification permission). */
  function subscribe(texts: (notice: AttentionNotice) => { title: string; body: string }, inApp: (notice: AttentionNotice, text: { title: string; body: string }) => void): void {
    if (subscribed) return;
    subscribed = true;
    const browser = !window.api && typeof Notification !== 'undefined';
    if (browser && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
    on('attention.changed', (event) => {
      const { notices, ...next } = event;
      state.value = next;
      for (const notice of notices) {
        // One line per thing: its newest crossing replaces the older one (down, then back).
        if (notice.severity === 'critical' || notice.phase === 'cleared') banner.value = [notice, ...banner.value.filter((n) => n.id !== notice.id)].slice(0, 5);
      }
      if (window.api) return;
      for (const notice of notices) {
        const text = texts(notice);
        if (browser && Notification.permission === 'granted') new Notification(text.title, { body: text.body, tag: notice.id });
        else inApp(notice, text);
      }
    });
  }

  async function load(): Promise<void> {
    const result = await call('attention.list');
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    loadError.value = undefined;
    state.value = result.value;
  }

  async function setMuted(kind: string, muted: boolean): Promise<ApiError | undefined> {
    const result = await call(muted ? 'attention.mute' : 'attention.unmute', { kind });
    if (!result.ok) return result.error;
    state.value = result.value;
    return undefined;
  }

  function dismiss(notice: AttentionNotice): void {
    banner.value = banner.value.filter((n) => n !== notice);
  }

  return { state, loadError, banner, badge, subscribe, load, setMuted, dismiss };
});
