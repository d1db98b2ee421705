import { describe, expect, it, vi } from 'vitest';

// The Electron binary cannot run here: ipcMain and webContents are fakes that record what bindIpc registers and sends.
const fake = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, input: unknown) => unknown>(),
  contents: [] as { url: string; sent: unknown[][] }[],
}));
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, input: unknown) => unknown) => fake.handlers.set(channel, handler),
    removeHandler: (channel: string) => fake.handlers.delete(channel),
  },
  webContents: {
    getAllWebContents: () =>
      fake.contents.map((contents) => ({ getURL: () => contents.url, send: (...args: unknown[]) => contents.sent.push(args) })),
  },
}));

const { bindIpc } = await import('../../electron/main/ipc');
const { EventBus } = await import('../../electron/node/events/bus');
const { ipcChannel, METHOD_NAMES } = await import('../../shared/ipc/contract');
const { DEFAULT_SETTINGS } = await import('../../shared/domain/settings');

function frame(url: string, parent: unknown = null) {
  return { url, parent };
}

function setUp() {
  const dispatched: string[] = [];
  const bus = new EventBus();
  const unbind = bindIpc(async (method) => {
    dispatched.push(method);
    return { ok: true, value: { method } };
  }, bus);
  const invoke = (event: unknown) => fake.handlers.get(ipcChannel('app.info'))!(event, {}) as Promise<unknown>;
  return { dispatched, bus, unbind, invoke };
}

describe('the IPC binding', () => {
  it('registers one channel per contract method and removes them all on unbind', () => {
    const { unbind } = setUp();
    expect([...fake.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
    unbind();
    expect(fake.handlers.size).toBe(0);
  });

  it('answers our own top frame on app://poscare', async () => {
    const { invoke, dispatched, unbind } = setUp();
    await expect(invoke({ senderFrame: frame('app://poscare/index.html#/settings') })).resolves.toEqual({ ok: true, value: { method: 'app.info' } });
    expect(dispatched).toEqual(['app.info']);
    unbind();
  });

  it.each([
    ['a subframe of our own page', { senderFrame: frame('app://poscare/index.html', frame('app://poscare/index.html')) }],
    ['a page from another origin', { senderFrame: frame('https://evil.example/') }],
    ['a look-alike host', { senderFrame: frame('app://poscare.evil/index.html') }],
    ['a file:// page', { senderFrame: frame('file:///C:/Users/shop/evil.html') }],
    ['a frame already gone (null)', { senderFrame: null }],
    ['a disposed frame that throws on access', Object.defineProperty({}, 'senderFrame', { get: () => { throw new Error('Render frame was disposed'); } })],
  ])('refuses %s without running anything', async (_name, event) => {
    const { invoke, dispatched, unbind } = setUp();
    const result = (await invoke(event)) as { ok: boolean; error?: { code: string } };
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('unauthorized');
    expect(dispatched).toEqual([]);
    unbind();
  });

  it('sends events only to our own pages', () => {
    fake.contents = [
      { url: 'app://poscare/index.html', sent: [] },
      { url: 'https://evil.example/', sent: [] },
    ];
    const { bus, unbind } = setUp();
    bus.emit('settings.changed', DEFAULT_SETTINGS);
    expect(fake.contents[0]!.sent).toHaveLength(1);
    expect(fake.contents[1]!.sent).toHaveLength(0);
    unbind();
    bus.emit('settings.changed', DEFAULT_SETTINGS);
    expect(fake.contents[0]!.sent).toHaveLength(1);
  });
});
