// The standalone worker (`src/worker.ts`, a real child process) delivering beside an API while
// PostgreSQL restarts and Redis is killed and started again: the worker process lives through
// both, every invitation whose send committed is mailed exactly once, and the API's subscribers
// (a client that resumes its feed with the last cursor, as a real one does) see each one SENT.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { invitations } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { worker } from './helpers/child.js';
import { changeSignal, eventually } from './helpers/eventually.js';
import { subscribeWs } from './helpers/live.js';
import { createPgCluster, type PgCluster } from './helpers/pgCluster.js';
import { type RedisServer, redisServer } from './helpers/redisServer.js';
import { type Account, newAccount, uniqueEmail } from './helpers/seed.js';
import { mailsTo, type SmtpSink, startSmtpSink } from './helpers/smtp.js';

const OutageFeed = graphql(`
  subscription WorkerOutageFeed($organizationId: ID!, $after: String) {
    invitationEvents(organizationId: $organizationId, after: $after) { cursor deliveryStatus invitation { id } }
  }
`);

const SendOne = graphql(`
  mutation WorkerOutageSend($input: SendInvitationInput!) {
    sendInvitation(input: $input) { ... on SendInvitationPayload { invitation { id } } }
  }
`);

type Item = { invitationEvents: { cursor: string; deliveryStatus: string; invitation: { id: string } } | null };

const TIMEOUT_MS = 2000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cluster: PgCluster;
let redis: RedisServer;
let sink: SmtpSink;
let database: Database;
let api: TestApp & { stop(): Promise<void> };
let dataDir: string;

beforeAll(async () => {
  cluster = await createPgCluster('worker_outage_test');
  redis = await redisServer();
  await redis.start();
  sink = await startSmtpSink();
  database = openDatabase({ url: cluster.url, poolSize: 8, timeoutMs: TIMEOUT_MS });
  await migrateDatabase(database, cluster.url);
  // One DATA_DIR: the worker reads the signing key the API generated there.
  dataDir = mkdtempSync(path.join(tmpdir(), 'invitation-api-worker-outage-'));
  api = await startTestApp(
    {
      DATA_DIR: dataDir,
      DATABASE_URL: cluster.url,
      REDIS_URL: redis.url,
      REDIS_RECONNECT_MAX_MS: '200',
      SMTP_URL: sink.url,
      WORKER_ENABLED: 'false',
      DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
      INVITATION_RATE_LIMIT_HOUR: '100000',
      INVITATION_RATE_LIMIT_DAY: '100000',
      INVITATION_RATE_LIMIT_WEEK: '100000',
    },
    { database },
  );
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await database?.close();
  await sink?.close();
  await redis?.kill();
  cluster?.remove();
});

/** An organisation feed that, when it ends or fails, subscribes again after the last cursor it got. */
function resumingFeed(owner: Account) {
  const items: Item[] = [];
  const changed = changeSignal();
  let closed = false;
  let current: { close(): void } | undefined;
  const run = async () => {
    while (!closed) {
      const feed = subscribeWs(api.url, owner.token, OutageFeed, {
        organizationId: owner.organizationId,
        after: items.at(-1)?.invitationEvents?.cursor ?? null,
      });
      current = feed;
      let taken = 0;
      for (;;) {
        const wake = feed.changed();
        for (const item of feed.items.slice(taken)) items.push(item);
        taken = feed.items.length;
        if (taken > 0) changed.notify();
        if (closed || feed.completed || feed.errors.length > 0) break;
        await wake;
      }
      feed.close();
      // A client's back-off before it subscribes again (the API may still be without its database).
      if (!closed) await pause(200);
    }
  };
  void run();
  return {
    items,
    changed: () => changed.next(),
    close() {
      closed = true;
      current?.close();
    },
  };
}

/** Sends one invitation; its email when the send committed, undefined when the API refused it. */
async function send(owner: Account): Promise<string | undefined> {
  const email = uniqueEmail('outage');
  try {
    const result = await api.gql(
      SendOne,
      { input: { organizationId: owner.organizationId, role: 'MEMBER', email } },
      { token: owner.token },
    );
    const payload = result.data?.sendInvitation;
    return payload && 'invitation' in payload && payload.invitation?.id ? email : undefined;
  } catch {
    return undefined;
  }
}

describe('the standalone worker through outages', () => {
  it('lives through a PostgreSQL restart and a Redis kill, mailing each committed invitation once', async () => {
    const child = worker({
      DATA_DIR: dataDir,
      DATABASE_URL: cluster.url,
      REDIS_URL: redis.url,
      REDIS_RECONNECT_MAX_MS: '200',
      SMTP_URL: sink.url,
      DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
      DELIVERY_POLL_MS: '100',
      DELIVERY_BACKOFF_BASE_MS: '100',
      DELIVERY_BACKOFF_MAX_MS: '500',
      DELIVERY_MAX_TRIES: '50',
      LOG_LEVEL: 'info',
    });
    await child.waitFor(/delivery worker started/);
    const owner = await newAccount(api, 'worker-outage');
    const feed = resumingFeed(owner);
    const committed: string[] = [];
    const ids = new Map<string, string>();
    const sendSome = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const email = await send(owner);
        if (email) committed.push(email);
      }
    };
    try {
      await sendSome(3);
      await eventually(
        async () => committed.every((email) => mailsTo(sink, email).length > 0),
        (done) => done,
        sink.changed,
        30_000,
      );

      // PostgreSQL goes away with sends queued, and comes back.
      await sendSome(4);
      cluster.stop('immediate');
      await sendSome(2); // refused: DATABASE_UNAVAILABLE
      await pause(3000);
      cluster.start();
      await sendSome(3);

      // Redis is killed with sends queued, and started again.
      await sendSome(3);
      await redis.kill();
      await sendSome(3);
      await pause(3000);
      await redis.start();
      await sendSome(2);

      expect(committed.length).toBeGreaterThanOrEqual(3 + 4 + 3 + 3 + 3 + 2);
      await eventually(
        async () => committed.filter((email) => mailsTo(sink, email).length === 0),
        (missing) => missing.length === 0,
        sink.changed,
        90_000,
      );
      for (const email of committed) expect(mailsTo(sink, email), email).toHaveLength(1);
      expect(child.child.exitCode).toBeNull();

      // Which invitation each email is, from the API.
      const listed = await database.db.select({ id: invitations.id, email: invitations.email }).from(invitations);
      for (const row of listed) ids.set(row.email, row.id);
      const sentIds = (items: Item[]) =>
        new Set(
          items
            .filter((item) => item.invitationEvents?.deliveryStatus === 'SENT')
            .map((item) => item.invitationEvents?.invitation.id),
        );
      await eventually(
        async () => {
          const sent = new Set([...sentIds(feed.items)].map((id) => (id ? decodeGlobalID(id).id : '')));
          return committed.filter((email) => !sent.has(ids.get(email) ?? ''));
        },
        (unseen) => unseen.length === 0,
        feed.changed,
        60_000,
      );
      // Nothing went out twice meanwhile either.
      for (const email of committed) expect(mailsTo(sink, email), email).toHaveLength(1);
      expect(child.child.exitCode).toBeNull();
      // The outage said as it began and as it ended (a restart may flicker: each start has its
      // end), not as a failed pass every 100 ms.
      const { stdout, stderr } = child.output();
      const lines = `${stdout}\n${stderr}`.split('\n');
      const began = lines.filter((l) => l.includes('database unreachable: delivery waits for it')).length;
      const ended = lines.filter((l) => l.includes('database reachable again: delivery resumes')).length;
      expect(began).toBeGreaterThanOrEqual(1);
      expect(began).toBeLessThanOrEqual(3);
      expect(ended).toBe(began);
      expect(lines.filter((l) => /pass failed|emails crashed|drain crashed|batch crashed/.test(l))).toEqual([]);
      child.child.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    } finally {
      feed.close();
      if (child.child.exitCode === null) child.child.kill('SIGKILL');
    }
  }, 240_000);
});
