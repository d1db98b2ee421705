// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { formatStoreTime } from '../../../shared/domain/time';
import { REFRESH_DELAY_MS, withPreset } from '../../../renderer/src/stores/analytics';
import type { AnalyticsSummary } from '../../../shared/domain/analytics';

const summary: AnalyticsSummary = {
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-03-31T00:00:00.000Z',
  store: { failures: 3, observedMs: 178 * 86_400_000, downtimeMs: 9_000_000, repairs: 2, mtbfMs: 5 * 86_400_000 + 3 * 3_600_000, mttrMs: 75 * 60_000 },
  devices: [{ deviceId: 'a', name: 'Counter 1', failures: 2, observedMs: 89 * 86_400_000, downtimeMs: 9_000_000, repairs: 2, mtbfMs: 3_840_300_000, mttrMs: 4_500_000, lastFailureAt: '2026-02-05T13:30:00.000Z', expectedNextFailureAt: '2026-03-22T00:15:00.000Z' }],
  downtimeByMonth: [{ deviceId: 'a', month: '2026-01', failures: 1, downtimeMs: 7_200_000 }],
  pareto: [{ faultClass: 'hardware', count: 2, cumulativeShare: 1 }],
  recurringErrors: [{ code: 'terminal:0xCC', text: { zh: '打印机未就绪', en: 'Printer not ready' }, occurrences: 2, devices: 1, lastAt: '2026-03-10T00:00:00.000Z' }],
  byHour: Array.from({ length: 24 }, (_, h) => (h === 10 ? 2 : 0)),
  byWeekday: [0, 0, 0, 0, 2, 0, 0],
  health: { score: 81, ingredients: [{ key: 'availability', value: 0.9, weight: 50, points: 45 }, { key: 'terminalsOk', value: 1, weight: 20, points: 20 }, { key: 'openIncidents', value: 1, weight: 15, points: 15 }, { key: 'softwareCurrent', value: 0, weight: 15, points: 0 }] },
};

const calls: string[] = [];
const inputs: Record<string, unknown>[] = [];
const listeners = vi.hoisted(() => new Map<string, (payload: unknown) => void>());
let current: AnalyticsSummary = summary;
vi.mock('../../../renderer/src/api/client', () => ({
  call: (method: string, input?: Record<string, unknown>) => {
    calls.push(method);
    if (method !== 'analytics.summary') return Promise.resolve({ ok: true, value: [] });
    inputs.push(input ?? {});
    // As the service answers a window that ends before it starts.
    if (typeof input?.fromDay === 'string' && typeof input.toDay === 'string' && input.fromDay > input.toDay) {
      return Promise.resolve({ ok: false, error: { code: 'validation', message: 'The window ends before it starts', details: { issues: [{ path: 'toDay', code: 'custom', messageKey: 'analytics.toBeforeFrom' }] } } });
    }
    return Promise.resolve({ ok: true, value: { ...current, from: input?.from ?? current.from, to: input?.to ?? current.to } });
  },
  on: (name: string, listener: (payload: unknown) => void) => {
    listeners.set(name, listener);
    return () => listeners.delete(name);
  },
}));

// ECharts draws on a canvas happy-dom does not have; the chart component is replaced by a stub that keeps its option.
const VChartStub = vi.hoisted(() => ({ name: 'VChartStub', props: ['option', 'autoresize'], render: () => null }));
vi.mock('vue-echarts', () => ({ default: VChartStub }));

describe('the analytics panel', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    calls.length = 0;
    inputs.length = 0;
    current = summary;
  });

  async function render(language: 'zh-CN' | 'en') {
    const { i18n, setLanguage } = await import('../../../renderer/src/i18n');
    setLanguage(language);
    const { default: DevicesAnalytics } = await import('../../../renderer/src/components/devices/DevicesAnalytics.vue');
    const wrapper = mount(DevicesAnalytics, { global: { plugins: [i18n] } });
    await flushPromises();
    return wrapper;
  }

  it('shows the health score with each ingredient and its points, in Chinese', async () => {
    const wrapper = await render('zh-CN');
    expect(calls).toContain('analytics.summary');
    expect(wrapper.get('[data-testid=health-score]').text()).toBe('81');
    expect(wrapper.text()).toContain('可用率（30 天）');
    expect(wrapper.text()).toContain('45 / 50 分');
    expect(wrapper.text()).toContain('terminal:0xCC');
    expect(wrapper.text()).toContain('打印机未就绪');
  });

  it('shows the store-wide MTBF and MTTR on the board, not on a device page', async () => {
    const wrapper = await render('zh-CN');
    expect(wrapper.get('[data-testid=analytics-store]').text()).toContain('全店');
    expect(wrapper.get('[data-testid=store-mtbf]').text()).toBe('5天3小时0分钟');
    expect(wrapper.get('[data-testid=store-mttr]').text()).toBe('1小时15分钟');
    const { default: DevicesAnalytics } = await import('../../../renderer/src/components/devices/DevicesAnalytics.vue');
    const { i18n } = await import('../../../renderer/src/i18n');
    const device = mount(DevicesAnalytics, { props: { deviceId: 'a' }, global: { plugins: [i18n] } });
    await flushPromises();
    expect(device.find('[data-testid=analytics-store]').exists()).toBe(false);
  });

  it('reloads the figures when an incident changes', async () => {
    const wrapper = await render('en');
    expect(wrapper.get('[data-testid=store-mttr]').text()).toBe('1 h 15 min');
    current = { ...summary, store: { ...summary.store, repairs: 3, mttrMs: 2 * 3_600_000 } };
    calls.length = 0;
    listeners.get('incidents.changed')?.({ incident: {}, reason: 'resolved' });
    listeners.get('incidents.changed')?.({ incident: {}, reason: 'updated' });
    await new Promise((resolve) => setTimeout(resolve, REFRESH_DELAY_MS + 50));
    await flushPromises();
    expect(calls).toEqual(['analytics.summary']);
    expect(wrapper.get('[data-testid=store-mttr]').text()).toBe('2 h 0 min');
  });

  it('gives the charts the Pareto, month and hour series from the summary, in English', async () => {
    const wrapper = await render('en');
    const charts = wrapper.findAllComponents(VChartStub);
    expect(charts).toHaveLength(4);
    expect(wrapper.text()).toContain('Printer not ready');
    const pareto = charts[0]!.props('option') as { xAxis: { data: string[] }; series: { data: number[] }[] };
    expect(pareto.xAxis.data).toEqual(['Hardware']);
    expect(pareto.series[1]!.data).toEqual([100]);
    const month = charts[1]!.props('option') as { series: { data: number[] }[] };
    expect(month.series[0]!.data).toEqual([2]);
    const hours = charts[2]!.props('option') as { series: { data: number[] }[] };
    expect(hours.series[0]!.data[10]).toBe(2);
    expect(wrapper.text()).toContain('45 of 50 points');
  });

  it('loads the last 12 months by default and reloads the figures for the period picked', async () => {
    const wrapper = await render('en');
    const day = 86_400_000;
    const span = (input: Record<string, unknown>) => Math.round((Date.parse(input.to as string) - Date.parse(input.from as string)) / day);
    expect(span(inputs.at(-1)!)).toBe(365);
    expect(wrapper.get('[data-testid=analytics-range]').text()).toContain('Last 30 days');
    current = { ...summary, store: { ...summary.store, failures: 1 } };
    await wrapper.get('[data-testid=range-30d] input').setValue(true);
    await flushPromises();
    expect(span(inputs.at(-1)!)).toBe(30);
    expect(Math.abs(Date.parse(inputs.at(-1)!.to as string) - Date.now())).toBeLessThan(60_000);
    expect(wrapper.get('[data-testid=store-failures]').text()).toBe('1');
    await wrapper.get('[data-testid=range-90d] input').setValue(true);
    await flushPromises();
    expect(span(inputs.at(-1)!)).toBe(90);
    // Shown as the store's calendar day (Asia/Shanghai by default), not the PC's.
    expect(wrapper.get('[data-testid=analytics-window]').text()).toContain(formatStoreTime(inputs.at(-1)!.from as string, 'en', 'Asia/Shanghai', 'date'));
  });

  it('asks for whole store days in a custom period and names the impossible one in the manager\'s language', async () => {
    for (const [language, message] of [['zh-CN', '结束时间早于开始时间'], ['en', 'The end of the period is before its start']] as const) {
      setActivePinia(createPinia());
      const wrapper = await render(language);
      await wrapper.get('[data-testid=range-custom] input').setValue(true);
      await flushPromises();
      const { ElDatePicker } = await import('element-plus');
      const [from, to] = wrapper.findAllComponents(ElDatePicker);
      from!.vm.$emit('update:modelValue', '2026-03-10');
      await flushPromises();
      // The days go to the core as days: it reads them in the store's time zone (not the PC's) and stops at now.
      expect(inputs.at(-1)).toMatchObject({ fromDay: '2026-03-10' });
      to!.vm.$emit('update:modelValue', '2026-03-01');
      await flushPromises();
      expect(inputs.at(-1)).toMatchObject({ fromDay: '2026-03-10', toDay: '2026-03-01' });
      expect(wrapper.get('[data-testid=range-error]').text()).toBe(message);
      // The figures of the last good period stay on screen.
      expect(wrapper.find('[data-testid=health-score]').exists()).toBe(true);
      to!.vm.$emit('update:modelValue', '2026-03-31');
      await flushPromises();
      expect(wrapper.find('[data-testid=range-error]').exists()).toBe(false);
      expect(inputs.at(-1)).toMatchObject({ fromDay: '2026-03-10', toDay: '2026-03-31' });
      expect(inputs.at(-1)).not.toHaveProperty('to');
      wrapper.unmount();
    }
  });

  it('starts a custom period at the last 30 days up to today, keeps days already picked, and drops them for a preset', () => {
    // 18:30 UTC on 15 March is already 16 March in Shanghai, still 15 March in New York: the store's day counts, not the PC's.
    const now = new Date(Date.UTC(2026, 2, 15, 18, 30));
    expect(withPreset({ preset: '12m' }, 'custom', 'Asia/Shanghai', now)).toEqual({ preset: 'custom', from: '2026-02-14', to: '2026-03-16' });
    expect(withPreset({ preset: '12m' }, 'custom', 'America/New_York', now)).toEqual({ preset: 'custom', from: '2026-02-13', to: '2026-03-15' });
    expect(withPreset({ preset: 'custom', from: '2026-01-05', to: '2026-01-09' }, 'custom', 'Asia/Shanghai', now)).toEqual({ preset: 'custom', from: '2026-01-05', to: '2026-01-09' });
    expect(withPreset({ preset: 'custom', from: '2026-01-05', to: '2026-01-09' }, '90d', 'Asia/Shanghai', now)).toEqual({ preset: '90d' });
  });
});
