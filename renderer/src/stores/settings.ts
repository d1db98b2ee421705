import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../shared/domain/app';
import type { Language, Settings, StoreProfile } from '../../../shared/domain/settings';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';
import { setLanguage } from '../i18n';

/** The store profile, the language and the About facts. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings>();
  const info = ref<AppInfo>();
  const loadError = ref<ApiError>();
  let unsubscribe: (() => void) | undefined;

  function apply(next: Settings): void {
    settings.value = next;
    setLanguage(next.language);
  }

  async function load(): Promise<void> {
    const [settingsResult, infoResult] = await Promise.all([call('settings.get'), call('app.info')]);
    // Also when the settings cannot be read: a damaged database makes the info say "recovery".
    if (infoResult.ok) info.value = infoResult.value;
    if (!settingsResult.ok) {
      loadError.value = settingsResult.error;
      return;
    }
    loadError.value = undefined;
    apply(settingsResult.value);
    unsubscribe ??= on('settings.changed', apply);
  }

  /** Answers the API error (for field messages) or undefined when saved. */
  async function saveStore(store: StoreProfile): Promise<ApiError | undefined> {
    const result = await call('settings.update', { store });
    if (!result.ok) return result.error;
    apply(result.value);
    return undefined;
  }

  async function changeLanguage(language: Language): Promise<ApiError | undefined> {
    const result = await call('settings.update', { language });
    if (!result.ok) return result.error;
    apply(result.value);
    return undefined;
  }

  return { settings, info, loadError, load, saveStore, changeLanguage };
});
