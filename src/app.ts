// The composition root: builds the whole server from a config (database, services, the HTTP
// routes, GraphQL over HTTP and SSE, graphql-ws, background jobs) and owns their lifetimes.
// Importing this file does nothing; buildApp() opens resources and stop() closes them all.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenService, loadSigningKey } from './auth/tokens.js';
import { type Config, settleAddress } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createSealer } from './delivery/sealing.js';
import type { DeliveryWorker } from './delivery/worker.js';
import { createEventBus, type EventBus } from './events/bus.js';
import { useOperationSpans } from './graphql/operationSpans.js';
import { createGraphQLServer } from './graphql/server.js';
import { createHealth } from './http/health.js';
import { createRoutes } from './http/routes.js';
import { createWebPages } from './http/web.js';
import { createMailboxProofs } from './invitations/tokens.js';
import { createJobs } from './jobs.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createDeadlines } from './lib/deadlines.js';
import { createLogger, type Logger } from './lib/logger.js';
import { tracingEnabled } from './lib/tracing.js';
import { createAppMetrics } from './metrics/registry.js';
import { checkDatabase, checkRedis } from './ops/dependencies.js';
import { recordDeployment } from './ops/deployment.js';
import { claimDataDir, type EmbeddedDataDir } from './ops/embeddedDataDir.js';
import { createHttpDrain } from './ops/httpDrain.js';
import { StartupError } from './ops/startupError.js';
import { createRestDoor } from './rest/door.js';
import type { Retention } from './retention/prune.js';
import { createServices, type Services } from './services.js';
import { createWebhookRecorder } from './webhooks/recorder.js';
import { createWebSocketServer } from './ws/server.js';

export interface App {
  config: Config;
  database: Database;
  services: Services;
  /** The event bus the services publish on and the subscriptions follow. */
  events: EventBus;
  /** The in-process delivery worker, unless WORKER_ENABLED=false. */
  worker: DeliveryWorker | undefined;
  /** The retention sweep (every RETENTION_SWEEP_SECONDS); `runOnce()` runs one now. */
  retention: Retention;
  logger: Logger;
  /** The Fetch-API handler, for in-process requests. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  start(port?: number, host?: string): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  /** An already open database (tests share one per worker); left open by stop(). */
  database?: Database;
  logger?: Logger;
  /** The embedded database's directory, already claimed (main.ts claims it early); else claimed here. */
  dataDir?: EmbeddedDataDir;
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, { format: config.logFormat });
  const ownsDatabase = !options.database;
  // Cheap checks first: a bad key or a missing dependency refuses before the database opens.
  const privateKeyPem = await loadSigningKey(config);
  if (ownsDatabase && config.DATABASE_URL) await checkDatabase(config.DATABASE_URL, config.STARTUP_TIMEOUT_MS, logger);
  if (config.REDIS_URL) await checkRedis(config.REDIS_URL, config.STARTUP_TIMEOUT_MS, logger);
  const lock = ownsDatabase && !config.DATABASE_URL ? (options.dataDir ?? claimDataDir(config.DATA_DIR)) : undefined;
  await lock?.ready;
  const database =
    options.database ??
    openDatabase(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, timeoutMs: config.DATABASE_TIMEOUT_MS }
        : { dataDir: config.DATA_DIR },
    );
  if (ownsDatabase) {
    await migrateDatabase(database, config.DATABASE_URL);
    // For separate workers to check themselves against (npm run worker).
    await recordDeployment(database.db, { privateKeyPem, redisUrl: config.REDIS_URL });
  }
  const tokens = await createTokenService({ privateKeyPem, config, clock });
  const metrics = createAppMetrics({ config, database, clock });
  const events = createEventBus({ redisUrl: config.REDIS_URL, reconnectMaxMs: config.REDIS_RECONNECT_MAX_MS, logger });
  const sealer = createSealer(privateKeyPem);
  const proofs = createMailboxProofs(privateKeyPem);
  // Webhooks out: every change's transaction queues its webhook deliveries through this one follower.
  const follower = createWebhookRecorder({ clock });
  const services = createServices({
    follower,
    db: database.db,
    config,
    clock,
    tokens,
    events,
    sealer,
    proofs,
    metrics: metrics.port,
  });
  const jobs = createJobs({
    db: database.db,
    config,
    clock,
    sealer,
    events,
    logger,
    services,
    follower,
    metrics: metrics.port,
  });

  // Aborted when stop() begins: /ready answers 503 and every subscription ends.
  const stopping = new AbortController();
  const health = createHealth({ config, database, clock, worker: () => jobs.worker });
  const routes = createRoutes({
    config,
    database,
    clock,
    events,
    sealer,
    tokens,
    health,
    follower,
    stopping: stopping.signal,
    metrics: metrics.port,
  });
  // One sweep for every session's expiry, over both doors.
  const deadlines = createDeadlines({ clock });
  const operationSpans = tracingEnabled() ? await useOperationSpans() : undefined;
  const yoga = createGraphQLServer({
    config,
    db: database.db,
    services,
    clock,
    deadlines,
    logger,
    routes: [routes, ...metrics.plugins, createRestDoor({ yoga: () => yoga }), createWebPages()],
    stopping: stopping.signal,
    operationSpans,
  });
  const server = http.createServer(yoga);
  const drain = createHttpDrain(server);
  const wsServer = createWebSocketServer({ server, yoga, config, db: database.db, services, clock, deadlines });

  let stopped = false;
  return {
    config,
    database,
    services,
    events,
    worker: jobs.worker,
    retention: jobs.retention,
    logger,
    fetch: (input, init) => Promise.resolve(yoga.fetch(input as URL, init ?? {})),
    start(port = config.PORT, host = config.HOST) {
      return new Promise((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
            const why = error.code === 'EADDRINUSE' ? 'is already in use (another server running?)' : 'is not allowed';
            reject(new StartupError(`PORT: ${port} on ${host} ${why}; stop what holds it, or set PORT to a free port`));
          } else reject(error);
        });
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
          const url = `http://${shownHost}:${address.port}`;
          // Before any job or request makes a link: links name the address actually bound.
          settleAddress(config, url);
          jobs.start();
          resolve({ port: address.port, url });
        });
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Not ready from now on; subscriptions end (SSE `complete`, graphql-ws Complete then 1001).
      stopping.abort();
      // The worker stops claiming and finishes the sends it has begun, while HTTP drains.
      const jobsStopped = jobs.stop();
      // Let the ended subscriptions write their last frames before the sockets close.
      await new Promise((resolve) => setImmediate(resolve));
      await wsServer.dispose();
      await drain.close(config.SHUTDOWN_GRACE_MS);
      await jobsStopped;
      await yoga.dispose();
      deadlines.close();
      await events.close();
      if (ownsDatabase) await database.close();
      lock?.release();
    },
  };
}
