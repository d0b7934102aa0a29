// The REST door through the real server: the OpenAPI document (validated by a real OpenAPI parser),
// every route's answers checked against the document's schema for their status (ajv, draft
// 2020-12), typed errors as HTTP statuses, idempotency, the legacy route's old body and shape, and
// the same authorisation as GraphQL (another organisation, a lower role, an invite link only).

import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { compileErrors, validate as validateOpenApi } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { schema } from '../src/graphql/schema.js';
import { userErrorCodes } from '../src/rest/shapes.js';
import { statusByCode } from '../src/rest/statuses.js';
import { graphql } from './generated/index.js';
import { randomIp, startTestApp, type TestApp, useTestApp } from './helpers/app.js';
import { invite } from './helpers/invitations.js';
import { type Account, newAccount, newMember, SignUp, uniqueEmail } from './helpers/seed.js';

const t = useTestApp();

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document as JSON
type Doc = any;
let doc: Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

interface Call {
  token?: string;
  body?: unknown;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  rawBody?: string;
}

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer read by the test
  body: any;
}

/** The document's path template that a concrete path matches. */
function templateOf(path: string): string {
  const found = Object.keys(doc.paths).find((template) =>
    new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
  );
  if (!found) expect.fail(`${path} is not in the OpenAPI document`);
  return found;
}

/** Checks an answer against the document's schema for its route and status; undocumented statuses fail. */
function conforms(method: string, path: string, answer: Answer) {
  const operation = doc.paths[templateOf(path)][method.toLowerCase()];
  expect(operation, `${method} ${path} documented`).toBeDefined();
  const response = operation.responses[String(answer.status)];
  if (!response) expect.fail(`${method} ${path} answered ${answer.status}, which the document does not list`);
  const responseSchema = response.content['application/json'].schema;
  const check = ajv.compile({ components: doc.components, allOf: [responseSchema] });
  if (!check(answer.body)) {
    expect.fail(`${method} ${path} ${answer.status}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(answer.body)}`);
  }
  if (answer.status === 429 || answer.status === 503) expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
}

async function rest(target: TestApp, method: 'GET' | 'POST', path: string, call: Call = {}): Promise<Answer> {
  const url = new URL(path, target.url);
  for (const [name, value] of Object.entries(call.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
  }
  const response = await fetch(url, {
    method,
    headers: {
      'x-forwarded-for': randomIp(),
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      ...call.headers,
    },
    body: method === 'POST' ? (call.rawBody ?? JSON.stringify(call.body ?? {})) : undefined,
  });
  const answer = { status: response.status, headers: response.headers, body: await response.json() };
  conforms(method, path, answer);
  return answer;
}

const ReadBack = graphql(`
  query RestTestReadBack($id: ID!) {
    invitation(id: $id) { id email role status message }
  }
`);

const SendGraphQL = graphql(`
  mutation RestTestSend($input: SendInvitationInput!) {
    sendInvitation(input: $input) {
      __typename
      ... on UserError { code }
    }
  }
`);

const ListGraphQL = graphql(`
  query RestTestList($organizationId: ID!) {
    invitations(organizationId: $organizationId, first: 1) { totalCount }
  }
`);

beforeAll(async () => {
  doc = await (await fetch(`${t.url}/api/openapi.json`)).json();
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document by a real parser, with bearer security', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validateOpenApi(structuredClone(doc));
    if (!result.valid) expect.fail(compileErrors(result));
    expect(result.warnings).toEqual([]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });

  it('lists every route, the legacy one with its old body, and each error status a route can answer', () => {
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/team/cancel-invitation',
      '/api/team/invitation-analytics',
      '/api/team/invitation-stats',
      '/api/team/invitations',
      '/api/team/invitations/{id}',
      '/api/team/invite',
      '/api/team/invite-enhanced',
      '/api/team/resend-invitation',
    ]);
    const legacy = doc.paths['/api/team/invite'].post;
    expect(legacy.requestBody.content['application/json'].schema.required).toEqual(['email', 'role']);
    const send = doc.paths['/api/team/invite-enhanced'].post;
    expect(Object.keys(send.responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '429', '500', '503']);
    expect(send.responses['429'].headers['Retry-After']).toBeDefined();
    expect(send.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
  });

  it('maps every UserErrorCode of the schema to a status, in one table', () => {
    const codes = [...userErrorCodes(schema).values()];
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) expect(statusByCode[code], code).toBeGreaterThanOrEqual(400);
  });

  it('has a readable page served from this origin under the content security policy', async () => {
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/api/docs.js"></script>');
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
    const script = await fetch(`${t.url}/api/docs.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const source = await script.text();
    expect(source).toContain("fetch('/api/openapi.json')");
    // It parses as a module (top-level await included).
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rest-docs-')), 'docs.mjs');
    writeFileSync(file, source);
    expect(spawnSync(process.execPath, ['--check', file]).status).toBe(0);
  });

  it('renders every route in a browser, under the content security policy, with no error and no axe violation', async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await (await browser.newContext()).newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(String(error)));
      await page.goto(`${t.url}/api/docs`);
      await page.getByRole('heading', { name: 'POST /api/team/invite', exact: true }).waitFor();
      const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
      for (const [route, item] of Object.entries(doc.paths)) {
        for (const method of Object.keys(item as object))
          expect(headings).toContain(`${method.toUpperCase()} ${route}`);
      }
      expect(problems).toEqual([]);
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('answers CORS preflights and requests from allowed origins as /graphql does', async () => {
    const origin = 'https://app.example.test';
    const preflight = await fetch(`${t.url}/api/team/invite-enhanced`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const graphqlPreflight = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-methods')).toBe(
      graphqlPreflight.headers.get('access-control-allow-methods'),
    );
    const read = await rest(t, 'GET', '/api/team/invitations', { headers: { origin }, query: { organizationId: 'x' } });
    expect(read.headers.get('access-control-allow-origin')).toBe(origin);
    expect(read.headers.get('vary')).toContain('Origin');
  });
});

describe('routing', () => {
  it('answers 405 with Allow for a known route asked with another method, and 404 for an unknown one', async () => {
    const wrong = await fetch(`${t.url}/api/team/invite-enhanced`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await wrong.json()).error.code).toBe('METHOD_NOT_ALLOWED');
    const unknown = await fetch(`${t.url}/api/team/nothing-here`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('NOT_FOUND');
  });
});

describe('POST /api/team/invite-enhanced', () => {
  let owner: Account;
  beforeAll(async () => {
    owner = await newAccount(t, 'rest-owner');
  });

  it('sends through sendInvitation and answers 201 with the invitation and its link', async () => {
    const email = uniqueEmail('rest');
    const answer = await rest(t, 'POST', '/api/team/invite-enhanced', {
      token: owner.token,
      body: { organizationId: owner.organizationId, email, role: 'ADMIN', message: 'Welcome' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ replayed: false, invitation: { email, role: 'ADMIN', status: 'PENDING' } });
    expect(answer.body.inviteUrl).toMatch(/\/invite\//);
    const read = await t.gql(ReadBack, { id: answer.body.invitation.id }, { token: owner.token });
    expect(read.data?.invitation).toMatchObject({ email, message: 'Welcome', status: 'PENDING' });
  });

  it('answers 400 INVALID_INPUT with the issues for a bad email, and 400 for a body that is not JSON', async () => {
    const bad = await rest(t, 'POST', '/api/team/invite-enhanced', {
      token: owner.token,
      body: { organizationId: owner.organizationId, email: 'not-an-email', role: 'MEMBER' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(bad.body.error.issues[0].path).toContain('email');
    const role = await rest(t, 'POST', '/api/team/invite-enhanced', {
      token: owner.token,
      body: { organizationId: owner.organizationId, email: uniqueEmail(), role: 'EMPEROR' },
    });
    expect(role.status).toBe(400);
    expect(role.body.error.code).toBe('BAD_USER_INPUT');
    const garbled = await rest(t, 'POST', '/api/team/invite-enhanced', { token: owner.token, rawBody: '{"email":' });
    expect(garbled.status).toBe(400);
    expect(garbled.body.error.code).toBe('INVALID_JSON');
  });

  it('answers 401 without a token or with a bad one', async () => {
    const body = { organizationId: owner.organizationId, email: uniqueEmail(), role: 'MEMBER' };
    const none = await rest(t, 'POST', '/api/team/invite-enhanced', { body });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const forged = await rest(t, 'POST', '/api/team/invite-enhanced', { body, token: 'not.a.token' });
    expect(forged.status).toBe(401);
  });

  it('answers 403 to a member, as GraphQL refuses them', async () => {
    const member = await newMember(t, owner, 'MEMBER');
    const input = { organizationId: owner.organizationId, email: uniqueEmail(), role: 'MEMBER' as const };
    const answer = await rest(t, 'POST', '/api/team/invite-enhanced', { token: member.token, body: input });
    expect(answer.status).toBe(403);
    const graphqlAnswer = await t.gql(SendGraphQL, { input }, { token: member.token });
    expect(answer.body.error.code).toBe(graphqlAnswer.errors?.[0]?.extensions?.code);
  });

  it('answers 409 PENDING_INVITATION_EXISTS with the pending invitation’s id', async () => {
    const first = await invite(t, owner);
    const again = await rest(t, 'POST', '/api/team/invite-enhanced', {
      token: owner.token,
      body: { organizationId: owner.organizationId, email: first.email, role: 'MEMBER' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'PENDING_INVITATION_EXISTS', invitationId: first.invitation.id });
  });

  it('honours Idempotency-Key: the same body replays the first answer, another body is 409', async () => {
    const key = `rest-${crypto.randomUUID()}`;
    const body = { organizationId: owner.organizationId, email: uniqueEmail('idem'), role: 'MEMBER' };
    const headers = { 'idempotency-key': key };
    const first = await rest(t, 'POST', '/api/team/invite-enhanced', { token: owner.token, body, headers });
    expect(first.status).toBe(201);
    const replay = await rest(t, 'POST', '/api/team/invite-enhanced', { token: owner.token, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.body).toMatchObject({
      replayed: true,
      inviteUrl: null,
      invitation: { id: first.body.invitation.id },
    });
    const other = await rest(t, 'POST', '/api/team/invite-enhanced', {
      token: owner.token,
      body: { ...body, email: uniqueEmail('idem-other') },
      headers,
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('refuses a body of a type a cross-site form can send, as /graphql does (CSRF)', async () => {
    const answer = await rest(t, 'POST', '/api/team/invite-enhanced', {
      token: owner.token,
      headers: { 'content-type': 'text/plain' },
      body: { organizationId: owner.organizationId, email: uniqueEmail(), role: 'MEMBER' },
    });
    expect(answer.status).toBe(403);
  });
});

describe('429 with Retry-After', () => {
  let limited: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    limited = await startTestApp({ INVITATION_RATE_LIMIT_HOUR: '1' });
  });
  afterAll(async () => {
    await limited.stop();
  });

  it('answers 429 RATE_LIMITED with Retry-After once the hourly limit is used up', async () => {
    const owner = await newAccount(limited, 'rest-limited');
    const send = () =>
      rest(limited, 'POST', '/api/team/invite-enhanced', {
        token: owner.token,
        body: { organizationId: owner.organizationId, email: uniqueEmail(), role: 'MEMBER' },
      });
    expect((await send()).status).toBe(201);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBe(refused.body.error.retryAfter);
  });
});

describe('503 with Retry-After', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After while the database is unreachable', async () => {
    // Nothing listens on port 1: every statement fails to connect, through the same guard as ever.
    const database = openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1, timeoutMs: 500 });
    const broken = await startTestApp({ DATABASE_RETRY_AFTER_SECONDS: '7' }, { database });
    try {
      const { token } = await broken.app.services.tokens.sign(randomUUID(), 0);
      const answer = await rest(broken, 'POST', '/api/team/invite-enhanced', {
        token,
        body: { organizationId: 'T3JnYW5pemF0aW9uOng=', email: uniqueEmail(), role: 'MEMBER' },
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(answer.body.error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryAfter: 7 });
    } finally {
      await broken.stop();
      await database.close();
    }
  });
});

describe('resend, cancel and the reads', () => {
  let owner: Account;
  let stranger: Account;
  beforeAll(async () => {
    owner = await newAccount(t, 'rest-manager');
    stranger = await newAccount(t, 'rest-stranger');
  });

  it('resends: 429 RESEND_COOLDOWN at once, 200 with a new link after the cooldown, 404 for another organization', async () => {
    const sent = await invite(t, owner);
    const body = { invitationId: sent.invitation.id };
    const early = await rest(t, 'POST', '/api/team/resend-invitation', { token: owner.token, body });
    expect(early.status).toBe(429);
    expect(early.body.error.code).toBe('RESEND_COOLDOWN');
    t.clock.advance(61);
    const resent = await rest(t, 'POST', '/api/team/resend-invitation', { token: owner.token, body });
    expect(resent.status).toBe(200);
    expect(resent.body.inviteUrl).not.toBe(sent.inviteUrl);
    const foreign = await rest(t, 'POST', '/api/team/resend-invitation', { token: stranger.token, body });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
  });

  it('cancels: 200, then 409 INVITATION_NOT_PENDING, and 404 for another organization’s invitation', async () => {
    const sent = await invite(t, owner);
    const foreign = await rest(t, 'POST', '/api/team/cancel-invitation', {
      token: stranger.token,
      body: { invitationId: sent.invitation.id },
    });
    expect(foreign.status).toBe(404);
    const body = { invitationId: sent.invitation.id, reason: 'sent by mistake' };
    const cancelled = await rest(t, 'POST', '/api/team/cancel-invitation', { token: owner.token, body });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.invitation.status).toBe('CANCELLED');
    const again = await rest(t, 'POST', '/api/team/cancel-invitation', { token: owner.token, body });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'INVITATION_NOT_PENDING', status: 'CANCELLED' });
  });

  it('gets one invitation with its timeline; another organization’s id answers 404 like a missing one', async () => {
    const sent = await invite(t, owner);
    const path = `/api/team/invitations/${encodeURIComponent(sent.invitation.id)}`;
    const mine = await rest(t, 'GET', path, { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: sent.invitation.id, email: sent.email });
    expect(mine.body.timeline[0].type).toBe('CREATED');
    const foreign = await rest(t, 'GET', path, { token: stranger.token });
    expect(foreign.status).toBe(404);
    const missing = await rest(
      t,
      'GET',
      `/api/team/invitations/${encodeURIComponent(btoa('Invitation:00000000-0000-4000-8000-000000000000'))}`,
      {
        token: owner.token,
      },
    );
    expect(missing.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
  });

  it('lists invitations a page at a time with filters from repeated query parameters', async () => {
    const org = await newAccount(t, 'rest-lister');
    await invite(t, org);
    const cancelled = await invite(t, org);
    await rest(t, 'POST', '/api/team/cancel-invitation', {
      token: org.token,
      body: { invitationId: cancelled.invitation.id },
    });
    const all = await rest(t, 'GET', '/api/team/invitations', {
      token: org.token,
      query: { organizationId: org.organizationId },
    });
    expect(all.status).toBe(200);
    expect(all.body.totalCount).toBe(2);
    const page = await rest(t, 'GET', '/api/team/invitations', {
      token: org.token,
      query: { organizationId: org.organizationId, first: '1', status: ['CANCELLED', 'DECLINED'] },
    });
    expect(page.body.totalCount).toBe(1);
    expect(page.body.nodes.map((n: { id: string }) => n.id)).toEqual([cancelled.invitation.id]);
    const bad = await rest(t, 'GET', '/api/team/invitations', {
      token: org.token,
      query: { organizationId: org.organizationId, first: 'many' },
    });
    expect(bad.status).toBe(400);
  });

  it('reads stats and analytics, and refuses a bad range or time zone with 400', async () => {
    const from = new Date(t.clock.now().getTime() - 86_400_000);
    const to = new Date(t.clock.now().getTime() + 86_400_000);
    const stats = await rest(t, 'GET', '/api/team/invitation-stats', {
      token: owner.token,
      query: { organizationId: owner.organizationId, from: from.toISOString(), to: to.toISOString() },
    });
    expect(stats.status).toBe(200);
    expect(stats.body.invited).toBeGreaterThan(0);
    const reversed = await rest(t, 'GET', '/api/team/invitation-stats', {
      token: owner.token,
      query: { organizationId: owner.organizationId, from: to.toISOString(), to: from.toISOString() },
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.code).toBe('INVALID_RANGE');
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const analytics = await rest(t, 'GET', '/api/team/invitation-analytics', {
      token: owner.token,
      query: { organizationId: owner.organizationId, from: day(from), to: day(to) },
    });
    expect(analytics.status).toBe(200);
    expect(analytics.body.buckets.length).toBeGreaterThanOrEqual(2);
    const zone = await rest(t, 'GET', '/api/team/invitation-analytics', {
      token: owner.token,
      query: { organizationId: owner.organizationId, from: day(from), to: day(to), timeZone: 'Mars/Olympus' },
    });
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('UNKNOWN_TIME_ZONE');
  });
});

describe('the same authorisation as GraphQL', () => {
  it('refuses another organization, a member and someone holding only an invite link, on every route alike', async () => {
    const owner = await newAccount(t, 'rest-victim');
    const attacker = await newAccount(t, 'rest-attacker');
    const member = await newMember(t, owner, 'MEMBER');
    const sent = await invite(t, owner);
    const org = owner.organizationId;
    const day = t.clock.now().toISOString().slice(0, 10);
    const calls: [method: 'GET' | 'POST', path: string, call: Call][] = [
      ['POST', '/api/team/invite-enhanced', { body: { organizationId: org, email: uniqueEmail(), role: 'MEMBER' } }],
      ['POST', '/api/team/invite', { body: { organizationId: org, email: uniqueEmail(), role: 'member' } }],
      ['POST', '/api/team/resend-invitation', { body: { invitationId: sent.invitation.id } }],
      ['POST', '/api/team/cancel-invitation', { body: { invitationId: sent.invitation.id } }],
      ['GET', '/api/team/invitations', { query: { organizationId: org } }],
      ['GET', `/api/team/invitations/${encodeURIComponent(sent.invitation.id)}`, {}],
      [
        'GET',
        '/api/team/invitation-stats',
        { query: { organizationId: org, from: `${day}T00:00:00Z`, to: `${day}T23:00:00Z` } },
      ],
      ['GET', '/api/team/invitation-analytics', { query: { organizationId: org, from: day, to: day } }],
    ];
    for (const who of [attacker, member]) {
      for (const [method, path, call] of calls) {
        const answer = await rest(t, method, path, { ...call, token: who.token });
        expect([403, 404], `${method} ${path}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
      }
    }
    // The invited person, signed in with the invited address: the addressee, not a manager.
    const signUp = await t.gql(SignUp, {
      input: { email: sent.email, password: `pw-${randomUUID()}`, name: 'Invitee', organizationName: 'Invitee org' },
    });
    const invitee = signUp.data?.signUp?.__typename === 'SignUpPayload' ? signUp.data.signUp.token : undefined;
    if (!invitee) expect.fail(`invitee sign-up: ${JSON.stringify(signUp)}`);
    for (const [method, path, call] of calls) {
      const answer = await rest(t, method, path, { ...call, token: invitee });
      expect([403, 404], `${method} ${path}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
    }
    // Only the link: no credentials at all.
    for (const [method, path, call] of calls) {
      const answer = await rest(t, method, path, { ...call, headers: { 'x-invite-token': sent.token } });
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
    // GraphQL refuses the attacker the same way (FORBIDDEN for the organization's list).
    const list = await t.gql(ListGraphQL, { organizationId: org }, { token: attacker.token });
    const restList = await rest(t, 'GET', '/api/team/invitations', {
      token: attacker.token,
      query: { organizationId: org },
    });
    expect(restList.body.error.code).toBe(list.errors?.[0]?.extensions?.code);
    // Nothing was sent, resent or cancelled by them.
    const read = await t.gql(ReadBack, { id: sent.invitation.id }, { token: owner.token });
    expect(read.data?.invitation?.status).toBe('PENDING');
  });
});

describe('POST /api/team/invite (legacy)', () => {
  it('takes the old body (email and a lower-case role) and answers the old ServiceResponse shape', async () => {
    const owner = await newAccount(t, 'rest-legacy');
    const email = uniqueEmail('legacy');
    const answer = await rest(t, 'POST', '/api/team/invite', { token: owner.token, body: { email, role: 'admin' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: true, data: { email, role: 'admin', status: 'pending' } });
    expect(answer.body.data.invite_url).toMatch(/\/invite\//);
    const read = await t.gql(ReadBack, { id: answer.body.data.id }, { token: owner.token });
    expect(read.data?.invitation).toMatchObject({ email, role: 'ADMIN', status: 'PENDING' });
    const again = await rest(t, 'POST', '/api/team/invite', { token: owner.token, body: { email, role: 'member' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, error: { code: 'PENDING_INVITATION_EXISTS' } });
    const bad = await rest(t, 'POST', '/api/team/invite', {
      token: owner.token,
      body: { email: 'nope', role: 'member' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT' } });
  });

  it('needs organizationId when the viewer belongs to several organizations, and refuses a member', async () => {
    const owner = await newAccount(t, 'rest-legacy-two');
    const other = await newAccount(t, 'rest-legacy-other');
    const both = await newMember(t, owner, 'ADMIN');
    await newMember(t, other, 'MEMBER').then(() => undefined);
    const { memberships } = await import('../src/db/schema/index.js');
    await t.app.database.db.insert(memberships).values({
      organizationId: other.raw.organizationId,
      userId: both.raw.userId,
      role: 'MEMBER',
    });
    const email = uniqueEmail('legacy-two');
    const ambiguous = await rest(t, 'POST', '/api/team/invite', { token: both.token, body: { email, role: 'member' } });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.issues[0].path).toEqual(['organizationId']);
    const chosen = await rest(t, 'POST', '/api/team/invite', {
      token: both.token,
      body: { email, role: 'member', organizationId: owner.organizationId },
    });
    expect(chosen.status).toBe(200);
    const refused = await rest(t, 'POST', '/api/team/invite', {
      token: both.token,
      body: { email, role: 'member', organizationId: other.organizationId },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    const anonymous = await rest(t, 'POST', '/api/team/invite', { body: { email, role: 'member' } });
    expect(anonymous.status).toBe(401);
  });
});
