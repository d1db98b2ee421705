/**
 * Adapts the terminal connection manager (services/terminals) to what the device registry needs.
 * Typed structurally, so the registry does not depend on the manager's internals.
 */
import type { GuideCommand } from '../../../../shared/domain/incidents';
import type { LinkKind } from '../../../../shared/domain/status';
import type { LinkState, TerminalCommand, TerminalCommandName, TerminalCommandResult, TerminalConfigInput, TerminalLink } from '../../../../shared/domain/terminals';
import type { CommandOutcome, LinkReport, TerminalLinks, TerminalSpec } from './terminal-links';

export interface ManagedTerminals {
  add(input: TerminalConfigInput): Promise<unknown>;
  remove(id: string): Promise<void>;
  run(id: string, input: TerminalCommand): Promise<TerminalCommandResult>;
  onLinkChange(listener: (link: TerminalLink, previous: LinkState) => void): () => void;
}

/** Guide/board command -> ZVT management command of the manager; undefined: not a ZVT command. */
export const COMMAND_MAP: Record<GuideCommand, TerminalCommandName | undefined> = {
  statusEnquiry: 'status',
  diagnosis: 'diagnosis',
  selfTest: 'selftest',
  printConfiguration: 'print-config',
  endOfDay: 'end-of-day',
  // Software update (08 10 in the spec) is not among the manager's commands yet.
  softwareUpdate: undefined,
  reconnect: undefined,
};

export function linkReport(link: TerminalLink): LinkReport {
  const report: LinkReport = { id: link.id, link: link.link.state as LinkKind };
  if (link.lastStatus?.softwareVersion) report.softwareVersion = link.lastStatus.softwareVersion;
  if ((link.link.state === 'ready' || link.link.state === 'degraded') && link.link.terminalStatus !== undefined) report.terminalStatus = link.link.terminalStatus;
  return report;
}

export function outcomeOf(result: TerminalCommandResult): CommandOutcome {
  const outcome: CommandOutcome = {
    ok: result.ok,
    summary: result.error?.message ?? result.terminalStatus?.en ?? result.result?.en ?? (result.ok ? 'OK' : 'failed'),
    printLines: result.receipt,
  };
  if (result.terminalStatus) outcome.terminalStatus = result.terminalStatus.code;
  if (result.result && result.result.code !== 0) outcome.resultCode = result.result.code;
  if (result.softwareVersion) outcome.softwareVersion = result.softwareVersion;
  if (result.terminalId) outcome.tid = result.terminalId;
  // A diagnosis contacts the payment host: its success or failure says whether the host is reachable.
  if (result.command === 'diagnosis') outcome.hostReachable = result.ok;
  return outcome;
}

export class ManagerLinks implements TerminalLinks {
  private readonly specs = new Map<string, TerminalSpec>();

  constructor(private readonly manager: ManagedTerminals) {}

  async add(spec: TerminalSpec): Promise<void> {
    this.specs.set(spec.id, spec);
    await this.manager.add({ id: spec.id, ...(spec.name ? { name: spec.name } : {}), connection: spec.connection });
  }

  async remove(id: string): Promise<void> {
    this.specs.delete(id);
    await this.manager.remove(id);
  }

  async run(id: string, command: GuideCommand, onProgress?: (text: string) => void): Promise<CommandOutcome> {
    if (command === 'reconnect') {
      const spec = this.specs.get(id);
      if (!spec) return { ok: false, summary: 'The terminal is not managed' };
      onProgress?.('reconnecting');
      await this.manager.remove(id);
      await this.manager.add({ id, ...(spec.name ? { name: spec.name } : {}), connection: spec.connection });
      return { ok: true, summary: 'Reconnecting' };
    }
    const zvt = COMMAND_MAP[command];
    if (!zvt) return { ok: false, summary: `${command} is not supported by this terminal driver` };
    onProgress?.(zvt);
    return outcomeOf(await this.manager.run(id, { command: zvt }));
  }

  onLink(listener: (report: LinkReport) => void): () => void {
    return this.manager.onLinkChange((link) => listener(linkReport(link)));
  }
}
