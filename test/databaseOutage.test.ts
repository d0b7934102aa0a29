// PostgreSQL comes and goes: a cluster of this test's own is stopped (cleanly and like a crash)
// and started again while invitations are being sent. The server must not die; while the
// database is gone it answers DATABASE_UNAVAILABLE (HTTP 503, Retry-After) within the bound and
// /ready says 503; once it is back, sends succeed and the in-process worker delivers every
// committed invitation. Runs on postgres.js whatever the test driver.

import { sql } from 'drizzle-orm';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { randomIp, startTestApp, type TestApp } from './helpers/app.js';
import { SendInvitation } from './helpers/invitations.js';
import { createPgCluster, type PgCluster } from './helpers/pgCluster.js';
import { newAccount, uniqueEmail } from './helpers/seed.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp.js';

const TIMEOUT_MS = 1500;
/** How long any answer may take: the bound plus room for a busy machine. */
const ANSWER_WITHIN_MS = TIMEOUT_MS + 6000;

let cluster: PgCluster;
let database: Database;
let sink: SmtpSink;
let t: TestApp & { stop(): Promise<void> };

beforeAll(async () => {
  cluster = await createPgCluster('outage_test');
  sink = await startSmtpSink();
  database = openDatabase({ url: cluster.url, poolSize: 8, timeoutMs: TIMEOUT_MS });
  await migrateDatabase(database, cluster.url);
  t = await startTestApp(
    {
      DATABASE_URL: cluster.url,
      WORKER_ENABLED: 'true',
      SMTP_URL: sink.url,
      DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
      HEALTH_TIMEOUT_MS: '1000',
      DELIVERY_POLL_MS: '100',
      DELIVERY_BACKOFF_BASE_MS: '100',
      DELIVERY_BACKOFF_MAX_MS: '500',
      DELIVERY_MAX_TRIES: '50',
      INVITATION_RATE_LIMIT_HOUR: '100000',
      INVITATION_RATE_LIMIT_DAY: '100000',
      INVITATION_RATE_LIMIT_WEEK: '100000',
    },
    { database },
  );
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await database?.close();
  await sink?.close();
  cluster?.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ready(): Promise<{
  status: number;
  body: { ready: boolean; dependencies: Record<string, { state: string }> };
}> {
  const response = await fetch(`${t.url}/ready`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  return { status: response.status, body: await response.json() };
}

/** Polls /ready until it says `status`; a bounded wait, not a measurement. */
async function readyBecomes(status: number, withinMs = 30_000) {
  const until = Date.now() + withinMs;
  for (;;) {
    const answer = await ready();
    if (answer.status === status) return answer;
    if (Date.now() > until) throw new Error(`/ready stayed ${answer.status}: ${JSON.stringify(answer.body)}`);
    await sleep(100);
  }
}

interface Outcome {
  email: string;
  status: number;
  ok: boolean;
  code?: unknown;
  retryAfter: string | null;
}

async function send(token: string, organizationId: string): Promise<Outcome> {
  const email = uniqueEmail('outage');
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': randomIp() },
    body: JSON.stringify({
      query: print(SendInvitation),
      variables: { input: { organizationId, role: 'MEMBER', email } },
    }),
    // An answer that takes longer fails the test here.
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  const json = (await response.json()) as {
    data?: { sendInvitation?: { __typename: string } } | null;
    errors?: { extensions?: { code?: unknown } }[];
  };
  return {
    email,
    status: response.status,
    ok: json.data?.sendInvitation?.__typename === 'SendInvitationPayload',
    code: json.errors?.[0]?.extensions?.code,
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('PostgreSQL comes and goes', () => {
  it('answers DATABASE_UNAVAILABLE during outages, recovers after each restart, and loses no invitation', async () => {
    const owner = await newAccount(t);
    const outcomes: Outcome[] = [];
    let loading = true;
    const sender = async () => {
      while (loading) {
        const outcome = await send(owner.token, owner.organizationId);
        outcomes.push(outcome);
        if (!outcome.ok) await sleep(50);
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    const okCount = () => outcomes.filter((o) => o.ok).length;

    for (const mode of ['fast', 'immediate', 'fast'] as const) {
      // Sends succeed (again) before each outage, and are in flight when it starts.
      const before = okCount();
      const until = Date.now() + 30_000;
      while (okCount() < before + 5) {
        if (Date.now() > until) throw new Error(`no sends succeeded: ${JSON.stringify(outcomes.slice(-3))}`);
        await sleep(50);
      }
      cluster.stop(mode);

      const during = await send(owner.token, owner.organizationId);
      expect(during).toMatchObject({ ok: false, status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '5' });
      const notReady = await ready();
      expect(notReady.status).toBe(503);
      expect(notReady.body.ready).toBe(false);
      expect(notReady.body.dependencies.database?.state).toBe('down');

      await sleep(500);
      cluster.start();
      await readyBecomes(200);
    }
    const after = await send(owner.token, owner.organizationId);
    expect(after.ok).toBe(true);
    loading = false;
    await Promise.all(senders);
    outcomes.push(after);

    // Every refusal was the typed, retryable one.
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) expect(o).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '5' });

    // Every answered send is committed; every committed invitation is delivered.
    const rows = (await database.db.execute(sql`select email from invitations`)) as unknown as { email: string }[];
    const committed = new Set(rows.map((row) => row.email));
    const answered = outcomes.filter((o) => o.ok).map((o) => o.email);
    for (const email of answered) expect(committed.has(email)).toBe(true);
    // At least once: a send retried after an outage may arrive twice, so count addresses, not mails.
    const delivered = () => new Set(sink.received.flatMap((mail) => mail.to.map((to) => to.toLowerCase())));
    const undelivered = () => [...committed].filter((email) => !delivered().has(email.toLowerCase()));
    const until = Date.now() + 60_000;
    while (undelivered().length > 0 && Date.now() < until) {
      await Promise.race([sink.changed(), sleep(500)]);
    }
    expect(undelivered()).toEqual([]);
    console.log(
      `outages: ${outcomes.length} sends, ${answered.length} answered sent, ${refused.length} refused, ${committed.size} committed, ${delivered().size} delivered`,
    );

    const health = await fetch(`${t.url}/health`).then((r) => r.json());
    expect(health.dependencies.worker.state).toBe('up');
  }, 240_000);
});
