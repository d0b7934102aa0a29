// Pieces shared by the benchmark runner (bench/run.ts) and its server processes (bench/server.ts):
// a closed-loop load generator, latency statistics, a server process's CPU time, a keep-alive HTTP
// client and the raw SQL floors.
import type { ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type postgres from 'postgres';
import { newSecretToken } from '../src/lib/secretTokens.js';

/** Connections per pool, the same for the API and for the floors so neither gets more of the database. */
export const POOL_SIZE = 10;

/** Same key as CHAIN_LOCK in src/audit/log.ts: the floor serialises its audit appends the way the API does. */
const AUDIT_CHAIN_LOCK = 727_002;
const GENESIS_HASH = '0'.repeat(64);

export interface LoadResult {
  ok: number;
  errors: number;
  /** The first few error descriptions, to say what went wrong without flooding the output. */
  errorSamples: string[];
  seconds: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/**
 * Closed loop: `concurrency` clients each send one request, wait for the answer, send the next,
 * until `durationMs` has passed. Requests in flight at the deadline are awaited and counted.
 * `request` resolves true for a correct answer; false or a throw counts as an error.
 */
export async function runLoad(
  concurrency: number,
  durationMs: number,
  request: (client: number, seq: number) => Promise<true | string>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async (id: number) => {
    for (let seq = 0; performance.now() < deadline; seq++) {
      const t0 = performance.now();
      let outcome: true | string;
      try {
        outcome = await request(id, seq);
      } catch (error) {
        outcome = String(error);
      }
      if (outcome === true) {
        latencies.push(performance.now() - t0);
      } else {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(outcome.slice(0, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => client(i)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ok: latencies.length,
    errors,
    errorSamples,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Resolves with the next IPC message of `child` that has `key`. */
export function reply<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message[key] as T);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited with code ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** The CPU time (user + system, ms) a server process (bench/server.ts) has used since it started. */
export async function serverCpuMs(server: ChildProcess): Promise<number> {
  const answer = reply<NodeJS.CpuUsage>(server, 'cpu');
  server.send('cpu');
  const { user, system } = await answer;
  return (user + system) / 1000;
}

export type ServerLoadResult = LoadResult & {
  /** The server process's CPU time over the window, per correct answer. */
  serverCpuMsPerRequest: number;
};

/**
 * runLoad against a server process, with the CPU time that process spent during the window (read
 * over IPC just before and just after it) per correct answer: where throughput is bound by the
 * database or by the load generator sharing the cores, this is what the server's own code costs.
 */
export async function runServerLoad(
  server: ChildProcess,
  concurrency: number,
  durationMs: number,
  request: (client: number, seq: number) => Promise<true | string>,
): Promise<ServerLoadResult> {
  const before = await serverCpuMs(server);
  const load = await runLoad(concurrency, durationMs, request);
  const after = await serverCpuMs(server);
  return { ...load, serverCpuMsPerRequest: (after - before) / load.ok };
}

/** One socket per client, kept alive, so the benchmark measures requests and not TCP handshakes. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets });
}

/** POST (with a body) or GET (without) over node:http; resolves with status and text. */
export function httpRequest(
  agent: http.Agent,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        agent,
        method: payload === undefined ? 'GET' : 'POST',
        headers: {
          ...headers,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A GraphQL request over HTTP; throws unless the answer is 200 with data and without errors. */
export async function graphql<T>(
  agent: http.Agent,
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const { status, text } = await httpRequest(
    agent,
    url,
    { query, variables },
    token ? { authorization: `Bearer ${token}` } : {},
  );
  const parsed = JSON.parse(text) as { data?: T; errors?: unknown[] };
  if (status !== 200 || parsed.errors || !parsed.data) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
  return parsed.data;
}

/**
 * The floor of one send: the rows sendInvitation commits (invitation, outbox row, timeline event,
 * hash-chained audit row) in one transaction, without GraphQL, policy checks or rate-limit
 * counters. The audit row takes the chain lock and reads the previous hash, as any correct
 * appender to the chain must; the hash is computed like the real one (SHA-256 over prev + content).
 * Resolves with what a send answers (bench/server.ts's yoga mode shows it): the new row's id and
 * statuses, and the link token, made as the API makes one.
 */
export async function rawSend(sql: postgres.Sql, organizationId: string, inviterId: string, email: string) {
  const { token, selector, verifierHash } = newSecretToken();
  const now = new Date();
  const expires = new Date(now.getTime() + 7 * 86_400_000);
  return sql.begin(async (tx) => {
    const [invitation] = await tx<{ id: string; status: string; delivery_status: string; expires_at: Date }[]>`
      insert into invitations (organization_id, email, role, token_selector, token_verifier_hash,
                               last_sent_at, expires_at, invited_by_id, created_at, updated_at)
      values (${organizationId}, ${email}, 'MEMBER', ${selector}, ${verifierHash},
              ${now}, ${expires}, ${inviterId}, ${now}, ${now})
      returning id, status, delivery_status, expires_at`;
    if (!invitation) throw new Error('insert returned no invitation');
    await tx`
      insert into delivery_attempts (invitation_id, organization_id, attempt, sealed_link, available_at, created_at)
      values (${invitation.id}, ${organizationId}, 1, ${randomBytes(96).toString('base64url')}, ${now}, ${now})`;
    await tx`
      insert into invitation_events (invitation_id, organization_id, type, actor_id, data, created_at)
      values (${invitation.id}, ${organizationId}, 'CREATED', ${inviterId}, ${tx.json({ role: 'MEMBER' })}, ${now})`;
    await tx`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}, hashtext(${organizationId}))`;
    const [last] = await tx<{ hash: string }[]>`
      select hash from audit_log where organization_id = ${organizationId} order by seq desc limit 1`;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const data = { after: { email, role: 'MEMBER', permissions: [], expiresAt: expires.toISOString() } };
    const hash = createHash('sha256')
      .update(prevHash)
      .update(JSON.stringify({ organizationId, inviterId, targetId: invitation.id, data, createdAt: now }))
      .digest('hex');
    await tx`
      insert into audit_log (organization_id, actor_id, action, target_type, target_id, data, created_at, prev_hash, hash)
      values (${organizationId}, ${inviterId}, 'invitation.created', 'Invitation', ${invitation.id},
              ${tx.json(data)}, ${now}, ${prevHash}, ${hash})`;
    return {
      id: invitation.id,
      status: invitation.status,
      deliveryStatus: invitation.delivery_status,
      expiresAt: invitation.expires_at,
      token,
    };
  });
}

/**
 * The floor of one list page: the statement the API runs for invitations(first: 100) (every
 * column, newest first, one row more than asked to learn whether a next page exists). Answers
 * like the GraphQL query does: the 100 rows with the fields it selects, and hasNextPage.
 */
export async function rawList(sql: postgres.Sql, organizationId: string) {
  const rows = await sql`
    select * from invitations
    where organization_id = ${organizationId}
    order by created_at desc, id desc
    limit 101`;
  return {
    rows: rows.slice(0, 100).map((r) => ({
      id: r.id,
      email: r.email,
      role: r.role,
      status: r.status,
      deliveryStatus: r.delivery_status,
      attempts: r.attempts,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    })),
    hasNextPage: rows.length > 100,
  };
}

/** The operations the benchmark sends, over GraphQL. */
export const SIGN_UP = `mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) {
    __typename
    ... on SignUpPayload { token organization { id } user { id } }
    ... on UserError { code message }
  }
}`;

export const SEND = `mutation Send($input: SendInvitationInput!) {
  sendInvitation(input: $input) {
    __typename
    ... on SendInvitationPayload { inviteUrl invitation { id status deliveryStatus expiresAt } }
    ... on UserError { code message }
  }
}`;

export const LIST = `query List($organizationId: ID!) {
  invitations(organizationId: $organizationId, first: 100) {
    edges { cursor node { id email role status deliveryStatus attempts createdAt expiresAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The measured server's settings: what a deployment runs, with limits high enough that none refuses. */
export function benchEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  // NODE_ENV=production: what a deployment runs (masked errors, no GraphiQL); it needs a key.
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    DATA_DIR: dataDir,
    JWT_PRIVATE_KEY: String(key),
    LOG_LEVEL: 'silent',
    WORKER_ENABLED: 'false',
    EXPIRY_SWEEP_SECONDS: '0',
    DEMO_SEED: 'false',
    // Said explicitly, as production asks: the API sends no mail here (its worker is off; the
    // delivery phase gives SMTP_URL), and no invitee follows a link.
    ALLOW_FILE_MAILER: 'true',
    ALLOW_LOCAL_INVITE_URL: 'true',
    ALLOW_EMBEDDED_DATABASE: 'true',
    // High enough that no limit refuses during the run: the benchmark measures the work, not refusals.
    INVITATION_RATE_LIMIT_HOUR: '10000000',
    INVITATION_RATE_LIMIT_DAY: '10000000',
    INVITATION_RATE_LIMIT_WEEK: '10000000',
    RESEND_COOLDOWN_SECONDS: '0',
    RESEND_DAILY_CAP: '10000000',
  };
}

/** `count` pending invitations for the list, straight in SQL (only the read path is measured), one second apart. */
export async function seedListInvitations(sql: postgres.Sql, organizationId: string, inviterId: string, count: number) {
  await sql`
    insert into invitations (organization_id, email, role, token_selector, token_verifier_hash,
                             last_sent_at, expires_at, invited_by_id, created_at, updated_at)
    select ${organizationId}, 'seed-' || i || '@bench.example.com', 'MEMBER',
           md5(random()::text || i), md5(i::text), now(), now() + interval '7 days', ${inviterId},
           now() - i * interval '1 second', now() - i * interval '1 second'
    from generate_series(1, ${count}) as i`;
  await sql`analyze`;
}
