// Nobody gains what they were not granted: attacks from a lower role, another organisation and a
// changed grant, each followed by the proof that nothing changed in the database.
import { and, count, eq } from 'drizzle-orm';
import { createClient } from 'graphql-ws';
import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from '../src/config.js';
import { auditLog, deliveryAttempts, invitationEvents, invitations, memberships } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { type TestApp, useTestApp } from './helpers/app.js';
import { invite } from './helpers/invitations.js';
import { type Account, newAccount, newMember, newVerifiedAccount } from './helpers/seed.js';

const Resend = graphql(`
  mutation TrustResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload { inviteUrl invitation { id attempts } }
      ... on UserError { code message }
      ... on PermissionNotHeldError { permissions }
    }
  }
`);

/** What a resend would change: the row's token and attempts, its emails, events and audit rows. */
async function footprint(t: TestApp, invitationId: string) {
  const { db } = t.app.database;
  const id = decodeGlobalID(invitationId).id;
  const [row] = await db
    .select({ selector: invitations.tokenSelector, attempts: invitations.attempts, lastSentAt: invitations.lastSentAt })
    .from(invitations)
    .where(eq(invitations.id, id));
  const [emails] = await db.select({ n: count() }).from(deliveryAttempts).where(eq(deliveryAttempts.invitationId, id));
  const [events] = await db.select({ n: count() }).from(invitationEvents).where(eq(invitationEvents.invitationId, id));
  const [audits] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(and(eq(auditLog.targetId, id), eq(auditLog.action, 'invitation.resent')));
  return { row, emails: emails?.n, events: events?.n, audits: audits?.n };
}

/** An admin of `owner`'s organisation holding exactly `permissions`. */
async function adminWith(t: TestApp, owner: Account, permissions: string[]) {
  const admin = await newMember(t, owner, 'ADMIN');
  await t.app.database.db
    .update(memberships)
    .set({ permissions })
    .where(and(eq(memberships.userId, admin.raw.userId), eq(memberships.organizationId, owner.raw.organizationId)));
  return admin;
}

describe('resending re-checks the grant at that moment', () => {
  const t = useTestApp();

  it('refuses an admin a new link to an owner’s OWNER invitation, and changes nothing', async () => {
    const owner = await newAccount(t);
    const admin = await newMember(t, owner, 'ADMIN');
    const sent = await invite(t, owner, { role: 'OWNER' });
    t.clock.advance(120);
    const before = await footprint(t, sent.invitation.id);

    const result = await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: admin.token });

    expect(result.data?.resendInvitation).toMatchObject({
      __typename: 'RoleNotAllowedError',
      code: 'ROLE_NOT_ALLOWED',
    });
    expect(JSON.stringify(result)).not.toContain('/invite/');
    expect(await footprint(t, sent.invitation.id)).toEqual(before);
  });

  it('refuses an admin a new link granting permissions the admin does not hold, naming them', async () => {
    const owner = await newAccount(t);
    const admin = await adminWith(t, owner, ['invoices:read']);
    const sent = await invite(t, owner, { permissions: ['billing:admin', 'invoices:read'] });
    t.clock.advance(120);
    const before = await footprint(t, sent.invitation.id);

    const result = await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: admin.token });

    expect(result.data?.resendInvitation).toMatchObject({
      __typename: 'PermissionNotHeldError',
      code: 'PERMISSION_NOT_HELD',
      permissions: ['billing:admin'],
    });
    expect(await footprint(t, sent.invitation.id)).toEqual(before);
  });

  it('refuses the inviter once the permission it granted was taken from it', async () => {
    const owner = await newAccount(t);
    const admin = await adminWith(t, owner, ['reports:read']);
    const sent = await invite(t, { ...admin, organizationId: owner.organizationId }, { permissions: ['reports:read'] });
    t.clock.advance(120);
    await t.app.database.db
      .update(memberships)
      .set({ permissions: [] })
      .where(and(eq(memberships.userId, admin.raw.userId), eq(memberships.organizationId, owner.raw.organizationId)));
    const before = await footprint(t, sent.invitation.id);

    const result = await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: admin.token });

    expect(result.data?.resendInvitation).toMatchObject({ __typename: 'PermissionNotHeldError' });
    expect(await footprint(t, sent.invitation.id)).toEqual(before);
  });

  it('answers a member and another organisation’s owner as if the invitation did not exist', async () => {
    const owner = await newAccount(t);
    const member = await newMember(t, owner, 'MEMBER');
    const stranger = await newAccount(t, 'stranger');
    const sent = await invite(t, owner);
    t.clock.advance(120);
    const before = await footprint(t, sent.invitation.id);

    for (const caller of [member, stranger]) {
      const result = await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: caller.token });
      expect(result.data?.resendInvitation).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    }
    expect(await footprint(t, sent.invitation.id)).toEqual(before);
  });

  it('still lets an owner resend an OWNER invitation, and an admin one it may grant', async () => {
    const owner = await newAccount(t);
    const admin = await adminWith(t, owner, ['invoices:read']);
    const forOwner = await invite(t, owner, { role: 'OWNER' });
    const forMember = await invite(t, owner, { permissions: ['invoices:read'] });
    t.clock.advance(120);

    const byOwner = await t.gql(Resend, { input: { invitationId: forOwner.invitation.id } }, { token: owner.token });
    const byAdmin = await t.gql(Resend, { input: { invitationId: forMember.invitation.id } }, { token: admin.token });

    for (const result of [byOwner, byAdmin]) {
      expect(result.data?.resendInvitation).toMatchObject({
        __typename: 'ResendInvitationPayload',
        invitation: { attempts: 2 },
      });
    }
  });
});

const Send = graphql(`
  mutation TrustSend($input: SendInvitationInput!) {
    sendInvitation(input: $input) {
      __typename
      ... on UserError { code }
      ... on InputValidationError { issues { path } }
    }
  }
`);

const Bulk = graphql(`
  mutation TrustBulk($input: SendInvitationsInput!) {
    sendInvitations(input: $input) {
      __typename
      ... on SendInvitationsPayload {
        sentCount
        failedCount
        results {
          __typename
          ... on SendInvitationPayload { invitation { email } }
          ... on InputValidationError { issues { path } }
        }
      }
    }
  }
`);

const Cancel = graphql(`
  mutation TrustCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) {
      __typename
      ... on InputValidationError { issues { path } }
    }
  }
`);

const Rename = graphql(`
  mutation TrustCreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      __typename
      ... on InputValidationError { issues { path } }
    }
  }
`);

const ListByEmail = graphql(`
  query TrustList($organizationId: ID!, $email: String) {
    invitations(organizationId: $organizationId, filter: { email: $email }) { totalCount nodes { id } }
  }
`);

const ViewerAndStats = graphql(`
  query TrustViewerAndStats($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
    viewer { user { email } }
    invitationStats(organizationId: $organizationId, from: $from, to: $to) { __typename }
  }
`);

const invitationCount = async (t: TestApp, owner: Account) => {
  const [row] = await t.app.database.db
    .select({ n: count() })
    .from(invitations)
    .where(eq(invitations.organizationId, owner.raw.organizationId));
  return row?.n;
};

describe('hostile values get typed answers and change nothing', () => {
  const t = useTestApp();

  it('refuses U+0000 in metadata keys and values and in idempotency keys with the path, storing nothing', async () => {
    const owner = await newAccount(t);
    const base = { organizationId: owner.organizationId, role: 'MEMBER' as const };
    const cases = [
      { input: { ...base, email: 'nul-a@example.test', metadata: { 'a\u0000b': 'x' } }, path: 'metadata' },
      { input: { ...base, email: 'nul-b@example.test', metadata: { note: ['ok', 'b\u0000'] } }, path: 'metadata' },
      { input: { ...base, email: 'nul-c@example.test', idempotencyKey: 'key\u0000' }, path: 'idempotencyKey' },
    ];
    for (const { input, path } of cases) {
      const result = await t.gql(Send, { input }, { token: owner.token });
      expect(result.errors).toBeUndefined();
      expect(result.data?.sendInvitation).toMatchObject({
        __typename: 'InputValidationError',
        issues: [{ path: ['input', path] }],
      });
    }
    expect(await invitationCount(t, owner)).toBe(0);
  });

  it('answers each bulk row on its own: a row holding U+0000 fails alone and the others are sent', async () => {
    const owner = await newAccount(t);
    const rows = [
      { email: 'row-ok-1@example.test', role: 'MEMBER' as const },
      { email: 'row-bad@example.test', role: 'MEMBER' as const, metadata: { v: '\u0000' } },
      { email: 'row-ok-2@example.test', role: 'MEMBER' as const },
    ];
    const result = await t.gql(
      Bulk,
      { input: { organizationId: owner.organizationId, invitations: rows } },
      { token: owner.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.sendInvitations).toMatchObject({
      sentCount: 2,
      failedCount: 1,
      results: [
        { __typename: 'SendInvitationPayload', invitation: { email: 'row-ok-1@example.test' } },
        { __typename: 'InputValidationError', issues: [{ path: ['input', 'invitations', '1', 'metadata'] }] },
        { __typename: 'SendInvitationPayload', invitation: { email: 'row-ok-2@example.test' } },
      ],
    });
    expect(await invitationCount(t, owner)).toBe(2);
  });

  it('refuses U+0000 and direction overrides in a cancel reason, keeping the invitation pending', async () => {
    const owner = await newAccount(t);
    const sent = await invite(t, owner);
    for (const reason of ['wrong\u0000address', 'evil \u202Etxt.exe']) {
      const result = await t.gql(
        Cancel,
        { input: { invitationId: sent.invitation.id, reason } },
        { token: owner.token },
      );
      expect(result.data?.cancelInvitation).toMatchObject({
        __typename: 'InputValidationError',
        issues: [{ path: ['input', 'reason'] }],
      });
    }
    const [row] = await t.app.database.db
      .select({ status: invitations.status })
      .from(invitations)
      .where(eq(invitations.id, decodeGlobalID(sent.invitation.id).id));
    expect(row?.status).toBe('PENDING');
  });

  it('refuses bidirectional overrides and zero-width characters in messages and names people read', async () => {
    const owner = await newAccount(t);
    for (const message of ['Welcome \u202Eenoyreve', 'Click\u200Bhere', 'a\u2066b\u2069']) {
      const result = await t.gql(
        Send,
        { input: { organizationId: owner.organizationId, email: 'bidi@example.test', role: 'MEMBER', message } },
        { token: owner.token },
      );
      expect(result.data?.sendInvitation).toMatchObject({
        __typename: 'InputValidationError',
        issues: [{ path: ['input', 'message'] }],
      });
    }
    const renamed = await t.gql(Rename, { input: { name: 'Acme\u202E' } }, { token: owner.token });
    expect(renamed.data?.createOrganization).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'name'] }],
    });
    expect(await invitationCount(t, owner)).toBe(0);
    // Emoji sequences keep their zero-width joiner.
    const family = await t.gql(
      Send,
      {
        input: {
          organizationId: owner.organizationId,
          email: 'zwj@example.test',
          role: 'MEMBER',
          message: 'Hi 👨‍👩‍👧',
        },
      },
      { token: owner.token },
    );
    expect(family.data?.sendInvitation).toMatchObject({ __typename: 'SendInvitationPayload' });
  });

  it('answers a filter holding U+0000 with an ordinary empty page', async () => {
    const owner = await newAccount(t);
    await invite(t, owner);
    const result = await t.gql(
      ListByEmail,
      { organizationId: owner.organizationId, email: 'a\u0000' },
      { token: owner.token },
    );
    expect(result).toEqual({ status: 200, data: { invitations: { totalCount: 0, nodes: [] } } });
  });

  it('reads DateTime only as an RFC 3339 instant, and refuses impossible dates before any work', async () => {
    const owner = await newAccount(t);
    for (const from of [
      'Nov 1 2026',
      '2026-11-01',
      '2026-02-30T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '+099999-01-01T00:00:00Z',
    ]) {
      const result = await t.gql(
        ViewerAndStats,
        { organizationId: owner.organizationId, from, to: '2026-12-01T00:00:00Z' },
        { token: owner.token },
      );
      expect(result.errors?.[0]?.message, from).toMatch(/DateTime/);
      expect(result.errors?.[0]?.extensions?.code, from).not.toBe('INTERNAL_SERVER_ERROR');
    }
  });
});

describe('one refusal does not blank the page', () => {
  const t = useTestApp();

  it('answers the viewer beside a refused root field', async () => {
    const owner = await newAccount(t);
    const stranger = await newAccount(t, 'stranger');
    const result = await t.gql(
      ViewerAndStats,
      { organizationId: owner.organizationId, from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      { token: stranger.token },
    );
    expect(result.data).toEqual({ viewer: { user: { email: stranger.email } }, invitationStats: null });
    expect(result.errors).toEqual([expect.objectContaining({ path: ['invitationStats'] })]);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

const InviteeView = graphql(`
  query TrustInviteeView($id: ID!) {
    viewer { pendingInvitations { invitationId organizationName inviterName role message expiresAt } }
    invitation(id: $id) { id email metadata }
    node(id: $id) { id }
  }
`);

describe('an invitee is not a member', () => {
  const t = useTestApp();

  it('sees what the preview shows of an invitation addressed to it, and nothing else of the organization', async () => {
    const owner = await newAccount(t);
    await newMember(t, owner, 'ADMIN', 'colleague');
    const invitee = await newVerifiedAccount(t, 'invitee');
    const sent = await invite(t, owner, { email: invitee.email, message: 'Join us' });

    const result = await t.gql(InviteeView, { id: sent.invitation.id }, { token: invitee.token });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      viewer: {
        pendingInvitations: [
          {
            invitationId: sent.invitation.id,
            organizationName: expect.any(String),
            inviterName: 'owner person',
            role: 'MEMBER',
            message: 'Join us',
            expiresAt: sent.invitation.expiresAt,
          },
        ],
      },
      invitation: null,
      node: null,
    });
    // No member of the organization, not even the inviter's email, reaches the invitee.
    expect(JSON.stringify(result)).not.toContain(owner.email);
    expect(JSON.stringify(result)).not.toContain('colleague');
  });
});

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const productionKey = await exportPKCS8(privateKey);

/** A CORS preflight for a POST to /graphql from `origin`: the Access-Control-Allow-Origin answered. */
async function preflight(t: TestApp, origin: string) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });
  return {
    origin: response.headers.get('access-control-allow-origin'),
    credentials: response.headers.get('access-control-allow-credentials'),
  };
}

describe('CORS is explicit', () => {
  const production = useTestApp({
    NODE_ENV: 'production',
    JWT_PRIVATE_KEY: productionKey,
    PUBLIC_URL: 'https://invitations.example.com',
  });
  const listed = useTestApp({
    NODE_ENV: 'production',
    JWT_PRIVATE_KEY: productionKey,
    CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
  });
  const development = useTestApp();

  it('in production answers no foreign origin by default, only the server’s own, never with credentials', async () => {
    expect(await preflight(production, 'https://evil.example')).toEqual({ origin: null, credentials: null });
    expect(await preflight(production, 'https://invitations.example.com')).toEqual({
      origin: 'https://invitations.example.com',
      credentials: null,
    });
  });

  it('allows exactly the origins CORS_ORIGINS lists', async () => {
    expect((await preflight(listed, 'https://admin.example.com')).origin).toBe('https://admin.example.com');
    expect((await preflight(listed, 'https://app.example.com.evil.example')).origin).toBeNull();
    expect((await preflight(listed, 'http://app.example.com')).origin).toBeNull();
  });

  it('refuses to start with an entry of CORS_ORIGINS that is not an origin', () => {
    expect(() => parseConfig({ CORS_ORIGINS: 'https://app.example.com/console' })).toThrow(/CORS_ORIGINS/);
  });

  it('answers Vary: Origin wherever the answer depends on the Origin, one allowed origin included', async () => {
    const varyOf = async (t: TestApp, method: 'OPTIONS' | 'POST' | 'GET', path: string, origin?: string) => {
      const response = await fetch(`${t.url}${path}`, {
        method,
        headers: {
          ...(origin ? { origin } : {}),
          ...(method === 'OPTIONS'
            ? { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }
            : { 'content-type': 'application/json' }),
        },
        ...(method === 'POST' ? { body: JSON.stringify({ query: '{ __typename }' }) } : {}),
      });
      await response.arrayBuffer();
      const names = (response.headers.get('vary') ?? '').split(',').map((name) => name.trim().toLowerCase());
      return {
        method,
        path,
        origin,
        allowed: response.headers.get('access-control-allow-origin'),
        variesOnOrigin: names.includes('origin'),
      };
    };
    const cases: [TestApp, string[]][] = [
      [production, ['https://invitations.example.com', 'https://evil.example']],
      [listed, ['https://app.example.com', 'https://evil.example']],
      [development, ['http://localhost:5173']],
    ];
    for (const [t, origins] of cases) {
      for (const origin of [...origins, undefined]) {
        for (const [method, path] of [
          ['OPTIONS', '/graphql'],
          ['POST', '/graphql'],
          ['GET', '/health'],
        ] as const) {
          const answer = await varyOf(t, method, path, origin);
          expect(answer).toEqual({ ...answer, variesOnOrigin: true });
        }
      }
    }
    // The single-origin production server does answer its own origin and not another: it depends on it.
    expect((await varyOf(production, 'POST', '/graphql', 'https://invitations.example.com')).allowed).toBe(
      'https://invitations.example.com',
    );
    expect((await varyOf(production, 'POST', '/graphql', 'https://evil.example')).allowed).toBeNull();
  });

  it('reflects any origin in development, where the console may be served from anywhere', async () => {
    expect((await preflight(development, 'http://localhost:5173')).origin).toBe('http://localhost:5173');
  });
});

describe('production hardening on every transport', () => {
  const prod = useTestApp({ NODE_ENV: 'production', JWT_PRIVATE_KEY: productionKey, MAX_REQUEST_BYTES: '4000' });

  const sendMutation = 'mutation($input: SendInvitationInput!) { sendInvitation(input: $input) { __typename } }';

  it('names no enum value, input field or field over HTTP, in literals and in variables', async () => {
    const owner = await newAccount(prod);
    const answers = await Promise.all([
      prod.post(
        {
          query: `mutation { sendInvitation(input: { organizationId: "${owner.organizationId}", email: "a@b.co", role: OWNR }) { __typename } }`,
        },
        { token: owner.token },
      ),
      prod.post(
        {
          query: sendMutation,
          variables: { input: { organizationId: owner.organizationId, email: 'a@b.co', role: 'OWNR' } },
        },
        { token: owner.token },
      ),
      prod.post(
        {
          query: sendMutation,
          variables: { input: { organizationId: owner.organizationId, email: 'a@b.co', role: 'MEMBER', mesage: 'hi' } },
        },
        { token: owner.token },
      ),
      prod.post({ query: '{ viewr { user { email } } }' }, { token: owner.token }),
    ]);
    for (const response of answers) {
      const body = (await response.json()) as { errors?: { message: string }[] };
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors ?? []) expect(error.message).not.toMatch(/Did you mean|OWNER|message"|viewer/);
    }
  });

  it('names no enum value over graphql-ws either', async () => {
    const owner = await newAccount(prod);
    const client = createClient({
      url: `${prod.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${owner.token}` },
    });
    try {
      const seen: unknown[] = [];
      await new Promise<void>((resolve) => {
        client.subscribe(
          {
            query: sendMutation,
            variables: { input: { organizationId: owner.organizationId, email: 'a@b.co', role: 'OWNR' } },
          },
          {
            next: (value) => seen.push(value),
            error: (error) => {
              seen.push(error);
              resolve();
            },
            complete: resolve,
          },
        );
      });
      expect(seen.length).toBeGreaterThan(0);
      expect(JSON.stringify(seen)).not.toMatch(/Did you mean|OWNER/);
    } finally {
      await client.dispose();
    }
  });

  /** A graphql-ws client on the production server, for one operation; what it saw, and how the socket closed. */
  async function overWs(owner: Account, payload: { query: string; variables?: Record<string, unknown> }) {
    const closed: number[] = [];
    const client = createClient({
      url: `${prod.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${owner.token}` },
      on: { closed: (event) => closed.push((event as { code: number }).code) },
    });
    const seen: unknown[] = [];
    await new Promise<void>((resolve) => {
      client.subscribe(payload, {
        next: (value) => seen.push(value),
        error: (error) => {
          seen.push(error);
          resolve();
        },
        complete: resolve,
      });
    });
    await client.dispose();
    return { seen: JSON.stringify(seen), closed };
  }

  it('refuses introspection over HTTP and over graphql-ws alike', async () => {
    const owner = await newAccount(prod);
    const http = await prod.post({ query: '{ __schema { types { name } } }' }, { token: owner.token });
    expect(await http.text()).toContain('introspection has been disabled');
    const ws = await overWs(owner, { query: '{ __type(name: "Invitation") { fields { name } } }' });
    expect(ws.seen).toContain('introspection has been disabled');
    expect(ws.seen).not.toContain('"fields"');
  });

  it('refuses a graphql-ws message larger than MAX_REQUEST_BYTES without running it', async () => {
    const owner = await newAccount(prod);
    const padded = await overWs(owner, {
      query: '{ viewer { user { email } } }',
      variables: { pad: 'x'.repeat(5000) },
    });
    expect(padded.seen).not.toContain(owner.email);
    expect(padded.closed).toContain(1009);
    const small = await overWs(owner, { query: '{ viewer { user { email } } }' });
    expect(small.seen).toContain(owner.email);
  });
});
