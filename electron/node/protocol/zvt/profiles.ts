import type { Charset } from './charset';

/**
 * Timeouts of the transport and application protocol (PA00P016):
 * T1 3.4.1 — at most 200 ms between two bytes of a block, else the receiver sends NAK;
 * T2 3.4.2 — an ACK/NAK must come within 5 s, else the block is repeated;
 * T3 5.2.5 — the answer 80 00 / 84 xx must come within 5 s of the command (adjustable on TCP);
 * T4 5.2.6 — 180 s between 80 00 and Completion, restarted by every Intermediate Status /
 *            Status Information, and changeable by the timeout byte of Intermediate Status.
 * Section 3.5: a block is repeated up to two times, so three transmissions in all.
 */
export interface ProtocolTimeouts {
  interByteMs: number; // T1
  acknowledgeMs: number; // T2
  responseMs: number; // T3
  completionMs: number; // T4
  maximumTransmissions: number;
}

export const SPEC_TIMEOUTS: ProtocolTimeouts = {
  interByteMs: 200,
  acknowledgeMs: 5_000,
  responseMs: 5_000,
  completionMs: 180_000,
  maximumTransmissions: 3,
};

/** Where a vendor's terminals deviate from the spec; the session and codec honour these. */
export interface VendorProfile {
  id: string;
  name: string;
  /** The terminal cannot send receipts as Print Line / Text Block: Registration then asks for none (config bit 7 cleared). */
  noPrintLine?: boolean;
  /** The terminal ignores or breaks on Abort 06 B0 from the ECR: the session refuses to send it. */
  noAbortFromEcr?: boolean;
  /** Text is always in this charset whatever the TLV says. */
  fixedCharset?: Charset;
  /** TLV 1F42 serial number is hex digits, not BCD. */
  serialNumberAsHex?: boolean;
  timeouts?: Partial<ProtocolTimeouts>;
}

export const GENERIC_PROFILE: VendorProfile = { id: 'generic', name: 'Generic ZVT terminal' };

export function resolveTimeouts(profile: VendorProfile | undefined): ProtocolTimeouts {
  return { ...SPEC_TIMEOUTS, ...profile?.timeouts };
}
