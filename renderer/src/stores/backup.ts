import { defineStore } from 'pinia';
import { ref } from 'vue';
import { RestoreResult, type BackupEntry, type BackupInspectResult, type BackupProgress, type BackupSettings, type BackupVerifyResult } from '../../../shared/domain/backup';
import type { MethodInput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

type Outcome<T> = { value?: T; error?: ApiError };

const RESTORE_NOTICE_KEY = 'poscare.restoreNotice';

/** What the restore that reloaded this page did, once (null when the page was not reloaded by a restore). */
export function takeRestoreNotice(): RestoreResult | null {
  try {
    const stored = window.sessionStorage.getItem(RESTORE_NOTICE_KEY);
    if (stored === null) return null;
    window.sessionStorage.removeItem(RESTORE_NOTICE_KEY);
    const parsed = RestoreResult.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Backups: settings, history, the running operation's progress. */
export const useBackupStore = defineStore('backup', () => {
  const settings = ref<BackupSettings>();
  const entries = ref<BackupEntry[]>([]);
  const progress = ref<BackupProgress>();
  const loadError = ref<ApiError>();
  /** A history entry the manager chose to restore: the restore panel verifies it first. */
  const restoreTarget = ref<string>();
  let subscribed = false;

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    on('backup.progress', (event) => {
      progress.value = event;
      // A scheduled run (or one skipped for a missing passphrase or drive) changed the history.
      if (event.operation === 'create' && (event.phase === 'done' || event.phase === 'failed')) void load();
    });
    // The database under the app was replaced: start over on the restored data, and say after
    // the reload what the restore did (takeRestoreNotice).
    on('backup.restored', (result) => {
      try {
        window.sessionStorage.setItem(RESTORE_NOTICE_KEY, JSON.stringify(result));
      } catch {
        // Storage refused (private mode): the reload still happens, without the summary.
      }
      window.location.reload();
    });
  }

  async function load(): Promise<void> {
    subscribe();
    const result = await call('backup.list');
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    loadError.value = undefined;
    settings.value = result.value.settings;
    entries.value = result.value.entries;
  }

  async function run<T>(work: Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>): Promise<Outcome<T>> {
    const result = await work;
    await load();
    return result.ok ? { value: result.value } : { error: result.error };
  }

  const create = (input: MethodInput<'backup.create'>): Promise<Outcome<BackupEntry>> => run(call('backup.create', input));
  const verify = (input: MethodInput<'backup.verify'>): Promise<Outcome<BackupVerifyResult>> => run(call('backup.verify', input));
  const drill = (input: MethodInput<'backup.drill'>): Promise<Outcome<RestoreResult>> => run(call('backup.drill', input));
  const restore = (input: MethodInput<'backup.restore'>): Promise<Outcome<RestoreResult>> => run(call('backup.restore', input));
  const updateSettings = (input: MethodInput<'backup.updateSettings'>) => run(call('backup.updateSettings', input));

  async function inspect(file: string): Promise<Outcome<BackupInspectResult>> {
    const result = await call('backup.inspect', { file });
    return result.ok ? { value: result.value } : { error: result.error };
  }

  /** The desktop app's file dialog; `value` is null when the manager cancelled it. */
  async function pickFile(): Promise<Outcome<string | null>> {
    const result = await call('native.pickFile', { title: 'restore' });
    return result.ok ? { value: result.value.path } : { error: result.error };
  }

  return { settings, entries, progress, loadError, restoreTarget, load, create, verify, drill, restore, inspect, pickFile, updateSettings };
});
