// Before start-up goes further: PostgreSQL and Redis answer. One that is down is waited for, with
// backoff and a log line per wait, up to STARTUP_TIMEOUT_MS; what waiting cannot fix (no such
// database, refused credentials) is refused at once. Either way a StartupError names the setting.
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { Logger } from '../lib/logger.js';
import { StartupError } from './startupError.js';

/** Errors a dependency still coming up gives. */
const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECT_TIMEOUT',
  // the database system is starting up / shutting down
  '57P03',
  '57P01',
]);

interface Failure {
  /** Waiting may fix it. */
  transient: boolean;
  /** What went wrong, for the log and the refusal. */
  reason: string;
}

async function waitFor(
  what: string,
  timeoutMs: number,
  logger: Logger,
  attempt: () => Promise<Failure | undefined>,
): Promise<Failure | undefined> {
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  for (;;) {
    const failure = await attempt();
    if (!failure?.transient) return failure;
    const left = deadline - Date.now();
    if (left <= 0) return failure;
    const wait = Math.min(delay, left);
    logger.warn(`waiting for ${what} (${failure.reason}); trying again in ${wait} ms`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    delay = Math.min(delay * 2, 5000);
  }
}

const codeOf = (error: unknown) => String((error as { code?: unknown }).code ?? '');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function checkDatabase(url: string, timeoutMs: number, logger: Logger): Promise<void> {
  const { hostname, port, pathname, username } = new URL(url);
  const name = decodeURIComponent(pathname.replace(/^\//, '')) || username;
  const where = `${hostname}:${port || 5432}`;
  const failure = await waitFor(`PostgreSQL at ${where}`, timeoutMs, logger, async () => {
    const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      await client`select 1`;
      return undefined;
    } catch (error) {
      const code = codeOf(error);
      return { transient: TRANSIENT.has(code), reason: code ? `${code}: ${messageOf(error)}` : messageOf(error) };
    } finally {
      await client.end({ timeout: 1 }).catch(() => {});
    }
  });
  if (!failure) return;
  if (failure.reason.startsWith('3D000')) {
    throw new StartupError(
      `DATABASE_URL: database "${name}" does not exist on ${where}; create it (createdb ${name}) or point DATABASE_URL at one that does`,
    );
  }
  if (/^(28P01|28000)/.test(failure.reason)) {
    throw new StartupError(
      `DATABASE_URL: PostgreSQL at ${where} refused the credentials (${failure.reason}); fix the user and password in DATABASE_URL`,
    );
  }
  if (failure.transient) {
    throw new StartupError(
      `DATABASE_URL: no PostgreSQL answered at ${where} within ${timeoutMs} ms (${failure.reason}); start it or fix the host and port in DATABASE_URL (STARTUP_TIMEOUT_MS sets the wait)`,
    );
  }
  throw new StartupError(`DATABASE_URL: PostgreSQL at ${where} cannot be used (${failure.reason}); fix DATABASE_URL`);
}

export async function checkRedis(url: string, timeoutMs: number, logger: Logger): Promise<void> {
  const { hostname, port } = new URL(url);
  const where = `${hostname}:${port || 6379}`;
  const failure = await waitFor(`Redis at ${where}`, timeoutMs, logger, async () => {
    const client = new Redis(url, {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 5000,
    });
    // ioredis reports why it could not connect here, and rejects connect() with "Connection is closed."
    let cause: unknown;
    client.on('error', (error) => {
      cause = error;
    });
    try {
      await client.connect();
      await client.ping();
      return undefined;
    } catch (error) {
      const message = messageOf(cause ?? error);
      return { transient: !/^(NOAUTH|WRONGPASS|ERR )/.test(message), reason: message };
    } finally {
      client.disconnect();
    }
  });
  if (!failure) return;
  throw new StartupError(
    failure.transient
      ? `REDIS_URL: no Redis answered at ${where} within ${timeoutMs} ms (${failure.reason}); start it, fix REDIS_URL, or unset it to publish events in process (one instance only)`
      : `REDIS_URL: Redis at ${where} refused us (${failure.reason}); fix the password or user in REDIS_URL`,
  );
}
