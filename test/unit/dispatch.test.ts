import { describe, expect, it } from 'vitest';
import { createDispatch } from '../../electron/node/api/dispatch';
import type { Handlers } from '../../electron/node/api/handlers';
import { silentLogger } from '../../electron/node/log/logger';
import { contract, EVENT_NAMES, events, METHOD_NAMES } from '../../shared/ipc/contract';
import { AppError } from '../../shared/ipc/result';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    'app.info': () => ({ name: 'PosCare', version: '1', dataDir: '/d', mode: 'browser', schemaVersion: 10, platform: 'linux', nativeDialogs: false }),
    'native.pickFolder': () => ({ path: null }),
    'settings.get': () => DEFAULT_SETTINGS,
    'settings.update': (input) => ({ ...DEFAULT_SETTINGS, ...input }),
    ...overrides,
    // Methods of other domains are not called here.
  } as Handlers;
}

describe('the API contract', () => {
  it('names exactly the methods and events the preload exposes', () => {
    expect(Object.keys(contract).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of METHOD_NAMES) expect(name).toMatch(/^[a-z]+\.[a-z][a-zA-Z]*$/);
  });
});

describe('dispatch', () => {
  it('answers a valid call with the handler value', async () => {
    const dispatch = createDispatch(handlers(), silentLogger);
    const result = await dispatch('settings.get', {});
    expect(result).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it('answers unknown_method for a name outside the contract without running anything', async () => {
    const dispatch = createDispatch(handlers(), silentLogger);
    const result = await dispatch('settings.drop', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('unknown_method');
  });

  it('refuses invalid input with field-level issues and never calls the handler', async () => {
    let called = false;
    const dispatch = createDispatch(
      handlers({
        'settings.update': () => {
          called = true;
          return DEFAULT_SETTINGS;
        },
      }),
      silentLogger,
    );
    const result = await dispatch('settings.update', {
      store: { ...DEFAULT_SETTINGS.store, name: 'x'.repeat(101), timezone: 'Nowhere/City' },
    });
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    const paths = result.error.details?.issues?.map((issue) => issue.path);
    expect(paths).toContain('store.name');
    expect(paths).toContain('store.timezone');
    const timezone = result.error.details?.issues?.find((issue) => issue.path === 'store.timezone');
    expect(timezone?.messageKey).toBe('settings.invalidTimezone');
    const name = result.error.details?.issues?.find((issue) => issue.path === 'store.name');
    expect(name).toMatchObject({ code: 'too_big', maximum: 100 });
  });

  it('refuses unknown fields instead of silently dropping them', async () => {
    const dispatch = createDispatch(handlers(), silentLogger);
    const result = await dispatch('settings.update', { colour: 'red' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('validation');
  });

  it('turns an AppError thrown by a service into its code', async () => {
    const dispatch = createDispatch(
      handlers({
        'settings.get': () => {
          throw new AppError('database_locked', 'locked');
        },
      }),
      silentLogger,
    );
    expect(await dispatch('settings.get', undefined)).toEqual({ ok: false, error: { code: 'database_locked', message: 'locked' } });
  });

  it('turns any other failure into internal, never a throw', async () => {
    const dispatch = createDispatch(
      handlers({
        'settings.get': () => {
          throw new TypeError('boom');
        },
      }),
      silentLogger,
    );
    const result = await dispatch('settings.get', undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('internal');
  });

  it('refuses a handler answer that does not match the contract', async () => {
    const dispatch = createDispatch(
      handlers({ 'settings.get': () => ({ language: 'fr' }) as never }),
      silentLogger,
    );
    const result = await dispatch('settings.get', undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('internal');
  });
});
