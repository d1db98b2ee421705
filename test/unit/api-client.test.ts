// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { WindowApi } from '../../shared/ipc/api';
import { call } from '../../renderer/src/api/client';

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
