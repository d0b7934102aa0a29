// The GraphQL server over HTTP and SSE: yoga with the schema, error masking, the request context
// and its plugins (the request log, the HTTP routes, CSRF prevention, the query limits, introspection off,
// subscriptions ending with their token, SSE event ids for resuming the organisation feed).
// Talks to the services through the context it builds for each request.
import type http from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, maskError as defaultMaskError, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { clientIp } from '../http/clientIp.js';
import { corsFor, varyOnOrigin } from '../http/cors.js';
import { requestId } from '../http/requestIds.js';
import { useRequestLog } from '../http/requestLog.js';
import type { Clock } from '../lib/clock.js';
import type { Deadlines } from '../lib/deadlines.js';
import type { Logger } from '../lib/logger.js';
import type { Services } from '../services.js';
import { type Context, createContext, type RequestFacts } from './context.js';
import { useEndOnStop } from './endOnStop.js';
import { useQueryLimits } from './limits.js';
import { useNoSuggestions } from './noSuggestions.js';
import { schema } from './schema.js';
import { useSessionExpiry } from './sessionExpiry.js';
import { useSseEventIds } from './sseEventIds.js';
import { unavailableError } from './unavailable.js';

const noIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
};

export interface ServerContext {
  req?: http.IncomingMessage;
}

export function createGraphQLServer(deps: {
  config: Config;
  db: Db;
  services: Services;
  clock: Clock;
  /** The app's deadlines, which end each subscription when its token expires. */
  deadlines: Deadlines;
  logger: Logger;
  /** Routes answered before GraphQL runs, in order. */
  routes: Plugin[];
  /** Aborted when the server stops: every subscription then ends. */
  stopping?: AbortSignal;
  /** The operation spans (operationSpans.ts), when tracing is on. */
  operationSpans?: Plugin;
}) {
  const { config, db, services, clock, deadlines, logger, routes, stopping, operationSpans } = deps;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // /health and /ready are the routes' (http/health.ts); yoga's own empty answer is moved aside.
    healthCheckEndpoint: '/health/yoga',
    landingPage: false,
    cors: corsFor(config),
    // Subscriptions over yoga's SSE: each is an HTTP request carrying the Headers tab's headers
    // (authorization included). Over WS, GraphiQL sends them nowhere the socket reads credentials
    // from (connection_init), so every subscription ran anonymous. Its SSE requests are GETs, which
    // CSRF prevention refuses without a header a cross-site form cannot set: GraphiQL sets it.
    graphiql: config.graphiql
      ? {
          title: 'Invitation API',
          subscriptionsProtocol: 'SSE',
          additionalHeaders: { 'x-graphql-yoga-csrf': 'graphiql' },
        }
      : false,
    // Self-contained GraphiQL: the default page loads its code from a CDN, which closed networks block.
    // Loaded on the first page asked for: its inlined bundle is about 45 MB of memory and 0.2 s.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
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
        const unavailable = unavailableError(original, config.DATABASE_RETRY_AFTER_SECONDS);
        if (unavailable) {
          logger.warn('database unavailable', { error: String(original) });
          return unavailable;
        }
        if (!(original instanceof GraphQLError)) logger.error('unexpected error', { err: original });
        return defaultMaskError(error, message, isDev);
      },
    },
    context: async (initial: YogaInitialContext & ServerContext): Promise<Context> => {
      const facts: RequestFacts = {
        authorization: initial.request.headers.get('authorization'),
        idempotencyKey: initial.request.headers.get('idempotency-key'),
        ip: clientIp(config, initial.request.headers.get('x-forwarded-for'), initial.req?.socket.remoteAddress),
        userAgent: initial.request.headers.get('user-agent'),
        requestId: requestId(initial.request),
      };
      return createContext(db, services, clock, facts);
    },
    plugins: [
      // First, so it times and logs every request, those the routes answer included.
      useRequestLog(logger),
      ...(operationSpans ? [operationSpans] : []),
      ...routes,
      varyOnOrigin,
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'graphql-preflight'] }),
      useQueryLimits(config),
      // A validation rule, so every door that validates (HTTP, SSE, graphql-ws) refuses alike.
      ...(config.introspection ? [] : [noIntrospection]),
      ...(config.production ? [useNoSuggestions()] : []),
      useSessionExpiry(deadlines),
      useSseEventIds(),
      ...(stopping ? [useEndOnStop(stopping)] : []),
    ],
  });
}

export type GraphQLServer = ReturnType<typeof createGraphQLServer>;
