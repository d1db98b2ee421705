/**
 * Adapts the terminal connection manager (services/terminals) to what the device registry needs.
 * Typed structurally, so the registry does not depend on the manager's internals.
 */
import type { LinkKind } from '../../../../shared/domain/status';
import {
  GUIDE_TERMINAL_COMMANDS,
  type LinkState,
  type TerminalAbortResult,
  type TerminalCommand,
  type TerminalCommandResult,
  type TerminalConfigInput,
  type TerminalLink,
} from '../../../../shared/domain/terminals';
import type { CommandOutcome, CommandProgressListener, DeviceCommand, LinkReport, TerminalLinks, TerminalSpec } from './terminal-links';

export interface ManagedTerminals {
  add(input: TerminalConfigInput): Promise<unknown>;
  remove(id: string): Promise<void>;
  run(id: string, input: TerminalCommand, options?: { onProgress?: CommandProgressListener }): Promise<TerminalCommandResult>;
  abort(id: string): TerminalAbortResult;
  onLinkChange(listener: (link: TerminalLink, previous: LinkState) => void): () => void;
}

export function linkReport(link: TerminalLink): LinkReport {
  const report: LinkReport = { id: link.id, link: link.link.state as LinkKind };
  const softwareVersion = link.reported?.softwareVersion ?? link.lastStatus?.softwareVersion;
  if (softwareVersion) report.softwareVersion = softwareVersion;
  if (link.reported?.terminalId) report.tid = link.reported.terminalId;
  if (link.reported?.serialNumber) report.serialNumber = link.reported.serialNumber;
  if ((link.link.state === 'ready' || link.link.state === 'degraded') && link.link.terminalStatus !== undefined) report.terminalStatus = link.link.terminalStatus;
  return report;
}

const PRINTING_COMMANDS: ReadonlySet<string> = new Set(['diagnosis', 'selftest', 'print-config', 'end-of-day']);

/** Result code 64: card not readable (PA00P015 chapter 10). */
const CARD_NOT_READABLE = 0x64;

function hex(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The result as codes the console and the pack word in the reader's language (summary-text.ts). */
function summaryCode(result: TerminalCommandResult): string {
  // A terminal that refused or aborted says why (e.g. 0x64 card not readable): that is the summary.
  if (result.error && result.result && (result.error.code === 'aborted' || result.error.code === 'negative-ack')) return `result:${hex(result.result.code)}`;
  if (result.error) return `error:${result.error.code}`;
  if (result.terminalStatus) return `terminal:${hex(result.terminalStatus.code)}`;
  if (result.card) return `card:${result.card}`;
  if (result.result) return `result:${hex(result.result.code)}`;
  return result.ok ? 'summary:ok' : 'summary:failed';
}

export function outcomeOf(result: TerminalCommandResult): CommandOutcome {
  const outcome: CommandOutcome = {
    ok: result.ok,
    summary: summaryCode(result),
    printLines: result.receipt,
  };
  if (result.terminalStatus) outcome.terminalStatus = result.terminalStatus.code;
  if (result.result && result.result.code !== 0) outcome.resultCode = result.result.code;
  if (result.softwareVersion) outcome.softwareVersion = result.softwareVersion;
  if (result.terminalId) outcome.tid = result.terminalId;
  if (result.serialNumber) outcome.serialNumber = result.serialNumber;
  // A diagnosis contacts the payment host: its success or failure says whether the host is reachable.
  if (result.command === 'diagnosis') outcome.hostReachable = result.ok;
  // A card reader test that read a card proves the reader works; 64 "card not readable" to a test
  // card says it does not. A timeout (no card presented) says nothing about the reader.
  if (result.command === 'read-card') {
    if (result.ok) outcome.cardReader = 'ok';
    else if (result.result?.code === CARD_NOT_READABLE) outcome.cardReader = 'fault';
  }
  // These commands print: one that completed proves the printer has paper and works again.
  if (result.ok && PRINTING_COMMANDS.has(result.command)) outcome.printer = 'ok';
  return outcome;
}

export class ManagerLinks implements TerminalLinks {
  private readonly specs = new Map<string, TerminalSpec>();

  constructor(private readonly manager: ManagedTerminals) {}

  async add(spec: TerminalSpec): Promise<void> {
    this.specs.set(spec.id, spec);
    await this.manager.add(configOf(spec));
  }

  async remove(id: string): Promise<void> {
    this.specs.delete(id);
    await this.manager.remove(id);
  }

  async run(id: string, command: DeviceCommand, onProgress?: CommandProgressListener): Promise<CommandOutcome> {
    if (command === 'reconnect') {
      const spec = this.specs.get(id);
      if (!spec) return { ok: false, summary: 'summary:notManaged' };
      onProgress?.('reconnecting');
      await this.manager.remove(id);
      await this.manager.add(configOf(spec));
      return { ok: true, summary: 'summary:reconnecting' };
    }
    if (command === 'abort') {
      const result = this.manager.abort(id);
      return result.aborted ? { ok: true, summary: 'summary:abortSent' } : { ok: false, summary: 'summary:nothingToAbort' };
    }
    const zvt = GUIDE_TERMINAL_COMMANDS[command];
    if (!zvt) return { ok: false, summary: 'summary:unsupported' };
    onProgress?.(zvt);
    const progress = onProgress ? { onProgress } : {};
    const outcome = outcomeOf(await this.manager.run(id, { command: zvt }, progress));
    if (outcome.ok && outcome.printer === 'ok' && outcome.terminalStatus === undefined) {
      // A print went through: the status byte the terminal last reported (0xCC printer not ready)
      // is stale. Ask for the current one, so the status and the guide see the terminal as it is now.
      const status = await this.manager.run(id, { command: 'status' }).catch(() => undefined);
      if (status?.terminalStatus) outcome.terminalStatus = status.terminalStatus.code;
    }
    if (zvt === 'software-update' && outcome.ok) {
      // The completion of 08 10 carries no version (2.37.3): ask the terminal which one it runs now.
      onProgress?.('status');
      const status = await this.manager.run(id, { command: 'status' }).catch(() => undefined);
      if (status?.softwareVersion) {
        outcome.softwareVersion = status.softwareVersion;
        outcome.summary = `${outcome.summary}; software:${status.softwareVersion}`;
      }
      if (status?.terminalStatus) outcome.terminalStatus = status.terminalStatus.code;
    }
    return outcome;
  }

  onLink(listener: (report: LinkReport) => void): () => void {
    return this.manager.onLinkChange((link) => listener(linkReport(link)));
  }
}

function configOf(spec: TerminalSpec): TerminalConfigInput {
  return {
    id: spec.id,
    ...(spec.name ? { name: spec.name } : {}),
    connection: spec.connection,
    ...(spec.password ? { password: spec.password } : {}),
    ...(spec.profileId ? { profileId: spec.profileId } : {}),
  };
}
