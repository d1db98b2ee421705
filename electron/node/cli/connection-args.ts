import { PARITIES, TerminalConnection } from '../../../shared/domain/terminals';
import { CliError } from './command';

export interface ConnectionArgs {
  tcp?: string | undefined;
  serial?: string | undefined;
  baud?: string | undefined;
  'data-bits'?: string | undefined;
  parity?: string | undefined;
  'stop-bits'?: string | undefined;
}

/** parseArgs options for the serial line; ZVT's default line is 9600 8N2 (PA00P016 section 2). */
export const SERIAL_LINE_OPTIONS = {
  baud: { type: 'string' },
  'data-bits': { type: 'string' },
  parity: { type: 'string' },
  'stop-bits': { type: 'string' },
} as const;

/** Help lines for the serial line options, the option column `width` characters wide. */
export function serialLineUsage(width: number): string {
  return [
    ['--baud N', 'serial speed (default 9600)'],
    ['--data-bits N', '5, 6, 7 or 8 (default 8)'],
    ['--parity P', `${PARITIES.join(', ')} (default none)`],
    ['--stop-bits N', '1, 1.5 or 2 (default 2)'],
  ]
    .map(([option, text]) => `  ${(option ?? '').padEnd(width)}${text ?? ''}`)
    .join('\n');
}

export interface SerialLine {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: (typeof PARITIES)[number];
  stopBits: 1 | 1.5 | 2;
}

/** --baud, --data-bits, --parity, --stop-bits -> line settings (ZVT default 9600 8N2); a clear CliError for each bad value. */
export function serialLineFromArgs(values: ConnectionArgs): SerialLine {
  const baudRate = values.baud === undefined ? 9600 : Number(values.baud);
  if (!/^\d+$/.test(values.baud ?? '9600') || baudRate < 300 || baudRate > 921_600) throw new CliError(`--baud must be a serial speed from 300 to 921600 like 9600, got "${values.baud ?? ''}"`);
  const dataBits = values['data-bits'] === undefined ? 8 : Number(values['data-bits']);
  if (dataBits !== 5 && dataBits !== 6 && dataBits !== 7 && dataBits !== 8) throw new CliError(`--data-bits must be 5, 6, 7 or 8, got "${values['data-bits'] ?? ''}"`);
  const parity = values.parity ?? 'none';
  if (!(PARITIES as readonly string[]).includes(parity)) throw new CliError(`--parity must be one of ${PARITIES.join(', ')}, got "${parity}"`);
  const stopBits = values['stop-bits'] === undefined ? 2 : Number(values['stop-bits']);
  if (stopBits !== 1 && stopBits !== 1.5 && stopBits !== 2) throw new CliError(`--stop-bits must be 1, 1.5 or 2, got "${values['stop-bits'] ?? ''}"`);
  return { baudRate, dataBits, parity: parity as SerialLine['parity'], stopBits };
}

/** Refuses the serial line options (--baud, --data-bits, --parity, --stop-bits) when no --serial is given. */
export function refuseSerialLineWithoutSerial(values: ConnectionArgs): void {
  if (values.serial !== undefined) return;
  const given = (['baud', 'data-bits', 'parity', 'stop-bits'] as const).filter((name) => values[name] !== undefined).map((name) => `--${name}`);
  if (given.length > 0) throw new CliError(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to --serial`);
}

/** --tcp host:port | --serial PATH [--baud N] [--data-bits N] [--parity P] [--stop-bits N] -> a terminal connection. */
export function connectionFromArgs(values: ConnectionArgs): TerminalConnection {
  if ((values.tcp === undefined) === (values.serial === undefined)) throw new CliError('give exactly one of --tcp HOST:PORT or --serial PATH');
  if (values.tcp !== undefined) {
    refuseSerialLineWithoutSerial(values);
    const match = /^(.+?)(?::(\d+))?$/.exec(values.tcp);
    const port = match?.[2] === undefined ? 20007 : Number(match[2]);
    const parsed = TerminalConnection.safeParse({ type: 'tcp', host: match?.[1] ?? '', port });
    if (!parsed.success) throw new CliError(`--tcp must be HOST:PORT, got "${values.tcp}"`);
    return parsed.data;
  }
  const line = serialLineFromArgs(values);
  const parsed = TerminalConnection.safeParse({ type: 'serial', path: values.serial, ...line });
  if (!parsed.success) throw new CliError(`bad serial port "${values.serial ?? ''}"`);
  return parsed.data;
}
