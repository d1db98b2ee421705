// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../../shared/domain/devices';

/** What the fake api answers per method and the calls it saw. */
const api = vi.hoisted(() => ({ answers: new Map<string, unknown>(), calls: [] as { method: string; input: unknown }[] }));
vi.mock('../../../renderer/src/api/client', () => ({
  call: (method: string, input: unknown) => {
    api.calls.push({ method, input });
    return Promise.resolve(api.answers.get(method) ?? { ok: false, error: { code: 'internal', message: 'not scripted' } });
  },
  on: () => () => undefined,
}));
vi.mock('vue-router', () => ({ useRouter: () => ({ push: () => Promise.resolve() }) }));

const device: Device = {
  id: 'd1',
  name: 'Counter 1',
  model: 'SIM',
  vendor: '',
  serialNumber: '',
  tid: '',
  location: '',
  connection: { type: 'tcp', host: '127.0.0.1', port: 20007 },
  purchaseDate: null,
  warrantyEnd: null,
  softwareVersion: '',
  supportContact: '',
  notes: '',
  photo: null,
  terminalPassword: '',
  profileId: 'generic',
  archived: false,
  createdAt: '2026-03-01T08:00:00.000Z',
  updatedAt: '2026-03-01T08:00:00.000Z',
};

/** The device page of one device, in a language. */
async function render(language: 'en' | 'zh-CN') {
  const { i18n, setLanguage } = await import('../../../renderer/src/i18n');
  setLanguage(language);
  const { useDevicesStore } = await import('../../../renderer/src/stores/devices');
  const store = useDevicesStore();
  store.devices = [device];
  store.loaded = true;
  const { default: DeviceDetailView } = await import('../../../renderer/src/views/DeviceDetailView.vue');
  const wrapper = mount(DeviceDetailView, {
    props: { id: 'd1' },
    global: {
      plugins: [i18n],
      stubs: { DevicesAnalytics: true, DevicesForm: true, DevicesPhoto: true, DevicesStatusCard: true, DevicesStatusTag: true },
    },
  });
  await flushPromises();
  return wrapper;
}


const base = {
  deviceId: 'd1', previousOverall: null, link: 'ready', hostReachable: null, printer: 'ok', cardReader: 'ok', temperature: 'ok',
  softwareVersion: null, softwareCurrent: null, lastTransactionAt: null, terminalStatus: null, lastErrorCode: null, lastErrorText: null,
} as const;

describe('the status timeline of the device page', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    api.calls.length = 0;
    api.answers.clear();
    api.answers.set('devices.commands', { ok: true, value: [] });
    // Newest first, as devices.history answers: the printer ran out of paper, then the version was learnt.
    api.answers.set('devices.history', {
      ok: true,
      value: [
        { ...base, id: 3, overall: 'degraded', since: '2026-03-01T09:02:00.000Z', printer: 'noPaper', softwareVersion: 'SIM 1.0' },
        { ...base, id: 2, overall: 'ok', since: '2026-03-01T09:01:00.000Z', softwareVersion: 'SIM 1.0' },
        { ...base, id: 1, overall: 'ok', since: '2026-03-01T09:00:00.000Z' },
      ],
    });
  });

  it('says what else changed in a row, so two rows with the same state are told apart', async () => {
    const wrapper = await render('en');
    const items = wrapper.findAll('[data-testid=status-timeline] .el-timeline-item');
    expect(items).toHaveLength(3);
    const notes = (i: number) => items[i]!.findAll('[data-testid=timeline-change]').map((n) => n.text());
    expect(notes(0)).toEqual(['· Printer No paper']);
    expect(notes(1)).toEqual(['· Software SIM 1.0']);
    expect(notes(2)).toEqual([]);
  });

  it('words the changes in Chinese', async () => {
    const wrapper = await render('zh-CN');
    const first = wrapper.findAll('[data-testid=status-timeline] .el-timeline-item')[0]!;
    expect(first.find('[data-testid=timeline-change]').text()).toBe('· 打印机 缺纸');
  });
});
