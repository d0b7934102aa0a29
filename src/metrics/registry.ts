// The metrics of one app instance, in a registry of its own (several apps share a test process):
// the domain's (domain.ts, behind the metrics port the services and worker call), the outbox at
// scrape time (outbox.ts), the database pool (database.ts), GraphQL (graphql.ts) and the process
// (process.ts), served at GET /metrics (endpoint.ts). Talks to the database at scrape time only.
import type { Plugin } from 'graphql-yoga';
import { Counter, Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import type { Metrics } from '../lib/metrics.js';
import { registerDatabaseMetrics } from './database.js';
import { createDomainMetrics } from './domain.js';
import { metricsEndpoint } from './endpoint.js';
import { graphqlMetricsPlugins } from './graphql.js';
import { registerOutboxMetrics } from './outbox.js';
import { registerProcessMetrics } from './process.js';

export interface AppMetrics {
  registry: Registry;
  /** What the services, the worker and the webhook handler report to. */
  port: Metrics;
  /** The GraphQL layer's instrumentation and the /metrics route, for yoga. */
  plugins: Plugin[];
}

export function createAppMetrics(deps: {
  config: Pick<Config, 'METRICS_TOKEN' | 'METRICS_PUBLIC' | 'METRICS_COLLECT_TIMEOUT_MS' | 'production'>;
  database: Database;
  clock: Clock;
}): AppMetrics {
  const { config, database, clock } = deps;
  const registry = new Registry();
  let outbox: { collected(): Promise<void> } | undefined;
  const failures = new Counter({
    name: 'metrics_collect_failures_total',
    help: 'Scrape-time collections that failed or ran out of METRICS_COLLECT_TIMEOUT_MS, by collector.',
    labelNames: ['collector'],
    // Registered below, after the pool's gauges: those read the pool before this scrape's own statement.
    registers: [],
    // The registry collects every metric at once: wait for this scrape's collections to count theirs.
    async collect() {
      await outbox?.collected();
    },
  });
  failures.labels('outbox').inc(0);
  registerProcessMetrics(registry);
  registerDatabaseMetrics(registry, database);
  registry.registerMetric(failures);
  outbox = registerOutboxMetrics({
    registry,
    db: database.db,
    clock,
    timeoutMs: config.METRICS_COLLECT_TIMEOUT_MS,
    failures,
  });
  return {
    registry,
    port: createDomainMetrics(registry),
    plugins: [...graphqlMetricsPlugins(registry), metricsEndpoint(registry, config)],
  };
}
