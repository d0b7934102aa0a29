// Builds the whole server from a config: database, services, GraphQL over HTTP, SSE and WebSocket.
// Importing this file does nothing; buildApp() opens resources and stop() closes them all.
import http from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import path from 'node:path';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { PothosValidationError } from '@pothos/core';
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError as defaultMaskError, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { createTokenService, loadSigningKey } from './auth/tokens.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { migrateDatabase, migrationsApplied } from './db/migrate.js';
import { createFileMailer, createSmtpMailer } from './delivery/mailer.js';
import { createSealer } from './delivery/sealing.js';
import { createTracker, PIXEL } from './delivery/tracking.js';
import { createWebhookHandler } from './delivery/webhooks.js';
import { createDeliveryWorker, type DeliveryWorker } from './delivery/worker.js';
import { createEventBus } from './events/bus.js';
import { type Context, createContext, type RequestFacts, resolveViewer } from './graphql/context.js';
import { schema } from './graphql/schema.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createServices, type Services } from './services.js';

export interface App {
  config: Config;
  database: Database;
  services: Services;
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

interface ServerContext {
  req?: http.IncomingMessage;
}

/**
 * The client's address. Behind a trusted proxy, the rightmost X-Forwarded-For entry is the one
 * that proxy wrote; entries to its left are whatever the client sent.
 */
function clientIp(config: Config, forwardedFor: string | string[] | null | undefined, socketAddress?: string) {
  if (config.TRUST_PROXY && forwardedFor) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const last = header.split(',').pop()?.trim() ?? '';
    if (isIP(last)) return last;
  }
  return socketAddress ?? null;
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
  const events = createEventBus({ redisUrl: config.REDIS_URL });
  const sealer = createSealer(privateKeyPem);
  const services = createServices({ db: database.db, config, clock, tokens, events, sealer });
  const mailer = config.SMTP_URL
    ? createSmtpMailer(config.SMTP_URL, config.SMTP_TIMEOUT_MS)
    : createFileMailer(path.join(config.DATA_DIR, 'outbox'), logger);
  const worker = config.WORKER_ENABLED
    ? createDeliveryWorker({ db: database.db, clock, config, mailer, sealer, events, logger, id: config.WORKER_ID })
    : undefined;

  const ready = async () => {
    try {
      await database.db.execute(sql`select 1`);
      return await migrationsApplied(database);
    } catch {
      return false;
    }
  };

  const webhooks = createWebhookHandler({
    db: database.db,
    clock,
    events,
    secret: config.WEBHOOK_SECRET,
    toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
  });

  const tracker = config.EMAIL_TRACKING_ENABLED ? createTracker({ db: database.db, clock, events, sealer }) : undefined;
  const tracked = /^\/t\/([oc])\/([^/]+)$/;

  const routes: Plugin = {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (Number(length ?? 0) > config.MAX_REQUEST_BYTES) {
        endResponse(new fetchAPI.Response('Request body too large', { status: 413 }));
        return;
      }
      // A body of unstated length could be any size; every GraphQL client states it.
      if (length === null && request.headers.has('transfer-encoding')) {
        endResponse(new fetchAPI.Response('Content-Length required', { status: 411 }));
        return;
      }
      if (url.pathname === '/webhooks/email' && request.method === 'POST') {
        return request.text().then(async (body) => {
          const outcome = await webhooks.handle(
            {
              timestamp: request.headers.get('x-webhook-timestamp'),
              signature: request.headers.get('x-webhook-signature'),
            },
            body,
          );
          endResponse(Response.json(outcome.body, { status: outcome.status }));
        });
      }
      const track = tracker && request.method === 'GET' ? tracked.exec(url.pathname) : null;
      if (tracker && track) {
        const [, kind, id = ''] = track;
        if (kind === 'o') {
          return tracker.opened(id).then(() => {
            endResponse(
              new fetchAPI.Response(PIXEL, { headers: { 'content-type': 'image/gif', 'cache-control': 'no-store' } }),
            );
          });
        }
        return tracker.clicked(id).then((link) => {
          endResponse(
            link
              ? new fetchAPI.Response(null, { status: 302, headers: { location: link, 'cache-control': 'no-store' } })
              : new fetchAPI.Response('This invitation link is no longer valid', { status: 410 }),
          );
        });
      }
      if (url.pathname === '/.well-known/jwks.json') {
        endResponse(Response.json(tokens.jwks()));
      } else if (url.pathname === '/ready') {
        return ready().then((isReady) => {
          endResponse(Response.json({ ready: isReady }, { status: isReady ? 200 : 503 }));
        });
      }
    },
  };

  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: config.graphiql ? { title: 'Invitation API', subscriptionsProtocol: 'WS' } : false,
    // Self-contained GraphiQL: the default page loads its code from a CDN, which closed networks block.
    renderGraphiQL,
    logging: false,
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
        // A malformed id in a query argument is the caller's mistake, not ours: say so.
        if (original instanceof PothosValidationError && error instanceof GraphQLError) {
          return new GraphQLError(original.message, {
            nodes: error.nodes,
            path: error.path,
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        if (!(original instanceof GraphQLError)) logger.error('unexpected error', { error: String(original) });
        return defaultMaskError(error, message, isDev);
      },
    },
    context: async (initial: YogaInitialContext & ServerContext): Promise<Context> => {
      const facts: RequestFacts = {
        authorization: initial.request.headers.get('authorization'),
        idempotencyKey: initial.request.headers.get('idempotency-key'),
        ip: clientIp(config, initial.request.headers.get('x-forwarded-for'), initial.req?.socket.remoteAddress),
        userAgent: initial.request.headers.get('user-agent'),
      };
      return createContext(database.db, services, clock, facts);
    },
    plugins: [
      routes,
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'graphql-preflight'] }),
      EnvelopArmorPlugin({
        maxDepth: { n: config.MAX_QUERY_DEPTH, exposeLimits: false, ignoreIntrospection: true },
        maxAliases: { n: config.MAX_QUERY_ALIASES, exposeLimits: false },
        maxTokens: { n: config.MAX_QUERY_TOKENS, exposeLimits: false },
        maxDirectives: { n: 20, exposeLimits: false },
        costLimit: { maxCost: config.MAX_QUERY_COST, exposeLimits: false, ignoreIntrospection: true },
        blockFieldSuggestion: { enabled: config.production },
      }),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
    ],
  });

  const server = http.createServer(yoga);
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const wsServer = useServer(
    {
      // A bad credential closes the socket with 4403; no credential means an anonymous connection.
      onConnect: async (ctx: WsContext<Record<string, unknown>>) => {
        try {
          await resolveViewer(services, wsAuthorization(ctx));
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, _id, params) => {
        const req = (ctx.extra as { request: http.IncomingMessage }).request;
        const enveloped = yoga.getEnveloped({ ...ctx, req, params });
        // Limits and syntax errors throw from parse and validate: answer that operation with
        // them instead of closing the whole socket.
        let document: ReturnType<typeof enveloped.parse>;
        try {
          document = enveloped.parse(params.query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) return errors;
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const contextValue = await createContext(database.db, services, clock, {
          authorization: wsAuthorization(ctx),
          ip: clientIp(config, req.headers['x-forwarded-for'], req.socket.remoteAddress),
          userAgent: req.headers['user-agent'] ?? null,
        });
        return {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
      execute: (args) => (args.rootValue as { execute: typeof import('graphql').execute }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: typeof import('graphql').subscribe }).subscribe(args),
    },
    wss,
  );

  // Records EXPIRED transitions; reads never wait for it. Any instance may run it.
  const sweeper =
    config.EXPIRY_SWEEP_SECONDS > 0
      ? setInterval(() => {
          services.invitations.sweepExpired().catch((error: unknown) => {
            logger.error('expiry sweep failed', { error: String(error) });
          });
        }, config.EXPIRY_SWEEP_SECONDS * 1000)
      : undefined;
  sweeper?.unref();

  let stopped = false;
  return {
    config,
    database,
    services,
    worker,
    logger,
    fetch: (input, init) => Promise.resolve(yoga.fetch(input as URL, init ?? {})),
    start(port = config.PORT, host = config.HOST) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          worker?.start();
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve({ port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweeper);
      await worker?.stop();
      await wsServer.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await yoga.dispose();
      await mailer.close();
      await events.close();
      if (ownsDatabase) await database.close();
    },
  };
}

function wsAuthorization(ctx: WsContext<Record<string, unknown>>): string | null {
  const value = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return typeof value === 'string' ? value : null;
}
