// The composition root: builds the whole server from a config (database, services, the HTTP
// routes, GraphQL over HTTP and SSE, graphql-ws, background jobs) and owns their lifetimes.
// Importing this file does nothing; buildApp() opens resources and stop() closes them all.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenService, loadSigningKey } from './auth/tokens.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createSealer } from './delivery/sealing.js';
import type { DeliveryWorker } from './delivery/worker.js';
import { createEventBus, type EventBus } from './events/bus.js';
import { createGraphQLServer } from './graphql/server.js';
import { createRoutes } from './http/routes.js';
import { createMailboxProofs } from './invitations/tokens.js';
import { createJobs } from './jobs.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createDeadlines } from './lib/deadlines.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createServices, type Services } from './services.js';
import { createWebSocketServer } from './ws/server.js';

export interface App {
  config: Config;
  database: Database;
  services: Services;
  /** The event bus the services publish on and the subscriptions follow. */
  events: EventBus;
  /** The in-process delivery worker, unless WORKER_ENABLED=false. */
  worker: DeliveryWorker | undefined;
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
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    openDatabase(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }
        : { dataDir: config.DATA_DIR },
    );
  if (ownsDatabase) await migrateDatabase(database, config.DATABASE_URL);
  const privateKeyPem = await loadSigningKey(config);
  const tokens = await createTokenService({ privateKeyPem, config, clock });
  const events = createEventBus({ redisUrl: config.REDIS_URL, reconnectMaxMs: config.REDIS_RECONNECT_MAX_MS, logger });
  const sealer = createSealer(privateKeyPem);
  const proofs = createMailboxProofs(privateKeyPem);
  const services = createServices({ db: database.db, config, clock, tokens, events, sealer, proofs });
  const jobs = createJobs({ db: database.db, config, clock, sealer, events, logger, services });

  const routes = createRoutes({ config, database, clock, events, sealer, tokens });
  // One sweep for every session's expiry, over both doors.
  const deadlines = createDeadlines({ clock });
  const yoga = createGraphQLServer({ config, db: database.db, services, clock, deadlines, logger, routes });
  const server = http.createServer(yoga);
  const wsServer = createWebSocketServer({ server, yoga, config, db: database.db, services, clock, deadlines });

  let stopped = false;
  return {
    config,
    database,
    services,
    events,
    worker: jobs.worker,
    logger,
    fetch: (input, init) => Promise.resolve(yoga.fetch(input as URL, init ?? {})),
    start(port = config.PORT, host = config.HOST) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          jobs.start();
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve({ port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await jobs.stop();
      await wsServer.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await yoga.dispose();
      deadlines.close();
      await events.close();
      if (ownsDatabase) await database.close();
    },
  };
}
