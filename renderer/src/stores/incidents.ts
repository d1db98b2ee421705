import { defineStore } from 'pinia';
import { ref } from 'vue';
import { CLOSED_STATES, type EscalationPack, type FaultGuide, type Incident, type IncidentSettings, type IncidentState, type IncidentUpdate } from '../../../shared/domain/incidents';
import type { GuideCommand } from '../../../shared/domain/terminals';
import type { MethodInput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

/**
 * What the incident form sends on save: the end time only with a closed state (a reopened
 * incident is not sent its old end), the state only when it moved, and the symptoms only when
 * the manager changed the words shown (untouched automatic symptoms stay stored as they are,
 * so they stay translatable).
 */
export function incidentFormUpdate(id: string, form: Omit<IncidentUpdate, 'id'>, current: { state: IncidentState }, shownSymptoms: string): IncidentUpdate {
  const { state, symptoms, ...fields } = form;
  return {
    id,
    ...fields,
    ...(symptoms !== shownSymptoms ? { symptoms } : {}),
    ...(state !== current.state ? { state } : {}),
    closedAt: state !== undefined && CLOSED_STATES.includes(state) ? form.closedAt || null : null,
  };
}

/** Incidents, the fault guides and the incident preferences. */
export const useIncidentsStore = defineStore('incidents', () => {
  const incidents = ref<Incident[]>([]);
  const guides = ref<FaultGuide[]>([]);
  const settings = ref<IncidentSettings>();
  const loadError = ref<ApiError>();
  let subscribed = false;

  function upsert(incident: Incident): void {
    const rest = incidents.value.filter((i) => i.id !== incident.id);
    incidents.value = [incident, ...rest].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    on('incidents.changed', (event) => upsert(event.incident));
  }

  async function load(): Promise<void> {
    const [list, guideList, prefs] = await Promise.all([call('incidents.list', { openOnly: false, limit: 500 }), call('incidents.guides'), call('incidents.settings')]);
    if (!list.ok) {
      loadError.value = list.error;
      return;
    }
    loadError.value = undefined;
    incidents.value = list.value;
    if (guideList.ok) guides.value = guideList.value;
    if (prefs.ok) settings.value = prefs.value;
  }

  async function open(input: MethodInput<'incidents.open'>): Promise<{ incident?: Incident; error?: ApiError }> {
    const result = await call('incidents.open', input);
    if (!result.ok) return { error: result.error };
    upsert(result.value);
    return { incident: result.value };
  }

  async function update(input: MethodInput<'incidents.update'>): Promise<{ incident?: Incident; error?: ApiError }> {
    const result = await call('incidents.update', input);
    if (!result.ok) return { error: result.error };
    upsert(result.value);
    return { incident: result.value };
  }

  async function recordStep(input: MethodInput<'incidents.recordStep'>): Promise<ApiError | undefined> {
    const result = await call('incidents.recordStep', input);
    if (!result.ok) return result.error;
    upsert(result.value);
    return undefined;
  }

  async function runCommand(id: string, command: GuideCommand, nodeId: string, prompt: string) {
    const result = await call('incidents.runCommand', { id, command, nodeId, prompt });
    const fresh = await call('incidents.get', { id });
    if (fresh.ok) upsert(fresh.value);
    return result;
  }

  async function escalate(id: string, language: 'zh-CN' | 'en'): Promise<{ pack?: EscalationPack; error?: ApiError }> {
    const result = await call('incidents.escalate', { id, language });
    if (!result.ok) return { error: result.error };
    const fresh = await call('incidents.get', { id });
    if (fresh.ok) upsert(fresh.value);
    return { pack: result.value };
  }

  /** Desktop app: the escalation pack as a PDF; answers the saved path (null when cancelled). */
  async function exportPdf(id: string, language: 'zh-CN' | 'en'): Promise<{ path?: string | null; error?: ApiError }> {
    const result = await call('incidents.exportPdf', { id, language });
    return result.ok ? { path: result.value.path } : { error: result.error };
  }

  /** Saves the incident preferences (the keep-selling data is the contingency plan's, stores/contingency.ts). */
  async function saveSettings(update: Partial<IncidentSettings>): Promise<ApiError | undefined> {
    const result = await call('incidents.updateSettings', update);
    if (!result.ok) return result.error;
    settings.value = result.value;
    return undefined;
  }

  return { incidents, guides, settings, loadError, subscribe, load, open, update, recordStep, runCommand, escalate, exportPdf, saveSettings };
});
