import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AttentionItem } from '../../../shared/domain/attention';
import type { Incident } from '../../../shared/domain/incidents';
import type { FailureForecast, Occurrence, OccurrenceDetail, OccurrenceRef, Plan, PlanTemplate, PreviewResult } from '../../../shared/domain/maintenance';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/ipc/contract';
import type { ApiError } from '../../../shared/ipc/result';
import { call, on } from '../api/client';

type Outcome<T> = { value?: T; error?: ApiError };

async function act<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Outcome<MethodOutput<M>>> {
  const result = await call(method, input);
  return result.ok ? { value: result.value } : { error: result.error };
}

export function refOf(o: Pick<Occurrence, 'planId' | 'deviceId' | 'original'>): OccurrenceRef {
  return { planId: o.planId, deviceId: o.deviceId, original: o.original };
}

/** Maintenance plans, the occurrences of the calendar's window, the open occurrence and the attention counts. */
export const useMaintenanceStore = defineStore('maintenance', () => {
  const plans = ref<Plan[]>([]);
  const templates = ref<PlanTemplate[]>([]);
  const occurrences = ref<Occurrence[]>([]);
  const truncated = ref(false);
  const attention = ref<AttentionItem[]>([]);
  /** Each device's estimated next failure and whether to inspect it earlier than planned. */
  const forecast = ref<FailureForecast[]>([]);
  const inspectEarlier = computed(() => forecast.value.filter((f) => f.inspectEarlier));
  const current = ref<OccurrenceDetail>();
  const loadError = ref<ApiError>();
  const loaded = ref(false);
  let window: { from: string; to: string } | undefined;
  let subscribed = false;

  async function refresh(): Promise<void> {
    const [planList, counts, estimates] = await Promise.all([call('maintenance.plans', { includeArchived: false }), call('maintenance.attention'), call('maintenance.forecast')]);
    if (!planList.ok) {
      loadError.value = planList.error;
      return;
    }
    loadError.value = undefined;
    plans.value = planList.value;
    if (counts.ok) attention.value = counts.value;
    if (estimates.ok) forecast.value = estimates.value;
    if (window) await loadWindow(window.from, window.to);
    loaded.value = true;
  }

  async function load(language?: 'zh-CN' | 'en'): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      on('maintenance.changed', () => void refresh());
    }
    const list = await call('maintenance.templates', language ? { language } : {});
    if (list.ok) templates.value = list.value;
    await refresh();
  }

  async function loadWindow(from: string, to: string): Promise<void> {
    window = { from, to };
    const result = await call('maintenance.occurrences', { from, to });
    if (!result.ok) {
      loadError.value = result.error;
      return;
    }
    occurrences.value = result.value.occurrences;
    truncated.value = result.value.truncated;
  }

  const preview = (input: MethodInput<'maintenance.preview'>): Promise<Outcome<PreviewResult>> => act('maintenance.preview', input);

  async function savePlan(input: MethodInput<'maintenance.createPlan'>, id?: string): Promise<Outcome<Plan>> {
    const outcome = id ? await act('maintenance.updatePlan', { ...input, id }) : await act('maintenance.createPlan', input);
    if (outcome.value) await refresh();
    return outcome;
  }

  async function archivePlan(id: string): Promise<ApiError | undefined> {
    const outcome = await act('maintenance.archivePlan', { id });
    if (outcome.value) await refresh();
    return outcome.error;
  }

  async function open(ref: OccurrenceRef): Promise<ApiError | undefined> {
    const outcome = await act('maintenance.occurrence', ref);
    current.value = outcome.value;
    return outcome.error;
  }

  /** Runs a change of the open occurrence; the answer becomes the open occurrence. */
  async function change(outcome: Promise<Outcome<OccurrenceDetail>>): Promise<ApiError | undefined> {
    const { value, error } = await outcome;
    if (value) {
      current.value = value;
      await refresh();
    }
    return error;
  }

  const move = (ref: OccurrenceRef, to: string) => change(act('maintenance.move', { ...ref, to }));
  const skip = (ref: OccurrenceRef, reason: string) => change(act('maintenance.skip', { ...ref, reason }));
  const answer = (ref: OccurrenceRef, index: number, value: 'ok' | 'problem' | 'na', note: string) => change(act('maintenance.answerStep', { ...ref, index, answer: value, note }));
  const runStep = (ref: OccurrenceRef, index: number) => change(act('maintenance.runStep', { ...ref, index }));
  const complete = (ref: OccurrenceRef, done: { doneBy: string; minutesSpent: number; partsUsed: string }) => change(act('maintenance.complete', { ...ref, ...done }));

  async function openIncident(ref: OccurrenceRef, index: number): Promise<Outcome<Incident>> {
    const { value, error } = await act('maintenance.openIncident', { ...ref, index });
    if (value) current.value = value.detail;
    return value ? { value: value.incident } : { error };
  }

  function close(): void {
    current.value = undefined;
  }

  /** The schedule as an .ics file, and the work done between two store days as XLSX. */
  const exportCalendar = (input: MethodInput<'maintenance.exportCalendar'>) => act('maintenance.exportCalendar', input);
  const exportDone = (input: MethodInput<'maintenance.exportDone'>) => act('maintenance.exportDone', input);

  /** The window's occurrences for one device and/or plan (none picked = all). */
  function filtered(deviceId?: string, planId?: string): Occurrence[] {
    return occurrences.value.filter((o) => (!deviceId || o.deviceId === deviceId) && (!planId || o.planId === planId));
  }

  /** How many occurrences an attention kind counts ('maintenance.overdue', 'maintenance.dueToday'); 0 when none. */
  function attentionCount(kind: string): number {
    return attention.value.find((a) => a.kind === kind)?.count ?? 0;
  }

  return { forecast, inspectEarlier, plans, templates, occurrences, truncated, attention, current, filtered, attentionCount, loadError, loaded, load, refresh, loadWindow, preview, savePlan, archivePlan, open, close, move, skip, answer, runStep, complete, openIncident, exportCalendar, exportDone };
});
