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

/** The device page with `command` running on a device of the given vendor profile. */
async function render(profileId: Device['profileId'], command: string | undefined) {
  const { i18n, setLanguage } = await import('../../../renderer/src/i18n');
  setLanguage('en');
  const { useDevicesStore } = await import('../../../renderer/src/stores/devices');
  const store = useDevicesStore();
  store.devices = [{ ...device, profileId }];
  store.loaded = true;
  if (command) store.running = { d1: { command, text: '' } };
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

describe('the Abort button of the device page', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    api.calls.length = 0;
    api.answers.clear();
    api.answers.set('devices.history', { ok: true, value: [] });
    api.answers.set('devices.commands', { ok: true, value: [] });
  });

  it('appears only while a command runs', async () => {
    const wrapper = await render('generic', undefined);
    expect(wrapper.find('[data-testid=command-abort]').exists()).toBe(false);
  });

  it('sends terminals.abort with the device id for a running end-of-day', async () => {
    api.answers.set('terminals.abort', { ok: true, value: { aborted: true, command: 'end-of-day' } });
    const wrapper = await render('generic', 'endOfDay');
    const button = wrapper.get('[data-testid=command-abort]');
    expect(button.attributes('disabled')).toBeUndefined();
    await button.trigger('click');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'terminals.abort')).toEqual([{ method: 'terminals.abort', input: { id: 'd1' } }]);
  });

  it('is disabled for a vendor profile that refuses Abort, and sends nothing', async () => {
    const wrapper = await render('no-abort', 'endOfDay');
    const button = wrapper.get('[data-testid=command-abort]');
    expect(button.attributes('disabled')).toBeDefined();
    await button.trigger('click');
    await flushPromises();
    expect(api.calls.some((call) => call.method === 'terminals.abort')).toBe(false);
  });

  it('is disabled for a short command such as a status enquiry', async () => {
    const wrapper = await render('generic', 'statusEnquiry');
    expect(wrapper.get('[data-testid=command-abort]').attributes('disabled')).toBeDefined();
  });
});
