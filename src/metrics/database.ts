// The postgres.js pool, from what the guard counts (src/db/postgresGuard.ts): connections in use,
// statements and transactions waiting for one, and failures to get one. PGlite has no pool:
// these series are absent on the embedded database.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import { poolSnapshot } from '../db/postgresGuard.js';

export function registerDatabaseMetrics(registry: Registry, database: Database) {
  const { pool } = database;
  if (!pool) return;
  const registers = [registry];
  new Gauge({
    name: 'database_pool_connections_max',
    help: 'The size of the database connection pool (DATABASE_POOL_SIZE).',
    registers,
    collect() {
      this.set(pool.max);
    },
  });
  new Gauge({
    name: 'database_pool_connections_in_use',
    help: 'Pool connections held by a transaction or running a statement.',
    registers,
    collect() {
      this.set(poolSnapshot(pool).inUse);
    },
  });
  new Gauge({
    name: 'database_pool_waiting',
    help: 'Statements and transactions waiting for a pool connection.',
    registers,
    collect() {
      this.set(poolSnapshot(pool).waiting);
    },
  });
  let reported = 0;
  new Counter({
    name: 'database_connection_failures_total',
    help: 'Statements and transactions that failed because no database connection could be had (unreachable, or none within DATABASE_TIMEOUT_MS).',
    registers,
    collect() {
      this.inc(pool.failures - reported);
      reported = pool.failures;
    },
  });
}
