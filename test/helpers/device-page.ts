/**
 * The device page mounted in happy-dom against a fake api (component tests). The test file
 * itself mocks the api client and vue-router with `fakeClient` (vi.mock is hoisted per file):
 *
 *   vi.mock('../../../renderer/src/api/client', async () => (await import('../../helpers/device-page')).fakeClient);
 *   vi.mock('vue-router', () => ({ useRouter: () => ({ push: () => Promise.resolve() }) }));
 */
import { flushPromises, mount } from '@vue/test-utils';
import type { Device } from '../../shared/domain/devices';

/** What the fake api answers per method and the calls it saw. */
export const fakeApi = { answers: new Map<string, unknown>(), calls: [] as { method: string; input: unknown }[] };

export const fakeClient = {
  call: (method: string, input: unknown) => {
    fakeApi.calls.push({ method, input });
    return Promise.resolve(fakeApi.answers.get(method) ?? { ok: false, error: { code: 'internal', message: 'not scripted' } });
  },
  on: () => () => undefined,
};

export const device: Device = {
  id: 'd1',
  name: 'Counter 1',
  model: 'SIM',
  vendor: '',
  serialNumber: '',
  tid: '',
  location: '',
  connection: { type: 'tcp', host: '127.0.0.1', port: 20007 },
  network: '',
  acquirer: '',
  acquirerHotline: '',
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

/** The page of `device` (changed by `overrides`), in `language`, with `running` as the command it runs. */
export async function renderDevicePage(options: { language?: 'en' | 'zh-CN'; overrides?: Partial<Device>; running?: string }) {
  const { i18n, setLanguage } = await import('../../renderer/src/i18n');
  setLanguage(options.language ?? 'en');
  const { useDevicesStore } = await import('../../renderer/src/stores/devices');
  const store = useDevicesStore();
  store.devices = [{ ...device, ...options.overrides }];
  store.loaded = true;
  if (options.running) store.running = { [device.id]: { command: options.running, text: '' } };
  const { default: DeviceDetailView } = await import('../../renderer/src/views/DeviceDetailView.vue');
  const wrapper = mount(DeviceDetailView, {
    props: { id: device.id },
    global: {
      plugins: [i18n],
      stubs: { DevicesAnalytics: true, DevicesForm: true, BasePhotoCard: true, DevicesStatusCard: true, DevicesStatusTag: true },
    },
  });
  await flushPromises();
  return wrapper;
}
