// The levelled logger (pino) writing one line per event to stderr (stdout stays for what users
// read): JSON in production, readable text in development (readableLog.ts). Every line, at every
// level, passes through the redactor first (redact.ts): secrets never reach the output. An Error
// anywhere among a line's fields is written with its stack (pino's err serializer), scrubbed too.
import pino from 'pino';
import { readableLine } from './readableLog.js';
import { redact, redactText } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
/** `json`: one JSON object a line (production); `text`: `time LEVEL message {fields}`, stacks below. */
export type LogFormat = 'json' | 'text';

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /** A logger whose every line also carries `bindings` (a request's id, a delivery attempt's). */
  child(bindings: Record<string, unknown>): Logger;
}

/** A line's fields fit to write: each Error serialized with its stack, then everything redacted. */
function loggable(data: Record<string, unknown>): Record<string, unknown> {
  const serialized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    serialized[key] = value instanceof Error ? { ...pino.stdSerializers.err(value) } : value;
  }
  return redact(serialized) as Record<string, unknown>;
}

function wrap(base: pino.Logger): Logger {
  const at =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, data?: Record<string, unknown>): void => {
      if (!base.isLevelEnabled(level)) return;
      base[level](data ? loggable(data) : {}, redactText(message));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => wrap(base.child(loggable(bindings))),
  };
}

/** `write` receives each finished line, newline included; stderr by default. */
export function createLogger(
  level: LogLevel,
  options: { format?: LogFormat; write?: (line: string) => void } = {},
): Logger {
  const output = options.write ?? ((line: string) => process.stderr.write(line));
  const format = options.format ?? 'text';
  const destination = { write: format === 'json' ? output : (line: string) => output(readableLine(line)) };
  const base = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // loggable() has serialized every Error already.
      serializers: { err: (value: unknown) => value },
    },
    destination,
  );
  return wrap(base);
}
