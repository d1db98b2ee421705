import { parseArgs } from 'node:util';
import { bytesToHex, decodeApduOrFrame, encodeMessage, encodeSerialFrame, hexToBytes, type ZvtMessage } from '../protocol/zvt/index';
import { jsonSafe } from '../services/terminals/commands';
import { CliError, printJson, type Command } from './command';

const BYTE_FIELDS = new Set(['data', 'blockedGoodsGroups', 'geldkarteRecord', 'chipCardInfo', 'aidParameter', 'messageAuthenticationCode']);

/** JSON of a message (as `zvt decode` prints it) -> the typed message: hex strings back to bytes where the type holds bytes. */
function reviveBytes(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && (BYTE_FIELDS.has(key) || key === 'value')) {
    const bytes = hexToBytes(value);
    if (!bytes) throw new CliError(`"${key}" must be hex, got "${value}"`);
    return bytes;
  }
  if (Array.isArray(value)) return value.map((entry) => reviveBytes(entry, key === 'tlv' || key === 'children' ? '' : key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(value)) out[name] = reviveBytes(entry, name);
    return out;
  }
  return value;
}

export const zvtCommand: Command = {
  name: 'zvt',
  summary: 'Decode or encode ZVT messages (APDU or serial frame) as JSON',
  usage: `poscare zvt decode <hex>            an APDU or a whole serial frame (10 02 ... 10 03 CRC) -> JSON
poscare zvt encode <json> [--serial]  a message as printed by decode ({"kind": ...}) -> APDU hex
                                      (--serial: the DLE/STX/ETX/CRC frame instead)

Hex may contain spaces. Card numbers are shown masked as the codec holds them.
Examples:
  poscare zvt decode "05 01 03 00 00 00"
  poscare zvt encode '{"kind":"status-enquiry","password":"000000"}'`,

  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { serial: { type: 'boolean' } }, allowPositionals: true, strict: true });
    const [action, ...rest] = positionals;
    const input = rest.join(' ').trim();
    if (action === 'decode') {
      if (!input) throw new CliError('decode needs hex bytes');
      const bytes = hexToBytes(input.replace(/\s+/g, ''));
      if (!bytes) throw new CliError(`not hex: "${input}"`);
      const decoded = decodeApduOrFrame(bytes);
      if (!decoded.ok) throw new CliError(`cannot decode: ${decoded.error.code}: ${decoded.error.message}`, 1);
      printJson(io, { framed: decoded.value.framed, apdu: bytesToHex(decoded.value.apdu), message: jsonSafe(decoded.value.message) });
      return 0;
    }
    if (action === 'encode') {
      if (!input) throw new CliError('encode needs a JSON message');
      let parsed: unknown;
      try {
        parsed = JSON.parse(input);
      } catch (error) {
        throw new CliError(`not JSON: ${(error as Error).message}`);
      }
      const message = (parsed && typeof parsed === 'object' && 'message' in parsed ? (parsed as { message: unknown }).message : parsed) as ZvtMessage;
      if (!message || typeof message !== 'object' || typeof (message as { kind?: unknown }).kind !== 'string') throw new CliError('the JSON needs a "kind"');
      const encoded = encodeMessage(reviveBytes(message) as ZvtMessage);
      if (!encoded.ok) throw new CliError(`cannot encode: ${encoded.error.code}: ${encoded.error.message}`, 1);
      io.stdout(bytesToHex(values.serial ? encodeSerialFrame(encoded.value) : encoded.value) + '\n');
      return 0;
    }
    throw new CliError('expected "decode <hex>" or "encode <json>"');
  },
};
