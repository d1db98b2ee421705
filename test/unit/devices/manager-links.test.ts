import { describe, expect, it } from 'vitest';
import { ManagerLinks, outcomeOf, type ManagedTerminals } from '../../../electron/node/services/devices/manager-links';
import type { LinkState, TerminalAbortResult, TerminalCommand, TerminalCommandResult, TerminalLink } from '../../../shared/domain/terminals';

class FakeManager implements ManagedTerminals {
  calls: string[] = [];
  listener?: (link: TerminalLink, previous: LinkState) => void;
  add(input: { id: string }): Promise<unknown> {
    this.calls.push(`add ${input.id}`);
    return Promise.resolve();
  }
  remove(id: string): Promise<void> {
    this.calls.push(`remove ${id}`);
    return Promise.resolve();
  }
  run(id: string, input: TerminalCommand): Promise<TerminalCommandResult> {
    this.calls.push(`run ${id} ${input.command}`);
    return Promise.resolve({ ok: false, command: input.command, durationMs: 5, terminalStatus: { code: 0xcc, en: 'Printer not ready', zh: '打印机未就绪', ready: false }, statusInformation: [], receipt: ['LINE 1'] });
  }
  abort(id: string): TerminalAbortResult {
    this.calls.push(`abort ${id}`);
    return { aborted: false, reason: 'no command is running' };
  }
  onLinkChange(listener: (link: TerminalLink, previous: LinkState) => void): () => void {
    this.listener = listener;
    return () => undefined;
  }
}

describe('the terminal manager adapter', () => {
  it('maps board commands to ZVT management commands and reads the status byte and print lines', async () => {
    const manager = new FakeManager();
    const links = new ManagerLinks(manager);
    await links.add({ id: 't1', name: 'A', connection: { type: 'tcp', host: '127.0.0.1', port: 20007 } });
    const outcome = await links.run('t1', 'printConfiguration');
    expect(manager.calls).toEqual(['add t1', 'run t1 print-config']);
    expect(outcome).toMatchObject({ ok: false, terminalStatus: 0xcc, printLines: ['LINE 1'], summary: 'terminal:0xCC' });
  });

  it('takes a completed print as proof the printer works again, a failed one or a status enquiry as no proof', () => {
    const base = { durationMs: 5, statusInformation: [], receipt: [] };
    expect(outcomeOf({ ...base, ok: true, command: 'print-config' }).printer).toBe('ok');
    expect(outcomeOf({ ...base, ok: true, command: 'print-config' }).summary).toBe('summary:ok');
    expect(outcomeOf({ ...base, ok: false, command: 'print-config' }).printer).toBeUndefined();
    expect(outcomeOf({ ...base, ok: true, command: 'status' }).printer).toBeUndefined();
  });

  it('reconnects by removing and adding the terminal again, and maps software update and abort', async () => {
    const manager = new FakeManager();
    const links = new ManagerLinks(manager);
    await links.add({ id: 't1', connection: { type: 'tcp', host: '127.0.0.1', port: 20007 } });
    expect((await links.run('t1', 'reconnect')).ok).toBe(true);
    expect(manager.calls).toEqual(['add t1', 'remove t1', 'add t1']);
    await links.run('t1', 'softwareUpdate');
    expect(manager.calls.at(-1)).toBe('run t1 software-update');
    expect(await links.run('t1', 'abort')).toMatchObject({ ok: false, summary: 'summary:nothingToAbort' });
    expect(manager.calls.at(-1)).toBe('abort t1');
  });

  it('reports link states with the software version the terminal told', () => {
    const manager = new FakeManager();
    const links = new ManagerLinks(manager);
    const reports: unknown[] = [];
    links.onLink((r) => reports.push(r));
    manager.listener?.({ id: 't1', address: 'tcp:x:1', link: { state: 'ready', since: 'now' }, lastStatus: { at: 'now', terminalStatus: 0, textEn: 'Ready', textZh: '就绪', softwareVersion: '1.2' } }, { state: 'connecting', attempt: 1 });
    expect(reports).toEqual([{ id: 't1', link: 'ready', softwareVersion: '1.2' }]);
  });

  it('treats a diagnosis result as the answer to whether the payment host is reachable', () => {
    expect(outcomeOf({ ok: true, command: 'diagnosis', durationMs: 1, statusInformation: [], receipt: [] }).hostReachable).toBe(true);
    expect(outcomeOf({ ok: false, command: 'diagnosis', durationMs: 1, result: { code: 0xff, en: 'System error', zh: '系统错误' }, statusInformation: [], receipt: [] })).toMatchObject({ hostReachable: false, resultCode: 0xff });
  });
});
