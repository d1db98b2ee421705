// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppInfo } from '../../shared/domain/app';
import type { UpdateStatus } from '../../shared/domain/updates';

const desktop: AppInfo = { name: 'PosCare', version: '1.0.0', dataDir: '/data', mode: 'electron', schemaVersion: 70, platform: 'win32', nativeDialogs: true };
let info: AppInfo = desktop;

/** What the fake api answers per method, the calls it saw, and the `updates.state` listener the page registered. */
const api = vi.hoisted(() => ({
  answers: new Map<string, unknown>(),
  calls: [] as string[],
  listeners: new Map<string, (payload: unknown) => void>(),
}));
vi.mock('../../renderer/src/api/client', () => ({
  call: (method: string) => {
    api.calls.push(method);
    return Promise.resolve(api.answers.get(method) ?? { ok: false, error: { code: 'internal', message: 'not scripted' } });
  },
  on: (event: string, listener: (payload: unknown) => void) => {
    api.listeners.set(event, listener);
    return () => api.listeners.delete(event);
  },
}));

function status(state: UpdateStatus['state']): UpdateStatus {
  return { currentVersion: '1.0.0', state };
}

async function render(language: 'zh-CN' | 'en') {
  const { i18n, setLanguage } = await import('../../renderer/src/i18n');
  setLanguage(language);
  const { useSettingsStore } = await import('../../renderer/src/stores/settings');
  useSettingsStore().info = info;
  const { default: SettingsAbout } = await import('../../renderer/src/components/settings/SettingsAbout.vue');
  const wrapper = mount(SettingsAbout, { global: { plugins: [i18n] } });
  await flushPromises();
  return wrapper;
}

describe('the About section', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    api.answers.clear();
    api.calls.length = 0;
    api.listeners.clear();
    info = desktop;
  });

  it('shows a short note instead of update controls in browser mode', async () => {
    info = { ...desktop, mode: 'browser', nativeDialogs: false };
    const wrapper = await render('zh-CN');
    // Nothing asked of the server: it could only answer 'unavailable'.
    expect(api.calls).not.toContain('updates.get');
    expect(wrapper.get('[data-testid=about-updates-note]').text()).toContain('浏览器模式不会自动更新');
    expect(wrapper.find('[data-testid=about-updates-check]').exists()).toBe(false);
    // The version is still shown.
    expect(wrapper.text()).toContain('1.0.0');
  });

  it('says why an unpackaged desktop app does not update itself', async () => {
    api.answers.set('updates.get', { ok: false, error: { code: 'unavailable', message: 'desktop only' } });
    const wrapper = await render('en');
    expect(wrapper.get('[data-testid=about-updates-note]').text()).toBe('This copy of PosCare was not set up with the installer, so it does not update itself.');
  });

  it('checks on request and follows the state events up to "restart to install"', async () => {
    api.answers.set('updates.get', { ok: true, value: status({ kind: 'idle' }) });
    api.answers.set('updates.check', { ok: true, value: status({ kind: 'checking' }) });
    api.answers.set('updates.installNow', { ok: true, value: { version: '1.2.0' } });
    const wrapper = await render('en');
    expect(wrapper.get('[data-testid=about-updates-state]').text()).toBe('Not checked yet');

    await wrapper.get('[data-testid=about-updates-check]').trigger('click');
    await flushPromises();
    expect(api.calls).toContain('updates.check');
    expect(wrapper.get('[data-testid=about-updates-state]').text()).toBe('Checking for updates…');

    api.listeners.get('updates.state')!(status({ kind: 'downloading', version: '1.2.0', percent: 37 }));
    await flushPromises();
    expect(wrapper.get('[data-testid=about-updates-state]').text()).toBe('Downloading version 1.2.0 (37%)');

    api.listeners.get('updates.state')!(status({ kind: 'ready', version: '1.2.0' }));
    await flushPromises();
    expect(wrapper.get('[data-testid=about-updates-state]').text()).toBe('Version 1.2.0 is downloaded and ready to install');
    const install = wrapper.get('[data-testid=about-updates-install]');
    expect(install.text()).toBe('Restart to install');
    await install.trigger('click');
    await flushPromises();
    expect(api.calls).toContain('updates.installNow');
  });

  it('shows a failed check calmly, with its cause, in Chinese', async () => {
    api.answers.set('updates.get', { ok: true, value: status({ kind: 'error', code: 'offline', at: '2026-11-30T10:00:00.000Z' }) });
    const wrapper = await render('zh-CN');
    const text = wrapper.get('[data-testid=about-updates-state]').text();
    expect(text).toContain('上次检查未成功');
    expect(text).toContain('无法连接更新服务器');
    expect(wrapper.get('[data-testid=about-updates-check]').text()).toBe('检查更新');
  });
});
