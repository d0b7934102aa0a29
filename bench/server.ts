// A server process for the benchmark, so the load generator in bench/run.ts does not share an event
// loop with the server it measures. `api`: the real app from buildApp, configured by the
// environment the runner passes. `floor`: a bare node:http server answering the list floor as JSON
// (`/list`), and a bare graphql-ws server whose invitationEvents subscription gets every event
// posted to `/emit`, handed to every subscriber at once (the fan-out floor: no auth, no database,
// no per-event checks). `yoga`: plain graphql-yoga on a small SDL schema answering the benchmark's
// send and list documents with the floors' SQL, behind the API's bearer check: what the API costs
// beyond GraphQL itself (Pothos, Drizzle, its plugins and policy checks) is the difference.
// Tells its parent { port } over IPC once listening; answers 'memory' with its memory usage and
// 'cpu' with its CPU time; stops on a 'stop' message or when the parent goes.
import { createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, GraphQLError, GraphQLScalarType } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createSchema, createYoga } from 'graphql-yoga';
import { jwtVerify } from 'jose';
import postgres from 'postgres';
import { WebSocketServer } from 'ws';
import { buildApp } from '../src/app.js';
import { loadSigningKey } from '../src/auth/tokens.js';
import { parseConfig } from '../src/config.js';
import { POOL_SIZE, rawList, rawSend } from './lib.js';

async function startApi(): Promise<() => Promise<void>> {
  const app = await buildApp(parseConfig(process.env));
  const { port } = await app.start(0, '127.0.0.1');
  process.send?.({ port });
  return () => app.stop();
}

/**
 * The least a subscription's source can be: a listener and a queue. Its return() unsubscribes at
 * once; an async generator waiting in `for await` only would at its next event, so a departed
 * client's subscription (and its memory) stayed until then and was counted as the next run's baseline.
 */
function subscriberStream(listeners: Set<(event: unknown) => void>): AsyncIterableIterator<unknown> {
  const queued: unknown[] = [];
  let waiting: ((result: IteratorResult<unknown>) => void) | undefined;
  const listener = (event: unknown) => {
    if (!waiting) {
      queued.push(event);
      return;
    }
    const resolve = waiting;
    waiting = undefined;
    resolve({ done: false, value: event });
  };
  listeners.add(listener);
  const stream: AsyncIterableIterator<unknown> = {
    next: () =>
      queued.length > 0
        ? Promise.resolve({ done: false, value: queued.shift() })
        : new Promise((resolve) => {
            waiting = resolve;
          }),
    return: () => {
      listeners.delete(listener);
      waiting?.({ done: true, value: undefined });
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

/** A pool of the API's size on the runner's database, for the floors' SQL. */
function floorSql(): postgres.Sql {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  return postgres(url, { max: POOL_SIZE, onnotice: () => {} });
}

/** Shaped like the API's Relay ids (src/graphql/globalId.ts): its answers and these are of one size. */
const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64url');

/** Listens on a free port of 127.0.0.1 and tells the parent which. */
async function listen(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });
}

async function closeServer(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function startFloor(): Promise<() => Promise<void>> {
  const sql = floorSql();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/emit') {
      // Shaped like the API's global ids, so both send the clients messages of the same size.
      const id = globalId('Invitation', randomUUID());
      const event = { invitationEvents: { type: 'CREATED', at: new Date().toISOString(), invitation: { id } } };
      for (const listener of listeners) listener(event);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
      return;
    }
    const organizationId = url.searchParams.get('organizationId') ?? '';
    rawList(sql, organizationId).then(
      (page) => {
        const body = JSON.stringify({ data: page });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    );
  });
  const listeners = new Set<(event: unknown) => void>();
  const schema = buildSchema(`
    type Invitation { id: ID! }
    type Update { type: String! at: String! invitation: Invitation! }
    type Query { ok: Boolean }
    type Subscription { invitationEvents(organizationId: ID!): Update }
  `);
  const roots = { subscription: { invitationEvents: () => subscriberStream(listeners) } };
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer({ schema, roots }, wss);
  await listen(server);
  return async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    await closeServer(server);
    await sql.end({ timeout: 5 });
  };
}

/**
 * The API's bearer check (src/auth/tokens.ts, src/graphql/context.ts): an ES256 JWT signed by
 * JWT_PRIVATE_KEY, with the configured issuer and audience, exp and sub required. Like the API, a
 * token once verified counts as verified until it expires (the API caches it: an ES256
 * verification per request cost more than the rest of its authentication), so both sides pay the
 * same for authentication. Unbounded: a benchmark holds a few dozen tokens. Resolves with the user
 * id; null without a credential; throws for one that is not valid, as the API refuses it.
 */
function bearerCheck(publicKey: KeyObject, issuer: string, audience: string) {
  const verified = new Map<string, { userId: string; until: number }>();
  return async (authorization: string | null): Promise<string | null> => {
    if (!authorization) return null;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim())?.[1] ?? '';
    const hit = verified.get(token);
    if (hit && Date.now() < hit.until) return hit.userId;
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer,
        audience,
        algorithms: ['ES256'],
        requiredClaims: ['exp', 'sub'],
      });
      const userId = payload.sub as string;
      verified.set(token, { userId, until: (payload.exp ?? 0) * 1000 });
      return userId;
    } catch {
      throw new GraphQLError('Invalid or expired credentials', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
  };
}

// The types and fields the benchmark's SEND and LIST documents (bench/run.ts) select, named as the
// API's schema names them, so that the same documents validate and the answers are the same bytes.
const YOGA_SDL = `
  scalar DateTime
  enum Role { OWNER ADMIN MEMBER }
  enum InvitationStatus { ACCEPTED CANCELLED DECLINED EXPIRED PENDING }
  enum DeliveryStatus { BOUNCED DELIVERED FAILED REJECTED SENDING SENT VALIDATING }
  type Invitation {
    id: ID!
    email: String!
    role: Role!
    status: InvitationStatus!
    deliveryStatus: DeliveryStatus!
    attempts: Int!
    createdAt: DateTime!
    expiresAt: DateTime!
  }
  type InvitationEdge { cursor: String! node: Invitation! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type InvitationConnection { edges: [InvitationEdge!]! pageInfo: PageInfo! }
  interface UserError { code: String! message: String! }
  type NotFoundError implements UserError { code: String! message: String! }
  type SendInvitationPayload { invitation: Invitation! inviteUrl: String }
  union SendInvitationResult = NotFoundError | SendInvitationPayload
  input SendInvitationInput { organizationId: ID! email: String! role: Role! }
  type Query { invitations(organizationId: ID!, first: Int): InvitationConnection }
  type Mutation { sendInvitation(input: SendInvitationInput!): SendInvitationResult }
`;

/** The id inside an Organization's Relay id; null for any other. */
function organizationIdOf(id: string): string | null {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  return text.startsWith('Organization:') ? text.slice('Organization:'.length) : null;
}

/** The drizzle plugin's cursor for the API's newest-first ordering: base64 of `DC:` and the tagged (createdAt, id). */
const listCursor = (row: { id: string; createdAt: Date }) =>
  Buffer.from(`DC:T:${JSON.stringify([`D:${row.createdAt.getTime()}`, `S:${row.id}`])}`).toString('base64');

async function startYoga(): Promise<() => Promise<void>> {
  const config = parseConfig(process.env);
  const publicKey = createPublicKey(await loadSigningKey(config));
  const userOf = bearerCheck(publicKey, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const sql = floorSql();
  let inviteUrlBase = '';
  const signedIn = (userId: string | null) => {
    if (!userId) throw new GraphQLError('Sign in to do this', { extensions: { code: 'UNAUTHENTICATED' } });
    return userId;
  };
  const notFound = { __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'Organization not found' };
  const schema = createSchema<{ userId: string | null }>({
    typeDefs: YOGA_SDL,
    resolvers: {
      DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => (value as Date).toISOString() }),
      Invitation: { id: (invitation: { id: string }) => globalId('Invitation', invitation.id) },
      Query: {
        invitations: async (_root: unknown, args: { organizationId: string }, ctx: { userId: string | null }) => {
          signedIn(ctx.userId);
          const page = await rawList(sql, organizationIdOf(args.organizationId) ?? '');
          const edges = page.rows.map((node) => ({ cursor: listCursor(node), node }));
          return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
        },
      },
      Mutation: {
        sendInvitation: async (
          _root: unknown,
          { input }: { input: { organizationId: string; email: string } },
          ctx: { userId: string | null },
        ) => {
          const inviterId = signedIn(ctx.userId);
          const organizationId = organizationIdOf(input.organizationId);
          if (!organizationId) return notFound;
          const sent = await rawSend(sql, organizationId, inviterId, input.email);
          return { __typename: 'SendInvitationPayload', invitation: sent, inviteUrl: `${inviteUrlBase}${sent.token}` };
        },
      },
    },
  });
  const yoga = createYoga<object, { userId: string | null }>({
    schema,
    logging: false,
    context: async ({ request }) => ({ userId: await userOf(request.headers.get('authorization')) }),
  });
  const server = http.createServer(yoga);
  await listen(server);
  // The API's default accept link (src/config.ts): its own page at the address it listens on.
  inviteUrlBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/invite/`;
  return async () => {
    await closeServer(server);
    await sql.end({ timeout: 5 });
  };
}

const modes: Record<string, () => Promise<() => Promise<void>>> = { api: startApi, floor: startFloor, yoga: startYoga };
const start = modes[process.argv[2] ?? 'api'];
if (!start) throw new Error(`unknown mode ${process.argv[2]}; one of ${Object.keys(modes).join(', ')}`);
const stop = await start();
let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  stop().finally(() => process.exit(0));
};
process.on('message', (message) => {
  if (message === 'stop') shutdown();
  // The fan-out benchmark weighs connections by the server's memory.
  if (message === 'memory') {
    // Started with --expose-gc: collect first, so the figure is what is held, not what awaits collection.
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ memory: process.memoryUsage() });
  }
  // The benchmark divides the CPU time spent over a load window by the answers in it.
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
process.on('disconnect', shutdown);
