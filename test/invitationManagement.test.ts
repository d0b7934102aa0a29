// Managing invitations through the real HTTP server: refusals of sendInvitation that change
// nothing, the validateInvitation dry run, resend and cancel, reading with filters, order and
// pages, tenancy (another organisation's invitation reads exactly like a missing one) and the
// hash-chained audit trail, including a row edited behind the append-only trigger's back.
import { randomUUID } from 'node:crypto';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { and, eq, like, or, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, invitations, memberships, rateLimitCounters } from '../src/db/schema/index.js';
import { decodeGlobalID, encodeGlobalID } from '../src/graphql/globalId.js';
import type { MgmtListQueryVariables, SendInvitationInput, ValidateInvitationInput } from './generated/graphql.js';
import { graphql } from './generated/index.js';
import { type RequestOptions, type TestApp, useTestApp } from './helpers/app.js';
import { testDatabase } from './helpers/db.js';
import { invite, proofOf, tokenOf } from './helpers/invitations.js';
import { type Account, newAccount, newMember, uniqueEmail } from './helpers/seed.js';

/** What invitationByToken answers for an unknown, expired, used or withdrawn link. */
const REFUSED_LINK = { __typename: 'InvalidTokenError', code: 'INVALID_TOKEN' };

const t = useTestApp();

const DAY_MS = 86_400_000;

const Send = graphql(`
  mutation MgmtSend($input: SendInvitationInput!) {
    sendInvitation(input: $input) {
      __typename
      ... on SendInvitationPayload {
        inviteUrl
        invitation { id email phone role status permissions metadata message expiresAt createdAt }
      }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
      ... on PermissionNotHeldError { permissions }
      ... on PendingInvitationExistsError { invitationId }
      ... on RateLimitedError { retryAfter scope }
    }
  }
`);

const Validate = graphql(`
  mutation MgmtValidate($input: ValidateInvitationInput!) {
    validateInvitation(input: $input) {
      __typename
      ... on ValidateInvitationPayload { valid checks { code passed message errorCode } }
      ... on UserError { code message }
    }
  }
`);

/** The dry run's checks; any other answer fails the test. */
function dryRun(result: { data?: ResultOf<typeof Validate> | null }) {
  const answer = result.data?.validateInvitation;
  if (answer?.__typename !== 'ValidateInvitationPayload') expect.fail(`dry run failed: ${JSON.stringify(answer)}`);
  return answer;
}

const Resend = graphql(`
  mutation MgmtResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload {
        inviteUrl
        invitation { id status attempts expiresAt lastSentAt timeline { type data actor { email } } }
      }
      ... on UserError { code message }
      ... on ResendCooldownError { retryAfter }
      ... on ResendLimitError { retryAfter }
      ... on InvitationNotPendingError { status }
      ... on InputValidationError { issues { path message } }
      ... on PendingInvitationExistsError { invitationId }
    }
  }
`);

const Cancel = graphql(`
  mutation MgmtCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) {
      __typename
      ... on CancelInvitationPayload {
        invitation { id status respondedAt timeline { type data actor { email } } }
      }
      ... on UserError { code message }
      ... on InvitationNotPendingError { status }
    }
  }
`);

const Accept = graphql(`
  mutation MgmtAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload { invitation { status } membership { role user { id email } } }
      ... on UserError { code message }
    }
  }
`);

const Decline = graphql(`
  mutation MgmtDecline($input: DeclineInvitationInput!) {
    declineInvitation(input: $input) {
      __typename
      ... on DeclineInvitationPayload { invitation { status } }
      ... on UserError { code message }
    }
  }
`);

const UpdateRole = graphql(`
  mutation MgmtUpdateRole($input: UpdateMemberRoleInput!) {
    updateMemberRole(input: $input) {
      __typename
      ... on UpdateMemberRolePayload { membership { role } }
      ... on UserError { code message }
    }
  }
`);

const RemoveMember = graphql(`
  mutation MgmtRemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      __typename
      ... on RemoveMemberPayload { removedUserId }
      ... on UserError { code message }
    }
  }
`);

const LogIn = graphql(`
  mutation MgmtLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token }
      ... on UserError { code message }
    }
  }
`);

const OneInvitation = graphql(`
  query MgmtInvitation($id: ID!) {
    invitation(id: $id) { id email status attempts expiresAt timeline { type data actor { email } } }
  }
`);

const NodeById = graphql(`
  query MgmtNode($id: ID!) {
    node(id: $id) { __typename id }
  }
`);

const Preview = graphql(`
  query MgmtPreview($token: String!) {
    invitationByToken(token: $token) { __typename ... on InvitationPreview { role expiresAt } ... on UserError { code } }
  }
`);

const List = graphql(`
  query MgmtList(
    $organizationId: ID!
    $filter: InvitationFilter
    $orderBy: InvitationOrder
    $first: Int
    $after: String
  ) {
    invitations(organizationId: $organizationId, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id email role status deliveryStatus createdAt invitedBy { id } } }
    }
  }
`);

const Audit = graphql(`
  query MgmtAudit($organizationId: ID!, $first: Int) {
    auditLog(organizationId: $organizationId, first: $first) {
      edges {
        node { id action actor { id email } targetType targetId data ip userAgent createdAt hash prevHash }
      }
    }
  }
`);

const Integrity = graphql(`
  query MgmtIntegrity($organizationId: ID!) {
    auditLogIntegrity(organizationId: $organizationId) { valid checked firstBrokenId }
  }
`);

const database = async () => (await testDatabase()).db;
const rawId = (globalId: string) => decodeGlobalID(globalId).id;
const missingInvitationId = () => encodeGlobalID('Invitation', randomUUID());
const missingOrganizationId = () => encodeGlobalID('Organization', randomUUID());

/** What a refusal must leave alone: the organisation's invitations, audit rows and rate-limit counters. */
async function orgState(organizationId: string, userIds: string[]) {
  const db = await database();
  const keys = [organizationId, ...userIds].map((id) => like(rateLimitCounters.key, `%${id}%`));
  return {
    invitations: await db.$count(invitations, eq(invitations.organizationId, organizationId)),
    audit: await db.$count(auditLog, eq(auditLog.organizationId, organizationId)),
    counters: await db
      .select({
        key: rateLimitCounters.key,
        windowStart: rateLimitCounters.windowStart,
        count: rateLimitCounters.count,
      })
      .from(rateLimitCounters)
      .where(or(...keys))
      .orderBy(rateLimitCounters.key, rateLimitCounters.windowStart),
  };
}

const stateOf = (owner: Account, ...others: Account[]) =>
  orgState(owner.raw.organizationId, [owner.raw.userId, ...others.map((o) => o.raw.userId)]);

function send(app: TestApp, by: Account, input: Partial<SendInvitationInput>, options: RequestOptions = {}) {
  return app.gql(
    Send,
    { input: { organizationId: by.organizationId, email: uniqueEmail('mgmt'), role: 'MEMBER', ...input } },
    { token: by.token, ...options },
  );
}

function validate(app: TestApp, by: Account, input: Partial<ValidateInvitationInput>) {
  return app.gql(
    Validate,
    { input: { organizationId: by.organizationId, email: uniqueEmail('dry'), role: 'MEMBER', ...input } },
    { token: by.token },
  );
}

async function grantPermissions(owner: Account, member: Account, permissions: string[]) {
  const db = await database();
  await db
    .update(memberships)
    .set({ permissions })
    .where(and(eq(memberships.organizationId, owner.raw.organizationId), eq(memberships.userId, member.raw.userId)));
}

/** Moves an invitation's expiry into the past behind the API's back, as time passing would. */
async function expireInDatabase(invitationId: string, status: 'PENDING' | 'EXPIRED' = 'PENDING') {
  const db = await database();
  const past = new Date(Date.now() - 2 * DAY_MS);
  await db
    .update(invitations)
    .set({ status, expiresAt: new Date(Date.now() - 3_600_000), lastSentAt: past, createdAt: past })
    .where(eq(invitations.id, rawId(invitationId)));
}

/** Every message in an error and its causes, so a driver's wrapping does not hide the database's words. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) parts.push(String(e));
  return parts.join(' <- ');
}

/** Like the `invite` helper, but `by` may be a member of `owner`'s organization rather than its owner. */
async function inviteInto(app: TestApp, by: Account, owner: Account, input: Partial<SendInvitationInput> = {}) {
  const result = await send(app, by, { organizationId: owner.organizationId, ...input });
  const payload = result.data?.sendInvitation;
  if (payload?.__typename !== 'SendInvitationPayload' || !payload.inviteUrl) {
    expect.fail(`send failed: ${JSON.stringify(result)}`);
  }
  return { invitation: payload.invitation, token: tokenOf(payload.inviteUrl) };
}

/** A fresh bearer token, for after the clock has moved past the first one's expiry. */
async function logIn(app: TestApp, account: Account): Promise<Account> {
  const result = await app.gql(LogIn, { input: { email: account.email, password: account.password } });
  const payload = result.data?.logIn;
  if (payload?.__typename !== 'AuthPayload') expect.fail(`log-in failed: ${JSON.stringify(result)}`);
  return { ...account, token: payload.token };
}

async function acceptAnonymously(app: TestApp, token: string, options: RequestOptions = {}) {
  const result = await app.gql(
    Accept,
    { input: { token, proof: await proofOf(app, token), name: 'Invited Person', password: `pw-${randomUUID()}` } },
    options,
  );
  const payload = result.data?.acceptInvitation;
  if (payload?.__typename !== 'AcceptInvitationPayload') expect.fail(`accept failed: ${JSON.stringify(result)}`);
  return payload;
}

describe('sendInvitation refusals', () => {
  let owner: Account;
  beforeAll(async () => {
    owner = await newAccount(t, 'refusals');
  });

  const tooLongEmail = `${'a'.repeat(60)}@${`${'b'.repeat(60)}.`.repeat(3)}${'c'.repeat(50)}.test`;
  const cases: { name: string; input: Partial<SendInvitationInput>; path: string[] }[] = [
    { name: 'an email in display-name form', input: { email: 'Ann Example <ann@example.com>' }, path: ['email'] },
    {
      name: 'an email carrying CR/LF header injection',
      input: { email: 'ann@example.com\r\nBcc: eve@example.com' },
      path: ['email'],
    },
    { name: 'an email with a bare line feed inside', input: { email: 'ann@exam\nple.com' }, path: ['email'] },
    { name: 'an email with a space inside', input: { email: 'ann smith@example.com' }, path: ['email'] },
    { name: 'an email longer than 254 characters', input: { email: tooLongEmail }, path: ['email'] },
    { name: 'a phone number without the leading plus', input: { phone: '14155550123' }, path: ['phone'] },
    { name: 'a phone number with spaces', input: { phone: '+1 415 555 0123' }, path: ['phone'] },
    { name: 'a phone number starting with zero', input: { phone: '+0415555012' }, path: ['phone'] },
    { name: 'a message of 1,001 characters', input: { message: 'm'.repeat(1001) }, path: ['message'] },
    { name: 'a message with a bell character', input: { message: 'Hello\u0007there' }, path: ['message'] },
    { name: 'a message with an escape sequence', input: { message: 'Hi \u001b[31mred' }, path: ['message'] },
    { name: 'metadata over 4 KB', input: { metadata: { blob: 'x'.repeat(4100) } }, path: ['metadata'] },
    {
      name: 'metadata over 4 KB in bytes though not in characters',
      input: { metadata: { blob: 'é'.repeat(2100) } },
      path: ['metadata'],
    },
    { name: 'metadata that is not an object', input: { metadata: ['a', 'b'] }, path: ['metadata'] },
    { name: 'expiresInDays 0', input: { expiresInDays: 0 }, path: ['expiresInDays'] },
    { name: 'a negative expiresInDays', input: { expiresInDays: -3 }, path: ['expiresInDays'] },
    { name: 'expiresInDays 31, above the maximum of 30', input: { expiresInDays: 31 }, path: ['expiresInDays'] },
  ];

  it.each(cases)(
    'refuses $name with an InputValidationError at its path, changing nothing',
    async ({ input, path }) => {
      const before = await stateOf(owner);
      const result = await send(t, owner, input);
      const payload = result.data?.sendInvitation;
      expect(payload).toMatchObject({ __typename: 'InputValidationError', code: 'INVALID_INPUT' });
      if (payload?.__typename !== 'InputValidationError') return;
      expect(payload.issues.map((issue) => issue.path)).toContainEqual(['input', ...path]);
      expect(await stateOf(owner)).toEqual(before);
    },
  );

  it('accepts the limits themselves: 1,000 characters with line breaks, 30 days, E.164, metadata under 4 KB', async () => {
    const message = `Line one\nLine\ttwo\r\n${'m'.repeat(1000 - 19)}`;
    expect(message).toHaveLength(1000);
    const result = await send(t, owner, {
      message,
      expiresInDays: 30,
      phone: '+14155550123',
      metadata: { team: 'sales', blob: 'x'.repeat(3900) },
    });
    const payload = result.data?.sendInvitation;
    if (payload?.__typename !== 'SendInvitationPayload') expect.fail(JSON.stringify(result));
    expect(payload.invitation).toMatchObject({ message, phone: '+14155550123', metadata: { team: 'sales' } });
    const created = new Date(payload.invitation.createdAt).getTime();
    expect(new Date(payload.invitation.expiresAt).getTime() - created).toBe(30 * DAY_MS);
  });

  it('refuses a self-invite in any case and with surrounding spaces with SELF_INVITE, changing nothing', async () => {
    const admin = await newMember(t, owner, 'ADMIN');
    const before = await stateOf(owner, admin);
    for (const [by, email] of [
      [owner, owner.email],
      [owner, owner.email.toUpperCase()],
      [owner, `  ${owner.email.replace(/^./, (c) => c.toUpperCase())}  `],
      [admin, admin.email.toUpperCase()],
    ] as const) {
      const result = await send(t, by, { organizationId: owner.organizationId, email });
      expect(result.data?.sendInvitation).toMatchObject({ __typename: 'SelfInviteError', code: 'SELF_INVITE' });
    }
    expect(await stateOf(owner, admin)).toEqual(before);
  });

  it('refuses an existing member, in any case, with ALREADY_MEMBER, changing nothing', async () => {
    const member = await newMember(t, owner, 'MEMBER');
    const before = await stateOf(owner);
    for (const email of [member.email, member.email.toUpperCase()]) {
      const result = await send(t, owner, { email });
      expect(result.data?.sendInvitation).toMatchObject({ __typename: 'AlreadyMemberError', code: 'ALREADY_MEMBER' });
    }
    expect(await stateOf(owner)).toEqual(before);
  });

  it('refuses an admin granting a permission they lack with PERMISSION_NOT_HELD naming it, and lets them grant one they hold', async () => {
    const admin = await newMember(t, owner, 'ADMIN');
    await grantPermissions(owner, admin, ['reports:read']);
    const before = await stateOf(owner, admin);
    const into = { organizationId: owner.organizationId };
    const refused = await send(t, admin, { ...into, permissions: ['reports:read', 'billing:write', 'users:delete'] });
    expect(refused.data?.sendInvitation).toMatchObject({
      __typename: 'PermissionNotHeldError',
      code: 'PERMISSION_NOT_HELD',
      permissions: ['billing:write', 'users:delete'],
    });
    expect(await stateOf(owner, admin)).toEqual(before);

    const held = await send(t, admin, { ...into, permissions: ['reports:read'] });
    expect(held.data?.sendInvitation).toMatchObject({
      __typename: 'SendInvitationPayload',
      invitation: { permissions: ['reports:read'], status: 'PENDING' },
    });
    expect((await stateOf(owner, admin)).invitations).toBe(before.invitations + 1);
  });

  it('stores the email trimmed and lower-cased', async () => {
    const tag = randomUUID().slice(0, 8);
    const result = await send(t, owner, { email: `  Casey.Mixed-${tag}@Example.TEST  ` });
    const payload = result.data?.sendInvitation;
    if (payload?.__typename !== 'SendInvitationPayload') expect.fail(JSON.stringify(result));
    expect(payload.invitation.email).toBe(`casey.mixed-${tag}@example.test`);
    const db = await database();
    const [row] = await db
      .select({ email: invitations.email })
      .from(invitations)
      .where(eq(invitations.id, rawId(payload.invitation.id)));
    expect(row?.email).toBe(`casey.mixed-${tag}@example.test`);
  });

  it('defaults the expiry to seven days from now', async () => {
    const result = await send(t, owner, {});
    const payload = result.data?.sendInvitation;
    if (payload?.__typename !== 'SendInvitationPayload') expect.fail(JSON.stringify(result));
    const expiresAt = new Date(payload.invitation.expiresAt).getTime();
    expect(expiresAt - new Date(payload.invitation.createdAt).getTime()).toBe(7 * DAY_MS);
  });

  describe('with custom messages switched off', () => {
    const quiet = useTestApp({ CUSTOM_MESSAGES_ENABLED: 'false' });

    it('refuses a message with CUSTOM_MESSAGES_DISABLED, changing nothing, and sends without one', async () => {
      const sender = await newAccount(quiet, 'quiet');
      const before = await stateOf(sender);
      const refused = await send(quiet, sender, { message: 'Welcome!' });
      expect(refused.data?.sendInvitation).toMatchObject({
        __typename: 'CustomMessagesDisabledError',
        code: 'CUSTOM_MESSAGES_DISABLED',
      });
      expect(await stateOf(sender)).toEqual(before);

      const plain = await send(quiet, sender, {});
      expect(plain.data?.sendInvitation).toMatchObject({
        __typename: 'SendInvitationPayload',
        invitation: { message: null, status: 'PENDING' },
      });
      expect((await stateOf(sender)).invitations).toBe(before.invitations + 1);
    });

    it('reports MESSAGES_ENABLED failing in the dry run, and refuses a resend that sets a message', async () => {
      const sender = await newAccount(quiet, 'quietresend');
      const dry = await validate(quiet, sender, { message: 'Welcome!' });
      expect(dryRun(dry).checks.find((c) => c.code === 'MESSAGES_ENABLED')).toMatchObject({
        passed: false,
        errorCode: 'CUSTOM_MESSAGES_DISABLED',
      });
      const sent = await invite(quiet, sender);
      quiet.clock.advance(61);
      const resent = await quiet.gql(
        Resend,
        { input: { invitationId: sent.invitation.id, message: 'Welcome!' } },
        { token: sender.token },
      );
      expect(resent.data?.resendInvitation).toMatchObject({
        __typename: 'CustomMessagesDisabledError',
        code: 'CUSTOM_MESSAGES_DISABLED',
      });
      const read = await quiet.gql(OneInvitation, { id: sent.invitation.id }, { token: sender.token });
      expect(read.data?.invitation?.attempts).toBe(1);
    });
  });
});

describe('validateInvitation', () => {
  const everyCheck = [
    'EMAIL_VALID',
    'PHONE_VALID',
    'MESSAGE_VALID',
    'PERMISSIONS_VALID',
    'METADATA_VALID',
    'EXPIRES_IN_DAYS_VALID',
    'INVITER_ROLE',
    'ROLE_ALLOWED',
    'PERMISSIONS_HELD',
    'MESSAGES_ENABLED',
    'EXPIRY_ALLOWED',
    'NOT_SELF',
    'NOT_MEMBER',
    'NO_PENDING_INVITATION',
    'RATE_LIMIT',
  ];

  it('reports every check, each passed with a message and no error code, for an input that would be sent', async () => {
    const owner = await newAccount(t, 'dryrun');
    const result = await validate(t, owner, {
      phone: '+14155550123',
      message: 'Hello',
      permissions: ['reports:read'],
      metadata: { team: 'ops' },
      expiresInDays: 14,
      role: 'ADMIN',
    });
    const validation = dryRun(result);
    expect(validation?.valid).toBe(true);
    expect(validation?.checks.map((c) => c.code)).toEqual(expect.arrayContaining(everyCheck));
    for (const check of validation?.checks ?? []) {
      expect(check).toEqual({ code: check.code, passed: true, message: expect.any(String), errorCode: null });
      expect(check.message.length).toBeGreaterThan(0);
    }
  });

  it('reports each failing rule with the code sendInvitation refuses the same input with', async () => {
    const owner = await newAccount(t, 'drycodes');
    const admin = await newMember(t, owner, 'ADMIN');
    const member = await newMember(t, owner, 'MEMBER');
    const pending = await invite(t, owner);
    // The admin acts in the owner's organization, not in the one their sign-up made for them.
    const into = { organizationId: owner.organizationId };
    const cases: [string, Account, Partial<ValidateInvitationInput>, string, string][] = [
      ['bad email', owner, { email: 'Ann <ann@example.com>' }, 'EMAIL_VALID', 'INVALID_INPUT'],
      [
        'pending duplicate',
        owner,
        { email: pending.email.toUpperCase() },
        'NO_PENDING_INVITATION',
        'PENDING_INVITATION_EXISTS',
      ],
      ['self', owner, { email: owner.email.toUpperCase() }, 'NOT_SELF', 'SELF_INVITE'],
      ['member', owner, { email: member.email }, 'NOT_MEMBER', 'ALREADY_MEMBER'],
      ['bad phone', owner, { phone: '555-0123' }, 'PHONE_VALID', 'INVALID_INPUT'],
      ['zero days', owner, { expiresInDays: 0 }, 'EXPIRES_IN_DAYS_VALID', 'INVALID_INPUT'],
      ['too many days', owner, { expiresInDays: 31 }, 'EXPIRY_ALLOWED', 'INVALID_INPUT'],
      ['admin inviting an owner', admin, { ...into, role: 'OWNER' }, 'ROLE_ALLOWED', 'ROLE_NOT_ALLOWED'],
      [
        'permission not held',
        admin,
        { ...into, permissions: ['billing:write'] },
        'PERMISSIONS_HELD',
        'PERMISSION_NOT_HELD',
      ],
    ];
    for (const [name, by, input, checkCode, errorCode] of cases) {
      const email = input.email ?? uniqueEmail('drycase');
      const dry = await validate(t, by, { ...input, email });
      const validation = dryRun(dry);
      expect(validation?.valid, name).toBe(false);
      expect(
        validation?.checks.find((c) => c.code === checkCode),
        name,
      ).toEqual({ code: checkCode, passed: false, message: expect.stringMatching(/\S/), errorCode });
      const real = await send(t, by, { ...input, email });
      expect(real.data?.sendInvitation, name).toMatchObject({ code: errorCode });
    }
  });

  it('writes nothing: no invitation, no audit row, no rate-limit counter', async () => {
    const owner = await newAccount(t, 'drywrite');
    const existing = await invite(t, owner);
    const before = await stateOf(owner);
    expect(before.counters.length).toBeGreaterThan(0);
    const fresh = uniqueEmail('never');
    const good = await validate(t, owner, { email: fresh });
    expect(dryRun(good).valid).toBe(true);
    const duplicate = await validate(t, owner, { email: existing.email });
    expect(dryRun(duplicate).valid).toBe(false);
    const bad = await validate(t, owner, { email: 'not an email' });
    expect(dryRun(bad).valid).toBe(false);
    expect(await stateOf(owner)).toEqual(before);
    const db = await database();
    expect(await db.$count(invitations, eq(invitations.email, fresh))).toBe(0);
  });

  describe('at the rate limit', () => {
    const limited = useTestApp({ INVITATION_RATE_LIMIT_HOUR: '1' });

    it('reports RATE_LIMIT failing with RATE_LIMITED, as sendInvitation then refuses', async () => {
      const owner = await newAccount(limited, 'drylimit');
      await invite(limited, owner);
      const dry = await validate(limited, owner, {});
      expect(dryRun(dry).valid).toBe(false);
      expect(dryRun(dry).checks.find((c) => c.code === 'RATE_LIMIT')).toMatchObject({
        passed: false,
        errorCode: 'RATE_LIMITED',
      });
      expect((await send(limited, owner, {})).data?.sendInvitation).toMatchObject({
        __typename: 'RateLimitedError',
        code: 'RATE_LIMITED',
      });
    });
  });
});

describe('resendInvitation', () => {
  describe('with the default cooldown', () => {
    // The clock moves here; no sweeper, so other tests' invitations are not expired by it.
    const r = useTestApp({ EXPIRY_SWEEP_SECONDS: '0' });

    it('refuses within the cooldown with retryAfter, then bumps attempts, extends the expiry from now, gives a new link and appends RESENT', async () => {
      const owner = await newAccount(r, 'resender');
      const sent = await invite(r, owner);
      const soon = await r.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
      const cooldown = soon.data?.resendInvitation;
      expect(cooldown).toMatchObject({ __typename: 'ResendCooldownError', code: 'RESEND_COOLDOWN' });
      if (cooldown?.__typename !== 'ResendCooldownError') return;
      expect(cooldown.retryAfter).toBeGreaterThanOrEqual(1);
      expect(cooldown.retryAfter).toBeLessThanOrEqual(60);

      r.clock.advance(61);
      const result = await r.gql(
        Resend,
        { input: { invitationId: sent.invitation.id, expiresInDays: 3 } },
        { token: owner.token },
      );
      const payload = result.data?.resendInvitation;
      if (payload?.__typename !== 'ResendInvitationPayload') expect.fail(JSON.stringify(result));
      expect(payload.invitation.attempts).toBe(2);
      expect(payload.invitation.status).toBe('PENDING');
      const expiresAt = new Date(payload.invitation.expiresAt).getTime();
      const resentAt = new Date(payload.invitation.lastSentAt).getTime();
      expect(expiresAt - resentAt).toBe(3 * DAY_MS);
      // Counted from the resend, which came after the clock moved past the cooldown.
      const firstSentAt = new Date(sent.invitation.expiresAt).getTime() - 7 * DAY_MS;
      expect(resentAt - firstSentAt).toBeGreaterThanOrEqual(61_000);
      expect(payload.inviteUrl).toBeTruthy();
      expect(payload.inviteUrl).not.toBe(sent.inviteUrl);
      expect(payload.invitation.timeline).toMatchObject([
        { type: 'CREATED', actor: { email: owner.email } },
        { type: 'RESENT', actor: { email: owner.email }, data: { attempt: 2 } },
      ]);
      // The old link died with the resend; the new one works.
      expect((await r.gql(Preview, { token: sent.token })).data?.invitationByToken).toEqual(REFUSED_LINK);
      expect((await r.gql(Preview, { token: tokenOf(payload.inviteUrl ?? '') })).data?.invitationByToken).toMatchObject(
        { role: 'MEMBER' },
      );
    });

    it('resends an invitation that reads EXPIRED, and it reads PENDING again', async () => {
      const signedUp = await newAccount(r, 'revive');
      const sent = await invite(r, signedUp, { expiresInDays: 1 });
      r.clock.advance(2 * 86_400);
      // Bearer tokens live an hour by the same clock: sign in again.
      const owner = await logIn(r, signedUp);
      const expired = await r.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
      expect(expired.data?.invitation?.status).toBe('EXPIRED');

      const result = await r.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
      const payload = result.data?.resendInvitation;
      if (payload?.__typename !== 'ResendInvitationPayload') expect.fail(JSON.stringify(result));
      expect(payload.invitation).toMatchObject({ status: 'PENDING', attempts: 2 });
      const expiresAt = new Date(payload.invitation.expiresAt).getTime();
      const resentAt = new Date(payload.invitation.lastSentAt).getTime();
      expect(expiresAt - resentAt).toBe(7 * DAY_MS);
      // Counted from the resend, two days after the first send, not from the old expiry.
      const firstSentAt = new Date(sent.invitation.expiresAt).getTime() - DAY_MS;
      expect(resentAt - firstSentAt).toBeGreaterThanOrEqual(2 * DAY_MS);
      const again = await r.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
      expect(again.data?.invitation?.status).toBe('PENDING');
      const pendingList = await r.gql(
        List,
        { organizationId: owner.organizationId, filter: { status: ['PENDING'] } },
        { token: owner.token },
      );
      expect(pendingList.data?.invitations?.edges.map((e) => e.node.id)).toEqual([sent.invitation.id]);
    });

    it('revives an expired invitation when a newer one to the same address has expired too, before any sweep', async () => {
      const signedUp = await newAccount(r, 'revivetwice');
      const older = await invite(r, signedUp, { expiresInDays: 1 });
      r.clock.advance(2 * 86_400);
      // Sending again records the older one EXPIRED and makes a newer one, which expires in turn.
      const newer = await invite(r, await logIn(r, signedUp), { email: older.email, expiresInDays: 1 });
      r.clock.advance(2 * 86_400);
      const owner = await logIn(r, signedUp);
      const as = { token: owner.token };
      const statuses = async () =>
        Promise.all(
          [older, newer].map(
            async (s) => (await r.gql(OneInvitation, { id: s.invitation.id }, as)).data?.invitation?.status,
          ),
        );
      expect(await statuses()).toEqual(['EXPIRED', 'EXPIRED']);

      const result = await r.gql(Resend, { input: { invitationId: older.invitation.id } }, as);
      expect(result.errors).toBeUndefined();
      expect(result.data?.resendInvitation).toMatchObject({
        __typename: 'ResendInvitationPayload',
        invitation: { status: 'PENDING', attempts: 2 },
      });
      expect(await statuses()).toEqual(['PENDING', 'EXPIRED']);
    });
  });

  it('resends an invitation the sweeper already marked EXPIRED, and it reads PENDING again', async () => {
    const owner = await newAccount(t, 'swept');
    const sent = await invite(t, owner);
    await expireInDatabase(sent.invitation.id, 'EXPIRED');
    const before = await t.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(before.data?.invitation?.status).toBe('EXPIRED');
    const result = await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    expect(result.data?.resendInvitation).toMatchObject({
      __typename: 'ResendInvitationPayload',
      invitation: { status: 'PENDING', attempts: 2 },
    });
    const after = await t.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(after.data?.invitation?.status).toBe('PENDING');
  });

  it('refuses to revive an expired invitation while a newer one to the same address is pending, naming it', async () => {
    const owner = await newAccount(t, 'revivedup');
    const older = await invite(t, owner);
    await expireInDatabase(older.invitation.id);
    const newer = await invite(t, owner, { email: older.email });
    const result = await t.gql(Resend, { input: { invitationId: older.invitation.id } }, { token: owner.token });
    expect(result.data?.resendInvitation).toMatchObject({
      __typename: 'PendingInvitationExistsError',
      code: 'PENDING_INVITATION_EXISTS',
    });
    expect(result.data?.resendInvitation).toHaveProperty('invitationId', newer.invitation.id);
    const read = await t.gql(OneInvitation, { id: older.invitation.id }, { token: owner.token });
    expect(read.data?.invitation).toMatchObject({ status: 'EXPIRED', attempts: 1 });
  });

  describe('without a cooldown and with a daily cap of two', () => {
    const c = useTestApp({ RESEND_DAILY_CAP: '2', RESEND_COOLDOWN_SECONDS: '0' });

    it('refuses the third resend to one recipient in a day with RESEND_LIMIT, even on a new invitation to them', async () => {
      const owner = await newAccount(c, 'capped');
      const sent = await invite(c, owner);
      const resend = (invitationId: string) =>
        c.gql(Resend, { input: { invitationId } }, { token: owner.token }).then((r) => r.data?.resendInvitation);
      expect(await resend(sent.invitation.id)).toMatchObject({ invitation: { attempts: 2 } });
      expect(await resend(sent.invitation.id)).toMatchObject({ invitation: { attempts: 3 } });
      const third = await resend(sent.invitation.id);
      expect(third).toMatchObject({ __typename: 'ResendLimitError', code: 'RESEND_LIMIT' });
      if (third?.__typename !== 'ResendLimitError') return;
      expect(third.retryAfter).toBeGreaterThanOrEqual(1);
      expect(third.retryAfter).toBeLessThanOrEqual(86_400);
      const read = await c.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
      expect(read.data?.invitation?.attempts).toBe(3);

      // The cap is per recipient: another recipient is unaffected; a new invitation to this one is still capped.
      const other = await invite(c, owner);
      expect(await resend(other.invitation.id)).toMatchObject({ invitation: { attempts: 2 } });
      await c.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
      const renewed = await invite(c, owner, { email: sent.email });
      expect(await resend(renewed.invitation.id)).toMatchObject({ code: 'RESEND_LIMIT' });
    });

    it('refuses accepted, declined and cancelled invitations with INVITATION_NOT_PENDING', async () => {
      const owner = await newAccount(c, 'settled');
      const accepted = await invite(c, owner);
      await acceptAnonymously(c, accepted.token);
      const declined = await invite(c, owner);
      expect((await c.gql(Decline, { input: { token: declined.token } })).data?.declineInvitation?.__typename).toBe(
        'DeclineInvitationPayload',
      );
      const cancelled = await invite(c, owner);
      expect(
        (await c.gql(Cancel, { input: { invitationId: cancelled.invitation.id } }, { token: owner.token })).data
          ?.cancelInvitation?.__typename,
      ).toBe('CancelInvitationPayload');
      for (const [sent, status] of [
        [accepted, 'ACCEPTED'],
        [declined, 'DECLINED'],
        [cancelled, 'CANCELLED'],
      ] as const) {
        const result = await c.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
        expect(result.data?.resendInvitation).toMatchObject({
          __typename: 'InvitationNotPendingError',
          code: 'INVITATION_NOT_PENDING',
          status,
        });
        const read = await c.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
        expect(read.data?.invitation).toMatchObject({ status, attempts: 1 });
      }
    });

    it('refuses a resend expiry of 0 or above the maximum with an InputValidationError', async () => {
      const owner = await newAccount(c, 'resendexpiry');
      const sent = await invite(c, owner);
      for (const expiresInDays of [0, 31]) {
        const result = await c.gql(
          Resend,
          { input: { invitationId: sent.invitation.id, expiresInDays } },
          { token: owner.token },
        );
        const payload = result.data?.resendInvitation;
        expect(payload).toMatchObject({ __typename: 'InputValidationError', code: 'INVALID_INPUT' });
        if (payload?.__typename !== 'InputValidationError') continue;
        expect(payload.issues.map((i) => i.path)).toContainEqual(['input', 'expiresInDays']);
      }
      const read = await c.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
      expect(read.data?.invitation?.attempts).toBe(1);
    });
  });
});

describe('cancelInvitation', () => {
  it('cancels a pending invitation once, recording the reason in the timeline and the audit row', async () => {
    const owner = await newAccount(t, 'canceller');
    const sent = await invite(t, owner);
    const result = await t.gql(
      Cancel,
      { input: { invitationId: sent.invitation.id, reason: 'Sent to the wrong address' } },
      { token: owner.token },
    );
    const payload = result.data?.cancelInvitation;
    if (payload?.__typename !== 'CancelInvitationPayload') expect.fail(JSON.stringify(result));
    expect(payload.invitation.status).toBe('CANCELLED');
    expect(payload.invitation.respondedAt).toBeTruthy();
    expect(payload.invitation.timeline).toMatchObject([
      { type: 'CREATED' },
      { type: 'CANCELLED', actor: { email: owner.email }, data: { reason: 'Sent to the wrong address' } },
    ]);
    const audit = await t.gql(Audit, { organizationId: owner.organizationId, first: 5 }, { token: owner.token });
    expect(audit.data?.auditLog?.edges[0]?.node).toMatchObject({
      action: 'invitation.cancelled',
      actor: { email: owner.email },
      targetType: 'Invitation',
      targetId: sent.invitation.id,
      data: { before: { status: 'PENDING' }, after: { status: 'CANCELLED', reason: 'Sent to the wrong address' } },
    });
    // The link died at once.
    expect((await t.gql(Preview, { token: sent.token })).data?.invitationByToken).toEqual(REFUSED_LINK);

    const again = await t.gql(
      Cancel,
      { input: { invitationId: sent.invitation.id, reason: 'Twice' } },
      { token: owner.token },
    );
    expect(again.data?.cancelInvitation).toMatchObject({
      __typename: 'InvitationNotPendingError',
      code: 'INVITATION_NOT_PENDING',
      status: 'CANCELLED',
    });
    const timeline = await t.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(timeline.data?.invitation?.timeline.map((e) => e.type)).toEqual(['CREATED', 'CANCELLED']);
  });

  it('refuses accepted, declined and expired invitations with INVITATION_NOT_PENDING', async () => {
    const owner = await newAccount(t, 'cancelsettled');
    const accepted = await invite(t, owner);
    await acceptAnonymously(t, accepted.token);
    const declined = await invite(t, owner);
    await t.gql(Decline, { input: { token: declined.token, reason: 'No thanks' } });
    const expired = await invite(t, owner);
    await expireInDatabase(expired.invitation.id);
    for (const [sent, status] of [
      [accepted, 'ACCEPTED'],
      [declined, 'DECLINED'],
      [expired, 'EXPIRED'],
    ] as const) {
      const result = await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
      expect(result.data?.cancelInvitation).toMatchObject({ code: 'INVITATION_NOT_PENDING', status });
      const read = await t.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
      expect(read.data?.invitation?.status).toBe(status);
    }
  });
});

describe('reading invitations', () => {
  const tag = randomUUID().slice(0, 8);
  let owner: Account;
  let admin: Account;
  let member: Account;
  /** By letter: a–h, created in this order, each with a distinct first letter so any collation orders them alike. */
  const sent: Record<string, Awaited<ReturnType<typeof inviteInto>>> = {};
  const created: Record<string, string> = {};

  const list = (variables: Omit<MgmtListQueryVariables, 'organizationId'> = {}, by?: Account) =>
    t.gql(List, { organizationId: owner.organizationId, first: 50, ...variables }, { token: (by ?? owner).token });
  const letters = async (variables: Omit<MgmtListQueryVariables, 'organizationId'>) => {
    const result = await list(variables);
    const connection = result.data?.invitations;
    if (!connection) expect.fail(JSON.stringify(result));
    const byId = Object.fromEntries(Object.entries(sent).map(([letter, s]) => [s.invitation.id, letter]));
    return connection.edges.map((e) => byId[e.node.id] ?? `?${e.node.email}`);
  };

  beforeAll(async () => {
    owner = await newAccount(t, 'reader');
    admin = await newMember(t, owner, 'ADMIN');
    member = await newMember(t, owner, 'MEMBER');
    const plan: [string, string, Account, 'MEMBER' | 'ADMIN'][] = [
      ['a', `alpha-${tag}@example.test`, owner, 'MEMBER'],
      ['b', `bravo_${tag}@example.test`, owner, 'ADMIN'],
      ['c', `charlie-${tag}@example.test`, admin, 'MEMBER'],
      ['d', `delta-${tag}@example.test`, admin, 'MEMBER'],
      ['e', `echo-${tag}@example.test`, owner, 'MEMBER'],
      ['f', `foxtrot-${tag}@example.test`, owner, 'ADMIN'],
      ['g', `golf-${tag}@example.test`, admin, 'MEMBER'],
      ['h', `hotel-${tag}@example.test`, owner, 'MEMBER'],
    ];
    for (const [letter, email, by, role] of plan) {
      const s = await inviteInto(t, by, owner, { email, role });
      sent[letter] = s;
      const read = await t.gql(List, { organizationId: owner.organizationId, first: 1 }, { token: owner.token });
      created[letter] = read.data?.invitations?.edges[0]?.node.createdAt ?? '';
      expect(read.data?.invitations?.edges[0]?.node.id).toBe(s.invitation.id);
    }
    const get = (letter: string) => {
      const s = sent[letter];
      if (!s) throw new Error(`no invitation ${letter}`);
      return s;
    };
    await t.gql(Cancel, { input: { invitationId: get('c').invitation.id } }, { token: owner.token });
    await t.gql(Decline, { input: { token: get('g').token } });
    const db = await database();
    await db
      .update(invitations)
      .set({ deliveryStatus: 'DELIVERED' })
      .where(eq(invitations.id, rawId(get('d').invitation.id)));
    await db
      .update(invitations)
      .set({ deliveryStatus: 'BOUNCED' })
      .where(eq(invitations.id, rawId(get('f').invitation.id)));
    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(invitations.id, rawId(get('e').invitation.id)));
  });

  it('filters by status as it reads now, including a pending invitation past its expiry as EXPIRED', async () => {
    expect(await letters({ filter: { status: ['PENDING'] }, orderBy: 'EMAIL_ASC' })).toEqual(['a', 'b', 'd', 'f', 'h']);
    expect(await letters({ filter: { status: ['EXPIRED'] } })).toEqual(['e']);
    expect(await letters({ filter: { status: ['CANCELLED'] } })).toEqual(['c']);
    expect(await letters({ filter: { status: ['CANCELLED', 'DECLINED'] }, orderBy: 'EMAIL_ASC' })).toEqual(['c', 'g']);
    const statuses = (await list({ filter: { status: ['EXPIRED'] } })).data?.invitations?.edges.map(
      (e) => e.node.status,
    );
    expect(statuses).toEqual(['EXPIRED']);
  });

  it('filters by delivery status, role and inviter', async () => {
    expect(await letters({ filter: { deliveryStatus: ['DELIVERED'] } })).toEqual(['d']);
    expect(await letters({ filter: { deliveryStatus: ['BOUNCED', 'DELIVERED'] }, orderBy: 'EMAIL_ASC' })).toEqual([
      'd',
      'f',
    ]);
    expect(await letters({ filter: { deliveryStatus: ['VALIDATING'] }, orderBy: 'EMAIL_ASC' })).toEqual([
      'a',
      'b',
      'c',
      'e',
      'g',
      'h',
    ]);
    expect(await letters({ filter: { role: ['ADMIN'] }, orderBy: 'EMAIL_ASC' })).toEqual(['b', 'f']);
    expect(await letters({ filter: { invitedBy: admin.userId }, orderBy: 'EMAIL_ASC' })).toEqual(['c', 'd', 'g']);
    expect(await letters({ filter: { invitedBy: owner.userId, role: ['MEMBER'] }, orderBy: 'EMAIL_ASC' })).toEqual([
      'a',
      'e',
      'h',
    ]);
    expect(await letters({ filter: { status: ['PENDING'], role: ['MEMBER'] }, orderBy: 'EMAIL_ASC' })).toEqual([
      'a',
      'd',
      'h',
    ]);
  });

  it('filters by a case-insensitive part of the email, matching % and _ literally', async () => {
    expect(await letters({ filter: { email: `ECHO-${tag.toUpperCase()}` } })).toEqual(['e']);
    expect(await letters({ filter: { email: tag.toUpperCase() }, orderBy: 'EMAIL_ASC' })).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
    ]);
    // Taken as wildcards, "o_<tag>" would also match "echo-<tag>", and "%" would match everything.
    expect(await letters({ filter: { email: `o_${tag}` } })).toEqual(['b']);
    expect(await letters({ filter: { email: `O_${tag.toUpperCase()}` } })).toEqual(['b']);
    expect(await letters({ filter: { email: `o%${tag}` } })).toEqual([]);
    const percent = await list({ filter: { email: '%' } });
    expect(percent.data?.invitations).toMatchObject({ totalCount: 0, edges: [] });
    const underscore = await list({ filter: { email: '_' } });
    expect(underscore.data?.invitations?.totalCount).toBe(1);
    const backslash = await list({ filter: { email: '\\' } });
    expect(backslash.errors).toBeUndefined();
    expect(backslash.data?.invitations).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('filters by creation time: createdAfter inclusive, createdBefore exclusive', async () => {
    expect(await letters({ filter: { createdAfter: created.d }, orderBy: 'EMAIL_ASC' })).toEqual([
      'd',
      'e',
      'f',
      'g',
      'h',
    ]);
    expect(await letters({ filter: { createdBefore: created.d }, orderBy: 'EMAIL_ASC' })).toEqual(['a', 'b', 'c']);
    expect(
      await letters({ filter: { createdAfter: created.b, createdBefore: created.f }, orderBy: 'EMAIL_ASC' }),
    ).toEqual(['b', 'c', 'd', 'e']);
  });

  it('orders by EMAIL_ASC and CREATED_AT_DESC, the latter by default', async () => {
    expect(await letters({ orderBy: 'EMAIL_ASC' })).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(await letters({ orderBy: 'CREATED_AT_DESC' })).toEqual(['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a']);
    expect(await letters({})).toEqual(['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a']);
  });

  it('pages with first/after through every row exactly once, totalCount counting the filter not the page', async () => {
    for (const orderBy of ['EMAIL_ASC', 'CREATED_AT_DESC'] as const) {
      const seen: string[] = [];
      let after: string | null | undefined;
      let pages = 0;
      for (;;) {
        const result = await list({ orderBy, first: 3, after });
        const connection = result.data?.invitations;
        if (!connection) expect.fail(JSON.stringify(result));
        expect(connection.totalCount).toBe(8);
        expect(connection.edges.length).toBeLessThanOrEqual(3);
        seen.push(...connection.edges.map((e) => e.node.id));
        pages += 1;
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
        expect(pages).toBeLessThan(10);
      }
      expect(pages).toBe(3);
      const expected = orderBy === 'EMAIL_ASC' ? 'abcdefgh' : 'hgfedcba';
      expect(seen).toEqual([...expected].map((letter) => sent[letter]?.invitation.id));
    }
    const page = await list({ filter: { role: ['MEMBER'] }, first: 2 });
    expect(page.data?.invitations?.totalCount).toBe(6);
    expect(page.data?.invitations?.edges).toHaveLength(2);
    expect(page.data?.invitations?.pageInfo.hasNextPage).toBe(true);
  });

  it('pages through ties in the order column without skipping or repeating a row', async () => {
    const tied = await newAccount(t, 'ties');
    const email = uniqueEmail('tie');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      // One address three times: two cancelled invitations and the pending one after them.
      const s = await invite(t, tied, { email });
      ids.push(s.invitation.id);
      if (i < 2) await t.gql(Cancel, { input: { invitationId: s.invitation.id } }, { token: tied.token });
    }
    for (let i = 0; i < 4; i++) ids.push((await invite(t, tied)).invitation.id);
    const db = await database();
    await db
      .update(invitations)
      .set({ createdAt: new Date('2026-01-01T00:00:00.000Z'), expiresAt: new Date('2099-01-01T00:00:00.000Z') })
      .where(eq(invitations.organizationId, tied.raw.organizationId));
    for (const orderBy of ['EMAIL_ASC', 'CREATED_AT_DESC', 'CREATED_AT_ASC', 'EXPIRES_AT_ASC'] as const) {
      const seen: string[] = [];
      let after: string | null | undefined;
      for (let page = 0; page < 20; page++) {
        const result = await t.gql(
          List,
          { organizationId: tied.organizationId, orderBy, first: 2, after },
          { token: tied.token },
        );
        const connection = result.data?.invitations;
        if (!connection) expect.fail(JSON.stringify(result));
        seen.push(...connection.edges.map((e) => e.node.id));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen, orderBy).toHaveLength(ids.length);
      expect(new Set(seen), orderBy).toEqual(new Set(ids));
    }
  });

  it('refuses a plain member with FORBIDDEN', async () => {
    const result = await list({}, member);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The refused root field is null; the answer keeps its shape (root fields are nullable).
    expect(result.data).toEqual({ invitations: null });
  });
});

describe('tenancy', () => {
  it('answers another organization’s owner exactly as for a missing invitation or organization', async () => {
    const victim = await newAccount(t, 'tenant');
    const attacker = await newAccount(t, 'intruder');
    const sent = await invite(t, victim);
    const missing = missingInvitationId();
    const missingOrg = missingOrganizationId();
    const as = { token: attacker.token };
    const before = await stateOf(victim, attacker);

    const read = await t.gql(OneInvitation, { id: sent.invitation.id }, as);
    expect(read).toEqual({ status: 200, data: { invitation: null } });
    expect(await t.gql(OneInvitation, { id: missing }, as)).toEqual(read);

    const node = await t.gql(NodeById, { id: sent.invitation.id }, as);
    expect(node).toEqual({ status: 200, data: { node: null } });
    expect(await t.gql(NodeById, { id: missing }, as)).toEqual(node);

    const resend = await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, as);
    expect(resend.data?.resendInvitation).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await t.gql(Resend, { input: { invitationId: missing } }, as)).toEqual(resend);

    const cancel = await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, as);
    expect(cancel.data?.cancelInvitation).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await t.gql(Cancel, { input: { invitationId: missing } }, as)).toEqual(cancel);

    const listing = await t.gql(List, { organizationId: victim.organizationId }, as);
    expect(listing.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.gql(List, { organizationId: missingOrg }, as)).toEqual(listing);

    const email = uniqueEmail('tenant-target');
    const sendInto = await send(t, attacker, { organizationId: victim.organizationId, email });
    expect(sendInto.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await send(t, attacker, { organizationId: missingOrg, email })).toEqual(sendInto);

    const dry = await validate(t, attacker, { organizationId: victim.organizationId, email });
    expect(dry.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await validate(t, attacker, { organizationId: missingOrg, email })).toEqual(dry);

    const audit = await t.gql(Audit, { organizationId: victim.organizationId }, as);
    expect(audit.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.gql(Audit, { organizationId: missingOrg }, as)).toEqual(audit);

    const integrity = await t.gql(Integrity, { organizationId: victim.organizationId }, as);
    expect(integrity.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.gql(Integrity, { organizationId: missingOrg }, as)).toEqual(integrity);

    expect(await stateOf(victim, attacker)).toEqual(before);
    const mine = await t.gql(OneInvitation, { id: sent.invitation.id }, { token: victim.token });
    expect(mine.data?.invitation).toMatchObject({ status: 'PENDING', attempts: 1 });
  });

  it('stops a removed admin’s token from reaching the organization’s invitations at once', async () => {
    const owner = await newAccount(t, 'remover');
    const admin = await newMember(t, owner, 'ADMIN');
    const sent = await invite(t, owner);
    const as = { token: admin.token };
    const listed = await t.gql(List, { organizationId: owner.organizationId }, as);
    expect(listed.data?.invitations?.totalCount).toBe(1);
    expect((await t.gql(OneInvitation, { id: sent.invitation.id }, as)).data?.invitation?.id).toBe(sent.invitation.id);

    const removed = await t.gql(
      RemoveMember,
      { input: { organizationId: owner.organizationId, userId: admin.userId } },
      { token: owner.token },
    );
    expect(removed.data?.removeMember?.__typename).toBe('RemoveMemberPayload');

    expect((await t.gql(List, { organizationId: owner.organizationId }, as)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.gql(OneInvitation, { id: sent.invitation.id }, as)).data).toEqual({ invitation: null });
    expect((await t.gql(NodeById, { id: sent.invitation.id }, as)).data).toEqual({ node: null });
    expect(
      (await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, as)).data?.resendInvitation,
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      (await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, as)).data?.cancelInvitation,
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect((await send(t, admin, { organizationId: owner.organizationId })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.gql(Audit, { organizationId: owner.organizationId }, as)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const read = await t.gql(OneInvitation, { id: sent.invitation.id }, { token: owner.token });
    expect(read.data?.invitation).toMatchObject({ status: 'PENDING', attempts: 1 });
  });
});

describe('the audit trail', () => {
  // No resend cooldown, so the trail can be made in one go.
  const a = useTestApp({ RESEND_COOLDOWN_SECONDS: '0' });
  const userAgent = 'MgmtAuditClient/1.0 (vitest)';
  const from = (n: number): RequestOptions => ({ ip: `198.51.100.${n}`, headers: { 'user-agent': userAgent } });

  let owner: Account;
  let joinerId: string;
  let joinerEmail: string;
  const ids: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };

  beforeAll(async () => {
    owner = await newAccount(a, 'audited');
    const byOwner = (n: number): RequestOptions => ({ ...from(n), token: owner.token });

    const sentA = await invite(a, owner, {}, from(1));
    const resent = await a.gql(Resend, { input: { invitationId: sentA.invitation.id } }, byOwner(2));
    expect(resent.data?.resendInvitation?.__typename).toBe('ResendInvitationPayload');

    const sentB = await invite(a, owner, {}, from(3));
    const cancelled = await a.gql(
      Cancel,
      { input: { invitationId: sentB.invitation.id, reason: 'Wrong team' } },
      byOwner(4),
    );
    expect(cancelled.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');

    const sentC = await invite(a, owner, { role: 'MEMBER' }, from(5));
    const accepted = await acceptAnonymously(a, sentC.token, from(6));
    joinerId = accepted.membership.user.id;
    joinerEmail = accepted.membership.user.email;

    const sentD = await invite(a, owner, {}, from(7));
    const declined = await a.gql(Decline, { input: { token: sentD.token, reason: 'Not now' } }, from(8));
    expect(declined.data?.declineInvitation?.__typename).toBe('DeclineInvitationPayload');

    const promoted = await a.gql(
      UpdateRole,
      { input: { organizationId: owner.organizationId, userId: joinerId, role: 'ADMIN' } },
      byOwner(9),
    );
    expect(promoted.data?.updateMemberRole).toMatchObject({ membership: { role: 'ADMIN' } });
    const removed = await a.gql(
      RemoveMember,
      { input: { organizationId: owner.organizationId, userId: joinerId } },
      byOwner(10),
    );
    expect(removed.data?.removeMember?.__typename).toBe('RemoveMemberPayload');

    ids.a = rawId(sentA.invitation.id);
    ids.b = rawId(sentB.invitation.id);
    ids.c = rawId(sentC.invitation.id);
    ids.d = rawId(sentD.invitation.id);
  });

  const entries = async () => {
    const result = await a.gql(Audit, { organizationId: owner.organizationId, first: 50 }, { token: owner.token });
    const edges = result.data?.auditLog?.edges;
    if (!edges) expect.fail(JSON.stringify(result));
    return edges.map((e) => e.node);
  };

  it('lists every action newest first with actor, target, before/after data, the sender’s address and user agent', async () => {
    const list = await entries();
    const byOwner = { actor: { email: owner.email }, userAgent };
    const joinerRaw = rawId(joinerId);
    expect(list.map((e) => e.action)).toEqual([
      'member.removed',
      'member.role_changed',
      'invitation.declined',
      'invitation.created',
      'invitation.accepted',
      'invitation.created',
      'invitation.cancelled',
      'invitation.created',
      'invitation.resent',
      'invitation.created',
      'organization.created',
    ]);
    expect(list).toMatchObject([
      { ...byOwner, targetType: 'User', targetId: joinerId, ip: '198.51.100.10' },
      { ...byOwner, targetType: 'User', targetId: joinerId, ip: '198.51.100.9' },
      {
        actor: null,
        userAgent,
        targetType: 'Invitation',
        targetId: encodeGlobalID('Invitation', ids.d),
        ip: '198.51.100.8',
        data: { before: { status: 'PENDING' }, after: { status: 'DECLINED', reason: 'Not now' } },
      },
      {
        ...byOwner,
        targetType: 'Invitation',
        targetId: encodeGlobalID('Invitation', ids.d),
        ip: '198.51.100.7',
        data: { after: { role: 'MEMBER' } },
      },
      {
        actor: { id: joinerId, email: joinerEmail },
        userAgent,
        targetType: 'Invitation',
        targetId: encodeGlobalID('Invitation', ids.c),
        ip: '198.51.100.6',
        data: { before: { status: 'PENDING' }, after: { status: 'ACCEPTED', role: 'MEMBER', userId: joinerRaw } },
      },
      {
        ...byOwner,
        targetType: 'Invitation',
        targetId: encodeGlobalID('Invitation', ids.c),
        ip: '198.51.100.5',
        data: { after: { email: joinerEmail, role: 'MEMBER', permissions: [] } },
      },
      {
        ...byOwner,
        targetType: 'Invitation',
        targetId: encodeGlobalID('Invitation', ids.b),
        ip: '198.51.100.4',
        data: { before: { status: 'PENDING' }, after: { status: 'CANCELLED', reason: 'Wrong team' } },
      },
      { ...byOwner, targetType: 'Invitation', targetId: encodeGlobalID('Invitation', ids.b), ip: '198.51.100.3' },
      {
        ...byOwner,
        targetType: 'Invitation',
        targetId: encodeGlobalID('Invitation', ids.a),
        ip: '198.51.100.2',
        data: { before: { status: 'PENDING', attempts: 1 }, after: { status: 'PENDING', attempts: 2 } },
      },
      { ...byOwner, targetType: 'Invitation', targetId: encodeGlobalID('Invitation', ids.a), ip: '198.51.100.1' },
      { action: 'organization.created', actor: { email: owner.email } },
    ]);
    const resent = list[8]?.data as { before: { expiresAt: string }; after: { expiresAt: string } };
    expect(new Date(resent.after.expiresAt).getTime()).toBeGreaterThan(new Date(resent.before.expiresAt).getTime());
    // Each entry's hash chains onto the one before it.
    for (const [index, entry] of list.entries()) {
      const older = list[index + 1];
      expect(entry.prevHash).toBe(older ? older.hash : '0'.repeat(64));
    }
  });

  it('records member role changes and removals with before and after data, as it does for invitations', async () => {
    const list = await entries();
    expect(list.find((e) => e.action === 'member.role_changed')?.data).toMatchObject({
      before: { role: 'MEMBER' },
      after: { role: 'ADMIN' },
    });
    expect(list.find((e) => e.action === 'member.removed')?.data).toMatchObject({ before: { role: 'ADMIN' } });
  });

  it('refuses the app’s own UPDATE and DELETE on audit_log while the append-only trigger is enabled', async () => {
    const db = await database();
    const [entry] = await entries();
    if (!entry) expect.fail('no audit entry');
    const update = db
      .update(auditLog)
      .set({ action: 'member.forgotten' })
      .where(eq(auditLog.id, rawId(entry.id)));
    await expect((async () => await update)()).rejects.toSatisfy((e) => /append-only/.test(errorText(e)));
    const remove = db.delete(auditLog).where(eq(auditLog.organizationId, owner.raw.organizationId));
    await expect((async () => await remove)()).rejects.toSatisfy((e) => /append-only/.test(errorText(e)));
    expect(await db.$count(auditLog, eq(auditLog.organizationId, owner.raw.organizationId))).toBe(11);
    expect((await entries())[0]).toEqual(entry);
  });

  it('verifies the chain, then names the first row edited behind the trigger’s back', async () => {
    const intact = await a.gql(Integrity, { organizationId: owner.organizationId }, { token: owner.token });
    expect(intact.data?.auditLogIntegrity).toEqual({ valid: true, checked: 11, firstBrokenId: null });

    const list = await entries();
    const target = list.find((e) => e.action === 'invitation.cancelled');
    if (!target) expect.fail('no invitation.cancelled entry');
    const db = await database();
    // As the table owner; in one transaction, so no other connection ever sees the trigger off.
    await db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await tx.execute(
        sql`UPDATE audit_log SET data = jsonb_set(data, '{after,reason}', '"Changed later"') WHERE id = ${rawId(target.id)}`,
      );
      await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    });
    const edited = (await entries()).find((e) => e.id === target.id);
    expect(edited?.data).toMatchObject({ after: { reason: 'Changed later' } });

    const broken = await a.gql(Integrity, { organizationId: owner.organizationId }, { token: owner.token });
    expect(broken.data?.auditLogIntegrity).toEqual({ valid: false, checked: 4, firstBrokenId: target.id });

    // The trigger is back on.
    const again = db
      .update(auditLog)
      .set({ action: 'x' })
      .where(eq(auditLog.id, rawId(target.id)));
    await expect((async () => await again)()).rejects.toSatisfy((e) => /append-only/.test(errorText(e)));
  });
});
