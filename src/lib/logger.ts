// A small levelled logger writing one line per event to stderr (stdout stays for what users read).
const levels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof levels)[number];

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel): Logger {
  const threshold = levels.indexOf(level);
  const write = (at: LogLevel) => (message: string, data?: Record<string, unknown>) => {
    if (levels.indexOf(at) < threshold) return;
    const extra = data ? ` ${JSON.stringify(data)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase()} ${message}${extra}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
