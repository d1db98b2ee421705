/**
 * Bad inputs to the maintenance, parts, staff, training and attention methods: each is refused
 * with a clear error (validation, not_found, conflict…), never an internal error, and well-formed
 * but wrong values (unknown ids, empty strings, reversed or impossible dates) are probed too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../electron/node/app';
import { silentLogger } from '../../electron/node/log/logger';
import { METHOD_NAMES } from '../../shared/ipc/contract';
import { tempDir } from '../helpers/temp';
import { FakeClock } from '../helpers/clock';
import { FakeLinks } from '../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const NEW_METHODS = METHOD_NAMES.filter((name) => /^(maintenance|parts|staff|training|attention|contingency)\./.test(name));

/** Inputs no method takes: wrong types at the top and inside. */
const MALFORMED: unknown[] = [42, 'x', [], { id: 123 }, { id: null, deviceId: 7, partId: [], from: 5 }];

/** Inputs of the right shape with wrong values: unknown ids, empty text, impossible or reversed dates. */
const WRONG_VALUES: unknown[] = [
  { id: 'no-such-id' },
  { id: '' },
  { id: 'no-such-id', deviceId: 'no-such-device', partId: 'no-such-part', staffId: 'no-such-staff', moduleId: 'no-such-module' },
  { from: '2026-02-30', to: '2026-01-01' },
  { from: '2026-03-01', to: '2020-01-01', rule: 'FREQ=SECONDLY', start: '2026-13-01T00:00:00' },
  { code: '', delta: 0, quantity: -1, kind: 'nonsense' },
];

describe('the new API methods', () => {
  it(`refuse malformed input with a validation error (${NEW_METHODS.length} methods)`, async () => {
    const temp = tempDir();
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock: new FakeClock(), resolveHost: () => Promise.resolve(true) });
    cleanups.push(temp.cleanup, () => core.dispose());
    expect(NEW_METHODS.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const method of NEW_METHODS) {
      for (const input of MALFORMED) {
        const result = await core.dispatch(method, input);
        if (result.ok || result.error.code !== 'validation') wrong.push(`${method} ${JSON.stringify(input)} -> ${result.ok ? 'ok' : result.error.code}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('never answer wrong values with an internal error', async () => {
    const temp = tempDir();
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock: new FakeClock(), resolveHost: () => Promise.resolve(true) });
    cleanups.push(temp.cleanup, () => core.dispose());
    const internal: string[] = [];
    for (const method of NEW_METHODS) {
      for (const input of WRONG_VALUES) {
        const result = await core.dispatch(method, input);
        if (!result.ok && result.error.code === 'internal') internal.push(`${method} ${JSON.stringify(input)}: ${result.error.message}`);
      }
    }
    expect(internal).toEqual([]);
  });
});
