// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, renderDevicePage } from '../../helpers/device-page';

vi.mock('../../../renderer/src/api/client', async () => (await import('../../helpers/device-page')).fakeClient);
vi.mock('vue-router', () => ({ useRouter: () => ({ push: () => Promise.resolve() }) }));

const api = fakeApi;
const render = (language: 'en' | 'zh-CN') => renderDevicePage({ language });

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
