// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../../shared/domain/devices';
import { fakeApi, renderDevicePage } from '../../helpers/device-page';

vi.mock('../../../renderer/src/api/client', async () => (await import('../../helpers/device-page')).fakeClient);
vi.mock('vue-router', () => ({ useRouter: () => ({ push: () => Promise.resolve() }) }));

const api = fakeApi;
const render = (profileId: Device['profileId'], running: string | undefined) => renderDevicePage({ overrides: { profileId }, ...(running ? { running } : {}) });

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
