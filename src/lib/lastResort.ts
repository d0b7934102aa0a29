// The process-level last resort for errors no caller could catch. The fix for such an error is to
// handle it where it arises (src/db/postgresGuard.ts keeps postgres.js's known one from arising);
// this only decides what happens when one still escapes. A known dependency's connection failure
// (postgres.js or ioredis losing its server: their sockets' errors and nextWrite's null socket) is
// logged and the process keeps serving: the failed request has already been answered, and the
// driver reconnects. Anything else is logged and ends the process with status 1, as Node would.
import type { Logger } from './logger.js';

const dependencyFrames = /node_modules[\\/](postgres|ioredis)[\\/]/;
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECT_TIMEOUT',
]);

/** True for a dependency's known connection failure, the kind that must not end the process. */
export function isKnownDependencyFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && connectionCodes.has(code)) return true;
  const fromDriver = dependencyFrames.test(error.stack ?? '');
  return fromDriver && error instanceof TypeError && /reading 'write'|evaluating 'socket\.write'/.test(error.message);
}

export function installLastResort(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const handle = (kind: string) => (error: unknown) => {
    const detail = { err: error };
    if (isKnownDependencyFailure(error)) {
      logger.error(`${kind} from a dependency's lost connection; still serving`, detail);
      return;
    }
    logger.error(`${kind}; stopping`, detail);
    exit(1);
  };
  process.on('uncaughtException', handle('uncaught exception'));
  process.on('unhandledRejection', handle('unhandled rejection'));
}
