// GET /metrics through the running server: the domain's counters move with a journey (sends,
// refusals, deliveries, retries, provider events), the outbox is read at scrape time, open
// subscriptions are counted per transport, the token guards the page, and no label carries an
// address or a secret.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { invitations } from '../src/db/schema/index.js';
import { signWebhook } from '../src/delivery/webhooks.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { startTestApp, type TestApp, workerPass } from './helpers/app.js';
import { isolatedDatabase, testDatabase } from './helpers/db.js';
import { eventually, rightAway } from './helpers/eventually.js';
import { invite, SendInvitation } from './helpers/invitations.js';
import { organizationWatched, subscribeSse, subscribeWs } from './helpers/live.js';
import { useMailingApp } from './helpers/mailing.js';
import { newAccount, SignUp, uniqueEmail } from './helpers/seed.js';

const METRICS_TOKEN = `metrics-${randomUUID()}`;
const WEBHOOK_SECRET = `whsec-${randomUUID()}`;

const Tracked = graphql(`
  query MetricsTracked($id: ID!) {
    invitation(id: $id) { deliveryStatus }
  }
`);

const Accept = graphql(`
  mutation MetricsAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { __typename }
  }
`);

const OrgFeed = graphql(`
  subscription MetricsOrgFeed($organizationId: ID!) {
    invitationEvents(organizationId: $organizationId) { type }
  }
`);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (what Prometheus itself parses). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const [, name = '', rawLabels = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, key = '', v = ''] of rawLabels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = v;
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

/** The sample's value, 0 when absent (a counter not yet moved). */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  return found.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(t: Pick<TestApp, 'url'>, token: string | undefined = METRICS_TOKEN) {
  const response = await fetch(`${t.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  return { text, samples: parse(text) };
}

describe('GET /metrics after a journey', () => {
  const { sink, isolated, t } = useMailingApp((url) => ({
    WORKER_ENABLED: 'true',
    DELIVERY_POLL_MS: '50',
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '100',
    DELIVERY_MAX_TRIES: '3',
    SMTP_URL: url,
    WEBHOOK_SECRET,
    METRICS_TOKEN,
  }));

  const deliveryStatus = async (token: string, id: string) =>
    (await t.gql(Tracked, { id }, { token })).data?.invitation?.deliveryStatus;

  it('counts sends, refusals, delivery outcomes, retries and provider events, with no address or secret in a label', async () => {
    const before = (await scrape(t)).samples;
    const owner = await newAccount(t, 'metrics');

    const delivered = await invite(t, owner);
    const refused = await t.gql(
      SendInvitation,
      { input: { organizationId: owner.organizationId, role: 'MEMBER', email: delivered.email } },
      { token: owner.token },
    );
    expect(refused.data?.sendInvitation?.__typename).toBe('PendingInvitationExistsError');

    const retriedEmail = `retried-${randomUUID().slice(0, 8)}@example.test`;
    sink.replyTo(retriedEmail, 451, 'Try again later', 1);
    const retried = await invite(t, owner, { email: retriedEmail });
    const failedEmail = `failed-${randomUUID().slice(0, 8)}@example.test`;
    sink.replyTo(failedEmail, 550, 'No such user', 5);
    const failed = await invite(t, owner, { email: failedEmail });

    for (const [sent, status] of [
      [delivered, 'SENT'],
      [retried, 'SENT'],
      [failed, 'FAILED'],
    ] as const) {
      await eventually(
        () => deliveryStatus(owner.token, sent.invitation.id),
        (s) => s === status,
        workerPass(t),
      );
    }

    const [row] = await isolated.database.db
      .select({ messageId: invitations.messageId })
      .from(invitations)
      .where(eq(invitations.id, decodeGlobalID(delivered.invitation.id).id));
    if (!row?.messageId) throw new Error('no Message-ID recorded');
    const body = JSON.stringify({
      events: [{ id: `evt-${randomUUID()}`, type: 'delivered', messageId: row.messageId }],
    });
    const timestamp = Math.floor(t.clock.now().getTime() / 1000);
    const hook = await fetch(`${t.url}/webhooks/email`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': String(timestamp),
        'x-webhook-signature': signWebhook(WEBHOOK_SECRET, timestamp, body),
      },
      body,
    });
    expect(hook.status).toBe(200);

    const accepted = await t.gql(Accept, {
      input: {
        token: delivered.token,
        proof: delivered.proof,
        name: 'Metrics Invitee',
        password: `pw-${randomUUID()}`,
      },
    });
    expect(accepted.data?.acceptInvitation?.__typename).toBe('AcceptInvitationPayload');

    const { text, samples: after } = await scrape(t);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('invitation_sent_total')).toBe(3);
    expect(moved('invitation_send_refused_total', { reason: 'PENDING_INVITATION_EXISTS' })).toBe(1);
    expect(moved('invitation_send_duration_seconds_count')).toBe(4);
    expect(moved('delivery_outcomes_total', { status: 'SENT' })).toBe(2);
    expect(moved('delivery_outcomes_total', { status: 'FAILED' })).toBe(1);
    expect(moved('delivery_outcomes_total', { status: 'DELIVERED' })).toBe(1);
    expect(moved('delivery_retries_total')).toBe(1);
    expect(moved('invitation_responses_total', { response: 'ACCEPTED' })).toBe(1);
    expect(moved('invitation_responses_total', { response: 'DECLINED' })).toBe(0);
    expect(moved('delivery_webhook_events_total', { type: 'delivered', result: 'applied' })).toBe(1);
    expect(moved('graphql_envelop_request', { operationName: 'HelperSendInvitation' })).toBe(4);
    expect(sampleValue(after, 'delivery_outbox_depth', { state: 'QUEUED' })).toBe(0);
    expect(after.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(after.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
    expect(after.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
    if (t.app.database.driver === 'postgres') {
      expect(sampleValue(after, 'database_pool_connections_max')).toBeGreaterThan(0);
      expect(after.some((s) => s.name === 'database_pool_connections_in_use')).toBe(true);
      expect(after.some((s) => s.name === 'database_pool_waiting')).toBe(true);
      expect(sampleValue(after, 'database_connection_failures_total')).toBe(0);
    }

    // Nothing a label says identifies a person or opens anything.
    for (const sample of after) {
      for (const value of Object.values(sample.labels)) expect(value).not.toMatch(/@/);
    }
    for (const secret of [delivered.email, delivered.token, METRICS_TOKEN, WEBHOOK_SECRET, owner.token]) {
      expect(text).not.toContain(secret);
    }
  });

  it('counts the subscriptions open on each transport while they stream', async () => {
    const owner = await newAccount(t, 'metrics-live');
    const open = async () => {
      const { samples } = await scrape(t);
      return {
        sse: sampleValue(samples, 'graphql_subscriptions_open', { transport: 'sse' }),
        ws: sampleValue(samples, 'graphql_subscriptions_open', { transport: 'graphql-ws' }),
      };
    };
    const before = await open();
    const sse = subscribeSse(t.url, owner.token, OrgFeed, { organizationId: owner.organizationId });
    const ws = subscribeWs(t.url, owner.token, OrgFeed, { organizationId: owner.organizationId });
    try {
      await organizationWatched(t, owner.organizationId, 2);
      expect(await open()).toEqual({ sse: before.sse + 1, ws: before.ws + 1 });
    } finally {
      sse.close();
      ws.close();
    }
    // The server learns of a closed stream when its socket closes: nothing to wait on but the scrape.
    await eventually(open, (now) => now.sse === before.sse && now.ws === before.ws, rightAway);
  });
});

describe('the outbox at scrape time', () => {
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    isolated = await isolatedDatabase();
    // No worker: what is queued stays queued.
    t = await startTestApp({ METRICS_TOKEN }, { database: isolated.database });
  });
  afterAll(async () => {
    await t?.stop();
    await isolated?.drop();
  });

  it('shows the attempts waiting and how long the oldest due one has waited', async () => {
    const owner = await newAccount(t, 'outbox');
    await invite(t, owner);
    await invite(t, owner);
    t.clock.advance(90);
    const { samples } = await scrape(t);
    expect(sampleValue(samples, 'delivery_outbox_depth', { state: 'QUEUED' })).toBe(2);
    expect(sampleValue(samples, 'delivery_outbox_depth', { state: 'SENDING' })).toBe(0);
    expect(sampleValue(samples, 'delivery_outbox_oldest_due_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(sampleValue(samples, 'metrics_collect_failures_total')).toBe(0);
  });
});

describe('who may read /metrics', () => {
  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    const t = await startTestApp({ METRICS_TOKEN });
    try {
      const without = await fetch(`${t.url}/metrics`);
      expect(without.status).toBe(401);
      expect(without.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).not.toContain('invitation_');
      await scrape(t);
    } finally {
      await t.stop();
    }
  });

  it('is off in production without a token, unless METRICS_PUBLIC says the network keeps it private', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const production = { NODE_ENV: 'production', JWT_PRIVATE_KEY: await exportPKCS8(privateKey) };
    const closed = await startTestApp(production);
    const open = await startTestApp({ ...production, METRICS_PUBLIC: 'true' });
    try {
      expect((await fetch(`${closed.url}/metrics`)).status).toBe(404);
      await scrape(open, undefined);
    } finally {
      await closed.stop();
      await open.stop();
    }
  });
});

describe('the database pool at scrape time', () => {
  it('shows a held connection and a statement waiting for it on PostgreSQL, and no pool series on PGlite', async () => {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) {
      const t = await startTestApp({ METRICS_TOKEN }, { database: await testDatabase() });
      try {
        const { samples } = await scrape(t);
        expect(samples.filter((s) => s.name.startsWith('database_pool_'))).toEqual([]);
      } finally {
        await t.stop();
      }
      return;
    }
    // One connection: a transaction holding it makes every other statement wait.
    const database = openDatabase({ url, poolSize: 1 });
    const t = await startTestApp({ METRICS_TOKEN, METRICS_COLLECT_TIMEOUT_MS: '200' }, { database });
    let release = () => {};
    let holding = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const transaction = database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      holding();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    try {
      await held;
      // Drizzle's query runs once awaited: started here, it queues for the held connection.
      const waiting = Promise.resolve(database.db.execute(sql`select 1`));
      const { samples } = await scrape(t);
      expect(sampleValue(samples, 'database_pool_connections_max')).toBe(1);
      expect(sampleValue(samples, 'database_pool_connections_in_use')).toBe(1);
      expect(sampleValue(samples, 'database_pool_waiting')).toBe(1);
      // The outbox's statement waited too, past its bound: the scrape answered without it.
      expect(sampleValue(samples, 'metrics_collect_failures_total', { collector: 'outbox' })).toBe(1);
      expect(samples.some((s) => s.name === 'delivery_outbox_depth')).toBe(false);
      release();
      await Promise.all([transaction, waiting]);
      // The outbox statement the first scrape gave up on still runs once the connection is free.
      await eventually(
        async () => (await scrape(t)).samples,
        (after) =>
          sampleValue(after, 'database_pool_connections_in_use') === 0 &&
          sampleValue(after, 'database_pool_waiting') === 0,
        rightAway,
      );
    } finally {
      release();
      await t.stop();
      await database.close();
    }
  });

  it('counts connection failures and DATABASE_UNAVAILABLE answers when the database cannot be reached', async () => {
    // Nothing listens on port 1: every connection attempt is refused at once.
    const database = openDatabase({ url: 'postgres://postgres@127.0.0.1:1/unreachable_test', timeoutMs: 500 });
    const t = await startTestApp({ METRICS_TOKEN }, { database });
    try {
      const result = await t.gql(SignUp, {
        input: { email: uniqueEmail('unreachable'), password: `pw-${randomUUID()}`, name: 'N', organizationName: 'O' },
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      const { samples } = await scrape(t);
      expect(sampleValue(samples, 'database_connection_failures_total')).toBeGreaterThanOrEqual(1);
      expect(
        sampleValue(samples, 'graphql_envelop_error_result', {
          operationName: 'SeedSignUp',
          code: 'DATABASE_UNAVAILABLE',
        }),
      ).toBe(1);
      expect(sampleValue(samples, 'metrics_collect_failures_total', { collector: 'outbox' })).toBe(1);
    } finally {
      await t.stop();
      await database.close();
    }
  });
});
