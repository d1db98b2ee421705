// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Device } from '../../../shared/domain/devices';
import { UNKNOWN_STATUS } from '../../../shared/domain/status';

const device = (id: string, name: string, location = ''): Device => ({ id, name, location } as unknown as Device);
const registry = [device('down', 'Counter 1'), device('b', 'Counter 2', 'Back door'), device('c', 'Counter 3')];
const status = (deviceId: string, overall: string) => ({ ...UNKNOWN_STATUS, deviceId, overall, since: '2026-03-02T08:00:00.000Z', updatedAt: '2026-03-02T08:00:00.000Z' });
const view = (plan: Record<string, unknown>) => ({ plan, reviewDue: false, nextReview: null, session: null });
let plan: Record<string, unknown> = { backupDeviceIds: ['b', 'gone'], backupOther: 'Phone with the QR code (drawer)', qrProcedure: '', contacts: [{ kind: 'vendor', name: 'Vendor hotline', role: '', phone: '400 800 1234', other: '', hours: '', prepare: '' }] };
const saved: Record<string, unknown>[] = [];
const listeners = vi.hoisted(() => new Map<string, (payload: unknown) => void>());
vi.mock('../../../renderer/src/api/client', () => ({
  call: (method: string, input?: Record<string, unknown>) => {
    if (method === 'devices.list') return Promise.resolve({ ok: true, value: registry });
    if (method === 'devices.statuses') return Promise.resolve({ ok: true, value: [status('down', 'offline'), status('b', 'ok'), status('c', 'degraded')] });
    if (method === 'contingency.get') return Promise.resolve({ ok: true, value: view(plan) });
    if (method === 'contingency.save') {
      saved.push(input ?? {});
      plan = { ...plan, ...input };
      return Promise.resolve({ ok: true, value: view(plan) });
    }
    return Promise.resolve({ ok: true, value: [] });
  },
  on: (name: string, listener: (payload: unknown) => void) => {
    listeners.set(name, listener);
    return () => listeners.delete(name);
  },
}));

describe('the keep-selling panel (reading the contingency plan)', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    saved.length = 0;
  });

  async function render(language: 'zh-CN' | 'en') {
    const { i18n, setLanguage } = await import('../../../renderer/src/i18n');
    setLanguage(language);
    const { useDevicesStore } = await import('../../../renderer/src/stores/devices');
    const { useContingencyStore } = await import('../../../renderer/src/stores/contingency');
    const devices = useDevicesStore();
    devices.subscribe();
    await Promise.all([devices.load(), useContingencyStore().load()]);
    const { default: IncidentsKeepSelling } = await import('../../../renderer/src/components/incidents/IncidentsKeepSelling.vue');
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:pathMatch(.*)*', component: { render: () => null } }] });
    const wrapper = mount(IncidentsKeepSelling, { props: { deviceId: 'down' }, global: { plugins: [i18n, router] } });
    await flushPromises();
    return wrapper;
  }

  it('shows each picked backup terminal with its live status, and the fallbacks outside the registry', async () => {
    const wrapper = await render('zh-CN');
    const backup = wrapper.get('[data-testid=backup-device-b]');
    expect(backup.text()).toContain('Counter 2');
    expect(backup.text()).toContain('Back door');
    expect(backup.find('[data-testid=status-ok]').text()).toBe('正常');
    // A terminal archived since it was picked is not offered as a fallback.
    expect(wrapper.findAll('[data-testid^=backup-device-]')).toHaveLength(1);
    expect(wrapper.get('[data-testid=backup-other]').text()).toBe('Phone with the QR code (drawer)');
    expect(wrapper.get('[data-testid=keep-selling-contacts]').text()).toMatch(/Vendor hotline\s+400 800 1234/);
    listeners.get('devices.statusChanged')?.({ status: status('b', 'fault'), previous: 'ok', deviceName: 'Counter 2', notify: null });
    await flushPromises();
    expect(wrapper.get('[data-testid=backup-device-b]').find('[data-testid=status-fault]').text()).toBe('故障');
  });

  it('lets the manager pick backups from the whole registry and keeps the free text', async () => {
    const wrapper = await render('en');
    await wrapper.get('button').trigger('click');
    const { ElSelect, ElOption } = await import('element-plus');
    const select = wrapper.getComponent(ElSelect);
    expect(select.props('modelValue')).toEqual(['b', 'gone']);
    const offered = wrapper.findAllComponents(ElOption).map((o) => o.props('value'));
    expect(offered).toEqual(['down', 'b', 'c']);
    select.vm.$emit('update:modelValue', ['b', 'c']);
    await flushPromises();
    await wrapper.get('[data-testid=backup-other-input]').setValue('Phone with the QR code');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(saved.at(-1)).toMatchObject({ backupDeviceIds: ['b', 'c'], backupOther: 'Phone with the QR code' });
    expect(wrapper.get('[data-testid=backup-device-c]').text()).toContain('Counter 3');
    expect(wrapper.get('[data-testid=backup-device-c]').find('[data-testid=status-degraded]').text()).toBe('Degraded');
    // The terminal that is down is never shown as its own backup.
    await wrapper.get('button').trigger('click');
    wrapper.getComponent(ElSelect).vm.$emit('update:modelValue', ['down', 'b']);
    await flushPromises();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(saved.at(-1)).toMatchObject({ backupDeviceIds: ['down', 'b'] });
    expect(wrapper.find('[data-testid=backup-device-down]').exists()).toBe(false);
    expect(wrapper.find('[data-testid=backup-device-b]').exists()).toBe(true);
  });

  it('drops a backup archived since it was picked when the manager saves, rather than having the save refused', async () => {
    plan = { ...plan, backupDeviceIds: ['b', 'gone'] };
    const wrapper = await render('en');
    await wrapper.get('button').trigger('click');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(saved.at(-1)?.backupDeviceIds).toEqual(['b']);
  });
});
