/**
 * What the device registry needs from the terminal connection manager (services/terminals):
 * keep the manager's list equal to the registry, run commands, and hear link changes.
 * app.ts adapts the real manager to this; tests pass a fake.
 */
import type { LinkedConnection } from '../../../../shared/domain/devices';
import type { GuideCommand } from '../../../../shared/domain/terminals';
import type { CodeText, ComponentState, LinkKind, PrinterState } from '../../../../shared/domain/status';

/** A command's progress: English text, and its words in both languages where the terminal's status code gives them. */
export type CommandProgressListener = (text: string, words?: CodeText) => void;

export interface TerminalSpec {
  id: string;
  name?: string;
  connection: LinkedConnection;
  /** The terminal's six-digit password (PA00P015 1.2) for registration, end-of-day, reversal; default 000000. */
  password?: string;
  /** Vendor profile id (shared/domain/terminals VENDOR_PROFILE_IDS); absent: generic. The manager refuses an id it does not know. */
  profileId?: string;
}

/** What a device can be told to do: the guide commands, and Abort (06 B0) of the command it runs. */
export type DeviceCommand = GuideCommand | 'abort';

export interface CommandOutcome {
  ok: boolean;
  /** The result as codes ('terminal:0xCC', 'result:0x00', 'error:timeout', 'summary:<key>', 'software:<version>', joined by '; '), worded by summary-text.ts. */
  summary: string;
  /** Terminal status byte, result code and component facts learnt from the answer. */
  terminalStatus?: number;
  resultCode?: number;
  printer?: PrinterState;
  hostReachable?: boolean;
  /** A card reader test: it read a card ('ok') or the terminal said it cannot read cards ('fault'). */
  cardReader?: ComponentState;
  softwareVersion?: string;
  tid?: string;
  serialNumber?: string;
  printLines?: string[];
}

export interface LinkReport {
  id: string;
  link: LinkKind;
  /** Facts the terminal reported on registration (fill the registry in). */
  tid?: string;
  softwareVersion?: string;
  serialNumber?: string;
  /** Terminal status byte of the last Status Enquiry (ZVT chapter 11), when the link knows it. */
  terminalStatus?: number;
}

export interface TerminalLinks {
  add(spec: TerminalSpec): void | Promise<void>;
  remove(id: string): void | Promise<void>;
  run(id: string, command: DeviceCommand, onProgress?: CommandProgressListener): Promise<CommandOutcome>;
  /** Subscribes to link changes; returns the unsubscribe function. */
  onLink(listener: (report: LinkReport) => void): () => void;
}

/** Used until a terminal manager is wired: commands answer "not connected". */
export class NoTerminalLinks implements TerminalLinks {
  add(): void {}
  remove(): void {}
  run(): Promise<CommandOutcome> {
    return Promise.resolve({ ok: false, summary: 'summary:notManaged' });
  }
  onLink(): () => void {
    return () => {};
  }
}
