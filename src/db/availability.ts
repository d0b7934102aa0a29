// Tells an unreachable database apart from every other failure: connection refused, reset or
// closed, a connect or wait timed out, the server shutting down or starting up. One place for the
// rule, through either driver and through Drizzle's wrapping; the doors turn it into a retryable
// DATABASE_UNAVAILABLE answer.

/** A statement waited longer than DATABASE_TIMEOUT_MS for a connection, or the database went away under it. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

// Node's socket errors and postgres.js's own connection errors.
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'DATABASE_UNAVAILABLE',
]);

// SQLSTATE: 08 connection exceptions; 57P01-57P03 admin/crash shutdown, cannot connect now;
// 3D000 the database itself is gone (dropped, or not restored yet).
const unavailableStates = /^(08...|57P0[123]|3D000)$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (connectionCodes.has(code) || unavailableStates.test(code))) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
