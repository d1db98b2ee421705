import type { CommandOutcome, LinkReport, TerminalLinks, TerminalSpec } from '../../electron/node/services/devices/terminal-links';
import type { GuideCommand } from '../../shared/domain/terminals';

/** A terminal manager stand-in: records add/remove, answers commands from a script, reports links on demand. */
export class FakeLinks implements TerminalLinks {
  added: TerminalSpec[] = [];
  removed: string[] = [];
  answers = new Map<GuideCommand, CommandOutcome>();
  private listeners = new Set<(r: LinkReport) => void>();

  add(spec: TerminalSpec): void {
    this.added.push(spec);
  }
  remove(id: string): void {
    this.removed.push(id);
  }
  run(_id: string, command: GuideCommand, onProgress?: (text: string) => void): Promise<CommandOutcome> {
    onProgress?.('working');
    return Promise.resolve(this.answers.get(command) ?? { ok: true, summary: `${command} done`, terminalStatus: 0 });
  }
  onLink(listener: (r: LinkReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  report(report: LinkReport): void {
    for (const l of this.listeners) l(report);
  }
}
