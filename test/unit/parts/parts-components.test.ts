// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Part } from '../../../shared/domain/parts';

const cable = { id: 'p1', name: 'USB cable', partNumber: 'CBL-USB', barcode: '6920000000026', onHand: 1, unitCost: 12, minimumStock: 1 } as unknown as Part;
const calls = vi.hoisted(() => [] as { method: string; input: Record<string, unknown> }[]);
vi.mock('../../../renderer/src/api/client', () => ({
  call: (method: string, input: Record<string, unknown> = {}) => {
    calls.push({ method, input });
    if (method === 'parts.lookup') return Promise.resolve({ ok: true, value: input.code === cable.barcode || input.code === cable.partNumber ? cable : null });
    if (method === 'parts.move') {
      if (!input.override && input.kind === 'consume' && (input.quantity as number) > cable.onHand) {
        return Promise.resolve({ ok: false, error: { code: 'conflict', message: 'no', details: { issues: [{ path: 'quantity', code: 'custom', messageKey: 'parts.belowZero' }] } } });
      }
      return Promise.resolve({ ok: true, value: { part: { ...cable, onHand: cable.onHand - (input.quantity as number) }, movement: {} } });
    }
    return Promise.resolve({ ok: true, value: [] });
  },
  on: () => () => undefined,
}));

async function i18n() {
  const module = await import('../../../renderer/src/i18n');
  module.setLanguage('en');
  return module.i18n;
}

describe('the scanner-friendly search box', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    calls.length = 0;
  });

  async function render() {
    const { default: PartsSearch } = await import('../../../renderer/src/components/parts/PartsSearch.vue');
    const wrapper = mount(PartsSearch, { props: { modelValue: '', 'onUpdate:modelValue': (v: string) => wrapper.setProps({ modelValue: v }) }, global: { plugins: [await i18n()] } });
    return wrapper;
  }

  it('opens the part whose barcode was scanned (code + Enter) and clears the box', async () => {
    const wrapper = await render();
    const input = wrapper.get('input');
    await input.setValue('6920000000026');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(calls.filter((c) => c.method === 'parts.lookup').map((c) => c.input)).toEqual([{ code: '6920000000026' }]);
    expect(wrapper.emitted('found')).toEqual([[cable]]);
    expect(wrapper.props('modelValue')).toBe('');
  });

  it('opens nothing for a code that is only part of a barcode, and keeps the text to filter by', async () => {
    const wrapper = await render();
    const input = wrapper.get('input');
    await input.setValue('692000');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(wrapper.emitted('found')).toBeUndefined();
    expect(wrapper.props('modelValue')).toBe('692000');
  });
});

describe('the movement dialog', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    calls.length = 0;
  });

  it('offers the override only after the ledger refused to go below zero, and then records it', async () => {
    const { default: PartsMoveDialog } = await import('../../../renderer/src/components/parts/PartsMoveDialog.vue');
    const wrapper = mount(PartsMoveDialog, { props: { modelValue: true, part: cable, kind: 'consume', incidentId: 'inc-1' }, global: { plugins: [await i18n()] }, attachTo: document.body });
    await flushPromises();
    const dialog = () => document.body.querySelector('[data-testid=move-dialog]')!;
    const quantity = dialog().querySelector<HTMLInputElement>('[data-testid=move-quantity] input')!;
    quantity.value = '3';
    quantity.dispatchEvent(new Event('input'));
    quantity.dispatchEvent(new Event('change'));
    await flushPromises();
    expect(dialog().querySelector('[data-testid=move-override]')).toBeNull();
    dialog().querySelector<HTMLButtonElement>('[data-testid=move-submit]')!.click();
    await flushPromises();
    expect(dialog().querySelector('[data-testid=move-override]')).not.toBeNull();
    const override = dialog().querySelector<HTMLInputElement>('[data-testid=move-override] input, input[data-testid=move-override]')!;
    override.click();
    await flushPromises();
    dialog().querySelector<HTMLButtonElement>('[data-testid=move-submit]')!.click();
    await flushPromises();
    const moves = calls.filter((c) => c.method === 'parts.move').map((c) => c.input);
    expect(moves).toEqual([
      { partId: 'p1', kind: 'consume', quantity: 3, incidentId: 'inc-1' },
      { partId: 'p1', kind: 'consume', quantity: 3, incidentId: 'inc-1', override: true },
    ]);
    expect(wrapper.emitted('moved')).toHaveLength(1);
    wrapper.unmount();
  });
});
