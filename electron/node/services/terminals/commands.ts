/**
 * Management commands as the API and the CLI name them -> ZVT commands, and ZVT results -> the
 * JSON the console shows. Card numbers are already masked by the codec; nothing here unmasks.
 */
import { READ_CARD_TIMEOUT_S, type TerminalCommand, type TerminalCommandResult } from '../../../../shared/domain/terminals';
import { describeResultCode, describeTerminalStatus, type CommandResult, type EcrCommand } from '../../protocol/zvt/index';

export const DEFAULT_PASSWORD = '000000';

/** Registration config byte (PA00P015 table 1): ECR prints payment (bit 1) and admin (bit 2) receipts, wants intermediate status (bit 3), print via Print Line (bit 7). */
export const REGISTRATION_CONFIG = 0x02 | 0x04 | 0x08 | 0x80;
/** Status Enquiry service byte (PA00P015 table 12): 0x04 asks for the TLV container with TID and device information. */
export const STATUS_SERVICE_BYTE = 0x04;
/** ISO 4217 numeric for the registration; 156 = CNY. */
export const DEFAULT_CURRENCY = 156;

export function toEcrCommand(command: TerminalCommand, password: string = DEFAULT_PASSWORD): EcrCommand {
  switch (command.command) {
    case 'status':
      // Service byte (table 12): bit 1 clear = send the software version; bit 2 set = send the TLV
      // container (2.56.5: TID 1F44, device information E4 with the serial number 1F42).
      return { kind: 'status-enquiry', password, serviceByte: STATUS_SERVICE_BYTE };
    case 'register':
      return { kind: 'registration', password, config: REGISTRATION_CONFIG, currency: DEFAULT_CURRENCY };
    case 'diagnosis':
      return { kind: 'diagnosis' };
    case 'selftest':
      return { kind: 'selftest' };
    case 'end-of-day':
      return { kind: 'end-of-day', password };
    case 'turnover-totals':
      return { kind: 'send-turnover-totals', password };
    case 'repeat-receipt':
      return { kind: 'repeat-receipt', password };
    case 'print-config':
      return { kind: 'print-system-configuration' };
    case 'log-off':
      return { kind: 'log-off' };
    case 'pay':
      return { kind: 'authorization', amount: command.amount ?? 0, currency: DEFAULT_CURRENCY };
    case 'software-update':
      // 08 10 (2.37): the terminal calls its terminal management system and completes.
      return { kind: 'software-update' };
    case 'reversal':
      // 06 30 (2.9): <password> 87<receipt-no> of the payment to undo.
      return { kind: 'reversal', password, receiptNumber: command.receiptNumber ?? 0 };
    case 'refund':
      // 06 31 (2.15): <password> 04<amount> 49<CC>.
      return { kind: 'refund', password, amount: command.amount ?? 0, currency: DEFAULT_CURRENCY };
    case 'read-card':
      // 06 C0 (2.21): wait READ_CARD_TIMEOUT_S for a card, chip and magnetic stripe (table 6: 0101xxxx),
      // the terminal shows its own insert/remove prompts (table 7, bit 0).
      return { kind: 'read-card', timeoutSeconds: READ_CARD_TIMEOUT_S, cardReadType: 0x50, dialogControl: 0x01 };
  }
}

/** Uint8Array -> hex, recursively, so decoded messages print as JSON. */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value, (byte) => byte.toString(16).padStart(2, '0')).join('');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out[key] = jsonSafe(entry);
    return out;
  }
  return value;
}

export function summariseResult(command: TerminalCommand, result: CommandResult, durationMs: number): TerminalCommandResult {
  const progress = result.ok ? result.value : result.error.progress;
  const summary: TerminalCommandResult = {
    ok: result.ok,
    command: command.command,
    durationMs: Math.round(durationMs * 1000) / 1000,
    statusInformation: (progress?.statusInformation ?? []).map((message) => jsonSafe(message) as Record<string, unknown>),
    receipt: (progress?.receipt ?? []).map((line) => line.text),
  };
  if (result.ok) {
    if (command.command === 'read-card') {
      // 3.1.2: track 2 (or the PAN) of the card, masked by the codec; nothing here unmasks.
      const read = result.value.statusInformation[0];
      const card = read?.track2 ?? read?.maskedPan;
      if (card) summary.card = card;
    }
    const completion = result.value.completion;
    if (completion?.form === 'status-enquiry' && completion.terminalStatus !== undefined) {
      const status = describeTerminalStatus(completion.terminalStatus);
      summary.terminalStatus = { code: status.code, en: status.en, zh: status.zh, ready: status.ready };
      // A Status Enquiry "succeeds" even when the terminal reports it cannot pay; the status says so.
    }
    if (completion?.resultCode !== undefined) summary.result = pickTexts(describeResultCode(completion.resultCode));
    const version = completion?.softwareVersion ?? completion?.device?.softwareVersion;
    if (version) summary.softwareVersion = version;
    const terminalId = completion?.terminalId ?? completion?.device?.terminalId;
    if (terminalId) summary.terminalId = terminalId;
    const serialNumber = completion?.device?.serialNumber;
    if (serialNumber) summary.serialNumber = serialNumber;
    return summary;
  }
  const error = result.error;
  if (error.result) summary.result = pickTexts(error.result);
  const detail = error.abort?.extendedErrorText ? ` (${error.abort.extendedErrorText})` : '';
  summary.error = { code: error.code, message: `${error.message}${detail}` };
  return summary;
}

function pickTexts(info: { code: number; en: string; zh: string }): { code: number; en: string; zh: string } {
  return { code: info.code, en: info.en, zh: info.zh };
}
