import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AttentionItem } from '../../../shared/domain/attention';
import type { BackupTerminal, Movement, MovementFilter, Part, PartCreateInput, PartMoveInput, ReorderLine } from '../../../shared/domain/parts';
import type { Language } from '../../../shared/domain/settings';
import type { CsvImportResult } from '../../../shared/domain/csv';
import type { MethodOutput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

/** Spare parts: the catalogue with on hand, the reorder list, low-stock items and backup terminals. */
export const usePartsStore = defineStore('parts', () => {
  const parts = ref<Part[]>([]);
  const reorder = ref<ReorderLine[]>([]);
  const attention = ref<AttentionItem[]>([]);
  const backups = ref<BackupTerminal[]>([]);
  const loadError = ref<ApiError>();
  const loaded = ref(false);
  let subscribed = false;

  const byId = computed(() => new Map(parts.value.map((p) => [p.id, p])));
  /** The estimated cost of the whole reorder list, in yuan. */
  const reorderTotal = computed(() => reorder.value.reduce((sum, l) => sum + l.estimatedCost, 0));

  async function refreshDerived(): Promise<void> {
    const [lines, items, spare] = await Promise.all([call('parts.reorderList'), call('parts.attention'), call('parts.backups')]);
    if (lines.ok) reorder.value = lines.value;
    if (items.ok) attention.value = items.value;
    if (spare.ok) backups.value = spare.value;
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    on('parts.changed', (part) => {
      parts.value = [...parts.value.filter((p) => p.id !== part.id), part].sort((a, b) => a.name.localeCompare(b.name));
      void refreshDerived();
    });
  }

  async function load(): Promise<void> {
    const list = await call('parts.list');
    if (!list.ok) {
      loadError.value = list.error;
      return;
    }
    loadError.value = undefined;
    parts.value = list.value;
    await refreshDerived();
    loaded.value = true;
  }

  async function save(id: string | undefined, fields: PartCreateInput): Promise<{ part?: Part; error?: ApiError }> {
    const result = id ? await call('parts.update', { id, ...fields }) : await call('parts.create', fields);
    if (!result.ok) return { error: result.error };
    await load();
    return { part: result.value };
  }

  async function move(input: PartMoveInput): Promise<{ part?: Part; error?: ApiError }> {
    const result = await call('parts.move', input);
    if (!result.ok) return { error: result.error };
    await load();
    return { part: result.value.part };
  }

  async function reverse(movementId: number, reason: string): Promise<ApiError | undefined> {
    const result = await call('parts.reverse', { movementId, reason });
    if (!result.ok) return result.error;
    await load();
    return undefined;
  }

  async function movements(filter: MovementFilter): Promise<Movement[]> {
    const result = await call('parts.movements', filter);
    return result.ok ? result.value : [];
  }

  /** A part's photo (the list says only whether there is one). */
  async function photo(id: string): Promise<string | null> {
    const result = await call('parts.photo', { id });
    return result.ok ? result.value.photo : null;
  }

  /** Sets or removes (null) a part's photo. */
  async function setPhoto(id: string, value: string | null): Promise<ApiError | undefined> {
    const result = await call('parts.setPhoto', { id, photo: value });
    if (!result.ok) return result.error;
    await load();
    return undefined;
  }

  /** Scanner input: the part whose barcode or part number is exactly `code`. */
  async function lookup(code: string): Promise<Part | null> {
    const result = await call('parts.lookup', { code });
    return result.ok ? result.value : null;
  }

  async function importStarter(language: Language): Promise<{ created?: number; skipped?: number; error?: ApiError }> {
    const result = await call('parts.importStarter', { language });
    if (!result.ok) return { error: result.error };
    await load();
    return result.value;
  }

  const importErrors = ref<CsvImportResult['errors']>([]);
  async function exportCsv(): Promise<string | undefined> {
    const result = await call('parts.exportCsv');
    return result.ok ? result.value.csv : undefined;
  }
  /** Imports a catalogue file; refused lines stay in `importErrors` until dismissed. */
  async function importCsv(csv: string) {
    const result = await call('parts.importCsv', { csv });
    importErrors.value = result.ok ? result.value.errors : [];
    if (result.ok && result.value.errors.length === 0) await load();
    return result;
  }

  async function exportReorder(out: string, overwrite = false): Promise<{ value?: MethodOutput<'parts.exportReorder'>; error?: ApiError }> {
    const result = await call('parts.exportReorder', { out, ...(overwrite ? { overwrite } : {}) });
    return result.ok ? { value: result.value } : { error: result.error };
  }

  async function swap(incidentId: string, backupDeviceId: string): Promise<{ enquiryOk?: boolean; summary?: string; error?: ApiError }> {
    const result = await call('parts.swap', { incidentId, backupDeviceId });
    if (!result.ok) return { error: result.error };
    backups.value = result.value.backups;
    return result.value;
  }

  async function swapBack(backupDeviceId: string): Promise<ApiError | undefined> {
    const result = await call('parts.swapBack', { backupDeviceId });
    if (!result.ok) return result.error;
    backups.value = result.value;
    return undefined;
  }

  return { importErrors, exportCsv, importCsv, parts, reorder, reorderTotal, attention, backups, loadError, loaded, byId, subscribe, load, save, move, reverse, movements, photo, setPhoto, lookup, importStarter, exportReorder, swap, swapBack };
});
