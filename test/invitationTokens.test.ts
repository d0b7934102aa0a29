// Invitation tokens through the real HTTP server: their shape and storage, the public preview,
// accepting (signed in and anonymous), declining, rotation on resend, death on cancel, expiry read
// at once, dead links that all look alike, per-address guess limits, and no token in any record.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { auditLog, invitationEvents, invitations, organizations, users } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import {
  type RequestOptions,
  randomIp,
  startTestApp,
  type TestApp,
  type TestClock,
  useTestApp,
} from './helpers/app.js';
import { isolatedDatabase, testDatabase } from './helpers/db.js';
import { invite, proofOf, tokenOf } from './helpers/invitations.js';
import { type Account, newAccount, newVerifiedAccount, uniqueEmail } from './helpers/seed.js';

const DAY = 86_400;
const INVALID_TOKEN = {
  __typename: 'InvalidTokenError',
  code: 'INVALID_TOKEN',
  message: 'This invitation link is not valid',
};
/** The same refusal as answered by invitationByToken (its message aliased: the preview has a `message` too). */
const INVALID_PREVIEW = {
  __typename: INVALID_TOKEN.__typename,
  code: INVALID_TOKEN.code,
  errorMessage: INVALID_TOKEN.message,
};
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/;

const t = useTestApp();

const TokPreview = graphql(`
  query TokPreview($token: String!) {
    invitationByToken(token: $token) {
      __typename
      ... on InvitationPreview { organizationName inviterName role message expiresAt maskedEmail }
      ... on UserError { code errorMessage: message }
      ... on TooManyAttemptsError { retryAfter }
    }
  }
`);

const TokAccept = graphql(`
  mutation TokAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload {
        invitation { id status }
        membership { role permissions user { id email emailVerified } organization { id } }
        auth { token user { email } }
      }
      ... on UserError { code message }
      ... on TooManyAttemptsError { retryAfter }
      ... on InputValidationError { issues { path message } }
    }
  }
`);

const TokDecline = graphql(`
  mutation TokDecline($input: DeclineInvitationInput!) {
    declineInvitation(input: $input) {
      __typename
      ... on DeclineInvitationPayload { invitation { id status } }
      ... on UserError { code message }
      ... on TooManyAttemptsError { retryAfter }
    }
  }
`);

const TokInvitation = graphql(`
  query TokInvitation($id: ID!) {
    invitation(id: $id) { id email status role permissions expiresAt timeline { type actor { email } data } }
  }
`);

const TokInvitations = graphql(`
  query TokInvitations($organizationId: ID!, $filter: InvitationFilter) {
    invitations(organizationId: $organizationId, filter: $filter, first: 100) {
      totalCount
      edges { node { id status } }
    }
  }
`);

const TokResend = graphql(`
  mutation TokResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload { inviteUrl invitation { id status attempts } }
      ... on UserError { code message }
    }
  }
`);

const TokCancel = graphql(`
  mutation TokCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) {
      __typename
      ... on CancelInvitationPayload { invitation { id status } }
      ... on UserError { code message }
    }
  }
`);

const TokViewer = graphql(`
  query TokViewer {
    viewer {
      user { email emailVerified }
      memberships { role permissions organization { id } }
      pendingInvitations { invitationId organizationName inviterName role maskedEmail }
    }
  }
`);

const TokAuditLog = graphql(`
  query TokAuditLog($organizationId: ID!) {
    auditLog(organizationId: $organizationId, first: 100) { edges { node { action targetId data } } }
  }
`);

const TokLogIn = graphql(`
  mutation TokLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { user { email } }
      ... on UserError { code message }
    }
  }
`);

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');
const rawId = (globalId: string) => decodeGlobalID(globalId).id;
const randomToken = () => `${randomBytes(12).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
const GOOD_PASSWORD = 'a-good-password-123';

function splitToken(token: string) {
  const [selector = '', verifier = ''] = token.split('.');
  return { selector, verifier };
}

async function invitationRow(globalId: string, database?: Database) {
  const { db } = database ?? (await testDatabase());
  const [row] = await db
    .select()
    .from(invitations)
    .where(eq(invitations.id, rawId(globalId)));
  if (!row) expect.fail(`no invitation row for ${globalId}`);
  return row;
}

async function usersWithEmail(email: string) {
  const { db } = await testDatabase();
  return db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
}

/** Accepts as the invited person holding the email (its mailbox proof), with a new account. */
const acceptAnonymously = async (app: TestApp, token: string, options: RequestOptions = {}) =>
  app.gql(
    TokAccept,
    { input: { token, proof: await proofOf(app, token), name: 'Invited Person', password: GOOD_PASSWORD } },
    options,
  );

async function statusAsOwner(app: TestApp, owner: Account, invitationId: string) {
  const result = await app.gql(TokInvitation, { id: invitationId }, { token: owner.token });
  return result.data?.invitation?.status;
}

/** Moves the clock just past the start of a fixed window, so a test never straddles two. */
function startFreshWindow(clock: TestClock, seconds: number) {
  const ms = seconds * 1000;
  clock.advance((ms - (clock.now().getTime() % ms)) / 1000 + 1);
}

describe('token shape and storage', () => {
  it('puts a 16-character selector and a 43-character verifier in the link, and stores only the selector and a SHA-256 hex hash of the verifier', async () => {
    const owner = await newAccount(t, 'shape');
    const sent = await invite(t, owner);
    // The default link is this server's own accept page, at the address it is bound to.
    expect(sent.inviteUrl.startsWith(`${t.url}/invite/`)).toBe(true);
    expect(sent.inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(sent.token).toMatch(TOKEN_SHAPE);
    const { selector, verifier } = splitToken(sent.token);

    const row = await invitationRow(sent.invitation.id);
    expect(row.tokenSelector).toBe(selector);
    expect(row.tokenVerifierHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenVerifierHash).toBe(sha256Hex(verifier));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(sent.token);
    expect(stored).not.toContain(verifier);
  });

  it('makes a different token for every invitation', async () => {
    const owner = await newAccount(t, 'distinct');
    const tokens = [(await invite(t, owner)).token, (await invite(t, owner)).token, (await invite(t, owner)).token];
    expect(new Set(tokens.map((token) => splitToken(token).selector)).size).toBe(3);
    expect(new Set(tokens.map((token) => splitToken(token).verifier)).size).toBe(3);
  });
});

describe('invitationByToken', () => {
  it('previews the organization, inviter, role, message, expiry and a masked email, and never consumes the token', async () => {
    const owner = await newAccount(t, 'previewer');
    const sent = await invite(t, owner, { role: 'ADMIN', message: 'Come build with us' });
    const { db } = await testDatabase();
    const [organization] = await db
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, owner.raw.organizationId));

    const previews = [];
    for (let i = 0; i < 6; i++) previews.push(await t.gql(TokPreview, { token: sent.token }));
    const first = previews[0]?.data?.invitationByToken;
    expect(first).toEqual({
      __typename: 'InvitationPreview',
      organizationName: organization?.name,
      inviterName: 'previewer person',
      role: 'ADMIN',
      message: 'Come build with us',
      expiresAt: sent.invitation.expiresAt,
      maskedEmail: expect.any(String),
    });
    for (const preview of previews) {
      expect(preview.errors).toBeUndefined();
      expect(preview.data?.invitationByToken).toEqual(first);
    }

    const [local = '', domain = ''] = sent.email.split('@');
    const masked = first?.__typename === 'InvitationPreview' ? first.maskedEmail : '';
    expect(masked).not.toBe(sent.email);
    expect(masked).not.toContain(local);
    expect(masked).not.toContain(local.slice(1));
    expect(masked.startsWith(local.slice(0, 1))).toBe(true);
    expect(masked.endsWith(`@${domain}`)).toBe(true);
    expect(masked).toMatch(/\*{3,}@/);

    expect(await statusAsOwner(t, owner, sent.invitation.id)).toBe('PENDING');
    const accepted = await acceptAnonymously(t, sent.token);
    expect(accepted.data?.acceptInvitation).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      invitation: { status: 'ACCEPTED' },
      membership: { role: 'ADMIN', user: { email: sent.email } },
    });
  });
});

describe('dead links to an anonymous caller', () => {
  const d = useTestApp({ JWT_TTL_SECONDS: String(30 * DAY), EXPIRY_SWEEP_SECONDS: '0' });
  const tokens: Record<string, string> = {};
  const kinds = [
    'unknown',
    'malformed',
    'right selector, wrong verifier',
    'expired',
    'used',
    'declined',
    'cancelled',
  ] as const;

  beforeAll(async () => {
    const owner = await newAccount(d, 'deadlinks');
    const expiring = await invite(d, owner, { expiresInDays: 1 });
    expect((await d.gql(TokPreview, { token: expiring.token })).data?.invitationByToken).toMatchObject({
      __typename: 'InvitationPreview',
    });
    d.clock.advance(DAY + 60);

    const used = await invite(d, owner);
    expect((await acceptAnonymously(d, used.token)).data?.acceptInvitation?.__typename).toBe('AcceptInvitationPayload');
    const declined = await invite(d, owner);
    const declining = await d.gql(TokDecline, { input: { token: declined.token } });
    expect(declining.data?.declineInvitation?.__typename).toBe('DeclineInvitationPayload');
    const cancelled = await invite(d, owner);
    const cancelling = await d.gql(
      TokCancel,
      { input: { invitationId: cancelled.invitation.id } },
      { token: owner.token },
    );
    expect(cancelling.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
    const live = await invite(d, owner);

    Object.assign(tokens, {
      unknown: randomToken(),
      malformed: 'not-a-valid-token',
      'right selector, wrong verifier': `${splitToken(live.token).selector}.${randomBytes(32).toString('base64url')}`,
      expired: expiring.token,
      used: used.token,
      declined: declined.token,
      cancelled: cancelled.token,
    });
  });

  const tokenFor = (kind: (typeof kinds)[number]) => {
    const token = tokens[kind];
    if (!token) expect.fail(`no ${kind} token`);
    return token;
  };

  it('answers invitationByToken with InvalidTokenError, and nothing else, for unknown, malformed, expired, used, declined and cancelled links alike', async () => {
    for (const kind of kinds) {
      const result = await d.gql(TokPreview, { token: tokenFor(kind) });
      expect({ kind, ...result }).toEqual({ kind, status: 200, data: { invitationByToken: INVALID_PREVIEW } });
    }
  });

  it('refuses acceptInvitation with the same InvalidTokenError code and message for every dead link', async () => {
    const answers = [];
    for (const kind of kinds) {
      const result = await acceptAnonymously(d, tokenFor(kind));
      expect({ kind, status: result.status, errors: result.errors }).toEqual({ kind, status: 200 });
      expect({ kind, payload: result.data?.acceptInvitation }).toEqual({ kind, payload: INVALID_TOKEN });
      answers.push(JSON.stringify(result));
    }
    expect(new Set(answers).size).toBe(1);
  });

  it('refuses declineInvitation with the same InvalidTokenError code and message for every dead link', async () => {
    const answers = [];
    for (const kind of kinds) {
      const result = await d.gql(TokDecline, { input: { token: tokenFor(kind), reason: 'no thanks' } });
      expect({ kind, status: result.status, errors: result.errors }).toEqual({ kind, status: 200 });
      expect({ kind, payload: result.data?.declineInvitation }).toEqual({ kind, payload: INVALID_TOKEN });
      answers.push(JSON.stringify(result));
    }
    expect(new Set(answers).size).toBe(1);
  });
});

describe('acceptInvitation signed in', () => {
  it('makes the viewer whose email matches, in another case, a member with the invitation’s role and permissions; the emailed proof verifies the email', async () => {
    const owner = await newAccount(t, 'granter');
    const invitee = await newAccount(t, 'joiner');
    const sent = await invite(t, owner, {
      email: invitee.email.toUpperCase(),
      role: 'ADMIN',
      permissions: ['invoices:read', 'reports:export'],
    });

    const accepted = await t.gql(
      TokAccept,
      { input: { token: sent.token, proof: sent.proof } },
      { token: invitee.token },
    );
    expect(accepted.data?.acceptInvitation).toEqual({
      __typename: 'AcceptInvitationPayload',
      invitation: { id: sent.invitation.id, status: 'ACCEPTED' },
      membership: {
        role: 'ADMIN',
        permissions: ['invoices:read', 'reports:export'],
        user: { id: invitee.userId, email: invitee.email, emailVerified: true },
        organization: { id: owner.organizationId },
      },
      auth: null,
    });

    const viewer = await t.gql(TokViewer, undefined, { token: invitee.token });
    expect(viewer.data?.viewer?.memberships).toContainEqual({
      role: 'ADMIN',
      permissions: ['invoices:read', 'reports:export'],
      organization: { id: owner.organizationId },
    });
    expect(await statusAsOwner(t, owner, sent.invitation.id)).toBe('ACCEPTED');
  });

  it('refuses a viewer with another email with EMAIL_MISMATCH and leaves the invitation pending', async () => {
    const owner = await newAccount(t, 'mismatch');
    const stranger = await newAccount(t, 'stranger');
    const sent = await invite(t, owner);

    const result = await t.gql(
      TokAccept,
      { input: { token: sent.token, proof: sent.proof } },
      { token: stranger.token },
    );
    expect(result.data?.acceptInvitation).toEqual({
      __typename: 'EmailMismatchError',
      code: 'EMAIL_MISMATCH',
      message: 'This invitation was sent to another email address; sign in with that address to accept it',
    });
    expect(await statusAsOwner(t, owner, sent.invitation.id)).toBe('PENDING');
    const viewer = await t.gql(TokViewer, undefined, { token: stranger.token });
    expect(viewer.data?.viewer?.memberships.map((m) => m.organization.id)).toEqual([stranger.organizationId]);
    expect((await t.gql(TokPreview, { token: sent.token })).data?.invitationByToken).toMatchObject({
      __typename: 'InvitationPreview',
    });
  });
});

describe('acceptInvitation anonymous', () => {
  it('creates a verified account for the invited email and signs it in', async () => {
    const owner = await newAccount(t, 'anonowner');
    const sent = await invite(t, owner, { permissions: ['invoices:read'] });
    expect(await usersWithEmail(sent.email)).toHaveLength(0);

    const result = await t.gql(TokAccept, {
      input: { token: sent.token, proof: sent.proof, name: 'Fresh Face', password: GOOD_PASSWORD },
    });
    const payload = result.data?.acceptInvitation;
    expect(payload).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      invitation: { status: 'ACCEPTED' },
      membership: {
        role: 'MEMBER',
        permissions: ['invoices:read'],
        user: { email: sent.email, emailVerified: true },
        organization: { id: owner.organizationId },
      },
      auth: { token: expect.any(String), user: { email: sent.email } },
    });
    const authToken = payload?.__typename === 'AcceptInvitationPayload' ? payload.auth?.token : undefined;
    if (!authToken) expect.fail('no auth token');

    const viewer = await t.gql(TokViewer, undefined, { token: authToken });
    expect(viewer.data?.viewer).toMatchObject({
      user: { email: sent.email, emailVerified: true },
      memberships: [{ role: 'MEMBER', organization: { id: owner.organizationId } }],
    });
    const rows = await usersWithEmail(sent.email);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.name).toBe('Fresh Face');
    const login = await t.gql(TokLogIn, { input: { email: sent.email, password: GOOD_PASSWORD } });
    expect(login.data?.logIn).toEqual({ __typename: 'AuthPayload', user: { email: sent.email } });
  });

  it.each([
    ['name', { password: GOOD_PASSWORD }],
    ['password', { name: 'No Password' }],
  ] as const)(
    'refuses a missing %s with InputValidationError on that field and changes nothing',
    async (field, extra) => {
      const owner = await newAccount(t, `missing${field}`);
      const sent = await invite(t, owner);

      const result = await t.gql(TokAccept, { input: { token: sent.token, ...extra } });
      const payload = result.data?.acceptInvitation;
      expect(payload).toMatchObject({ __typename: 'InputValidationError', code: 'INVALID_INPUT' });
      const issues = payload?.__typename === 'InputValidationError' ? payload.issues : [];
      expect(issues.map((issue) => issue.path)).toEqual([['input', field]]);

      expect(await usersWithEmail(sent.email)).toHaveLength(0);
      expect(await statusAsOwner(t, owner, sent.invitation.id)).toBe('PENDING');
      const timeline = await t.gql(TokInvitation, { id: sent.invitation.id }, { token: owner.token });
      expect(timeline.data?.invitation?.timeline.map((e) => e.type)).toEqual(['CREATED']);
      expect((await t.gql(TokPreview, { token: sent.token })).data?.invitationByToken).toMatchObject({
        __typename: 'InvitationPreview',
      });
    },
  );

  it('refuses with ACCOUNT_EXISTS when the invited email already has a verified account, and leaves it pending', async () => {
    const owner = await newAccount(t, 'existsowner');
    const existing = await newVerifiedAccount(t, 'existing');
    const sent = await invite(t, owner, { email: existing.email });

    const result = await acceptAnonymously(t, sent.token);
    expect(result.data?.acceptInvitation).toEqual({
      __typename: 'AccountExistsError',
      code: 'ACCOUNT_EXISTS',
      message: 'An account already uses the invited email; sign in to accept',
    });
    expect(await statusAsOwner(t, owner, sent.invitation.id)).toBe('PENDING');
    expect(await usersWithEmail(existing.email)).toHaveLength(1);
    const viewer = await t.gql(TokViewer, undefined, { token: existing.token });
    expect(viewer.data?.viewer?.memberships.map((m) => m.organization.id)).toEqual([existing.organizationId]);

    const signedIn = await t.gql(TokAccept, { input: { token: sent.token } }, { token: existing.token });
    expect(signedIn.data?.acceptInvitation).toMatchObject({ __typename: 'AcceptInvitationPayload' });
  });
});

describe('declineInvitation', () => {
  it('declines with a reason kept in the timeline, and the link dies', async () => {
    const owner = await newAccount(t, 'decliner');
    const sent = await invite(t, owner);

    const result = await t.gql(TokDecline, { input: { token: sent.token, reason: 'Joined a competitor' } });
    expect(result.data?.declineInvitation).toEqual({
      __typename: 'DeclineInvitationPayload',
      invitation: { id: sent.invitation.id, status: 'DECLINED' },
    });
    const timeline = await t.gql(TokInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(timeline.data?.invitation?.status).toBe('DECLINED');
    const events = timeline.data?.invitation?.timeline ?? [];
    expect(events.map((e) => e.type)).toEqual(['CREATED', 'DECLINED']);
    expect(events[1]?.data).toEqual({ reason: 'Joined a competitor' });

    expect((await t.gql(TokPreview, { token: sent.token })).data?.invitationByToken).toEqual(INVALID_PREVIEW);
    expect((await acceptAnonymously(t, sent.token)).data?.acceptInvitation).toEqual(INVALID_TOKEN);
    expect((await t.gql(TokDecline, { input: { token: sent.token } })).data?.declineInvitation).toEqual(INVALID_TOKEN);
  });
});

describe('cancelInvitation', () => {
  it('kills the link at once', async () => {
    const owner = await newAccount(t, 'canceller');
    const sent = await invite(t, owner);
    expect((await t.gql(TokPreview, { token: sent.token })).data?.invitationByToken).toMatchObject({
      __typename: 'InvitationPreview',
    });

    const cancelled = await t.gql(TokCancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    expect(cancelled.data?.cancelInvitation).toEqual({
      __typename: 'CancelInvitationPayload',
      invitation: { id: sent.invitation.id, status: 'CANCELLED' },
    });
    expect((await t.gql(TokPreview, { token: sent.token })).data?.invitationByToken).toEqual(INVALID_PREVIEW);
    expect((await acceptAnonymously(t, sent.token)).data?.acceptInvitation).toEqual(INVALID_TOKEN);
    expect((await t.gql(TokDecline, { input: { token: sent.token } })).data?.declineInvitation).toEqual(INVALID_TOKEN);
    expect(await usersWithEmail(sent.email)).toHaveLength(0);
    expect(await statusAsOwner(t, owner, sent.invitation.id)).toBe('CANCELLED');
  });
});

describe('resend and no token in any record', () => {
  const r = useTestApp({ RESEND_COOLDOWN_SECONDS: '0' });

  async function resend(owner: Account, invitationId: string) {
    const result = await r.gql(TokResend, { input: { invitationId } }, { token: owner.token });
    const payload = result.data?.resendInvitation;
    if (payload?.__typename !== 'ResendInvitationPayload' || !payload.inviteUrl) {
      expect.fail(`resend failed: ${JSON.stringify(result)}`);
    }
    return { invitation: payload.invitation, inviteUrl: payload.inviteUrl, token: tokenOf(payload.inviteUrl) };
  }

  it('rotates the token: the old link dies at once and the new one works', async () => {
    const owner = await newAccount(r, 'rotator');
    const sent = await invite(r, owner);
    const before = await invitationRow(sent.invitation.id);

    const again = await resend(owner, sent.invitation.id);
    expect(again.invitation).toEqual({ id: sent.invitation.id, status: 'PENDING', attempts: 2 });
    expect(again.token).toMatch(TOKEN_SHAPE);
    expect(again.token).not.toBe(sent.token);
    const after = await invitationRow(sent.invitation.id);
    expect(after.tokenSelector).toBe(splitToken(again.token).selector);
    expect(after.tokenVerifierHash).toBe(sha256Hex(splitToken(again.token).verifier));
    expect(after.tokenSelector).not.toBe(before.tokenSelector);
    expect(after.tokenVerifierHash).not.toBe(before.tokenVerifierHash);

    expect((await r.gql(TokPreview, { token: sent.token })).data?.invitationByToken).toEqual(INVALID_PREVIEW);
    expect((await acceptAnonymously(r, sent.token)).data?.acceptInvitation).toEqual(INVALID_TOKEN);
    expect((await r.gql(TokDecline, { input: { token: sent.token } })).data?.declineInvitation).toEqual(INVALID_TOKEN);

    expect((await r.gql(TokPreview, { token: again.token })).data?.invitationByToken).toMatchObject({ role: 'MEMBER' });
    expect((await acceptAnonymously(r, again.token)).data?.acceptInvitation).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      invitation: { id: sent.invitation.id, status: 'ACCEPTED' },
    });
  });

  it('keeps every token, verifier and verifier hash out of the audit log, the timeline and their API answers', async () => {
    const owner = await newAccount(r, 'leakcheck');
    const secrets: string[] = [];
    const remember = async (token: string, invitationId: string) => {
      const row = await invitationRow(invitationId);
      secrets.push(token, splitToken(token).verifier, row.tokenVerifierHash, sha256Hex(splitToken(token).verifier));
    };

    // Sent, previewed and accepted.
    const accepted = await invite(r, owner, { message: 'Welcome' });
    await remember(accepted.token, accepted.invitation.id);
    expect((await r.gql(TokPreview, { token: accepted.token })).data?.invitationByToken).toMatchObject({
      __typename: 'InvitationPreview',
    });
    expect((await acceptAnonymously(r, accepted.token)).data?.acceptInvitation?.__typename).toBe(
      'AcceptInvitationPayload',
    );
    // A used link presented again is rejected and audited.
    expect((await acceptAnonymously(r, accepted.token)).data?.acceptInvitation).toEqual(INVALID_TOKEN);

    // Sent, resent, the old link tried, then cancelled and the new link tried.
    const rotated = await invite(r, owner);
    await remember(rotated.token, rotated.invitation.id);
    const fresh = await resend(owner, rotated.invitation.id);
    await remember(fresh.token, rotated.invitation.id);
    expect((await r.gql(TokPreview, { token: rotated.token })).data?.invitationByToken).toEqual(INVALID_PREVIEW);
    expect((await acceptAnonymously(r, rotated.token)).data?.acceptInvitation).toEqual(INVALID_TOKEN);
    const cancelled = await r.gql(
      TokCancel,
      { input: { invitationId: rotated.invitation.id, reason: 'sent by mistake' } },
      { token: owner.token },
    );
    expect(cancelled.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
    expect((await r.gql(TokPreview, { token: fresh.token })).data?.invitationByToken).toEqual(INVALID_PREVIEW);
    expect((await r.gql(TokDecline, { input: { token: fresh.token } })).data?.declineInvitation).toEqual(INVALID_TOKEN);

    // Sent and declined.
    const declined = await invite(r, owner);
    await remember(declined.token, declined.invitation.id);
    expect(
      (await r.gql(TokDecline, { input: { token: declined.token, reason: 'busy' } })).data?.declineInvitation,
    ).toMatchObject({ __typename: 'DeclineInvitationPayload' });

    expect(secrets.every((s) => s.length >= 43)).toBe(true);
    const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));

    const { db } = await testDatabase();
    const auditRows = await db.select().from(auditLog);
    const eventRows = await db.select().from(invitationEvents);
    const ownAudit = auditRows.filter((row) => row.organizationId === owner.raw.organizationId);
    expect(ownAudit.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        'invitation.created',
        'invitation.accepted',
        'invitation.resent',
        'invitation.cancelled',
        'invitation.declined',
        'invitation.token_rejected',
      ]),
    );
    for (const row of [...auditRows, ...eventRows]) expect(leaks(JSON.stringify(row))).toEqual([]);

    for (const sent of [accepted, rotated, declined]) {
      const answer = await r.gql(TokInvitation, { id: sent.invitation.id }, { token: owner.token });
      expect(answer.data?.invitation?.timeline.length).toBeGreaterThan(1);
      expect(leaks(JSON.stringify(answer))).toEqual([]);
    }
    const trail = await r.gql(TokAuditLog, { organizationId: owner.organizationId }, { token: owner.token });
    expect(trail.data?.auditLog?.edges.map((e) => e.node.action)).toContain('invitation.resent');
    expect(leaks(JSON.stringify(trail))).toEqual([]);
  });
});

describe('expiry read at once', () => {
  // sweepExpired() acts on every row with this app's clock, so it gets a database of its own.
  let own: Awaited<ReturnType<typeof isolatedDatabase>> | undefined;
  let started: Awaited<ReturnType<typeof startTestApp>> | undefined;
  beforeAll(async () => {
    own = await isolatedDatabase();
    started = await startTestApp(
      { JWT_TTL_SECONDS: String(30 * DAY), EXPIRY_SWEEP_SECONDS: '0' },
      { database: own.database },
    );
  });
  afterAll(async () => {
    await started?.stop();
    await own?.drop();
  });

  it('reads a pending invitation past its expiry as EXPIRED everywhere before any sweep; one sweep records it once', async () => {
    if (!started || !own) expect.fail('the expiry app did not start');
    const e = started;
    const database = own.database;
    const owner = await newAccount(e, 'expiry');
    const sent = await invite(e, owner, { expiresInDays: 1 });
    const list = (status: 'PENDING' | 'EXPIRED') =>
      e.gql(
        TokInvitations,
        { organizationId: owner.organizationId, filter: { status: [status] } },
        { token: owner.token },
      );
    const ids = (result: Awaited<ReturnType<typeof list>>) =>
      result.data?.invitations?.edges.map((edge) => edge.node.id) ?? [];

    expect(await statusAsOwner(e, owner, sent.invitation.id)).toBe('PENDING');
    expect(ids(await list('PENDING'))).toEqual([sent.invitation.id]);
    expect((await list('EXPIRED')).data?.invitations?.totalCount).toBe(0);

    e.clock.advance(DAY + 1);
    expect(await statusAsOwner(e, owner, sent.invitation.id)).toBe('EXPIRED');
    const expired = await list('EXPIRED');
    expect(ids(expired)).toEqual([sent.invitation.id]);
    expect(expired.data?.invitations?.edges[0]?.node.status).toBe('EXPIRED');
    expect(expired.data?.invitations?.totalCount).toBe(1);
    const pending = await list('PENDING');
    expect(ids(pending)).toEqual([]);
    expect(pending.data?.invitations?.totalCount).toBe(0);
    // Nothing has been written yet: the status is read, not swept.
    expect((await invitationRow(sent.invitation.id, database)).status).toBe('PENDING');
    const beforeSweep = await e.gql(TokInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(beforeSweep.data?.invitation?.timeline.map((ev) => ev.type)).toEqual(['CREATED']);

    expect(await e.app.services.invitations.sweepExpired()).toBe(1);
    const swept = await e.gql(TokInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(swept.data?.invitation?.status).toBe('EXPIRED');
    expect(swept.data?.invitation?.timeline.map((ev) => ev.type)).toEqual(['CREATED', 'EXPIRED']);
    expect((await invitationRow(sent.invitation.id, database)).status).toBe('EXPIRED');

    expect(await e.app.services.invitations.sweepExpired()).toBe(0);
    const again = await e.gql(TokInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(again.data?.invitation?.timeline.map((ev) => ev.type)).toEqual(['CREATED', 'EXPIRED']);
    expect((await list('EXPIRED')).data?.invitations?.totalCount).toBe(1);
    const { db } = database;
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'invitation.expired'), eq(auditLog.targetId, rawId(sent.invitation.id))));
    expect(audits).toHaveLength(1);
  });
});

describe('token guessing per address', () => {
  const LIMIT = 3;
  const WINDOW = 900;
  const g = useTestApp({ TOKEN_GUESS_LIMIT: String(LIMIT), TOKEN_GUESS_WINDOW_SECONDS: String(WINDOW) });

  async function guessBadly(ip: string, times: number) {
    const attempts = [
      async () =>
        expect((await g.gql(TokPreview, { token: randomToken() }, { ip })).data?.invitationByToken).toEqual(
          INVALID_PREVIEW,
        ),
      async () =>
        expect((await acceptAnonymously(g, 'not-a-token', { ip })).data?.acceptInvitation).toEqual(INVALID_TOKEN),
      async () =>
        expect((await g.gql(TokDecline, { input: { token: randomToken() } }, { ip })).data?.declineInvitation).toEqual(
          INVALID_TOKEN,
        ),
    ];
    for (let i = 0; i < times; i++) await attempts[i % attempts.length]?.();
  }

  it('still serves a valid token from an address just under the limit', async () => {
    startFreshWindow(g.clock, WINDOW);
    const owner = await newAccount(g, 'under');
    const sent = await invite(g, owner);
    const ip = randomIp();
    await guessBadly(ip, LIMIT - 1);
    expect((await g.gql(TokPreview, { token: sent.token }, { ip })).data?.invitationByToken).toMatchObject({
      __typename: 'InvitationPreview',
    });
  });

  it('refuses even a valid token from an address after 3 bad ones, while another address still gets in; each miss is audited', async () => {
    startFreshWindow(g.clock, WINDOW);
    const owner = await newAccount(g, 'guessed');
    const sent = await invite(g, owner);
    const ip = randomIp();
    await guessBadly(ip, LIMIT);

    const accept = await acceptAnonymously(g, sent.token, { ip });
    const payload = accept.data?.acceptInvitation;
    expect(payload).toMatchObject({ __typename: 'TooManyAttemptsError', code: 'TOO_MANY_ATTEMPTS' });
    const retryAfter = payload?.__typename === 'TooManyAttemptsError' ? payload.retryAfter : 0;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW);

    const preview = await g.gql(TokPreview, { token: sent.token }, { ip });
    expect(preview.data?.invitationByToken).toMatchObject({
      __typename: 'TooManyAttemptsError',
      code: 'TOO_MANY_ATTEMPTS',
    });
    const previewRetry = preview.data?.invitationByToken;
    expect(previewRetry?.__typename === 'TooManyAttemptsError' && previewRetry.retryAfter).toBeGreaterThan(0);

    const decline = await g.gql(TokDecline, { input: { token: sent.token } }, { ip });
    expect(decline.data?.declineInvitation).toMatchObject({ __typename: 'TooManyAttemptsError' });
    expect(await statusAsOwner(g, owner, sent.invitation.id)).toBe('PENDING');
    expect(await usersWithEmail(sent.email)).toHaveLength(0);

    const elsewhere = randomIp();
    expect((await g.gql(TokPreview, { token: sent.token }, { ip: elsewhere })).data?.invitationByToken).toMatchObject({
      __typename: 'InvitationPreview',
    });
    expect((await acceptAnonymously(g, sent.token, { ip: elsewhere })).data?.acceptInvitation).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      invitation: { status: 'ACCEPTED' },
    });

    const { db } = await testDatabase();
    const rejected = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'invitation.token_rejected'), eq(auditLog.ip, ip)));
    expect(rejected).toHaveLength(LIMIT);
    expect(rejected.map((row) => row.data.reason).sort()).toEqual(['malformed', 'unknown', 'unknown']);
  });

  it('counts concurrent guesses, so parallel bad tokens from one address cannot exceed the limit', async () => {
    startFreshWindow(g.clock, WINDOW);
    const ip = randomIp();
    const attempts = LIMIT * 4;
    const results = await Promise.all(
      Array.from({ length: attempts }, () => g.gql(TokPreview, { token: randomToken() }, { ip })),
    );
    // A guess that was evaluated answers InvalidTokenError; a refused one TooManyAttemptsError.
    const codes = results.map((result) => {
      const answer = result.data?.invitationByToken;
      return answer?.__typename === 'InvalidTokenError' ? 'EVALUATED' : answer && 'code' in answer ? answer.code : null;
    });
    expect(codes.filter((code) => code === 'EVALUATED').length).toBeLessThanOrEqual(LIMIT);
    expect(codes.filter((code) => code === 'TOO_MANY_ATTEMPTS').length).toBeGreaterThanOrEqual(attempts - LIMIT);

    const { db } = await testDatabase();
    const rejected = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'invitation.token_rejected'), eq(auditLog.ip, ip)));
    expect(rejected.length).toBeLessThanOrEqual(LIMIT);
  });
});

describe('viewer.pendingInvitations', () => {
  const v = useTestApp({ JWT_TTL_SECONDS: String(30 * DAY), EXPIRY_SWEEP_SECONDS: '0' });

  it('lists the open invitations to the viewer’s email from every organization, not expired, cancelled, answered or others’ ones', async () => {
    const viewer = await newAccount(v, 'wanted');
    const [first, second, lapsed, withdrawn, answered] = await Promise.all(
      ['first', 'second', 'lapsed', 'withdrawn', 'answered'].map((label) => newAccount(v, label)),
    );
    if (!first || !second || !lapsed || !withdrawn || !answered) expect.fail('accounts missing');

    const expiring = await invite(v, lapsed, { email: viewer.email, expiresInDays: 1 });
    const open1 = await invite(v, first, { email: viewer.email });
    const open2 = await invite(v, second, { email: viewer.email.toUpperCase(), role: 'ADMIN' });
    const cancelled = await invite(v, withdrawn, { email: viewer.email });
    const cancelling = await v.gql(
      TokCancel,
      { input: { invitationId: cancelled.invitation.id } },
      { token: withdrawn.token },
    );
    expect(cancelling.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
    const accepted = await invite(v, answered, { email: viewer.email });
    const accepting = await v.gql(
      TokAccept,
      { input: { token: accepted.token, proof: accepted.proof } },
      { token: viewer.token },
    );
    expect(accepting.data?.acceptInvitation?.__typename).toBe('AcceptInvitationPayload');
    const someoneElse = await invite(v, first, { email: uniqueEmail('other') });
    const otherViewer = await newAccount(v, 'bystander');

    v.clock.advance(DAY + 60);
    const result = await v.gql(TokViewer, undefined, { token: viewer.token });
    const listed = result.data?.viewer?.pendingInvitations ?? [];
    // Newest first, as the addressee may see them: the preview's fields, nothing of the organization.
    expect(listed).toEqual([
      {
        invitationId: open2.invitation.id,
        organizationName: expect.stringMatching(/^second org /),
        inviterName: 'second person',
        role: 'ADMIN',
        maskedEmail: expect.stringMatching(/^w\*+@example\.test$/),
      },
      {
        invitationId: open1.invitation.id,
        organizationName: expect.stringMatching(/^first org /),
        inviterName: 'first person',
        role: 'MEMBER',
        maskedEmail: expect.stringMatching(/^w\*+@example\.test$/),
      },
    ]);
    const listedIds = listed.map((invitation) => invitation.invitationId);
    for (const hidden of [expiring, cancelled, accepted, someoneElse])
      expect(listedIds).not.toContain(hidden.invitation.id);

    const bystander = await v.gql(TokViewer, undefined, { token: otherViewer.token });
    expect(bystander.data?.viewer?.pendingInvitations).toEqual([]);
  });
});
