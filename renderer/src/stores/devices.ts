import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { modelKey, type Device, type DeviceCommandRecord, type DeviceCsvImportResult, type DeviceFieldsInput, type DeviceSettings } from '../../../shared/domain/devices';
import type { GuideCommand } from '../../../shared/domain/terminals';
import type { CodeText, DeviceStatus, StatusChange } from '../../../shared/domain/status';
import type { ApiError } from '../../../shared/ipc/result';
import type { StaffCheck } from '../../../shared/domain/checks';
import type { MethodInput } from '../../../shared/ipc/contract';
import { call, on } from '../api/client';
import { i18n } from '../i18n';

/** The registry and the live status of every terminal (a terminal going down or back is an attention notice: stores/attention). */
export const useDevicesStore = defineStore('devices', () => {
  const devices = ref<Device[]>([]);
  const statuses = ref<Record<string, DeviceStatus>>({});
  const running = ref<Record<string, { command: string; text: string; words?: CodeText }>>({});
  const loadError = ref<ApiError>();
  const loaded = ref(false);
  /** The refused lines of the last CSV import (nothing of that file was saved). */
  const importErrors = ref<DeviceCsvImportResult['errors']>([]);
  const settings = ref<DeviceSettings>();
  let subscribed = false;

  const byId = computed(() => new Map(devices.value.map((d) => [d.id, d])));
  /** The registry's models, one spelling per modelKey, sorted: offered wherever a model is picked. */
  const models = computed(() => [...new Map(devices.value.filter((d) => d.model).map((d) => [modelKey(d.model), d.model])).values()].sort());

  /**
   * A terminal id as the manager knows it: the device's name; demo data written before any device
   * was registered (T001, T002, ...) as "demo terminal 1"; else the id itself (imported data).
   */
  function nameOf(terminalId: string): string {
    const known = byId.value.get(terminalId)?.name;
    if (known) return known;
    const demo = /^T(\d{3})$/.exec(terminalId);
    return demo ? i18n.global.t('transactions.demoTerminal', { n: Number(demo[1]) }) : terminalId;
  }

  /** Desktop and browser notifications of a terminal going down or back come from the attention store. */
  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    on('devices.changed', (device) => {
      const rest = devices.value.filter((d) => d.id !== device.id);
      devices.value = device.archived ? rest : [...rest, device].sort((a, b) => a.name.localeCompare(b.name));
    });
    on('devices.statusChanged', (event) => {
      statuses.value = { ...statuses.value, [event.status.deviceId]: event.status };
    });
    on('devices.command', (event) => {
      const next = { ...running.value };
      if (event.phase === 'finished') delete next[event.deviceId];
      else next[event.deviceId] = { command: event.command, text: event.text, ...(event.words ? { words: event.words } : {}) };
      running.value = next;
    });
  }

  async function load(): Promise<void> {
    subscribe();
    const [list, status] = await Promise.all([call('devices.list', { includeArchived: false }), call('devices.statuses')]);
    if (!list.ok) {
      loadError.value = list.error;
      return;
    }
    if (!status.ok) {
      loadError.value = status.error;
      return;
    }
    loadError.value = undefined;
    devices.value = list.value;
    statuses.value = Object.fromEntries(status.value.map((s) => [s.deviceId, s]));
    loaded.value = true;
  }

  async function save(id: string | undefined, fields: DeviceFieldsInput): Promise<{ device?: Device; error?: ApiError }> {
    const result = id ? await call('devices.update', { id, ...fields }) : await call('devices.create', fields);
    if (!result.ok) return { error: result.error };
    await load();
    return { device: result.value };
  }

  /** Sets or removes (null) a device's photo, keeping every other field. */
  async function setPhoto(id: string, photo: string | null): Promise<ApiError | undefined> {
    const device = byId.value.get(id);
    if (!device) return { code: 'not_found', message: `No device ${id}` };
    const { archived: _archived, createdAt: _created, updatedAt: _updated, ...fields } = device;
    const result = await call('devices.update', { ...fields, photo });
    if (!result.ok) return result.error;
    devices.value = devices.value.map((d) => (d.id === id ? result.value : d));
    return undefined;
  }

  async function archive(id: string): Promise<ApiError | undefined> {
    const result = await call('devices.archive', { id });
    if (!result.ok) return result.error;
    await load();
    return undefined;
  }

  async function history(deviceId: string): Promise<StatusChange[]> {
    const result = await call('devices.history', { deviceId, limit: 100 });
    return result.ok ? result.value : [];
  }

  async function commands(id: string): Promise<DeviceCommandRecord[]> {
    const result = await call('devices.commands', { id });
    return result.ok ? result.value : [];
  }

  async function runCommand(id: string, command: GuideCommand): Promise<{ record?: DeviceCommandRecord; error?: ApiError }> {
    running.value = { ...running.value, [id]: { command, text: '' } };
    const result = await call('devices.runCommand', { id, command });
    const next = { ...running.value };
    delete next[id];
    running.value = next;
    return result.ok ? { record: result.value } : { error: result.error };
  }

  async function exportCsv(): Promise<string | undefined> {
    const result = await call('devices.exportCsv');
    return result.ok ? result.value.csv : undefined;
  }

  async function importCsv(csv: string) {
    const result = await call('devices.importCsv', { csv });
    importErrors.value = result.ok ? result.value.errors : [];
    if (result.ok && result.value.errors.length === 0) await load();
    return result;
  }

  /** A staff check of a standalone terminal; its status arrives as an event, set here too so the board shows it at once. */
  async function recordCheck(input: MethodInput<'checks.record'>): Promise<{ check?: StaffCheck; error?: ApiError }> {
    const result = await call('checks.record', input);
    if (!result.ok) return { error: result.error };
    const status = await call('devices.statuses');
    if (status.ok) statuses.value = Object.fromEntries(status.value.map((s) => [s.deviceId, s]));
    return { check: result.value };
  }

  async function loadSettings(): Promise<void> {
    const result = await call('devices.settings');
    if (result.ok) settings.value = result.value;
  }

  async function saveSettings(update: Partial<DeviceSettings>): Promise<ApiError | undefined> {
    const result = await call('devices.updateSettings', update);
    if (!result.ok) return result.error;
    settings.value = result.value;
    // Every terminal's "software current" was judged again; the new statuses arrive as events, the list is reloaded for certainty.
    await load();
    return undefined;
  }

  /** The newest software version any terminal of a model has (the fallback of "current"). */
  function newestVersionSeen(model: string): string | undefined {
    const key = modelKey(model);
    const versions = devices.value.filter((d) => modelKey(d.model) === key && d.softwareVersion).map((d) => d.softwareVersion);
    return versions.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))[0];
  }

  /**
   * The rows of the software dialog: every model in the registry or in the settings once (named as
   * the registry writes it, sorted), with the version the manager set and the newest one seen as the guess.
   */
  function softwareRows(): { model: string; version: string; guess: string }[] {
    const set = new Map((settings.value?.currentSoftware ?? []).map((e) => [modelKey(e.model), e]));
    const models = new Map<string, string>();
    for (const d of devices.value) if (d.model.trim()) models.set(modelKey(d.model), d.model.trim());
    for (const e of settings.value?.currentSoftware ?? []) if (!models.has(modelKey(e.model))) models.set(modelKey(e.model), e.model);
    return [...models.entries()]
      .sort((a, b) => a[1].localeCompare(b[1]))
      .map(([key, model]) => ({ model, version: set.get(key)?.version ?? '', guess: newestVersionSeen(model) ?? '' }));
  }

  function clearImportErrors(): void {
    importErrors.value = [];
  }

  return { devices, statuses, running, loadError, loaded, importErrors, settings, byId, models, nameOf, subscribe, load, save, setPhoto, archive, clearImportErrors, loadSettings, saveSettings, softwareRows, history, commands, runCommand, exportCsv, importCsv, recordCheck };
});
