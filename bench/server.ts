// A server process for the benchmark, so the load generator in bench/run.ts does not share an event
// loop with the server it measures. `api`: the real app from buildApp, configured by the
// environment the runner passes. `floor`: a bare node:http server answering the list floor as JSON
// (`/list`), and a bare graphql-ws server whose invitationEvents subscription gets every event
// posted to `/emit`, handed to every subscriber at once (the fan-out floor: no auth, no database,
// no per-event checks).
// Tells its parent { port } over IPC once listening; answers 'memory' with its memory usage; stops
// on a 'stop' message or when the parent goes.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import postgres from 'postgres';
import { WebSocketServer } from 'ws';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { POOL_SIZE, rawList } from './lib.js';

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

async function startFloor(): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const sql = postgres(url, { max: POOL_SIZE, onnotice: () => {} });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/emit') {
      // Shaped like the API's global ids, so both send the clients messages of the same size.
      const id = Buffer.from(`Invitation:${randomUUID()}`).toString('base64url');
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });
  return async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await sql.end({ timeout: 5 });
  };
}

const stop = await (process.argv[2] === 'floor' ? startFloor() : startApi());
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
});
process.on('disconnect', shutdown);
