// Benchmark: sendInvitation (over GraphQL, and over REST beside it) and invitations(first: 100)
// over HTTP against raw SQL floors, on a fresh PostgreSQL database that is dropped at the end. `npx tsx bench/run.ts [--quick]`.
// Prints a table and writes bench/results/latest.json. Targets are reported, never enforced: the
// exit code is non-zero only when the harness itself breaks.
//
// Layout: the API and the list floor each run in a child process (bench/server.ts) so this
// process, the load generator, never competes with the server for one event loop. The send floor
// runs here, straight on postgres.js: it has no server by definition.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { buildApp } from '../src/app.js';
import { configSchema, parseConfig } from '../src/config.js';
import type { Database, Db } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { relations } from '../src/db/relations.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { schema } from '../src/graphql/schema.js';
import { loadRestDocument } from '../src/rest/document.js';
import { type AnalyticsFigures, benchAnalytics } from './analytics.js';
import { benchDelivery, type DeliveryFigures } from './delivery.js';
import { apiFanoutTarget, benchFanout, type FanoutFigures } from './fanout.js';
import {
  benchEnv,
  graphql,
  httpRequest,
  keepAliveAgent,
  LIST,
  type LoadResult,
  POOL_SIZE,
  rawList,
  rawSend,
  runLoad,
  runServerLoad,
  SEND,
  type ServerLoadResult,
  SIGN_UP,
  seedListInvitations,
} from './lib.js';
import { benchStartup, STARTUP_BUDGETS, type StartupFigures } from './startup.js';
import { benchWeb, WEB_BUDGETS, type WebFigures } from './web.js';
import { benchWebhooks, type WebhookFigures } from './webhooks.js';

const quick = process.argv.includes('--quick');
const CONCURRENCY = 32;
const DURATION_MS = quick ? 2_000 : 10_000;
// Unmeasured load first: JIT, connection pools and prepared statements warm up before timing.
const WARMUP_MS = quick ? 500 : 2_000;
const SEED_INVITATIONS = 1_000;
const COUNT_SAMPLES = 10;
const TARGETS = {
  sendRatio: 0.6,
  sendP99Ms: 25,
  listRatio: 0.5,
  analyticsP95Ms: 20,
  emailsPerSecond: 500,
  fanoutP95Ms: 250,
  fanoutKbPerConnection: 50,
  // The performance issue's milestone, in server CPU per answered request.
  sendCpuMs: 3.4,
  listCpuMs: 4.2,
};
// The V8 flags `npm start` gives the server (package.json), so the measured server runs as deployed.
const NODE_FLAGS = ['--max-semi-space-size=32'];
const ANALYTICS_SIZES = quick ? [10_000] : [10_000, 100_000, 1_000_000];
const ANALYTICS_SAMPLES = quick ? 30 : 200;
const DELIVERY_EMAILS = quick ? 200 : 1_000;
const WEBHOOK_DELIVERIES = quick ? 200 : 2_000;
const FANOUT_SIZES = quick ? [200] : [1_000, 5_000, 10_000];
const FANOUT_EVENTS = quick ? 3 : 5;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '..');
// The maintenance database to create and drop ours from; trust auth, as in CI.
const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Owner {
  token: string;
  userId: string;
  organizationId: string;
  /** The Relay id the GraphQL API takes. */
  organizationGlobalId: string;
}

interface Statements {
  perRequest: number;
  /** The statements of one request, in order (from the postgres.js debug hook). */
  sample: string[];
}

type Side = LoadResult & { sqlPerRequest: number; rowsOk?: boolean; rows?: Record<string, number> };

/** Starts bench/server.ts in `mode`; resolves with the child and its port. */
function startServer(
  mode: 'api' | 'floor' | 'yoga',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  // The child inherits the shell's environment minus every app setting, so a DATABASE_URL or
  // REDIS_URL exported in the shell cannot leak into the measured configuration.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in configSchema.shape)));
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, '--expose-gc', '--import', 'tsx', path.join(benchDir, 'server.ts'), mode],
    {
      cwd: root,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, url: `http://127.0.0.1:${message.port}` }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with code ${code} before listening`)));
    child.once('error', reject);
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return results;
}

/** Rows a send phase created, found by the email prefix it used. */
async function rowsByPrefix(sql: postgres.Sql, prefix: string): Promise<Record<string, number>> {
  const like = `${prefix}%`;
  // Fresh statistics first: planned on the near-empty tables of the start, these joins take a minute.
  await sql`analyze invitations, delivery_attempts, invitation_events, audit_log`;
  const [row] = await sql<Record<string, number>[]>`
    select
      (select count(*)::int from invitations where email like ${like}) as invitations,
      (select count(*)::int from delivery_attempts d join invitations i on i.id = d.invitation_id
        where i.email like ${like}) as "deliveryAttempts",
      (select count(*)::int from invitation_events e join invitations i on i.id = e.invitation_id
        where i.email like ${like} and e.type = 'CREATED') as events,
      (select count(*)::int from audit_log a join invitations i on a.target_id = i.id::text
        where i.email like ${like} and a.action = 'invitation.created') as audit`;
  if (!row) throw new Error('row count query returned nothing');
  return row;
}

/**
 * Statements per request. pg_stat_statements when the server preloads it; else the postgres.js
 * `debug` hook of the counting client (which sees every statement it sends, BEGIN/COMMIT and
 * savepoints included). The sample list always comes from the hook.
 */
async function statementCounter(checkSql: postgres.Sql) {
  let method = 'postgres.js debug hook on a separate in-process app and client';
  let pgss = false;
  try {
    await checkSql`create extension if not exists pg_stat_statements`;
    await checkSql`select 1 from pg_stat_statements limit 1`;
    pgss = true;
    method = 'pg_stat_statements';
  } catch (error) {
    method += ` (pg_stat_statements unavailable: ${(error as Error).message})`;
  }
  let recording: string[] | undefined;
  const debug = (_connection: number, query: string) => recording?.push(query.replace(/\s+/g, ' ').trim());

  async function count(run: (i: number) => Promise<unknown>): Promise<Statements> {
    await run(-1); // connections open and types load outside the count
    if (pgss) await checkSql`select pg_stat_statements_reset()`;
    recording = [];
    for (let i = 0; i < COUNT_SAMPLES; i++) await run(i);
    const recorded = recording;
    recording = undefined;
    let total = recorded.length;
    if (pgss) {
      const [row] = await checkSql<{ calls: number }[]>`
        select coalesce(sum(calls), 0)::int as calls from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
          and query not ilike '%pg_stat_statements%'`;
      total = row?.calls ?? 0;
    }
    const perRequest = total / COUNT_SAMPLES;
    return { perRequest, sample: recorded.slice(0, Math.round(recorded.length / COUNT_SAMPLES)) };
  }
  return { method, debug, count };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const pct = (n: number) => `${fmt(n * 100)}%`;

/** Columns aligned: the first to the left, the others to the right. */
function printRows(rows: string[][]) {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  for (const r of rows) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '));
  }
}

function printTable(send: { api: Side; raw: Side; ratio: number }, list: { api: Side; raw: Side; ratio: number }) {
  const rows: string[][] = [['', 'API', 'floor', 'API/floor']];
  for (const [name, s] of [
    ['send', send],
    ['list', list],
  ] as const) {
    rows.push(
      [`${name} throughput (req/s)`, fmt(s.api.throughput), fmt(s.raw.throughput), pct(s.ratio)],
      [`${name} p50 (ms)`, fmt(s.api.p50Ms, 2), fmt(s.raw.p50Ms, 2), ''],
      [`${name} p99 (ms)`, fmt(s.api.p99Ms, 2), fmt(s.raw.p99Ms, 2), ''],
      [`${name} SQL statements/request`, fmt(s.api.sqlPerRequest), fmt(s.raw.sqlPerRequest), ''],
      [`${name} ok / errors`, `${s.api.ok} / ${s.api.errors}`, `${s.raw.ok} / ${s.raw.errors}`, ''],
    );
    if (s.api.rowsOk !== undefined) {
      rows.push([`${name} rows created == ok`, s.api.rowsOk ? 'yes' : 'NO', s.raw.rowsOk ? 'yes' : 'NO', '']);
    }
  }
  printRows(rows);
}

function printDecomposition(d: {
  send: { api: ServerLoadResult; yoga: ServerLoadResult };
  list: { api: ServerLoadResult; yoga: ServerLoadResult; floor: ServerLoadResult };
}) {
  console.log('');
  printRows([
    ['server CPU per answered request (ms)', 'send', 'list', 'send req/s', 'list req/s'],
    [
      'API (yoga + Pothos + Drizzle, all checks)',
      fmt(d.send.api.serverCpuMsPerRequest, 2),
      fmt(d.list.api.serverCpuMsPerRequest, 2),
      fmt(d.send.api.throughput),
      fmt(d.list.api.throughput),
    ],
    [
      'plain graphql-yoga, floor SQL',
      fmt(d.send.yoga.serverCpuMsPerRequest, 2),
      fmt(d.list.yoga.serverCpuMsPerRequest, 2),
      fmt(d.send.yoga.throughput),
      fmt(d.list.yoga.throughput),
    ],
    ['bare node:http, floor SQL', '-', fmt(d.list.floor.serverCpuMsPerRequest, 2), '-', fmt(d.list.floor.throughput)],
  ]);
  console.log("CPU: the server process's user + system time over the timed window (process.cpuUsage over IPC)");
  console.log('the send floor runs in the load generator, so it has no server CPU of its own');
}

function printRest(r: { rest: LoadResult; graphql: LoadResult; ratio: number }) {
  console.log('');
  printRows([
    ['send, same operation', 'REST', 'GraphQL', 'REST/GraphQL'],
    ['throughput (req/s)', fmt(r.rest.throughput), fmt(r.graphql.throughput), pct(r.ratio)],
    ['p50 (ms)', fmt(r.rest.p50Ms, 2), fmt(r.graphql.p50Ms, 2), ''],
    ['p99 (ms)', fmt(r.rest.p99Ms, 2), fmt(r.graphql.p99Ms, 2), ''],
    ['ok / errors', `${r.rest.ok} / ${r.rest.errors}`, `${r.graphql.ok} / ${r.graphql.errors}`, ''],
  ]);
  console.log(
    'REST: POST /api/team/invite-enhanced (src/rest); GraphQL: its operation, RestSendInvitation, posted to /graphql',
  );
}

function printAnalytics(figures: AnalyticsFigures[]) {
  const rows: string[][] = [['analytics, one client', 'API p50', 'API p95', 'floor p50', 'floor p95', 'seed (s)']];
  for (const f of figures) {
    for (const kind of ['stats', 'series'] as const) {
      const { api, floor } = f[kind];
      rows.push([
        `${kind === 'stats' ? 'stats, 90 days' : 'series, 90 days daily'} at ${f.invitations} (ms)`,
        fmt(api.p50Ms, 2),
        fmt(api.p95Ms, 2),
        fmt(floor.p50Ms, 2),
        fmt(floor.p95Ms, 2),
        kind === 'stats' ? fmt(f.seedSeconds) : '',
      ]);
    }
  }
  console.log('');
  printRows(rows);
  console.log('floor: the same analytics service call in process (SQL over the rollups, no HTTP or GraphQL)');
}

function printDelivery(d: DeliveryFigures) {
  console.log('');
  printRows([
    [`delivery, ${d.emails} emails, ${d.workers} worker passes`, 'outbox', 'floor', 'outbox/floor'],
    [
      'emails/s',
      fmt(d.api.emailsPerSecond),
      fmt(d.floor.emailsPerSecond),
      pct(d.api.emailsPerSecond / d.floor.emailsPerSecond),
    ],
  ]);
  console.log('floor: the same SMTP mailer sending composed emails straight to the same local peer');
  console.log(
    `send → SENT end to end (${d.endToEnd.samples} one at a time, worker running, SMTP sink): ` +
      `p50 ${fmt(d.endToEnd.p50Ms, 1)} ms, p95 ${fmt(d.endToEnd.p95Ms, 1)} ms, max ${fmt(d.endToEnd.maxMs, 1)} ms`,
  );
}

function printWebhooks(w: WebhookFigures) {
  console.log('');
  printRows([
    [`webhooks out, ${w.deliveries} deliveries, ${w.concurrency} in flight`, 'outbox', 'floor', 'outbox/floor'],
    [
      'deliveries/s',
      fmt(w.api.deliveriesPerSecond),
      fmt(w.floor.deliveriesPerSecond),
      pct(w.api.deliveriesPerSecond / w.floor.deliveriesPerSecond),
    ],
  ]);
  console.log('floor: a bare node:http client POSTing the same body to the same local receiver, a connection each');
}

function printFanout(api: FanoutFigures[], floor: FanoutFigures[]) {
  console.log('');
  printRows([
    ['fan-out, graphql-ws, one organisation', 'p50 (ms)', 'p95 (ms)', 'max (ms)', 'missed', 'KB/conn', 'floor p95'],
    ...api.map((f, i) => [
      `${f.subscribers} subscribers, ${f.events} events`,
      fmt(f.p50Ms, 0),
      fmt(f.p95Ms, 0),
      fmt(f.maxMs, 0),
      String(f.missed),
      fmt(f.memoryPerConnectionKb),
      fmt(floor[i]?.p95Ms ?? Number.NaN, 0),
    ]),
  ]);
  console.log('latency: from the event’s recorded time to its arrival at each subscriber');
  console.log('floor: the same clients on a bare graphql-ws server broadcasting each event (no auth, no database)');
}

function printWeb(w: WebFigures) {
  const a = w.acceptPage;
  const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;
  console.log(
    `\nWeb pages (accept page in Chromium at ${w.throttle.kbitPerSecond} kbit/s, ${w.throttle.latencyMs} ms round trip, no cache${a ? `; median of ${a.runs}` : ''})`,
  );
  printRows([
    ['', 'usable after', 'on the wire', 'JS + CSS gzipped', 'budget'],
    [
      'accept page',
      a ? `${fmt(a.usableMs / 1000, 2)} s` : 'n/a',
      a ? kb(a.transferredBytes) : 'n/a',
      a ? kb(a.scriptAndStyleGzipBytes) : 'n/a',
      `${WEB_BUDGETS.acceptPageKb} KB`,
    ],
  ]);
  const c = w.console;
  console.log(
    `console bundle: ${c.files} files, ${kb(c.rawBytes)} raw, ${kb(c.gzipBytes)} gzipped, ${kb(c.brotliBytes)} brotli (as served)`,
  );
}

function printStartup(s: StartupFigures) {
  console.log(`\nStart-up, npm start on the embedded database (median of ${s.runs}; memory after 5 s idle)`);
  printRows([
    ['', 'to /health', 'budget', 'server RSS', 'budget', 'npm + server RSS'],
    ...(
      [
        ['new database', s.newDatabase.median, STARTUP_BUDGETS.newDatabaseMs],
        ['existing database', s.existingDatabase.median, STARTUP_BUDGETS.existingDatabaseMs],
      ] as const
    ).map(([label, m, budget]) => [
      label,
      `${fmt(m.healthMs / 1000, 2)} s`,
      `${budget / 1000} s`,
      `${fmt(m.serverRssMb, 0)} MB`,
      `${STARTUP_BUDGETS.idleRssMb} MB`,
      `${fmt(m.treeRssMb, 0)} MB`,
    ]),
  ]);
}

async function main(): Promise<number> {
  const name = `invitation_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  const url = databaseUrl.toString();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'invitation-bench-'));
  const children: ChildProcess[] = [];
  const clients: postgres.Sql[] = [];
  const closers: (() => Promise<void>)[] = [];
  const agent = keepAliveAgent(CONCURRENCY);
  const started = Date.now();
  const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

  try {
    log(`mode ${quick ? 'quick' : 'full'}; database ${name}`);
    // First, while nothing else runs: real `npm start`s on the embedded database.
    const startup = await benchStartup({ root, runs: quick ? 1 : 3, log });
    await admin.unsafe(`create database "${name}"`);
    const checkSql = postgres(url, { max: 1, onnotice: () => {} });
    clients.push(checkSql);
    const counter = await statementCounter(checkSql);

    // The counting app: the same code and config as the measured server, in this process, on a
    // client whose debug hook records statements. Driven through app.fetch, no sockets involved.
    const countingClient = postgres(url, { max: POOL_SIZE, onnotice: () => {}, debug: counter.debug });
    clients.push(countingClient);
    const countingDb: Database = {
      db: drizzle({ client: countingClient, relations }) as unknown as Db,
      driver: 'postgres',
      close: () => countingClient.end({ timeout: 5 }),
    };
    await migrateDatabase(countingDb, url);
    log('migrated');

    const env = benchEnv(url, dataDir);
    const api = await startServer('api', env);
    children.push(api.child);
    const graphqlUrl = `${api.url}/graphql`;
    log(`API server on ${api.url}`);

    // One organisation per client (plus one for the list), so that no two clients share rate-limit
    // counters, pending-email uniqueness or an audit chain. signUp hashes a password with argon2,
    // hence a few at a time.
    const runTag = randomBytes(3).toString('hex');
    const owners = await pool(
      Array.from({ length: CONCURRENCY + 3 + ANALYTICS_SIZES.length }, (_, i) => i),
      4,
      async (i): Promise<Owner> => {
        const data = await graphql<{
          signUp: { __typename: string; token: string; organization: { id: string }; user: { id: string } };
        }>(agent, graphqlUrl, SIGN_UP, {
          input: {
            email: `owner-${runTag}-${i}@bench.example.com`,
            password: 'correct horse battery staple',
            name: `Owner ${i}`,
            organizationName: `Bench org ${i}`,
          },
        });
        if (data.signUp.__typename !== 'SignUpPayload') throw new Error(`signUp: ${JSON.stringify(data.signUp)}`);
        return {
          token: data.signUp.token,
          userId: decodeGlobalID(data.signUp.user.id).id,
          organizationId: decodeGlobalID(data.signUp.organization.id).id,
          organizationGlobalId: data.signUp.organization.id,
        };
      },
    );
    const analyticsOwners = owners.splice(CONCURRENCY + 3);
    const fanoutOwner = owners.pop() as Owner;
    const deliveryOwner = owners.pop() as Owner;
    const listOwner = owners.pop() as Owner;
    log(`signed up ${owners.length + 1 + analyticsOwners.length} owners`);

    await seedListInvitations(checkSql, listOwner.organizationId, listOwner.userId, SEED_INVITATIONS);
    log(`seeded ${SEED_INVITATIONS} invitations`);

    // Statements per request, on the counting app (see statementCounter).
    const countingApp = await buildApp(parseConfig(env), { database: countingDb });
    closers.push(() => countingApp.stop());
    const owner0 = owners[0] as Owner;
    const appRequest = async (query: string, variables: Record<string, unknown>, token: string) => {
      const res = await countingApp.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      if (res.status !== 200 || text.includes('"errors"')) throw new Error(`counting request: ${text.slice(0, 300)}`);
    };
    const sendInput = (owner: Owner, email: string) => ({
      input: { organizationId: owner.organizationGlobalId, email, role: 'MEMBER' },
    });
    const statements = {
      sendApi: await counter.count((i) =>
        appRequest(SEND, sendInput(owner0, `count-api-${i + 1}@bench.example.com`), owner0.token),
      ),
      sendRaw: await counter.count((i) =>
        rawSend(countingClient, owner0.organizationId, owner0.userId, `count-raw-${i + 1}@bench.example.com`),
      ),
      listApi: await counter.count(() =>
        appRequest(LIST, { organizationId: listOwner.organizationGlobalId }, listOwner.token),
      ),
      listRaw: await counter.count(() => rawList(countingClient, listOwner.organizationId)),
    };
    log(`counted statements (${counter.method})`);

    // --- send: API ---
    const sendOverGraphql = (endpoint: string, prefix: string) => async (client: number, seq: number) => {
      const owner = owners[client] as Owner;
      const { status, text } = await httpRequest(
        agent,
        endpoint,
        { query: SEND, variables: sendInput(owner, `${prefix}${client}-${seq}@bench.example.com`) },
        { authorization: `Bearer ${owner.token}` },
      );
      return status === 200 && text.includes('"__typename":"SendInvitationPayload"') ? true : `HTTP ${status}: ${text}`;
    };
    await runLoad(CONCURRENCY, WARMUP_MS, sendOverGraphql(graphqlUrl, 'warm-api-'));
    const sendApiLoad = await runServerLoad(api.child, CONCURRENCY, DURATION_MS, sendOverGraphql(graphqlUrl, 'api-'));
    const sendApiRows = await rowsByPrefix(checkSql, 'api-');
    log(`send API: ${fmt(sendApiLoad.throughput)} req/s`);

    // --- send: the REST door's operation over GraphQL, then the same through the REST door (src/rest) ---
    const restOperation = loadRestDocument(schema).operations.get('RestSendInvitation');
    if (!restOperation) throw new Error('no REST operation RestSendInvitation');
    const sendRestOperation = (prefix: string) => async (client: number, seq: number) => {
      const owner = owners[client] as Owner;
      const { status, text } = await httpRequest(
        agent,
        graphqlUrl,
        {
          query: restOperation.source,
          operationName: restOperation.name,
          variables: sendInput(owner, `${prefix}${client}-${seq}@bench.example.com`),
        },
        { authorization: `Bearer ${owner.token}` },
      );
      return status === 200 && text.includes('"__typename":"SendInvitationPayload"') ? true : `HTTP ${status}: ${text}`;
    };
    await runLoad(CONCURRENCY, WARMUP_MS, sendRestOperation('warm-gqlrest-'));
    const sendSameOpLoad = await runLoad(CONCURRENCY, DURATION_MS, sendRestOperation('gqlrest-'));
    log(`send GraphQL, REST's operation: ${fmt(sendSameOpLoad.throughput)} req/s`);
    const restUrl = `${api.url}/api/team/invite-enhanced`;
    const sendOverRest = (prefix: string) => async (client: number, seq: number) => {
      const owner = owners[client] as Owner;
      const { status, text } = await httpRequest(
        agent,
        restUrl,
        sendInput(owner, `${prefix}${client}-${seq}@bench.example.com`).input,
        { authorization: `Bearer ${owner.token}` },
      );
      return status === 201 && text.includes('"replayed":false') ? true : `HTTP ${status}: ${text}`;
    };
    await runLoad(CONCURRENCY, WARMUP_MS, sendOverRest('warm-rest-'));
    const sendRestLoad = await runLoad(CONCURRENCY, DURATION_MS, sendOverRest('rest-'));
    const sendRestRows = await rowsByPrefix(checkSql, 'rest-');
    log(`send REST: ${fmt(sendRestLoad.throughput)} req/s`);

    // --- send: floor, 32 clients on a postgres.js pool of the same size as the API's ---
    const floorSql = postgres(url, { max: POOL_SIZE, onnotice: () => {} });
    clients.push(floorSql);
    const sendRaw = (prefix: string) => async (client: number, seq: number) => {
      const owner = owners[client] as Owner;
      await rawSend(floorSql, owner.organizationId, owner.userId, `${prefix}${client}-${seq}@bench.example.com`);
      return true as const;
    };
    await runLoad(CONCURRENCY, WARMUP_MS, sendRaw('warm-raw-'));
    const sendRawLoad = await runLoad(CONCURRENCY, DURATION_MS, sendRaw('raw-'));
    const sendRawRows = await rowsByPrefix(checkSql, 'raw-');
    log(`send floor: ${fmt(sendRawLoad.throughput)} req/s`);

    // --- list: API vs the same query behind a bare node:http server ---
    const listOverGraphql = (endpoint: string) => async () => {
      const { status, text } = await httpRequest(
        agent,
        endpoint,
        { query: LIST, variables: { organizationId: listOwner.organizationGlobalId } },
        { authorization: `Bearer ${listOwner.token}` },
      );
      if (status !== 200) return `HTTP ${status}: ${text}`;
      const edges = (JSON.parse(text) as { data?: { invitations?: { edges?: unknown[] } } }).data?.invitations?.edges;
      return edges?.length === 100 ? true : `unexpected answer: ${text.slice(0, 300)}`;
    };
    const listApi = listOverGraphql(graphqlUrl);
    await runLoad(CONCURRENCY, WARMUP_MS, listApi);
    const listApiLoad = await runServerLoad(api.child, CONCURRENCY, DURATION_MS, listApi);
    log(`list API: ${fmt(listApiLoad.throughput)} req/s`);

    const analytics = await benchAnalytics({
      db: countingDb.db,
      analytics: countingApp.services.analytics,
      agent,
      graphqlUrl,
      owners: analyticsOwners,
      sizes: ANALYTICS_SIZES,
      samples: ANALYTICS_SAMPLES,
      log,
    });
    const fanout = await benchFanout({
      target: apiFanoutTarget({ server: api.child, graphqlUrl, agent, owner: fanoutOwner }),
      sizes: FANOUT_SIZES,
      events: FANOUT_EVENTS,
      log,
    });
    // The accept page of a real invitation, in Chromium on a throttled connection.
    const invited = await graphql<{ sendInvitation: { __typename: string; inviteUrl?: string } }>(
      agent,
      graphqlUrl,
      SEND,
      sendInput(listOwner, `web-${runTag}@bench.example.com`),
      listOwner.token,
    );
    if (!invited.sendInvitation.inviteUrl) throw new Error(`send: ${JSON.stringify(invited.sendInvitation)}`);
    const web = await benchWeb({ root, acceptUrl: invited.sendInvitation.inviteUrl, runs: quick ? 1 : 3, log });
    await stopServer(api.child);

    const floor = await startServer('floor', env);
    children.push(floor.child);
    const floorListUrl = `${floor.url}/list?organizationId=${listOwner.organizationId}`;
    const listRaw = async () => {
      const { status, text } = await httpRequest(agent, floorListUrl);
      if (status !== 200) return `HTTP ${status}: ${text}`;
      const page = (JSON.parse(text) as { data?: { rows?: unknown[] } }).data;
      return page?.rows?.length === 100 ? true : `unexpected answer: ${text.slice(0, 300)}`;
    };
    await runLoad(CONCURRENCY, WARMUP_MS, listRaw);
    const listRawLoad = await runServerLoad(floor.child, CONCURRENCY, DURATION_MS, listRaw);
    log(`list floor: ${fmt(listRawLoad.throughput)} req/s`);
    const fanoutFloor = await benchFanout({
      target: {
        server: floor.child,
        wsUrl: `${floor.url.replace(/^http/, 'ws')}/graphql`,
        token: 'none',
        organizationId: 'none',
        async emit() {
          const { text } = await httpRequest(agent, `${floor.url}/emit`);
          return (JSON.parse(text) as { id: string }).id;
        },
      },
      sizes: FANOUT_SIZES,
      events: FANOUT_EVENTS,
      log,
    });
    await stopServer(floor.child);

    // --- decomposition: the same two operations on plain graphql-yoga over the floors' SQL ---
    const yoga = await startServer('yoga', env);
    children.push(yoga.child);
    const yogaUrl = `${yoga.url}/graphql`;
    await runLoad(CONCURRENCY, WARMUP_MS, sendOverGraphql(yogaUrl, 'warm-yoga-'));
    const sendYogaLoad = await runServerLoad(yoga.child, CONCURRENCY, DURATION_MS, sendOverGraphql(yogaUrl, 'yoga-'));
    const listYoga = listOverGraphql(yogaUrl);
    await runLoad(CONCURRENCY, WARMUP_MS, listYoga);
    const listYogaLoad = await runServerLoad(yoga.child, CONCURRENCY, DURATION_MS, listYoga);
    log(`plain yoga: send ${fmt(sendYogaLoad.throughput)} req/s, list ${fmt(listYogaLoad.throughput)} req/s`);
    await stopServer(yoga.child);
    const decomposition = {
      send: { api: sendApiLoad, yoga: sendYogaLoad },
      list: { api: listApiLoad, yoga: listYogaLoad, floor: listRawLoad },
    };

    const delivery = await benchDelivery({
      database: countingDb,
      env,
      owner: deliveryOwner,
      emails: DELIVERY_EMAILS,
      log,
    });
    log(`delivery: ${fmt(delivery.api.emailsPerSecond)} emails/s`);

    const webhooks = await benchWebhooks({
      database: countingDb,
      env,
      owner: deliveryOwner,
      deliveries: WEBHOOK_DELIVERIES,
      log,
    });
    log(`webhooks: ${fmt(webhooks.api.deliveriesPerSecond)} deliveries/s`);

    // --- report ---
    const rowsOk = (rows: Record<string, number>, load: LoadResult) =>
      Object.values(rows).every((n) => n === load.ok) && load.errors === 0;
    const send = {
      api: {
        ...sendApiLoad,
        sqlPerRequest: statements.sendApi.perRequest,
        rows: sendApiRows,
        rowsOk: rowsOk(sendApiRows, sendApiLoad),
      },
      raw: {
        ...sendRawLoad,
        sqlPerRequest: statements.sendRaw.perRequest,
        rows: sendRawRows,
        rowsOk: rowsOk(sendRawRows, sendRawLoad),
      },
      ratio: sendApiLoad.throughput / sendRawLoad.throughput,
    };
    const restSend = {
      rest: { ...sendRestLoad, rows: sendRestRows, rowsOk: rowsOk(sendRestRows, sendRestLoad) },
      graphql: sendSameOpLoad,
      ratio: sendRestLoad.throughput / sendSameOpLoad.throughput,
    };
    const list = {
      api: { ...listApiLoad, sqlPerRequest: statements.listApi.perRequest },
      raw: { ...listRawLoad, sqlPerRequest: statements.listRaw.perRequest },
      ratio: listApiLoad.throughput / listRawLoad.throughput,
    };
    const largest = analytics.at(-1) as AnalyticsFigures;
    const targets = [
      {
        name: `send throughput >= ${pct(TARGETS.sendRatio)} of floor`,
        actual: pct(send.ratio),
        met: send.ratio >= TARGETS.sendRatio,
      },
      {
        name: `send p99 <= ${TARGETS.sendP99Ms} ms`,
        actual: `${fmt(send.api.p99Ms, 2)} ms`,
        met: send.api.p99Ms <= TARGETS.sendP99Ms,
      },
      ...(['send', 'list'] as const).map((kind) => {
        const cpu = decomposition[kind].api.serverCpuMsPerRequest;
        const budget = kind === 'send' ? TARGETS.sendCpuMs : TARGETS.listCpuMs;
        return {
          name: `${kind} server CPU <= ${budget} ms per request`,
          actual: `${fmt(cpu, 2)} ms`,
          met: cpu <= budget,
        };
      }),
      {
        name: 'REST send rows created == requests answered 201, zero errors',
        actual: restSend.rest.rowsOk ? 'yes' : 'no',
        met: restSend.rest.rowsOk,
      },
      {
        name: `list throughput >= ${pct(TARGETS.listRatio)} of floor`,
        actual: pct(list.ratio),
        met: list.ratio >= TARGETS.listRatio,
      },
      {
        name: 'send rows created == requests answered OK, zero errors',
        actual: `${send.api.rowsOk && send.raw.rowsOk ? 'yes' : 'no'}`,
        met: send.api.rowsOk && send.raw.rowsOk,
      },
      ...(['stats', 'series'] as const).map((kind) => ({
        name: `${kind} p95 <= ${TARGETS.analyticsP95Ms} ms at ${largest.invitations} invitations${quick ? ' (the target is at 1,000,000)' : ''}`,
        actual: `${fmt(largest[kind].api.p95Ms, 2)} ms`,
        met: largest[kind].api.p95Ms <= TARGETS.analyticsP95Ms,
      })),
      {
        name: `delivery >= ${TARGETS.emailsPerSecond} emails/s`,
        actual: `${fmt(delivery.api.emailsPerSecond)} emails/s`,
        met: delivery.api.emailsPerSecond >= TARGETS.emailsPerSecond,
      },
      ...(() => {
        const most = fanout.at(-1) as FanoutFigures;
        const at = `${most.subscribers} subscribers${quick ? ' (the target is at 10,000)' : ''}`;
        return [
          {
            name: `fan-out p95 <= ${TARGETS.fanoutP95Ms} ms at ${at}`,
            actual: `${fmt(most.p95Ms, 0)} ms, ${most.missed} events missed`,
            met: most.p95Ms <= TARGETS.fanoutP95Ms && most.missed === 0,
          },
          {
            name: `memory <= ${TARGETS.fanoutKbPerConnection} KB per connection at ${at}`,
            actual: `${fmt(most.memoryPerConnectionKb)} KB`,
            met: most.memoryPerConnectionKb <= TARGETS.fanoutKbPerConnection,
          },
        ];
      })(),
      {
        name: `/health within ${STARTUP_BUDGETS.newDatabaseMs / 1000} s of npm start on a new embedded database`,
        actual: `${fmt(startup.newDatabase.median.healthMs / 1000, 2)} s`,
        met: startup.newDatabase.median.healthMs <= STARTUP_BUDGETS.newDatabaseMs,
      },
      {
        name: `/health within ${STARTUP_BUDGETS.existingDatabaseMs / 1000} s of npm start on an existing embedded database`,
        actual: `${fmt(startup.existingDatabase.median.healthMs / 1000, 2)} s`,
        met: startup.existingDatabase.median.healthMs <= STARTUP_BUDGETS.existingDatabaseMs,
      },
      {
        name: `idle server <= ${STARTUP_BUDGETS.idleRssMb} MB resident on the embedded database`,
        actual: `${fmt(Math.max(startup.newDatabase.median.serverRssMb, startup.existingDatabase.median.serverRssMb), 0)} MB`,
        met:
          Math.max(startup.newDatabase.median.serverRssMb, startup.existingDatabase.median.serverRssMb) <=
          STARTUP_BUDGETS.idleRssMb,
      },
      {
        name: `accept page loads <= ${WEB_BUDGETS.acceptPageKb} KB of gzipped JavaScript and CSS`,
        actual: web.acceptPage ? `${fmt(web.acceptPage.scriptAndStyleGzipBytes / 1024)} KB` : 'n/a (no Chromium)',
        met: web.acceptPage !== null && web.acceptPage.scriptAndStyleGzipBytes <= WEB_BUDGETS.acceptPageKb * 1024,
      },
      {
        name: 'list zero errors',
        actual: `${list.api.errors + list.raw.errors} errors`,
        met: list.api.errors + list.raw.errors === 0,
      },
    ];

    console.log(
      `\n${quick ? 'Quick' : 'Full'} run: ${CONCURRENCY} clients, ${DURATION_MS / 1000} s per side ` +
        `(after ${WARMUP_MS / 1000} s warm-up), pool ${POOL_SIZE}; ${os.cpus().length} CPUs, Node ${process.version}\n`,
    );
    printTable(send, list);
    printDecomposition(decomposition);
    printRest(restSend);
    printAnalytics(analytics);
    printDelivery(delivery);
    printWebhooks(webhooks);
    printFanout(fanout, fanoutFloor);
    printStartup(startup);
    printWeb(web);
    console.log(`\nSQL statements counted by ${counter.method}`);
    console.log('\nTargets');
    for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${t.actual}`);
    for (const [label, side] of Object.entries({
      'send API': send.api,
      'send floor': send.raw,
      'send REST': restSend.rest,
      'list API': list.api,
      'list floor': list.raw,
    })) {
      if (side.errorSamples.length > 0)
        console.log(`\n${label} errors, first few:\n  ${side.errorSamples.join('\n  ')}`);
    }

    const resultsDir = path.join(benchDir, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const results = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? null,
        totalMemBytes: os.totalmem(),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      settings: {
        concurrency: CONCURRENCY,
        durationSeconds: DURATION_MS / 1000,
        warmupSeconds: WARMUP_MS / 1000,
        poolSize: POOL_SIZE,
        seededInvitations: SEED_INVITATIONS,
      },
      statementCounting: { method: counter.method, samples: COUNT_SAMPLES, statements },
      send,
      restSend,
      list,
      decomposition,
      analytics,
      delivery,
      webhooks,
      fanout: { api: fanout, floor: fanoutFloor },
      startup,
      web,
      targets,
    };
    writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    log('wrote bench/results/latest.json');
    return 0;
  } finally {
    for (const child of children) await stopServer(child).catch(() => {});
    for (const close of closers) await close().catch(() => {});
    for (const client of clients) await client.end({ timeout: 5 }).catch(() => {});
    agent.destroy();
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch((error: unknown) => {
      console.error(`could not drop database ${name}: ${String(error)}`);
    });
    await admin.end({ timeout: 5 });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('benchmark harness failed:', error);
    process.exit(1);
  },
);
