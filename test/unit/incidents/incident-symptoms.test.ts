// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { autoSymptomsText, parseAutoSymptoms, type AutoSymptoms, type Incident } from '../../../shared/domain/incidents';

const auto: AutoSymptoms = { overall: 'fault', link: 'ready', hostUnreachable: true, printer: 'noPaper', cardReaderFault: true, overheat: false, errorCode: 'terminal:0xCC', errorWords: 'Printer not ready', errorText: { zh: '打印机未就绪', en: 'Printer not ready' } };
const incident: Incident = {
  id: 'i1', deviceId: 'd1', openedAt: '2026-03-02T08:00:00.000Z', closedAt: null, durationMs: 60_000, state: 'open', faultClass: null, cause: null,
  symptoms: autoSymptomsText(auto), severity: 'high', fallbackUsed: '', partsUsed: '', costCents: 0, resolution: '', vendorTicket: '',
  autoOpened: true, autoResolved: false, guideId: null, steps: [], escalation: null, autoSymptoms: auto,
};

const updates: Record<string, unknown>[] = [];
vi.mock('../../../renderer/src/api/client', () => ({
  call: (method: string, input?: Record<string, unknown>) => {
    if (method === 'incidents.list') return Promise.resolve({ ok: true, value: [incident] });
    if (method === 'incidents.update') {
      updates.push(input ?? {});
      return Promise.resolve({ ok: true, value: incident });
    }
    if (method === 'incidents.settings') return Promise.resolve({ ok: true, value: { autoOpenAfterMinutes: 5, autoResolveOnRecovery: true } });
    return Promise.resolve({ ok: true, value: [] });
  },
  on: () => () => undefined,
}));

describe('automatic incident symptoms', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    updates.length = 0;
  });

  it('read back exactly what was stored, and nothing the manager wrote', () => {
    const { errorText: _text, ...facts } = auto;
    expect(parseAutoSymptoms(autoSymptomsText(facts))).toEqual(facts);
    expect(parseAutoSymptoms('offline (link disconnected)')).toMatchObject({ overall: 'offline', link: 'disconnected', errorCode: null });
    expect(parseAutoSymptoms('offline (link disconnected); the cat sat on it')).toBeNull();
    expect(parseAutoSymptoms('broken (link disconnected)')).toBeNull();
    expect(parseAutoSymptoms('Screen flickers')).toBeNull();
  });

  async function mountPage(language: 'zh-CN' | 'en') {
    const { i18n, setLanguage } = await import('../../../renderer/src/i18n');
    setLanguage(language);
    const { default: IncidentDetailView } = await import('../../../renderer/src/views/IncidentDetailView.vue');
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] });
    const wrapper = mount(IncidentDetailView, { props: { id: 'i1' }, global: { plugins: [i18n, router], stubs: { IncidentsGuide: true, IncidentsKeepSelling: true, IncidentsEscalation: true } } });
    await flushPromises();
    const symptoms = () => (wrapper.findAll('textarea')[0]!.element as HTMLTextAreaElement).value;
    return { wrapper, symptoms, setLanguage };
  }

  it('show on the incident page in the manager\'s language, follow a language change, and are not sent back in words when untouched', async () => {
    const { wrapper, symptoms, setLanguage } = await mountPage('zh-CN');
    expect(symptoms()).toBe('故障（连接：就绪）；无法连接支付主机；打印机：缺纸；读卡器故障；打印机未就绪 (0xCC)');
    setLanguage('en');
    await flushPromises();
    expect(symptoms()).toBe('Fault (link: Ready); payment host unreachable; printer: No paper; card reader fault; Printer not ready (0xCC)');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.at(-1)).not.toHaveProperty('symptoms');
    await wrapper.findAll('textarea')[0]!.setValue('Printer out of paper, refilled');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(updates.at(-1)).toMatchObject({ symptoms: 'Printer out of paper, refilled' });
    setLanguage('zh-CN');
  });
});
