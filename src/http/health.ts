// What /health and /ready say: each dependency's state, checked when asked and each within
// HEALTH_TIMEOUT_MS, so neither answer waits on a database that does not answer.
// - database: reachable (`select 1`); required.
// - migrations: every bundled migration applied; required.
// - redis: answers PING, when REDIS_URL is set; not required (events fan out again once it is back).
// - worker: the in-process delivery worker's last successful pass; not required.
// /ready is 503 when a required dependency is down; /health is 200 while the process runs.
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { migrationsApplied } from '../db/migrate.js';
import type { DeliveryWorker } from '../delivery/worker.js';
import type { Clock } from '../lib/clock.js';

type State = 'up' | 'down' | 'not_configured' | 'disabled' | 'idle' | 'stale';

export interface HealthReport {
  /** True when every required dependency is up: what /ready answers 200 for. */
  ready: boolean;
  /** ok: all up; degraded: an optional dependency is down; unavailable: a required one is. */
  status: 'ok' | 'degraded' | 'unavailable';
  checkedAt: string;
  dependencies: {
    database: { state: 'up' | 'down'; required: true; driver: Database['driver']; error?: string };
    migrations: { state: 'up' | 'down'; required: true; applied: boolean | null };
    redis: { state: Extract<State, 'up' | 'down' | 'not_configured'>; required: false; error?: string };
    worker: {
      state: Extract<State, 'up' | 'disabled' | 'idle' | 'stale'>;
      required: false;
      lastPassAt: string | null;
    };
  };
}

class Timeout extends Error {}

function within<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work(),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await within(timeoutMs, async () => {
      await redis.connect();
      await redis.ping();
    });
  } finally {
    redis.disconnect();
  }
}

export function createHealth(deps: {
  config: Config;
  database: Database;
  clock: Clock;
  worker: () => DeliveryWorker | undefined;
}) {
  const { config, database, clock } = deps;
  const timeoutMs = config.HEALTH_TIMEOUT_MS;
  // A pass more than this long ago, while the worker runs, means it is stuck or failing.
  const staleMs = Math.max(config.DELIVERY_LEASE_SECONDS * 1000, config.DELIVERY_POLL_MS * 10);

  async function checkDatabase(): Promise<HealthReport['dependencies']['database']> {
    try {
      await within(timeoutMs, () => database.db.execute(sql`select 1`));
      return { state: 'up', required: true, driver: database.driver };
    } catch (error) {
      return { state: 'down', required: true, driver: database.driver, error: reason(error) };
    }
  }

  async function checkRedis(): Promise<HealthReport['dependencies']['redis']> {
    if (!config.REDIS_URL) return { state: 'not_configured', required: false };
    try {
      await pingRedis(config.REDIS_URL, timeoutMs);
      return { state: 'up', required: false };
    } catch (error) {
      return { state: 'down', required: false, error: reason(error) };
    }
  }

  function checkWorker(): HealthReport['dependencies']['worker'] {
    const worker = deps.worker();
    if (!worker) return { state: 'disabled', required: false, lastPassAt: null };
    const last = worker.lastPassAt();
    if (!last) return { state: 'idle', required: false, lastPassAt: null };
    const fresh = clock.now().getTime() - last.getTime() <= staleMs;
    return { state: fresh ? 'up' : 'stale', required: false, lastPassAt: last.toISOString() };
  }

  return {
    async check(): Promise<HealthReport> {
      const [db, redis] = await Promise.all([checkDatabase(), checkRedis()]);
      let applied: boolean | null = null;
      if (db.state === 'up') applied = await within(timeoutMs, () => migrationsApplied(database)).catch(() => null);
      const migrations = { state: applied ? 'up' : 'down', required: true, applied } as const;
      const worker = checkWorker();
      const ready = db.state === 'up' && migrations.state === 'up';
      const optionalDown = redis.state === 'down' || worker.state === 'stale';
      return {
        ready,
        status: !ready ? 'unavailable' : optionalDown ? 'degraded' : 'ok',
        checkedAt: clock.now().toISOString(),
        dependencies: { database: db, migrations, redis, worker },
      };
    },
  };
}

export type Health = ReturnType<typeof createHealth>;
