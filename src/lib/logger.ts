// A small levelled logger writing one line per event to stderr (stdout stays for what users read).
// Every line, at every level, passes through the redactor first: secrets never reach the output.
import { redact, redactText } from './redact.js';

const levels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof levels)[number];

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** `write` receives each finished line, newline included; stderr by default. */
export function createLogger(level: LogLevel, options: { write?: (line: string) => void } = {}): Logger {
  const threshold = levels.indexOf(level);
  const output = options.write ?? ((line: string) => process.stderr.write(line));
  const write = (at: LogLevel) => (message: string, data?: Record<string, unknown>) => {
    if (levels.indexOf(at) < threshold) return;
    const extra = data ? ` ${JSON.stringify(redact(data))}` : '';
    output(`${new Date().toISOString()} ${at.toUpperCase()} ${redactText(message)}${extra}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
