/**
 * ZVT (ECR-Interface, PA00P015 rev 13.08 / PA00P016 rev 04) — the pure protocol layer:
 * framing (serial blocks, TCP APDU stream), codec (APDU <-> typed messages), session (ECR side).
 * No I/O: transports feed bytes in and carry bytes out.
 */
export { bytesToHex, digitsToBcd, hexToBytes } from './bytes';
export { crc16Kermit } from './crc';
export {
  ApduStreamDecoder,
  ControlByte,
  encodeSerialFrame,
  SerialFrameDecoder,
  MAXIMUM_APDU_LENGTH,
  MAXIMUM_DATA_LENGTH,
  type ApduStreamEvent,
  type FrameErrorCode,
  type FrameEvent,
} from './framing';
export {
  buildApdu,
  decodeApdu,
  decodeApduOrFrame,
  encodeMessage,
  isLastLineAttribute,
  parseApdu,
  readDeviceInformation,
  POSITIVE_ACKNOWLEDGEMENT,
  negativeAcknowledgement,
  type CodecOptions,
} from './codec';
export { BITMAPS, CARD_DATA_TLV_TAGS, carriesCardData, maskCardNumber, type BitmapDefinition, type BitmapFields, type SingleTotals } from './bitmaps';
export { decodeTlvList, encodeTlvList, findAllTlv, findTlv, tlv, type TlvNode } from './tlv';
export { charsetFromIsoCode, decodeText, encodeText, looksLikeUtf8, type Charset } from './charset';
export {
  CARD_TYPES,
  cardTypeName,
  describeIntermediateStatus,
  describeResultCode,
  describeTerminalStatus,
  INTERMEDIATE_STATUS_CODES,
  RESULT_CODES,
  TERMINAL_STATUS_CODES,
  TOTALS_CARD_GROUPS,
  totalsGroupOfCardType,
  type TotalsCardGroup,
  type CodeText,
  type ResultCodeInfo,
  type TerminalStatusInfo,
} from './codes';
export type * from './messages';
export { COMMAND_CODES, displayLines, KEY_CODES } from './messages';
export { sentTrace } from './command-layouts';
export { GENERIC_PROFILE, VENDOR_PROFILES, SPEC_TIMEOUTS, resolveTimeouts, type ProtocolTimeouts, type VendorProfile } from './profiles';
export type { Clock, TimerHandle } from './clock';
export {
  ZvtSession,
  type CommandProgress,
  type CommandResult,
  type CommandSuccess,
  type ExecuteOptions,
  FILE_BLOCK_SIZE,
  type SessionDependencies,
  type SessionError,
  type SessionErrorCode,
  type SessionEvent,
  type SessionListener,
  type TransportKind,
} from './session';
export type { DecodeError, DecodeErrorCode, DecodeResult } from './result';
export { DECODE_ERROR_CODES } from './result';
