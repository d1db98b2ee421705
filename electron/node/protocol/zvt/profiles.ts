import type { VendorProfileId } from '../../../../shared/domain/terminals';
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

/**
 * The spec as written, except for receipt text: a terminal that names no charset at Registration
 * (TLV tag 14, PA00P015 9.4.2) is read with 'auto' — valid UTF-8 multi-byte sequences as UTF-8,
 * anything else as the spec's CP437 (chapter 15.2) — because receipt text in the wild is CP437,
 * Latin-1 or UTF-8 (reference README, "known deviations").
 */
export const GENERIC_PROFILE: VendorProfile = { id: 'generic', name: 'Generic ZVT terminal (automatic)' };

/**
 * The catalogue the console offers per device (shared/domain/terminals VENDOR_PROFILE_IDS; names
 * in the locale files under terminals.profiles). Sources of the deviations:
 * - cp437, latin1, utf8, serial-hex: the known deviations of real terminals in the ZVT reference
 *   README ("some terminals send the serial number (TLV 1F42) as hex digits, not BCD; receipt text
 *   in the wild is CP437, Latin-1 or UTF-8"). A fixed charset also covers the case 'auto' cannot
 *   tell: Latin-1 (ü = FC) is never valid UTF-8, and CP437 box drawing (C3 BC = ├╝) can be.
 * - no-print-line, no-abort: the deviations issue 3 (item 5) asks to record; the reference does not
 *   name a terminal that has them, so they are kept generic (no vendor name).
 */
export const VENDOR_PROFILES: Readonly<Record<VendorProfileId, VendorProfile>> = {
  generic: GENERIC_PROFILE,
  cp437: { id: 'cp437', name: 'Receipt text always CP437', fixedCharset: 'cp437' },
  latin1: { id: 'latin1', name: 'Receipt text always Latin-1', fixedCharset: 'latin1' },
  utf8: { id: 'utf8', name: 'Receipt text always UTF-8', fixedCharset: 'utf8' },
  'serial-hex': { id: 'serial-hex', name: 'Serial number (1F42) as hex digits', serialNumberAsHex: true },
  'no-print-line': { id: 'no-print-line', name: 'Terminal without Print Line', noPrintLine: true },
  'no-abort': { id: 'no-abort', name: 'No-abort terminal', noAbortFromEcr: true },
};

export function resolveTimeouts(profile: VendorProfile | undefined): ProtocolTimeouts {
  return { ...SPEC_TIMEOUTS, ...profile?.timeouts };
}
