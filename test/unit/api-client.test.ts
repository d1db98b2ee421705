// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WindowApi } from '../../shared/ipc/api';
import { call, on } from '../../renderer/src/api/client';

/** A window.api whose every method answers with `answer` (as the preload's ipcRenderer.invoke would). */
function fakeApi(answer: () => Promise<unknown>): WindowApi {
  const methods = new Proxy({}, { get: () => () => answer() }) as WindowApi['methods'];
  return { methods, on: () => () => undefined };
}

afterEach(() => {
  delete window.api;
});

describe('the renderer api client over window.api', () => {
  it('passes a Result from the main side through unchanged', async () => {
    window.api = fakeApi(() => Promise.resolve({ ok: true, value: { name: 'PosCare' } }));
    await expect(call('app.info')).resolves.toEqual({ ok: true, value: { name: 'PosCare' } });
  });

  it('turns a rejected invoke into an unavailable Result instead of throwing', async () => {
    window.api = fakeApi(() => Promise.reject(new Error("Error invoking remote method 'api:app.info': No handler registered")));
    const result = await call('app.info');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('unavailable');
    expect(!result.ok && result.error.message).toContain('No handler registered');
  });

  it('turns a synchronous throw of the bridge into an unavailable Result too', async () => {
    window.api = fakeApi(() => {
      throw new Error('An object could not be cloned');
    });
    await expect(call('settings.get')).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});

describe('the renderer api client over server-sent events (browser mode)', () => {
  it('drops an event whose data is not JSON (cut off mid-line) and still delivers the next one', () => {
    const handlers = new Map<string, (event: { data: string }) => void>();
    class FakeEventSource {
      addEventListener(name: string, handler: (event: { data: string }) => void): void {
        handlers.set(name, handler);
      }
    }
    vi.stubGlobal('EventSource', FakeEventSource);
    try {
      const received: unknown[] = [];
      const unsubscribe = on('updates.state', (payload) => received.push(payload));
      const deliver = handlers.get('updates.state');
      expect(deliver).toBeDefined();
      expect(() => deliver?.({ data: '{"currentVersion":"1.0.0","sta' })).not.toThrow();
      expect(received).toEqual([]);
      deliver?.({ data: '{"currentVersion":"1.0.0","state":{"kind":"idle"}}' });
      expect(received).toEqual([{ currentVersion: '1.0.0', state: { kind: 'idle' } }]);
      unsubscribe();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
