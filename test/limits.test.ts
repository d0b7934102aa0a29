// Abuse limits and hardening, through the real server: query depth, aliases, directives, tokens and
// cost, each refused with its code over HTTP, graphql-ws and SSE, page sizes priced alike as
// literals and variables; production switches (introspection, suggestions, GraphiQL); CSRF; no
// mutations over GET; body size; log-in brute force per account and address, per address, and an
// account's progressive delays that strangers cannot turn into a lock-out; health; masked
// unexpected errors.
import { randomUUID } from 'node:crypto';
import { count, sql } from 'drizzle-orm';
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { users } from '../src/db/schema/index.js';
import { encodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { randomIp, type TestApp, type TestClock, useTestApp } from './helpers/app.js';
import { testDatabase } from './helpers/db.js';
import { type Account, newAccount, SignUp, uniqueEmail } from './helpers/seed.js';

// Distinctive limits, so that an error message echoing one of them would show.
const DEPTH = 6;
const ALIASES = 7;
const TOKENS = 300;
const COST = 150;

const t = useTestApp({
  MAX_QUERY_DEPTH: String(DEPTH),
  MAX_QUERY_ALIASES: String(ALIASES),
  MAX_QUERY_TOKENS: String(TOKENS),
  MAX_QUERY_COST: String(COST),
});

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const productionKey = await exportPKCS8(privateKey);

const DepthSix = graphql(`
  query LimitsDepthSix {
    viewer { memberships { organization { members { nodes { role } } } } }
  }
`);

const LogIn = graphql(`
  mutation LimitsLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token user { email } }
      ... on UserError { code message }
      ... on TooManyAttemptsError { retryAfter }
    }
  }
`);

const Introspection = graphql(`
  query LimitsIntrospection {
    __schema { types { name } }
  }
`);

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function run(app: TestApp, query: string, token?: string): Promise<Body & { status: number }> {
  const response = await app.post({ query }, { token });
  return { status: response.status, ...((await response.json()) as Body) };
}

/** Refused before execution with its code, and a message that names neither the limit nor what was found. */
function expectRefusedByLimit(result: Body, limit: number, code: string) {
  expect(result.data ?? undefined).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  expect(result.errors?.[0]?.extensions).toEqual({ code });
  const message = result.errors?.[0]?.message ?? '';
  expect(message).not.toMatch(/syntax error|validation error/i);
  expect(message).not.toContain(String(limit));
  expect(message).not.toMatch(/\d/);
}

async function usersWithEmail(email: string) {
  const { db } = await testDatabase();
  const [row] = await db.select({ n: count() }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row?.n ?? 0;
}

function signUpBody(email: string, extensions?: Record<string, unknown>) {
  return {
    query: print(SignUp),
    variables: {
      input: { email, password: `pw-${randomUUID()}`, name: 'Limit Tester', organizationName: 'Limits Ltd' },
    },
    ...(extensions ? { extensions } : {}),
  };
}

const repeat = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join(' ');

// `{` + 99 × `aN: __typename` (3 tokens each, aliases of __typename are not counted) + extra
// `__typename`s + `}`: 300 tokens with one extra, 301 with two. Costs stay near 100, under 150.
const tokensQuery = (extra: number) =>
  `{ ${repeat(99, (i) => `a${i}: __typename`)} ${repeat(extra, () => '__typename')} }`;

// graphql-armor's cost: a scalar costs 1, an object 2 plus 1.5 × its children. So
// `{ viewer { user { id × n } } }` costs 2 + 1.5 × (2 + 1.5n) = 5 + 2.25n: 151.25 for 65, 149 for 64.
const costQuery = (ids: number) => `{ viewer { user { ${repeat(ids, () => 'id')} } } }`;

describe('query limits', () => {
  it('refuses a query one level deeper than MAX_QUERY_DEPTH without naming the limit', async () => {
    const account = await newAccount(t, 'depth');
    // viewer(1) memberships(2) organization(3) members(4) nodes(5) organization(6) id(7)
    const result = await run(
      t,
      '{ viewer { memberships { organization { members { nodes { organization { id } } } } } } }',
      account.token,
    );
    expectRefusedByLimit(result, DEPTH, 'QUERY_TOO_DEEP');
  });

  it('runs a query exactly MAX_QUERY_DEPTH deep', async () => {
    const account = await newAccount(t, 'depthok');
    const result = await t.gql(DepthSix, {}, { token: account.token });
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer?.memberships[0]?.organization.members).toEqual({ nodes: [{ role: 'OWNER' }] });
  });

  it('refuses one alias more than MAX_QUERY_ALIASES without naming the limit', async () => {
    const account = await newAccount(t, 'alias');
    const result = await run(t, `{ viewer { ${repeat(ALIASES + 1, (i) => `a${i}: user { id }`)} } }`, account.token);
    expectRefusedByLimit(result, ALIASES, 'TOO_MANY_ALIASES');
  });

  it('runs a query with exactly MAX_QUERY_ALIASES aliases', async () => {
    const account = await newAccount(t, 'aliasok');
    const result = await run(t, `{ viewer { ${repeat(ALIASES, (i) => `a${i}: user { id }`)} } }`, account.token);
    expect(result.errors).toBeUndefined();
    const viewer = result.data?.viewer as Record<string, { id: string }>;
    expect(Object.keys(viewer)).toHaveLength(ALIASES);
    expect(viewer.a0).toEqual({ id: account.userId });
  });

  it('refuses a document one token over MAX_QUERY_TOKENS without naming the limit', async () => {
    const result = await run(t, tokensQuery(2));
    expectRefusedByLimit(result, TOKENS, 'QUERY_TOO_LARGE');
  });

  it('runs a document of exactly MAX_QUERY_TOKENS tokens', async () => {
    const result = await run(t, tokensQuery(1));
    expect(result.errors).toBeUndefined();
    expect(result.data?.a98).toBe('Query');
    expect(result.data?.__typename).toBe('Query');
  });

  it('refuses a query costing more than MAX_QUERY_COST without naming the limit', async () => {
    const account = await newAccount(t, 'cost');
    const result = await run(t, costQuery(65), account.token);
    expectRefusedByLimit(result, COST, 'QUERY_TOO_COSTLY');
  });

  it('runs a query costing just under MAX_QUERY_COST', async () => {
    const account = await newAccount(t, 'costok');
    const result = await run(t, costQuery(64), account.token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer).toEqual({ user: { id: account.userId } });
  });
});

// `signUp` answering its organization's members, a page of `n`: graphql-armor's cost is
// members (2 + 1.5 × nodes (2 + 1.5 × id)) × n = 7.25n, organization 2 + 1.5 × that, the
// SignUpPayload fragment 2 + 1.5 × that, signUp 2 + 1.5 × that: 9.5 + 24.46875n, so 131.8 for
// n = 5 and 156.3 for n = 6, against COST = 150. A mutation, so that a refusal can be seen to
// have written nothing.
const signUpPage = (first: string, declare = '') =>
  `mutation LimitsSignUpPage($input: SignUpInput!${declare}) {
    signUp(input: $input) { ... on SignUpPayload { organization { members(${first}) { nodes { id } } } } }
  }`;

const signUpInput = (email: string) => ({
  email,
  password: `pw-${randomUUID()}`,
  name: 'Page Size',
  organizationName: 'Page Size Ltd',
});

describe('page sizes cost the same written in the query or passed as a variable', () => {
  const cases: [string, (n: number) => { query: string; variables?: Record<string, unknown> }][] = [
    ['a literal', (n) => ({ query: signUpPage(`first: ${n}`) })],
    ['a variable', (n) => ({ query: signUpPage('first: $n', ', $n: Int'), variables: { n } })],
    ['a variable’s default', (n) => ({ query: signUpPage('first: $n', `, $n: Int = ${n}`) })],
    [
      'a variable for `last`',
      (n) => ({ query: signUpPage('last: $n, before: $before', ', $n: Int, $before: String'), variables: { n } }),
    ],
  ];

  it.each(cases)('refuses a page one too large as %s, and creates nothing', async (_label, body) => {
    const email = uniqueEmail('costly');
    const { query, variables } = body(6);
    const response = await t.post({ query, variables: { ...variables, input: signUpInput(email) } });
    const result = (await response.json()) as Body;
    expectRefusedByLimit(result, COST, 'QUERY_TOO_COSTLY');
    expect(await usersWithEmail(email)).toBe(0);
  });

  it.each(cases)('runs a page just within the cost as %s', async (_label, body) => {
    const email = uniqueEmail('affordable');
    const { query, variables } = body(5);
    const response = await t.post({ query, variables: { ...variables, input: signUpInput(email) } });
    const result = (await response.json()) as Body;
    expect(result.errors).toBeUndefined();
    expect(result.data?.signUp).toEqual({ organization: { members: { nodes: [expect.any(Object)] } } });
    expect(await usersWithEmail(email)).toBe(1);
  });

  it('prices the same document anew for each request’s variables', async () => {
    const account = await newAccount(t, 'repriced');
    const query = `query LimitsRepriced($id: ID!, $n: Int) { organization(id: $id) { members(first: $n) { nodes { id } } } }`;
    // organization 2 + 1.5 × members 7.25n: 141.3 for n = 13, 152.1 for n = 14.
    const send = async (n: number) =>
      (await (
        await t.post({ query, variables: { id: account.organizationId, n } }, { token: account.token })
      ).json()) as Body;
    for (const n of [13, 14, 13, 14]) {
      const result = await send(n);
      if (n === 13) expect(result).toEqual({ data: { organization: { members: { nodes: [expect.any(Object)] } } } });
      else expectRefusedByLimit(result, COST, 'QUERY_TOO_COSTLY');
    }
  });

  it('counts a page size passed to a fragment', async () => {
    const account = await newAccount(t, 'fragment');
    const query = `query LimitsFragment($id: ID!, $n: Int) { organization(id: $id) { ...Page } }
      fragment Page on Organization { members(first: $n) { nodes { id } } }`;
    const send = async (n: number) =>
      (await (
        await t.post({ query, variables: { id: account.organizationId, n } }, { token: account.token })
      ).json()) as Body;
    // organization 2 + 1.5 × (the spread 1 + 1.5 × (the fragment 2 + 1.5 × members 7.25n)).
    expect((await send(5)).errors).toBeUndefined();
    expectRefusedByLimit(await send(6), COST, 'QUERY_TOO_COSTLY');
  });
});

type LimitCase = [code: string, limit: number, request: (account: Account) => GraphQLRequest];
interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
}

// One operation past each limit (MAX_QUERY_DEPTH and the rest as set above; directives: 20).
const pastEachLimit: LimitCase[] = [
  [
    'QUERY_TOO_DEEP',
    DEPTH,
    () => ({ query: '{ viewer { memberships { organization { members { nodes { organization { id } } } } } } }' }),
  ],
  [
    'TOO_MANY_ALIASES',
    ALIASES,
    () => ({ query: `{ viewer { ${repeat(ALIASES + 1, (i) => `a${i}: user { id }`)} } }` }),
  ],
  ['TOO_MANY_DIRECTIVES', 20, () => ({ query: `{ ${repeat(21, () => '__typename @include(if: true)')} }` })],
  ['QUERY_TOO_LARGE', TOKENS, () => ({ query: tokensQuery(2) })],
  [
    'QUERY_TOO_COSTLY',
    COST,
    // 2 + 1.5 × 7.25 × 14 = 154.25, priced from the variable.
    (account) => ({
      query: 'query($id: ID!, $n: Int) { organization(id: $id) { members(first: $n) { nodes { id } } } }',
      variables: { id: account.organizationId, n: 14 },
    }),
  ],
];

const limitsEnv = {
  MAX_QUERY_DEPTH: String(DEPTH),
  MAX_QUERY_ALIASES: String(ALIASES),
  MAX_QUERY_TOKENS: String(TOKENS),
  MAX_QUERY_COST: String(COST),
};

/** One operation over graphql-ws: what it answered, or what it was refused with. */
async function overWs(app: TestApp, account: Account, request: GraphQLRequest) {
  const client = createWsClient({
    url: `${app.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${account.token}` },
  });
  try {
    const results: unknown[] = [];
    const refused = await new Promise<unknown>((resolve) => {
      client.subscribe(request, {
        next: (value) => results.push(value),
        error: resolve,
        complete: () => resolve(undefined),
      });
    });
    return { results, refused };
  } finally {
    await client.dispose();
  }
}

describe('limit refusals on every transport', () => {
  const prod = useTestApp({ NODE_ENV: 'production', JWT_PRIVATE_KEY: productionKey, ...limitsEnv });

  it.each(pastEachLimit)(
    'answers %s over HTTP: 400 as GraphQL over HTTP, 200 as plain JSON',
    async (code, limit, request) => {
      const account = await newAccount(t, 'status');
      const spec = await t.post(request(account), {
        token: account.token,
        headers: { accept: 'application/graphql-response+json' },
      });
      expect(spec.status).toBe(400);
      expect(spec.headers.get('content-type')).toContain('application/graphql-response+json');
      const specBody = (await spec.json()) as Body;
      expectRefusedByLimit(specBody, limit, code);

      const json = await t.post(request(account), { token: account.token, headers: { accept: 'application/json' } });
      expect(json.status).toBe(200);
      expect(await json.json()).toEqual(specBody);
    },
  );

  it.each(pastEachLimit)('answers %s over graphql-ws as an error for that operation', async (code, limit, request) => {
    const account = await newAccount(t, 'wslimit');
    const { results, refused } = await overWs(t, account, request(account));
    expect(results).toEqual([]);
    expect(refused).toEqual([
      expect.objectContaining({ message: expect.any(String), extensions: expect.objectContaining({ code }) }),
    ]);
    const [error] = refused as { message: string }[];
    const overHttp = (await (await t.post(request(account), { token: account.token })).json()) as Body;
    expect(error?.message).toBe(overHttp.errors?.[0]?.message);
    expect(error?.message).not.toContain(String(limit));
  });

  it.each(pastEachLimit)(
    'answers %s in production without naming the limit, over HTTP and graphql-ws',
    async (code, limit, request) => {
      const account = await newAccount(prod, 'prodlimit');
      const overHttp = (await (await prod.post(request(account), { token: account.token })).json()) as Body;
      expectRefusedByLimit(overHttp, limit, code);
      const { results, refused } = await overWs(prod, account, request(account));
      expect(results).toEqual([]);
      expect(refused).toEqual([
        expect.objectContaining({
          message: overHttp.errors?.[0]?.message,
          extensions: expect.objectContaining({ code }),
        }),
      ]);
    },
  );

  it('answers a page size passed as a variable over SSE as the same literal', async () => {
    const account = await newAccount(t, 'sselimit');
    const client = createSseClient({
      url: `${t.url}/graphql`,
      headers: { authorization: `Bearer ${account.token}` },
      retryAttempts: 0,
    });
    const once = (request: GraphQLRequest) =>
      new Promise<{ results: unknown[]; refused?: unknown }>((resolve) => {
        const results: unknown[] = [];
        client.subscribe(request, {
          next: (value) => results.push(value),
          error: (refused) => resolve({ results, refused }),
          complete: () => resolve({ results }),
        });
      });
    const byVariable =
      'query LimitsSse($id: ID!, $n: Int) { organization(id: $id) { members(first: $n) { nodes { id } } } }';
    const byLiteral = (n: number) =>
      `query LimitsSse($id: ID!) { organization(id: $id) { members(first: ${n}) { nodes { id } } } }`;
    try {
      const variable = await once({ query: byVariable, variables: { id: account.organizationId, n: 14 } });
      const literal = await once({ query: byLiteral(14), variables: { id: account.organizationId } });
      expect(variable).toEqual({
        results: [{ errors: [expect.objectContaining({ extensions: { code: 'QUERY_TOO_COSTLY' } })] }],
      });
      expect(variable).toEqual(literal);
      const within = await once({ query: byVariable, variables: { id: account.organizationId, n: 13 } });
      expect(within).toEqual({ results: [{ data: { organization: { members: { nodes: [expect.any(Object)] } } } }] });
    } finally {
      client.dispose();
    }
  });
});

describe('production mode', () => {
  const prod = useTestApp({ NODE_ENV: 'production', JWT_PRIVATE_KEY: productionKey });
  const prodOpened = useTestApp({
    NODE_ENV: 'production',
    JWT_PRIVATE_KEY: productionKey,
    INTROSPECTION_ENABLED: 'true',
    GRAPHIQL_ENABLED: 'true',
  });

  const graphiql = (app: TestApp) => fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });

  it('refuses introspection in production', async () => {
    const schema = await prod.gql(Introspection);
    expect(schema.data ?? undefined).toBeUndefined();
    expect(schema.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    const type = await run(prod, '{ __type(name: "User") { name fields { name } } }');
    expect(type.data ?? undefined).toBeUndefined();
    expect(type.errors?.[0]?.message).toMatch(/introspection has been disabled/);
  });

  it('allows introspection in test mode', async () => {
    const result = await t.gql(Introspection);
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.types.map((type) => type.name)).toContain('Viewer');
  });

  it('allows introspection in production when INTROSPECTION_ENABLED is true', async () => {
    const result = await prodOpened.gql(Introspection);
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.types.map((type) => type.name)).toContain('Viewer');
  });

  it('hides field suggestions in production', async () => {
    const result = await run(prod, '{ viewr }');
    expect(result.errors).toHaveLength(1);
    const message = result.errors?.[0]?.message ?? '';
    expect(message).toContain('Cannot query field "viewr"');
    expect(message).not.toContain('Did you mean');
    expect(message).not.toContain('"viewer"');
  });

  it('suggests field names in test mode', async () => {
    const result = await run(t, '{ viewr }');
    expect(result.errors?.[0]?.message).toContain('Did you mean "viewer"?');
  });

  it('serves GraphiQL in test mode', async () => {
    const response = await graphiql(t);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect((await response.text()).toLowerCase()).toContain('graphiql');
  });

  it('does not serve GraphiQL in production', async () => {
    const response = await graphiql(prod);
    expect(response.status).not.toBe(200);
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    expect((await response.text()).toLowerCase()).not.toContain('graphiql');
  });

  it('serves GraphiQL in production when GRAPHIQL_ENABLED is true', async () => {
    const response = await graphiql(prodOpened);
    expect(response.status).toBe(200);
    expect((await response.text()).toLowerCase()).toContain('graphiql');
  });
});

describe('CSRF prevention', () => {
  const typename = () => `${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;

  it('refuses a GET without a CSRF header', async () => {
    const response = await fetch(typename());
    expect(response.status).toBe(403);
    const body = (await response.json()) as Body;
    expect(body.data ?? undefined).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/CSRF/);
  });

  it.each(['x-graphql-yoga-csrf', 'graphql-preflight'])('allows a GET carrying the %s header', async (header) => {
    const response = await fetch(typename(), { headers: { [header]: '1' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  const simpleRequests: [string, (email: string) => BodyInit][] = [
    ['text/plain', (email) => new Blob([JSON.stringify(signUpBody(email))], { type: 'text/plain;charset=UTF-8' })],
    [
      'a url-encoded form',
      (email) => {
        const body = signUpBody(email);
        return new URLSearchParams({ query: body.query, variables: JSON.stringify(body.variables) });
      },
    ],
    [
      'a multipart form',
      (email) => {
        const form = new FormData();
        form.set('operations', JSON.stringify(signUpBody(email)));
        form.set('map', '{}');
        return form;
      },
    ],
  ];

  it.each(simpleRequests)('refuses a POST of %s without a CSRF header, and creates nothing', async (_label, body) => {
    const email = uniqueEmail('csrf');
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', body: body(email) });
    expect(response.status).toBe(403);
    expect(await usersWithEmail(email)).toBe(0);
  });
});

describe('mutations over GET', () => {
  it('refuses a mutation sent as a GET, even with the CSRF header, and creates nothing', async () => {
    const email = uniqueEmail('get');
    const body = signUpBody(email);
    const query = new URLSearchParams({ query: body.query, variables: JSON.stringify(body.variables) });
    const response = await fetch(`${t.url}/graphql?${query}`, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as Body).data ?? undefined).toBeUndefined();
    expect(await usersWithEmail(email)).toBe(0);

    // The same request as a POST is a working sign-up.
    const posted = await t.post(body);
    expect(posted.status).toBe(200);
    expect(await usersWithEmail(email)).toBe(1);
  });
});

describe('request size', () => {
  const MAX_BYTES = 2000;
  const small = useTestApp({ MAX_REQUEST_BYTES: String(MAX_BYTES) });

  /** A sign-up request body of exactly `bytes` bytes, padded in `extensions`. */
  function signUpOfSize(email: string, bytes: number) {
    const bare = JSON.stringify(signUpBody(email, { pad: '' }));
    const text = JSON.stringify(signUpBody(email, { pad: 'x'.repeat(bytes - Buffer.byteLength(bare)) }));
    expect(Buffer.byteLength(text)).toBe(bytes);
    return text;
  }

  const send = (body: BodyInit) =>
    fetch(`${small.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': randomIp() },
      body,
      duplex: 'half',
    } as RequestInit);

  it('refuses a body one byte over MAX_REQUEST_BYTES with 413 and creates nothing', async () => {
    const email = uniqueEmail('big');
    const response = await send(signUpOfSize(email, MAX_BYTES + 1));
    expect(response.status).toBe(413);
    expect(await usersWithEmail(email)).toBe(0);
  });

  it('accepts a body of exactly MAX_REQUEST_BYTES', async () => {
    const email = uniqueEmail('fits');
    const response = await send(signUpOfSize(email, MAX_BYTES));
    expect(response.status).toBe(200);
    expect(await usersWithEmail(email)).toBe(1);
  });

  it('refuses a body sent in chunks, without a content-length, and creates nothing', async () => {
    const email = uniqueEmail('chunked');
    const bytes = new TextEncoder().encode(signUpOfSize(email, MAX_BYTES * 4));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 500) controller.enqueue(bytes.subarray(at, at + 500));
        controller.close();
      },
    });
    const response = await send(stream);
    // A body of unstated length is refused whatever its size: 411 Length Required.
    expect(response.status).toBe(411);
    expect(await usersWithEmail(email)).toBe(0);
  });
});

describe('log-in brute force', () => {
  /** Failures an account may take from addresses it has not logged in from before they slow down. */
  const FREE = 3;
  const PER_PAIR = 2;
  const PER_ADDRESS = 4;
  const WINDOW = 600;
  // A first delay of a minute: no request takes that long, so real time passing between two
  // requests never lets an attempt through early, whatever the machine's load.
  const BASE = 60;
  const MAX = 240;
  const login = useTestApp({
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(FREE),
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: String(PER_PAIR),
    LOGIN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
    LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW),
    LOGIN_DELAY_BASE_SECONDS: String(BASE),
    LOGIN_DELAY_MAX_SECONDS: String(MAX),
  });

  /** Moves the clock just past the start of a fixed window, so a test never straddles two. */
  function startFreshWindow(clock: TestClock) {
    const ms = WINDOW * 1000;
    clock.advance((ms - (clock.now().getTime() % ms)) / 1000 + 1);
  }

  const right = (account: Account) => ({ input: { email: account.email, password: account.password } });
  const wrong = (email: string) => ({ input: { email, password: 'not-the-password' } });
  type LogInResult = Awaited<ReturnType<typeof attempt>>;

  /** One log-in from `ip` (a fresh address unless given). */
  const attempt = (input: ReturnType<typeof right>, ip = randomIp()) => login.gql(LogIn, input, { ip });

  async function failOnce(email: string, headers: { ip?: string; headers?: Record<string, string> } = {}) {
    const result = await login.gql(LogIn, wrong(email), { ip: randomIp(), ...headers });
    expect(result.data?.logIn?.__typename).toBe('InvalidCredentialsError');
  }

  /** The wait a refusal names; fails the test unless it is one, within `atMost` seconds. */
  function tooManyAttempts(result: LogInResult, atMost = WINDOW): number {
    const payload = result.data?.logIn;
    expect(payload).toMatchObject({ __typename: 'TooManyAttemptsError', code: 'TOO_MANY_ATTEMPTS' });
    expect(payload).not.toHaveProperty('token');
    const retryAfter = payload?.__typename === 'TooManyAttemptsError' ? payload.retryAfter : 0;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(atMost);
    return retryAfter;
  }

  const signedIn = (result: LogInResult, account: Account) =>
    expect(result.data?.logIn).toMatchObject({ __typename: 'AuthPayload', user: { email: account.email } });

  it('refuses one address after too many failures for one account, while the account’s other addresses get in', async () => {
    startFreshWindow(login.clock);
    const account = await newAccount(login, 'pair');
    const ip = randomIp();
    for (let i = 0; i < PER_PAIR; i++) await failOnce(account.email, { ip });

    // The hard limit: longer than any delay, until the window passes.
    expect(tooManyAttempts(await attempt(right(account), ip))).toBeGreaterThan(MAX);
    signedIn(await attempt(right(account)), account);

    login.clock.advance(WINDOW);
    signedIn(await attempt(right(account), ip), account);
  });

  it('never keeps the owner out: a stranger failing 50 times from other addresses does not slow the owner’s own address, and slows a new one by at most the longest delay', async () => {
    startFreshWindow(login.clock);
    const owner = await newAccount(login, 'owner');
    const home = randomIp();
    signedIn(await attempt(right(owner), home), owner);

    /** The stranger guesses from a new address each time, as fast as the delays allow. */
    async function hammer(failures: number) {
      const waits: number[] = [];
      for (let failed = 0; failed < failures; ) {
        const result = await attempt(wrong(owner.email));
        if (result.data?.logIn?.__typename === 'InvalidCredentialsError') failed++;
        else {
          const wait = tooManyAttempts(result, MAX);
          waits.push(wait);
          login.clock.advance(wait);
        }
      }
      return waits;
    }

    const waits = await hammer(50);
    // The stranger got slower and slower, up to the cap, and never locked out.
    expect(waits.length).toBe(50 - FREE);
    expect(waits.at(-1)).toBeGreaterThan(MAX / 2);
    // At home the owner gets straight in, though the stranger has just failed again.
    signedIn(await attempt(right(owner), home), owner);

    // Away from home, the owner waits at most the longest delay, once, then gets in.
    await hammer(FREE + 3);
    const away = randomIp();
    const wait = tooManyAttempts(await attempt(right(owner), away), MAX);
    login.clock.advance(wait);
    signedIn(await attempt(right(owner), away), owner);
  });

  it('counts the address an account signed up from as its owner’s: a stranger’s failures do not slow it', async () => {
    startFreshWindow(login.clock);
    const home = randomIp();
    const email = uniqueEmail('fresh');
    const password = `pw-${randomUUID()}`;
    const signedUp = await login.gql(
      SignUp,
      { input: { email, password, name: 'Fresh Owner', organizationName: 'Fresh Org' } },
      { ip: home },
    );
    expect(signedUp.data?.signUp?.__typename).toBe('SignUpPayload');
    for (let i = 0; i < FREE; i++) await failOnce(email);
    tooManyAttempts(await attempt(wrong(email)), BASE);

    const result = await attempt({ input: { email, password } }, home);
    expect(result.data?.logIn).toMatchObject({ __typename: 'AuthPayload', user: { email } });
  });

  it('slows an account down progressively from addresses it has not logged in from, and a success resets that', async () => {
    startFreshWindow(login.clock);
    const account = await newAccount(login, 'slowed');
    for (let i = 0; i < FREE; i++) await failOnce(account.email);

    // Each delay counts from the last failure and doubles, up to the cap: 60, 120, 240, 240 seconds.
    for (const delay of [BASE, 2 * BASE, 4 * BASE, MAX]) {
      const wait = tooManyAttempts(await attempt(wrong(account.email)), delay);
      expect(wait).toBeGreaterThan(delay / 2);
      login.clock.advance(wait);
      await failOnce(account.email);
    }
    login.clock.advance(tooManyAttempts(await attempt(right(account)), MAX));
    signedIn(await attempt(right(account)), account);

    // The success forgot the failures: the free ones again, then the first delay.
    for (let i = 0; i < FREE; i++) await failOnce(account.email);
    expect(tooManyAttempts(await attempt(wrong(account.email)), BASE)).toBeGreaterThan(BASE / 2);
  });

  it('forgets an account’s failures once it has been quiet for the window', async () => {
    startFreshWindow(login.clock);
    const account = await newAccount(login, 'quiet');
    for (let i = 0; i < FREE; i++) await failOnce(account.email);
    tooManyAttempts(await attempt(wrong(account.email)), BASE);

    login.clock.advance(WINDOW);
    for (let i = 0; i < FREE; i++) await failOnce(account.email);
  });

  it('lets an account in below the limits, and a success starts the count again', async () => {
    startFreshWindow(login.clock);
    const account = await newAccount(login, 'under');
    const ip = randomIp();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < PER_PAIR - 1; i++) await failOnce(account.email, { ip });
      for (let i = 0; i < FREE - PER_PAIR; i++) await failOnce(account.email);
      signedIn(await attempt(right(account), ip), account);
    }
  });

  it('counts concurrent failures from one address, so parallel guesses cannot exceed its limit', async () => {
    startFreshWindow(login.clock);
    const account = await newAccount(login, 'parallel-pair');
    const ip = randomIp();
    const attempts = PER_PAIR * 4;
    const results = await Promise.all(Array.from({ length: attempts }, () => attempt(wrong(account.email), ip)));
    const kinds = results.map((r) => r.data?.logIn?.__typename);
    expect(kinds.filter((k) => k === 'InvalidCredentialsError').length).toBeLessThanOrEqual(PER_PAIR);
    expect(kinds.filter((k) => k === 'TooManyAttemptsError').length).toBeGreaterThanOrEqual(attempts - PER_PAIR);
    tooManyAttempts(await attempt(right(account), ip));
  });

  it('counts concurrent failures from many addresses, so parallel guesses cannot skip the delays', async () => {
    startFreshWindow(login.clock);
    const account = await newAccount(login, 'parallel-account');
    const attempts = FREE * 4;
    const results = await Promise.all(Array.from({ length: attempts }, () => attempt(wrong(account.email))));
    const kinds = results.map((r) => r.data?.logIn?.__typename);
    expect(kinds.filter((k) => k === 'InvalidCredentialsError').length).toBe(FREE);
    expect(kinds.filter((k) => k === 'TooManyAttemptsError').length).toBe(attempts - FREE);
    tooManyAttempts(await attempt(right(account)), BASE);
  });

  it('refuses an address after too many failures across accounts, while another address still gets in', async () => {
    startFreshWindow(login.clock);
    const ip = randomIp();
    const victims = await Promise.all(Array.from({ length: PER_ADDRESS }, () => newAccount(login, 'sprayed')));
    for (const victim of victims) await failOnce(victim.email, { ip });

    const account = await newAccount(login, 'bystander');
    tooManyAttempts(await attempt(right(account), ip));
    signedIn(await attempt(right(account)), account);

    login.clock.advance(WINDOW);
    signedIn(await attempt(right(account), ip), account);
  });

  it('counts failures against the address the proxy saw, not one the client put in X-Forwarded-For', async () => {
    startFreshWindow(login.clock);
    const client = randomIp();
    // The client sends its own X-Forwarded-For; the trusted proxy appends the address it saw.
    const viaProxy = () => ({ headers: { 'x-forwarded-for': `${randomIp()}, ${client}` } });
    for (let i = 0; i < PER_ADDRESS; i++) await failOnce(uniqueEmail('spoof'), viaProxy());

    const account = await newAccount(login, 'spoofed');
    tooManyAttempts(await login.gql(LogIn, right(account), viaProxy()));
  });
});

describe('health', () => {
  it('answers GET /health with 200', async () => {
    const response = await fetch(`${t.url}/health`);
    expect(response.status).toBe(200);
  });

  it('answers GET /ready with 200 and ready: true', async () => {
    const response = await fetch(`${t.url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ready: true });
  });

  it('names each dependency and its state in /health and /ready', async () => {
    const body = await fetch(`${t.url}/health`).then((r) => r.json());
    expect(body).toMatchObject({
      ready: true,
      status: 'ok',
      dependencies: {
        database: { state: 'up', required: true },
        migrations: { state: 'up', required: true, applied: true },
        redis: { state: 'not_configured', required: false },
        worker: { state: 'disabled', required: false, lastPassAt: null },
      },
    });
  });
});

describe('error masking', () => {
  it('masks an unexpected error as INTERNAL_SERVER_ERROR and logs it for the operator', async () => {
    // A failure no resolver expects, worded like a database error so that a leak would show.
    const failure = new Error('Failed query: select "password_hash" from "users" where "email" = $1');
    const logIn = vi.spyOn(t.app.services.accounts, 'logIn').mockRejectedValueOnce(failure);
    const logged = vi.spyOn(t.app.logger, 'error');
    try {
      const account = await newAccount(t, 'masked');
      const response = await t.post({
        query: print(LogIn),
        variables: { input: { email: account.email, password: account.password } },
      });
      const text = await response.text();
      expect(logIn).toHaveBeenCalledTimes(1);
      expect(JSON.parse(text)).toEqual({
        data: { logIn: null },
        errors: [
          {
            message: 'Unexpected error.',
            locations: expect.any(Array),
            path: ['logIn'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      });
      expect(text).not.toMatch(/select|password_hash|users|Failed query|stack|\bat /i);
      expect(logged).toHaveBeenCalledWith('unexpected error', { err: failure });
    } finally {
      logIn.mockRestore();
      logged.mockRestore();
    }
  });

  const malformedIds: [string, string][] = [
    ['not base64 of anything', 'nope'],
    ['a non-uuid id', encodeGlobalID('Organization', '1')],
    ['SQL in the id', encodeGlobalID('Organization', "1' or '1'='1")],
    ['an empty type name', encodeGlobalID('', '00000000-0000-4000-8000-000000000000')],
  ];

  it.each(malformedIds)(
    'answers a malformed organization id (%s) with BAD_USER_INPUT, not an internal error',
    async (_label, id) => {
      const account = await newAccount(t, 'badid');
      const result = await run(t, `{ organization(id: ${JSON.stringify(id)}) { id name } }`, account.token);
      expect(result.status).toBe(200);
      expect(result.data).toEqual({ organization: null });
      expect(result.errors).toHaveLength(1);
      const error = result.errors?.[0];
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error?.message).toBe('Invalid ID');
      expect(JSON.stringify(result)).not.toMatch(/select|from "|uuid|drizzle|stack|\bat /i);
    },
  );
});
