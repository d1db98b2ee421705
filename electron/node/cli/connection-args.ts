import { TerminalConnection } from '../../../shared/domain/terminals';
import { CliError } from './command';

/** --tcp host:port | --serial PATH [--baud N] -> a terminal connection. */
export function connectionFromArgs(values: { tcp?: string | undefined; serial?: string | undefined; baud?: string | undefined }): TerminalConnection {
  if ((values.tcp === undefined) === (values.serial === undefined)) throw new CliError('give exactly one of --tcp HOST:PORT or --serial PATH');
  if (values.tcp !== undefined) {
    const match = /^(.+?)(?::(\d+))?$/.exec(values.tcp);
    const port = match?.[2] === undefined ? 20007 : Number(match[2]);
    const parsed = TerminalConnection.safeParse({ type: 'tcp', host: match?.[1] ?? '', port });
    if (!parsed.success) throw new CliError(`--tcp must be HOST:PORT, got "${values.tcp}"`);
    return parsed.data;
  }
  const baudRate = values.baud === undefined ? 9600 : Number(values.baud);
  const parsed = TerminalConnection.safeParse({ type: 'serial', path: values.serial, baudRate });
  if (!parsed.success) throw new CliError(`bad serial settings (--serial ${values.serial ?? ''} --baud ${values.baud ?? ''})`);
  return parsed.data;
}
