// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../../shared/domain/devices';

const device = (id: string, model: string, softwareVersion: string): Device => ({ id, name: id, model, softwareVersion } as unknown as Device);
const registry = [device('a', 'VX 520 ', '1.9.2'), device('b', 'vx 520', '1.10.0'), device('c', 'Move/5000', ''), device('d', '  ', '3.0')];
vi.mock('../../../renderer/src/api/client', () => ({
  call: (method: string) => {
    if (method === 'devices.list') return Promise.resolve({ ok: true, value: registry });
    if (method === 'devices.settings') return Promise.resolve({ ok: true, value: { currentSoftware: [{ model: 'MOVE/5000', version: '4.1' }, { model: 'Ingenico Lane', version: '2.0' }] } });
    return Promise.resolve({ ok: true, value: [] });
  },
  on: () => () => undefined,
}));

describe('the software dialog rows', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists every model once, from the registry and the settings, with the version set and the newest version seen as the guess', async () => {
    const { useDevicesStore } = await import('../../../renderer/src/stores/devices');
    const store = useDevicesStore();
    await store.load();
    await store.loadSettings();
    expect(store.softwareRows()).toEqual([
      { model: 'Ingenico Lane', version: '2.0', guess: '' },
      { model: 'Move/5000', version: '4.1', guess: '' },
      { model: 'vx 520', version: '', guess: '1.10.0' },
    ]);
  });
});
