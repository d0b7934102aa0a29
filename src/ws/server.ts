// GraphQL over WebSocket (graphql-ws) on the HTTP server's port and path, through yoga's envelop,
// so limits, validation and the schema are the same as over HTTP. A socket lasts no longer than
// the token it was opened with: at its expiry the socket closes with 4403, ending every operation
// on it. Talks to the services through the context it builds for each operation.
import type http from 'node:http';
import { GraphQLError } from 'graphql';
import { CloseCode, type Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createContext, resolveViewer } from '../graphql/context.js';
import type { GraphQLServer } from '../graphql/server.js';
import { tokenExpired } from '../graphql/sessionExpiry.js';
import { clientIp } from '../http/clientIp.js';
import type { Clock } from '../lib/clock.js';
import type { Deadline, Deadlines } from '../lib/deadlines.js';
import type { Services } from '../services.js';

export function createWebSocketServer(deps: {
  server: http.Server;
  yoga: GraphQLServer;
  config: Config;
  db: Db;
  services: Services;
  clock: Clock;
  deadlines: Deadlines;
}) {
  const { server, yoga, config, db, services, clock, deadlines } = deps;
  /** Each signed-in socket's token expiry. */
  const sessions = new WeakMap<WsContext, Deadline>();
  const socketOf = (ctx: WsContext) => (ctx.extra as { socket: WebSocket }).socket;
  const expire = (ctx: WsContext) => socketOf(ctx).close(CloseCode.Forbidden, 'Forbidden: token expired');
  // A message larger than an HTTP body may be is refused as HTTP refuses it: the socket closes with 1009.
  // Upgrades are handed over here rather than ws listening on the server itself, which would
  // repeat the server's own errors (a port in use) as WebSocket server errors.
  const wss = new WebSocketServer({ noServer: true, path: '/graphql', maxPayload: config.MAX_REQUEST_BYTES });
  server.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  return useServer(
    {
      // A bad credential closes the socket with 4403; no credential means an anonymous connection.
      onConnect: async (ctx: WsContext<Record<string, unknown>>) => {
        try {
          const expiresAt = (await resolveViewer(services, wsAuthorization(ctx)))?.expiresAt;
          // A socket that closed meanwhile has had its onClose: it must not leave a deadline behind.
          if (expiresAt && socketOf(ctx).readyState === socketOf(ctx).OPEN) {
            sessions.set(
              ctx,
              deadlines.at(expiresAt, () => expire(ctx)),
            );
          }
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => {
        sessions.get(ctx)?.cancel();
        sessions.delete(ctx);
      },
      onSubscribe: async (ctx, _id, params) => {
        // Between its expiry and the sweep that notices, the token already opens nothing.
        if (sessions.get(ctx)?.passed()) {
          expire(ctx);
          return [tokenExpired()];
        }
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
        const contextValue = await createContext(db, services, clock, {
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
}

function wsAuthorization(ctx: WsContext<Record<string, unknown>>): string | null {
  const value = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return typeof value === 'string' ? value : null;
}
