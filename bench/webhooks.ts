// Webhooks out: deliveries queued for one endpoint at a local receiver answering 200, then sent by
// the running delivery worker (signed, through the safe client: a fresh connection and a checked
// DNS answer per request) with CONCURRENCY requests in flight; the floor is a bare node:http
// client POSTing the same body to the same receiver, CONCURRENCY in flight, a fresh connection
// each (as the sender must, so every connection's address is checked).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { and, eq, inArray } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { webhookDeliveries } from '../src/db/schema/index.js';
import { queueFacts } from '../src/webhooks/recorder.js';

export interface WebhookFigures {
  deliveries: number;
  concurrency: number;
  api: { seconds: number; deliveriesPerSecond: number };
  floor: { seconds: number; deliveriesPerSecond: number };
}

const CONCURRENCY = 16;

export async function benchWebhooks(options: {
  database: Database;
  env: Record<string, string>;
  owner: { userId: string; organizationId: string };
  deliveries: number;
  log: (message: string) => void;
}): Promise<WebhookFigures> {
  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/hook`;
  const app = await buildApp(
    parseConfig({
      ...options.env,
      WORKER_ENABLED: 'true',
      ALLOW_LOCAL_WEBHOOK_URLS: 'true',
      DELIVERY_POLL_MS: '20',
      DELIVERY_BATCH_SIZE: '64',
      WEBHOOK_CONCURRENCY: String(CONCURRENCY),
      WEBHOOK_CONCURRENCY_PER_ENDPOINT: String(CONCURRENCY),
    }),
    { database: options.database },
  );
  try {
    const actor = { userId: options.owner.userId, ip: null, userAgent: 'bench' };
    const created = await app.services.webhooks.create(
      { organizationId: options.owner.organizationId, url, eventTypes: ['invitation.created'] },
      actor,
    );
    if (!created.ok) throw new Error(`endpoint refused: ${created.error.message}`);
    const endpointId = created.value.endpoint.id;
    const facts = Array.from({ length: options.deliveries }, (_, i) => ({
      organizationId: options.owner.organizationId,
      type: 'invitation.created' as const,
      data: { invitationId: `bench-${i}`, email: `hook-${i}@bench.example.com`, role: 'MEMBER', status: 'PENDING' },
    }));
    // Queued before the worker starts (buildApp does not start it), so only the sending is timed.
    await app.database.db.transaction((tx) => queueFacts(tx, facts, new Date()));
    options.log(`queued ${options.deliveries} webhook deliveries`);
    const done = async () =>
      (await app.database.db.$count(
        webhookDeliveries,
        and(eq(webhookDeliveries.endpointId, endpointId), inArray(webhookDeliveries.state, ['SUCCEEDED'])),
      )) >= options.deliveries;
    const started = performance.now();
    app.worker?.start();
    while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 20));
    const apiSeconds = (performance.now() - started) / 1000;
    await app.worker?.stop();

    const body = JSON.stringify({
      type: 'invitation.created',
      timestamp: new Date().toISOString(),
      data: facts[0]?.data,
    });
    const postOnce = () =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(url, {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        });
        request.on('error', reject);
        request.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve());
        });
        request.end(body);
      });
    const floorStarted = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent++ < options.deliveries) await postOnce();
      }),
    );
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    if (received < options.deliveries * 2) throw new Error(`the receiver got ${received} requests`);
    return {
      deliveries: options.deliveries,
      concurrency: CONCURRENCY,
      api: { seconds: apiSeconds, deliveriesPerSecond: options.deliveries / apiSeconds },
      floor: { seconds: floorSeconds, deliveriesPerSecond: options.deliveries / floorSeconds },
    };
  } finally {
    await app.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
