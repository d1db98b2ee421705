/**
 * Faults the simulated terminal can be told to have, for drills and tests. Each one mimics what
 * a real terminal does in that situation (DOMAIN.md fault taxonomy), in ZVT terms.
 */
export const FAULT_NAMES = [
  'paper-out', // status 0xCC printer not ready; every command that prints (payments, reversal, refund, diagnosis, selftest, print configuration, end-of-day, turnover totals, repeat receipt) aborts with 0xCC
  'printer-jam', // as paper-out, with the extended error text "printer jam"
  'overheating', // status 0xDF out of order; diagnosis still runs, log-off/abort are refused 84 FF, every other command aborts with 0xFF
  'host-unreachable', // payments, end-of-day, diagnosis abort with 0xA3 no connection
  'card-unreadable', // the card reader cannot read cards: Read Card reports result code 0x64, card payments abort with 0x64
  'busy', // every command is refused with 84 9C "please wait"
  'slow', // every answer is delayed (parameter: milliseconds, default 3000)
  'link-drop', // power loss: the link goes dead (parameter: milliseconds until power returns, default 5000)
  'corrupt-crc', // serial: every block the terminal sends has a wrong CRC
  'garbage', // random bytes on the line before every answer
  'nak-storm', // serial: every block from the ECR is answered NAK
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export const FAULT_HELP: Record<FaultName, string> = {
  'paper-out': 'printer out of paper: status 0xCC; every command that prints (payments, reversals, refunds, diagnosis, selftest, print configuration, end-of-day, turnover totals, repeat receipt) aborts with 0xCC "paper out"',
  'printer-jam': 'printer jammed: like paper-out, extended error text "printer jam"',
  overheating: 'terminal overheated: status 0xDF out of order; diagnosis still runs, log-off is refused 84 FF, every other command aborts with 0xFF',
  'host-unreachable': 'payment host unreachable: payments/end-of-day/diagnosis abort with 0xA3',
  'card-unreadable': 'card reader broken: Read Card answers result code 0x64 "card not readable", card payments abort with 0x64',
  busy: 'terminal busy: every command answered 84 9C (please wait)',
  slow: 'slow answers: every answer delayed by PARAM ms (default 3000)',
  'link-drop': 'power loss: link goes dead for PARAM ms (default 5000), then comes back',
  'corrupt-crc': 'serial only: every block sent has a wrong CRC',
  garbage: 'random garbage bytes before every answer',
  'nak-storm': 'serial only: every block from the ECR is answered NAK',
};

export function isFaultName(value: string): value is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(value);
}

/** "slow=500" or "paper-out" -> [name, parameter]. */
export function parseFaultSpec(spec: string): { name: FaultName; parameter?: number } | undefined {
  const [name, raw] = spec.split('=', 2);
  if (!name || !isFaultName(name)) return undefined;
  if (raw === undefined) return { name };
  const parameter = Number(raw);
  if (!Number.isFinite(parameter) || parameter < 0) return undefined;
  return { name, parameter };
}
