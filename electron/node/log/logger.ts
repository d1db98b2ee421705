/**
 * The logger: the only place that writes to the console. Lines go to stderr so that a CLI
 * command's stdout stays pure JSON. Card numbers never reach a log: every message and field
 * passes through `redactPan` first.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LogSink {
  write(line: string): void;
}

/**
 * Masks anything that looks like a full primary account number (13-19 digits, optionally
 * grouped by spaces or dashes) to its first six and last four digits.
 */
export function redactPan(text: string): string {
  return text.replace(/\b\d(?:[ -]?\d){12,18}\b/g, (match) => {
    const digits = match.replace(/[ -]/g, '');
    return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
  });
}

export function createLogger(options: { level?: LogLevel; sink?: LogSink; scope?: string } = {}): Logger {
  const threshold = LEVELS[options.level ?? (process.env.POSCARE_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? LEVELS.info;
  const sink: LogSink = options.sink ?? { write: (line) => process.stderr.write(line + '\n') };

  function log(level: LogLevel, scope: string | undefined, message: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < threshold) return;
    const parts = [new Date().toISOString(), level.toUpperCase(), scope ? `[${scope}]` : '', message];
    let line = parts.filter(Boolean).join(' ');
    if (fields && Object.keys(fields).length > 0) line += ' ' + safeJson(fields);
    sink.write(redactPan(line));
  }

  function make(scope: string | undefined): Logger {
    return {
      debug: (message, fields) => log('debug', scope, message, fields),
      info: (message, fields) => log('info', scope, message, fields),
      warn: (message, fields) => log('warn', scope, message, fields),
      error: (message, fields) => log('error', scope, message, fields),
      child: (child) => make(scope ? `${scope}:${child}` : child),
    };
  }
  return make(options.scope);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  } catch {
    return '[unserialisable]';
  }
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger({ sink: { write: () => undefined } });
