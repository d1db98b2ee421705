/**
 * What every `poscare` command looks like. A command prints its result (JSON for machine
 * commands) to stdout and returns an exit code; a failure throws a CliError or an AppError, which
 * the entry point prints as one line on stderr, never a stack trace.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Starts listening for SIGINT/SIGTERM at once; resolves when the process is asked to stop. Call it before announcing readiness. */
  untilStopped(): Promise<void>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** A usage error: wrong or missing arguments. Exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}
