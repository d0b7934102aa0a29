// The one place that knows which driver runs: postgres.js with a URL, else PGlite on disk (or in memory).
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { PgAsyncDatabase, PgAsyncTransaction } from 'drizzle-orm/pg-core/async';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { tracingEnabled } from '../lib/tracing.js';
import { createPoolUsage, guardClient, guardedOptions, type PoolUsage } from './postgresGuard.js';
import { relations } from './relations.js';
import { tracePglite, tracePostgres } from './statementSpans.js';

export type Relations = typeof relations;
export type Db = PgAsyncDatabase<PgQueryResultHKT, Relations>;
export type Tx = PgAsyncTransaction<PgQueryResultHKT, Relations>;
/** Either the database or an open transaction: services accept both. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  driver: 'postgres' | 'pglite';
  /** What the postgres.js pool is doing (postgresGuard.ts), for /metrics; PGlite has no pool. */
  pool?: PoolUsage;
  close(): Promise<void>;
}

export type DatabaseOptions =
  /** `timeoutMs` bounds connecting and waiting for a connection (DATABASE_TIMEOUT_MS). */
  | { url: string; poolSize?: number; timeoutMs?: number }
  /** `dataDir` undefined means in memory. */
  | { dataDir: string | undefined };

export function openDatabase(options: DatabaseOptions): Database {
  if ('url' in options) {
    const timeoutMs = options.timeoutMs ?? 5000;
    const pool = createPoolUsage(options.poolSize ?? 10);
    const client = postgres(
      options.url,
      guardedOptions(
        {
          max: options.poolSize ?? 10,
          onnotice: () => {},
          connection: {
            application_name: 'invitation-api',
            // Our statements each touch a few thousand rows at most: starting parallel workers for one
            // (the planner's choice for the analytics over 1M invitations) costs more than it saves.
            max_parallel_workers_per_gather: '0',
          },
        },
        timeoutMs,
      ),
    );
    const guarded = guardClient(client, timeoutMs, pool);
    return {
      // A span per statement only while tracing is on when the database opens (statementSpans.ts).
      db: drizzlePostgres({ client: tracingEnabled() ? tracePostgres(guarded) : guarded, relations }) as unknown as Db,
      driver: 'postgres',
      pool,
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite(options.dataDir, pgliteOptions());
  return {
    db: drizzlePglite({ client: tracingEnabled() ? tracePglite(client) : client, relations }) as unknown as Db,
    driver: 'pglite',
    close: () => client.close(),
  };
}

/**
 * PGlite's defaults, but 16 MB of shared buffers instead of the 160 MB initdb picks: the WASM heap
 * is the server's largest allocation, and the embedded database holds a developer's data, which
 * fits. About 110 MB less resident memory; nothing else changes.
 */
export function pgliteOptions(): { startParams: string[] } {
  return { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] };
}

/** Refuses to run tests against a database that is not obviously a test database. */
export function assertTestDatabaseUrl(url: string): void {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test"`);
  }
}
