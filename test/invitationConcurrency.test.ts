// Invitations under concurrency, through the real HTTP server: one link accepted many times at
// once, accept/resend/cancel racing each other, two sends to one address, the hourly send limits
// (per organisation, per inviter, across server instances), idempotency keys (input field and
// header, per caller, concurrent, 24-hour lifetime, bulk and resend) and bulk sends (row cap, row
// by row refusals). Outcomes are checked in the answers and in the database rows behind them.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog, verifyAuditChain } from '../src/audit/log.js';
import { rows } from '../src/db/rows.js';
import {
  auditLog,
  deliveryAttempts,
  idempotencyKeys,
  invitationEvents,
  invitations,
  memberships,
  users,
} from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { type GraphQLResult, startTestApp, type TestApp, type TestClock, useTestApp } from './helpers/app.js';
import { testDatabase } from './helpers/db.js';
import { invite, proofOf, SendInvitation, tokenOf } from './helpers/invitations.js';
import { type Account, newAccount, newMember, uniqueEmail } from './helpers/seed.js';

/** What invitationByToken answers for an unknown, expired, used or withdrawn link. */
const REFUSED_LINK = { __typename: 'InvalidTokenError', code: 'INVALID_TOKEN' };

const Accept = graphql(`
  mutation ConcAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload {
        invitation { id status }
        membership { id role user { id email } organization { id } }
        auth { token }
      }
      ... on UserError { code message }
    }
  }
`);

const Cancel = graphql(`
  mutation ConcCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) {
      __typename
      ... on CancelInvitationPayload { invitation { id status } }
      ... on UserError { code message }
      ... on InvitationNotPendingError { status }
    }
  }
`);

const Resend = graphql(`
  mutation ConcResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload { inviteUrl replayed invitation { id status attempts } }
      ... on UserError { code message }
      ... on InvitationNotPendingError { status }
    }
  }
`);

const Preview = graphql(`
  query ConcPreview($token: String!) {
    invitationByToken(token: $token) { __typename ... on InvitationPreview { role maskedEmail } ... on UserError { code } }
  }
`);

const CreateOrganization = graphql(`
  mutation ConcCreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      __typename
      ... on CreateOrganizationPayload { organization { id } }
      ... on UserError { code message }
    }
  }
`);

const SendMany = graphql(`
  mutation ConcSendMany($input: SendInvitationsInput!) {
    sendInvitations(input: $input) {
      __typename
      ... on SendInvitationsPayload {
        sentCount
        failedCount
        results {
          __typename
          ... on SendInvitationPayload { inviteUrl replayed invitation { id email status } }
          ... on UserError { code message }
          ... on PendingInvitationExistsError { invitationId }
          ... on RateLimitedError { retryAfter scope }
          ... on InputValidationError { issues { path message } }
        }
      }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`);

// ---------------------------------------------------------------------------------------------
// Helpers

const PASSWORD = 'a-good-password-42';

/** The answer's data, after checking the request raised no GraphQL error. */
/** The answer's data, every root field of which must be present (root fields are nullable). */
function dataOf<R extends object>(result: GraphQLResult<R>): { [K in keyof R]: NonNullable<R[K]> } {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  const data = result.data;
  if (!data) expect.fail(`no data: ${JSON.stringify(result)}`);
  for (const [field, value] of Object.entries(data)) if (value == null) expect.fail(`${field} is null`);
  return data as { [K in keyof R]: NonNullable<R[K]> };
}

const rawId = (globalId: string) => decodeGlobalID(globalId).id;
const db = async () => (await testDatabase()).db;

async function invitationRow(invitationId: string) {
  const [row] = await (await db())
    .select()
    .from(invitations)
    .where(eq(invitations.id, rawId(invitationId)));
  if (!row) expect.fail(`no invitation row for ${invitationId}`);
  return row;
}

async function invitationsOf(organizationRawId: string) {
  return (await db()).select().from(invitations).where(eq(invitations.organizationId, organizationRawId));
}

// What requests write to the timeline and the audit log. Delivery progress (DELIVERY_STATUS_CHANGED
// and the like) is written later by the delivery worker, whenever it gets to it, so it is left out.
const LIFECYCLE_EVENTS = ['CREATED', 'RESENT', 'CANCELLED', 'ACCEPTED', 'DECLINED', 'EXPIRED'] as const;
const LIFECYCLE_ACTIONS = LIFECYCLE_EVENTS.map((type) => `invitation.${type.toLowerCase()}`);

/** The invitation's lifecycle events, oldest first. */
async function eventTypesOf(invitationId: string) {
  const rows = await (await db())
    .select({ type: invitationEvents.type })
    .from(invitationEvents)
    .where(
      and(
        eq(invitationEvents.invitationId, rawId(invitationId)),
        inArray(invitationEvents.type, [...LIFECYCLE_EVENTS]),
      ),
    )
    .orderBy(asc(invitationEvents.seq));
  return rows.map((r) => r.type);
}

async function deliveriesOf(invitationId: string) {
  return (await db())
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.invitationId, rawId(invitationId)));
}

async function membershipsByEmail(organizationRawId: string, email: string) {
  return (await db())
    .select({ id: memberships.id, role: memberships.role, userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationRawId), sql`lower(${users.email}) = ${email.toLowerCase()}`));
}

async function usersByEmail(email: string) {
  return (await db()).select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
}

/** How many rows an organisation has in each table a send writes to (lifecycle events and audit only). */
async function footprint(organizationRawId: string) {
  const d = await db();
  const [inv, del, ev, audit] = await Promise.all([
    d.select({ id: invitations.id }).from(invitations).where(eq(invitations.organizationId, organizationRawId)),
    d
      .select({ id: deliveryAttempts.id })
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.organizationId, organizationRawId)),
    d
      .select({ id: invitationEvents.id })
      .from(invitationEvents)
      .where(
        and(
          eq(invitationEvents.organizationId, organizationRawId),
          inArray(invitationEvents.type, [...LIFECYCLE_EVENTS]),
        ),
      ),
    d
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, organizationRawId), inArray(auditLog.action, LIFECYCLE_ACTIONS))),
  ]);
  return { invitations: inv.length, deliveries: del.length, events: ev.length, audit: audit.length };
}

/**
 * Fixed windows start on the hour: move the clocks (all with the same offset) past the next hour
 * when fewer than two minutes are left, so that one test's sends all fall into one window.
 */
function clearOfHourEdge(...clocks: TestClock[]) {
  const [first] = clocks;
  if (!first) return;
  const intoHour = (first.now().getTime() / 1000) % 3600;
  if (intoHour > 3600 - 120) for (const clock of clocks) clock.advance(3600 - intoHour + 1);
}

type SendResult = Awaited<ReturnType<typeof sendTo>>;

async function sendTo(
  app: TestApp,
  inviter: Account,
  email: string,
  extra: { organizationId?: string; idempotencyKey?: string; message?: string; headers?: Record<string, string> } = {},
) {
  const { headers, organizationId, ...rest } = extra;
  const result = await app.gql(
    SendInvitation,
    { input: { organizationId: organizationId ?? inviter.organizationId, email, role: 'MEMBER', ...rest } },
    { token: inviter.token, headers },
  );
  return dataOf(result).sendInvitation;
}

const sent = (results: SendResult[]) => results.flatMap((r) => (r.__typename === 'SendInvitationPayload' ? [r] : []));
const rateLimited = (results: SendResult[]) => results.flatMap((r) => (r.__typename === 'RateLimitedError' ? [r] : []));

// ---------------------------------------------------------------------------------------------

describe('one invitation raced from several sides', () => {
  const t = useTestApp({ RESEND_COOLDOWN_SECONDS: '0' });

  it('lets exactly one of 50 concurrent anonymous accepts of one link through; the other 49 get INVALID_TOKEN', async () => {
    const owner = await newAccount(t, 'race50');
    const link = await invite(t, owner, { role: 'ADMIN' });

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.gql(Accept, { input: { token: link.token, proof: link.proof, name: `Racer ${i}`, password: PASSWORD } }),
      ),
    );
    const payloads = answers.map((a) => dataOf(a).acceptInvitation);
    const winners = payloads.flatMap((p) => (p.__typename === 'AcceptInvitationPayload' ? [p] : []));
    const losers = payloads.flatMap((p) => (p.__typename !== 'AcceptInvitationPayload' ? [p] : []));

    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({
      invitation: { id: link.invitation.id, status: 'ACCEPTED' },
      membership: { role: 'ADMIN', user: { email: link.email }, organization: { id: owner.organizationId } },
    });
    expect(winners[0]?.auth?.token).toEqual(expect.any(String));
    expect(losers).toHaveLength(49);
    for (const loser of losers) expect(loser).toMatchObject({ __typename: 'InvalidTokenError', code: 'INVALID_TOKEN' });

    expect(await usersByEmail(link.email)).toHaveLength(1);
    const joined = await membershipsByEmail(owner.raw.organizationId, link.email);
    expect(joined).toHaveLength(1);
    expect(joined[0]?.id).toBe(rawId(winners[0]?.membership.id ?? ''));
    expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'ACCEPTED']);
    const row = await invitationRow(link.invitation.id);
    expect(row.status).toBe('ACCEPTED');
    expect(row.acceptedById).toBe(joined[0]?.userId);
  });

  it('lets exactly one of 10 concurrent accepts by the signed-in invitee through; the others get INVALID_TOKEN or ALREADY_MEMBER', async () => {
    const owner = await newAccount(t, 'race10');
    const invitee = await newAccount(t, 'invitee10');
    const link = await invite(t, owner, { email: invitee.email });

    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.gql(Accept, { input: { token: link.token, proof: link.proof } }, { token: invitee.token }),
      ),
    );
    const payloads = answers.map((a) => dataOf(a).acceptInvitation);
    const winners = payloads.flatMap((p) => (p.__typename === 'AcceptInvitationPayload' ? [p] : []));
    const losers = payloads.flatMap((p) => (p.__typename !== 'AcceptInvitationPayload' ? [p] : []));

    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({
      invitation: { status: 'ACCEPTED' },
      membership: { role: 'MEMBER', user: { id: invitee.userId } },
      auth: null,
    });
    expect(losers).toHaveLength(9);
    for (const loser of losers) {
      expect(['InvalidTokenError', 'AlreadyMemberError']).toContain(loser.__typename);
      expect(['INVALID_TOKEN', 'ALREADY_MEMBER']).toContain('code' in loser ? loser.code : undefined);
    }
    expect(await membershipsByEmail(owner.raw.organizationId, invitee.email)).toHaveLength(1);
    expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'ACCEPTED']);
  });

  it('makes one account when two organisations’ links to one new email are accepted anonymously at once; the other caller gets ACCOUNT_EXISTS', async () => {
    // Several pairs at once, so that on PostgreSQL at least some of them truly overlap.
    const rounds = await Promise.all(
      Array.from({ length: 4 }, async (_, round) => {
        const email = uniqueEmail(`twolinks${round}`);
        const [ownerA, ownerB] = await Promise.all([newAccount(t, 'linka'), newAccount(t, 'linkb')]);
        const [linkA, linkB] = await Promise.all([invite(t, ownerA, { email }), invite(t, ownerB, { email })]);
        const answers = await Promise.all(
          [linkA, linkB].map((link) =>
            t.gql(Accept, {
              input: { token: link.token, proof: link.proof, name: 'Twice Invited', password: PASSWORD },
            }),
          ),
        );
        return { email, ownerA, ownerB, linkA, linkB, answers };
      }),
    );
    for (const { email, ownerA, ownerB, linkA, linkB, answers } of rounds) {
      const payloads = answers.map((a) => dataOf(a).acceptInvitation);
      const typenames = payloads.map((p) => p.__typename).sort();
      expect(typenames).toEqual(['AcceptInvitationPayload', 'AccountExistsError']);
      expect(await usersByEmail(email)).toHaveLength(1);
      const won = payloads[0]?.__typename === 'AcceptInvitationPayload' ? 0 : 1;
      const [winnerOwner, loserOwner] = won === 0 ? [ownerA, ownerB] : [ownerB, ownerA];
      const [winnerLink, loserLink] = won === 0 ? [linkA, linkB] : [linkB, linkA];
      expect(await membershipsByEmail(winnerOwner.raw.organizationId, email)).toHaveLength(1);
      expect(await membershipsByEmail(loserOwner.raw.organizationId, email)).toHaveLength(0);
      expect((await invitationRow(winnerLink.invitation.id)).status).toBe('ACCEPTED');
      // The refused link stays usable: signed in as the new account, the invitee accepts it too.
      expect((await invitationRow(loserLink.invitation.id)).status).toBe('PENDING');
      const winner = payloads[won];
      const signedIn = winner?.__typename === 'AcceptInvitationPayload' ? winner.auth?.token : undefined;
      if (!signedIn) expect.fail(`no token for the new account: ${JSON.stringify(winner)}`);
      const late = dataOf(await t.gql(Accept, { input: { token: loserLink.token } }, { token: signedIn }));
      expect(late.acceptInvitation).toMatchObject({ __typename: 'AcceptInvitationPayload' });
      expect(await membershipsByEmail(loserOwner.raw.organizationId, email)).toHaveLength(1);
    }
  });

  it('settles accept racing cancel on one winner: ACCEPTED with a membership, or CANCELLED without one, and the loser gets a typed error', async () => {
    for (let round = 0; round < 6; round++) {
      const owner = await newAccount(t, `accvcan${round}`);
      const invitee = await newAccount(t, `accvcaninv${round}`);
      const link = await invite(t, owner, { email: invitee.email });
      const acceptCall = () =>
        t.gql(Accept, { input: { token: link.token, proof: link.proof } }, { token: invitee.token });
      const cancelCall = () =>
        t.gql(Cancel, { input: { invitationId: link.invitation.id, reason: 'race' } }, { token: owner.token });
      // Alternate which request leaves first.
      const [accepted, cancelled] =
        round % 2 === 0
          ? await Promise.all([acceptCall(), cancelCall()])
          : await Promise.all([cancelCall(), acceptCall()]).then(([c, a]) => [a, c] as const);
      const accept = dataOf(accepted).acceptInvitation;
      const cancel = dataOf(cancelled).cancelInvitation;

      const acceptWon = accept.__typename === 'AcceptInvitationPayload';
      const cancelWon = cancel.__typename === 'CancelInvitationPayload';
      expect(acceptWon !== cancelWon, `round ${round}: ${accept.__typename} / ${cancel.__typename}`).toBe(true);

      const row = await invitationRow(link.invitation.id);
      const joined = await membershipsByEmail(owner.raw.organizationId, invitee.email);
      if (acceptWon) {
        expect(cancel).toMatchObject({
          __typename: 'InvitationNotPendingError',
          code: 'INVITATION_NOT_PENDING',
          status: 'ACCEPTED',
        });
        expect(row.status).toBe('ACCEPTED');
        expect(joined).toHaveLength(1);
        expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'ACCEPTED']);
      } else {
        expect(cancel).toMatchObject({ invitation: { status: 'CANCELLED' } });
        expect(accept).toMatchObject({ __typename: 'InvalidTokenError', code: 'INVALID_TOKEN' });
        expect(row.status).toBe('CANCELLED');
        expect(joined).toHaveLength(0);
        expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'CANCELLED']);
      }
    }
  });

  it('settles resend racing accept on one outcome: accepted with one delivery, or resent with the old link dead and the new one live', async () => {
    for (let round = 0; round < 6; round++) {
      const owner = await newAccount(t, `resvacc${round}`);
      const invitee = await newAccount(t, `resvaccinv${round}`);
      const link = await invite(t, owner, { email: invitee.email });
      const [resent, accepted] = await Promise.all([
        t.gql(Resend, { input: { invitationId: link.invitation.id } }, { token: owner.token }),
        t.gql(Accept, { input: { token: link.token, proof: link.proof } }, { token: invitee.token }),
      ]);
      const resend = dataOf(resent).resendInvitation;
      const accept = dataOf(accepted).acceptInvitation;
      const row = await invitationRow(link.invitation.id);
      const joined = await membershipsByEmail(owner.raw.organizationId, invitee.email);

      if (accept.__typename === 'AcceptInvitationPayload') {
        expect(resend).toMatchObject({
          __typename: 'InvitationNotPendingError',
          code: 'INVITATION_NOT_PENDING',
          status: 'ACCEPTED',
        });
        expect(row).toMatchObject({ status: 'ACCEPTED', attempts: 1 });
        expect(joined).toHaveLength(1);
        expect(await deliveriesOf(link.invitation.id)).toHaveLength(1);
        expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'ACCEPTED']);
      } else {
        expect(accept).toMatchObject({ __typename: 'InvalidTokenError', code: 'INVALID_TOKEN' });
        if (resend.__typename !== 'ResendInvitationPayload') expect.fail(`round ${round}: ${JSON.stringify(resend)}`);
        expect(resend.invitation).toMatchObject({ status: 'PENDING', attempts: 2 });
        expect(row).toMatchObject({ status: 'PENDING', attempts: 2 });
        expect(joined).toHaveLength(0);
        expect(await deliveriesOf(link.invitation.id)).toHaveLength(2);
        expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'RESENT']);
        expect(dataOf(await t.gql(Preview, { token: link.token })).invitationByToken).toEqual(REFUSED_LINK);
        const fresh = tokenOf(resend.inviteUrl ?? '');
        expect(dataOf(await t.gql(Preview, { token: fresh })).invitationByToken).toMatchObject({
          __typename: 'InvitationPreview',
        });
        const late = dataOf(
          await t.gql(Accept, { input: { token: fresh, proof: await proofOf(t, fresh) } }, { token: invitee.token }),
        ).acceptInvitation;
        expect(late).toMatchObject({ __typename: 'AcceptInvitationPayload', invitation: { status: 'ACCEPTED' } });
      }
    }
  });

  it('settles resend racing cancel on CANCELLED every time, with no live link left behind', async () => {
    for (let round = 0; round < 6; round++) {
      const owner = await newAccount(t, `resvcan${round}`);
      const link = await invite(t, owner);
      const [resent, cancelled] = await Promise.all([
        t.gql(Resend, { input: { invitationId: link.invitation.id } }, { token: owner.token }),
        t.gql(Cancel, { input: { invitationId: link.invitation.id } }, { token: owner.token }),
      ]);
      const resend = dataOf(resent).resendInvitation;
      const cancel = dataOf(cancelled).cancelInvitation;

      // Whichever runs first, the cancel finds the invitation pending and withdraws it.
      expect(cancel).toMatchObject({ __typename: 'CancelInvitationPayload', invitation: { status: 'CANCELLED' } });
      const row = await invitationRow(link.invitation.id);
      expect(row.status).toBe('CANCELLED');
      expect(dataOf(await t.gql(Preview, { token: link.token })).invitationByToken).toEqual(REFUSED_LINK);

      if (resend.__typename === 'ResendInvitationPayload') {
        expect(row.attempts).toBe(2);
        expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'RESENT', 'CANCELLED']);
        const fresh = tokenOf(resend.inviteUrl ?? '');
        expect(dataOf(await t.gql(Preview, { token: fresh })).invitationByToken).toEqual(REFUSED_LINK);
      } else {
        expect(resend).toMatchObject({
          __typename: 'InvitationNotPendingError',
          code: 'INVITATION_NOT_PENDING',
          status: 'CANCELLED',
        });
        expect(row.attempts).toBe(1);
        expect(await deliveriesOf(link.invitation.id)).toHaveLength(1);
        expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'CANCELLED']);
      }
    }
  });

  it('makes one pending invitation of two concurrent sends to one address; the other gets PENDING_INVITATION_EXISTS with its id', async () => {
    for (let round = 0; round < 4; round++) {
      const owner = await newAccount(t, `twin${round}`);
      const admin = await newMember(t, owner, 'ADMIN');
      const email = uniqueEmail(`twin${round}`);
      const inOrg = { organizationId: owner.organizationId };
      // Odd rounds: two inviters, and the address in another case.
      const answers = await Promise.all([
        sendTo(t, owner, email),
        round % 2 === 0 ? sendTo(t, owner, email) : sendTo(t, admin, email.toUpperCase(), inOrg),
      ]);
      const winners = sent(answers);
      expect(winners).toHaveLength(1);
      const loser = answers.find((a) => a.__typename !== 'SendInvitationPayload');
      expect(loser).toMatchObject({
        __typename: 'PendingInvitationExistsError',
        code: 'PENDING_INVITATION_EXISTS',
        invitationId: winners[0]?.invitation.id,
      });
      const rows = await invitationsOf(owner.raw.organizationId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: rawId(winners[0]?.invitation.id ?? ''), email, status: 'PENDING' });
      expect(await deliveriesOf(winners[0]?.invitation.id ?? '')).toHaveLength(1);
    }
  });

  it('keeps one unbroken audit chain when 20 transactions append to it at once', async () => {
    const owner = await newAccount(t, 'chain');
    const { organizationId, userId } = owner.raw;
    const db = t.app.database.db;
    // Each append in a transaction of its own, as many at once as the pool has connections.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createAuditLog({ clock: t.clock }).record(
          db,
          { userId, ip: null, userAgent: null },
          { organizationId, action: 'invitation.created', targetType: 'Invitation', data: { i } },
        ),
      ),
    );
    // The organisation's creation, then the 20, each on the one before: no two share a predecessor.
    expect(await verifyAuditChain(db, organizationId)).toEqual({ valid: true, checked: 21, firstBrokenId: null });
    const [forks] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from (select prev_hash from audit_log where organization_id = ${organizationId}
        group by prev_hash having count(*) > 1) f`,
    );
    expect(forks?.n).toBe(0);
  });

  it('keeps the chain unbroken and every row of each send when sends to one organisation race, a lapsed address among them', async () => {
    const owner = await newAccount(t, 'sends');
    const { organizationId } = owner.raw;
    const db = t.app.database.db;
    // A send's statements leave together: the chain is taken with the policy's reads, the audit
    // row with the invitation. Its expiry is recorded in the same transaction as the new send.
    const lapsing = await invite(t, owner);
    await db
      .update(invitations)
      .set({ expiresAt: new Date(t.clock.now().getTime() - 1000) })
      .where(eq(invitations.id, rawId(lapsing.invitation.id)));
    const sent = await Promise.all([
      t.gql(
        SendInvitation,
        { input: { organizationId: owner.organizationId, role: 'MEMBER', email: lapsing.email } },
        { token: owner.token },
      ),
      ...Array.from({ length: 12 }, () => invite(t, owner).then((s) => ({ data: { sendInvitation: s } }))),
    ]);
    const invitationIds = sent.map((r) => {
      const payload = r.data?.sendInvitation as { invitation?: { id: string } } | undefined;
      if (!payload?.invitation) expect.fail(`send failed: ${JSON.stringify(r)}`);
      return payload.invitation.id;
    });
    for (const id of invitationIds) {
      expect(await eventTypesOf(id)).toEqual(['CREATED']);
      expect(await deliveriesOf(id)).toHaveLength(1);
    }
    expect(await eventTypesOf(lapsing.invitation.id)).toEqual(['CREATED', 'EXPIRED']);
    // The organisation's creation, the first send, then 13 sends and one expiry: one line, no forks.
    expect(await verifyAuditChain(db, organizationId)).toEqual({ valid: true, checked: 16, firstBrokenId: null });
    const actions = await db
      .select({ action: auditLog.action, targetId: auditLog.targetId })
      .from(auditLog)
      .where(eq(auditLog.organizationId, organizationId));
    expect(actions.filter((a) => a.action === 'invitation.created').map((a) => a.targetId)).toEqual(
      expect.arrayContaining([lapsing.invitation.id, ...invitationIds].map(rawId)),
    );
    expect(actions.filter((a) => a.action === 'invitation.expired').map((a) => a.targetId)).toEqual([
      rawId(lapsing.invitation.id),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

const HOUR_LIMIT = 5;
const { privateKey: sharedKey } = await generateKeyPair('ES256', { extractable: true });
const rateLimitEnv = {
  INVITATION_RATE_LIMIT_HOUR: String(HOUR_LIMIT),
  INVITATION_RATE_LIMIT_DAY: '1000',
  INVITATION_RATE_LIMIT_WEEK: '1000',
  // Tokens outlive the clock moves below, and every instance signs and checks with one key.
  JWT_TTL_SECONDS: String(7 * 86_400),
  JWT_PRIVATE_KEY: await exportPKCS8(sharedKey),
};

describe('send limits under concurrent senders', () => {
  const t = useTestApp(rateLimitEnv);
  const emails = (n: number, label: string) => Array.from({ length: n }, (_, i) => uniqueEmail(`${label}${i}`));

  it('lets exactly 5 of 8 concurrent sends from one owner through; 3 get RATE_LIMITED with retryAfter and scope; the hour passing reopens', async () => {
    clearOfHourEdge(t.clock);
    const owner = await newAccount(t, 'limit8');
    const answers = await Promise.all(emails(8, 'lim').map((email) => sendTo(t, owner, email)));

    expect(sent(answers)).toHaveLength(HOUR_LIMIT);
    const limited = rateLimited(answers);
    expect(limited).toHaveLength(3);
    for (const refusal of limited) {
      expect(refusal).toMatchObject({ code: 'RATE_LIMITED', scope: 'ORGANIZATION' });
      expect(refusal.retryAfter).toBeGreaterThan(0);
      expect(refusal.retryAfter).toBeLessThanOrEqual(3600);
    }
    const rows = await invitationsOf(owner.raw.organizationId);
    expect(rows).toHaveLength(HOUR_LIMIT);
    expect(new Set(rows.map((r) => r.email))).toEqual(new Set(sent(answers).map((s) => s.invitation.email)));
    expect(await footprint(owner.raw.organizationId)).toMatchObject({ invitations: 5, deliveries: 5, events: 5 });

    // N + 1 stays refused while the window lasts.
    expect(await sendTo(t, owner, uniqueEmail('lim9'))).toMatchObject({ code: 'RATE_LIMITED' });

    t.clock.advance(3600);
    expect(await sendTo(t, owner, uniqueEmail('limnext'))).toMatchObject({
      __typename: 'SendInvitationPayload',
      invitation: { status: 'PENDING' },
    });
    expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(HOUR_LIMIT + 1);
  });

  it('counts one inviter’s sends across two organisations they own against one INVITER limit', async () => {
    clearOfHourEdge(t.clock);
    const owner = await newAccount(t, 'twoorgs');
    const second = dataOf(
      await t.gql(CreateOrganization, { input: { name: 'Second org' } }, { token: owner.token }),
    ).createOrganization;
    if (second.__typename !== 'CreateOrganizationPayload') expect.fail(JSON.stringify(second));

    const answers = await Promise.all([
      ...emails(4, 'orgone').map((email) => sendTo(t, owner, email)),
      ...emails(4, 'orgtwo').map((email) => sendTo(t, owner, email, { organizationId: second.organization.id })),
    ]);
    expect(sent(answers)).toHaveLength(HOUR_LIMIT);
    const limited = rateLimited(answers);
    expect(limited).toHaveLength(3);
    for (const refusal of limited) {
      expect(refusal).toMatchObject({ code: 'RATE_LIMITED', scope: 'INVITER' });
      expect(refusal.retryAfter).toBeGreaterThan(0);
    }
    const created =
      (await invitationsOf(owner.raw.organizationId)).length +
      (await invitationsOf(rawId(second.organization.id))).length;
    expect(created).toBe(HOUR_LIMIT);

    // Another inviter of the same organisation is not held back by this inviter's limit.
    const admin = await newMember(t, owner, 'ADMIN');
    expect(await sendTo(t, admin, uniqueEmail('otherinviter'), { organizationId: owner.organizationId })).toMatchObject(
      { __typename: 'SendInvitationPayload' },
    );
  });

  it('counts two admins’ concurrent sends in one organisation against one ORGANIZATION limit', async () => {
    clearOfHourEdge(t.clock);
    const owner = await newAccount(t, 'oneorg');
    const [adminA, adminB] = await Promise.all([
      newMember(t, owner, 'ADMIN', 'adma'),
      newMember(t, owner, 'ADMIN', 'admb'),
    ]);

    const answers = await Promise.all([
      ...emails(4, 'adma').map((email) => sendTo(t, adminA, email, { organizationId: owner.organizationId })),
      ...emails(4, 'admb').map((email) => sendTo(t, adminB, email, { organizationId: owner.organizationId })),
    ]);
    expect(sent(answers)).toHaveLength(HOUR_LIMIT);
    const limited = rateLimited(answers);
    expect(limited).toHaveLength(3);
    for (const refusal of limited) {
      expect(refusal).toMatchObject({ code: 'RATE_LIMITED', scope: 'ORGANIZATION' });
      expect(refusal.retryAfter).toBeGreaterThan(0);
    }
    expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(HOUR_LIMIT);

    // The owner, who sent nothing, is refused too: the organisation's window is full.
    expect(await sendTo(t, owner, uniqueEmail('ownerlate'))).toMatchObject({
      code: 'RATE_LIMITED',
      scope: 'ORGANIZATION',
    });
  });

  describe('across two server instances on one database', () => {
    let one: Awaited<ReturnType<typeof startTestApp>>;
    let two: Awaited<ReturnType<typeof startTestApp>>;
    beforeAll(async () => {
      [one, two] = await Promise.all([startTestApp(rateLimitEnv), startTestApp(rateLimitEnv)]);
    });
    afterAll(async () => {
      await Promise.all([one?.stop(), two?.stop()]);
    });

    it('lets exactly 5 of 8 sends split over two instances through, and sending works again once the hour passes', async () => {
      clearOfHourEdge(one.clock, two.clock);
      const owner = await newAccount(one, 'twoinst');
      const answers = await Promise.all(
        emails(8, 'inst').map((email, i) => sendTo(i % 2 === 0 ? one : two, owner, email)),
      );
      expect(sent(answers)).toHaveLength(HOUR_LIMIT);
      expect(rateLimited(answers)).toHaveLength(3);
      expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(HOUR_LIMIT);
      // Each instance refuses the next one.
      expect(await sendTo(one, owner, uniqueEmail('inst9'))).toMatchObject({ code: 'RATE_LIMITED' });
      expect(await sendTo(two, owner, uniqueEmail('inst10'))).toMatchObject({ code: 'RATE_LIMITED' });

      one.clock.advance(3600);
      expect(await sendTo(one, owner, uniqueEmail('instnext'))).toMatchObject({ __typename: 'SendInvitationPayload' });
      expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(HOUR_LIMIT + 1);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('idempotency keys', () => {
  const t = useTestApp({ RESEND_COOLDOWN_SECONDS: '0', JWT_TTL_SECONDS: String(7 * 86_400) });
  const newKey = () => `key-${randomUUID()}`;

  it('replays the first answer for the same key and input: replayed, no link, same invitation, nothing new written', async () => {
    const owner = await newAccount(t, 'idem');
    const key = newKey();
    const email = uniqueEmail('idem');
    const first = await sendTo(t, owner, email, { idempotencyKey: key, message: 'Hello' });
    if (first.__typename !== 'SendInvitationPayload') expect.fail(JSON.stringify(first));
    expect(first.replayed).toBe(false);
    expect(first.inviteUrl).toEqual(expect.any(String));
    const before = await footprint(owner.raw.organizationId);
    expect(before).toMatchObject({ invitations: 1, deliveries: 1 });

    const second = await sendTo(t, owner, email, { idempotencyKey: key, message: 'Hello' });
    expect(second).toMatchObject({
      __typename: 'SendInvitationPayload',
      replayed: true,
      inviteUrl: null,
      invitation: { id: first.invitation.id, email, status: 'PENDING', message: 'Hello' },
    });
    expect(await footprint(owner.raw.organizationId)).toEqual(before);
  });

  it('does the same with the Idempotency-Key header, which shares the input field’s keys', async () => {
    const owner = await newAccount(t, 'idemhdr');
    const key = newKey();
    const email = uniqueEmail('idemhdr');
    const headers = { 'Idempotency-Key': key };
    const first = await sendTo(t, owner, email, { headers });
    if (first.__typename !== 'SendInvitationPayload') expect.fail(JSON.stringify(first));
    expect(first).toMatchObject({ replayed: false, inviteUrl: expect.any(String) });
    const before = await footprint(owner.raw.organizationId);

    const again = await sendTo(t, owner, email, { headers });
    expect(again).toMatchObject({ replayed: true, inviteUrl: null, invitation: { id: first.invitation.id } });
    const viaField = await sendTo(t, owner, email, { idempotencyKey: key });
    expect(viaField).toMatchObject({ replayed: true, inviteUrl: null, invitation: { id: first.invitation.id } });
    expect(await footprint(owner.raw.organizationId)).toEqual(before);
  });

  it('refuses the same key with other input as IDEMPOTENCY_CONFLICT and creates nothing', async () => {
    const owner = await newAccount(t, 'idemconf');
    const key = newKey();
    const first = await sendTo(t, owner, uniqueEmail('idemconf'), { idempotencyKey: key });
    expect(first).toMatchObject({ __typename: 'SendInvitationPayload', replayed: false });
    const before = await footprint(owner.raw.organizationId);

    const otherEmail = uniqueEmail('idemconf-other');
    const conflict = await sendTo(t, owner, otherEmail, { idempotencyKey: key });
    expect(conflict).toMatchObject({ __typename: 'IdempotencyConflictError', code: 'IDEMPOTENCY_CONFLICT' });
    const viaHeader = await sendTo(t, owner, otherEmail, { headers: { 'Idempotency-Key': key } });
    expect(viaHeader).toMatchObject({ __typename: 'IdempotencyConflictError', code: 'IDEMPOTENCY_CONFLICT' });
    expect(await footprint(owner.raw.organizationId)).toEqual(before);
    expect((await invitationsOf(owner.raw.organizationId)).map((r) => r.email)).not.toContain(otherEmail);
  });

  it('scopes a key to its caller: another admin using it is neither replayed nor in conflict', async () => {
    const owner = await newAccount(t, 'idemscope');
    const admin = await newMember(t, owner, 'ADMIN');
    const key = newKey();
    const email = uniqueEmail('idemscope');
    const first = await sendTo(t, owner, email, { idempotencyKey: key });
    if (first.__typename !== 'SendInvitationPayload') expect.fail(JSON.stringify(first));

    // Same key and input from someone else: a send of its own, refused because the address is pending.
    const sameInput = await sendTo(t, admin, email, { organizationId: owner.organizationId, idempotencyKey: key });
    expect(sameInput).toMatchObject({
      __typename: 'PendingInvitationExistsError',
      invitationId: first.invitation.id,
    });
    // Same key, another address: a fresh send.
    const otherEmail = uniqueEmail('idemscope-admin');
    const fresh = await sendTo(t, admin, otherEmail, { organizationId: owner.organizationId, idempotencyKey: key });
    expect(fresh).toMatchObject({
      __typename: 'SendInvitationPayload',
      replayed: false,
      inviteUrl: expect.any(String),
      invitation: { email: otherEmail },
    });
    if (fresh.__typename !== 'SendInvitationPayload') return;
    expect(fresh.invitation.id).not.toBe(first.invitation.id);
    expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(2);
  });

  it('answers 10 concurrent requests with one key with one invitation, all carrying its id', async () => {
    const owner = await newAccount(t, 'idem10');
    const key = newKey();
    const email = uniqueEmail('idem10');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => sendTo(t, owner, email, { idempotencyKey: key })),
    );
    const payloads = sent(answers);
    expect(payloads, JSON.stringify(answers)).toHaveLength(10);
    const [original, ...replays] = [...payloads].sort((a, b) => Number(a.replayed) - Number(b.replayed));
    expect(original).toMatchObject({ replayed: false, inviteUrl: expect.any(String) });
    for (const replay of replays) expect(replay).toMatchObject({ replayed: true, inviteUrl: null });
    expect(new Set(payloads.map((p) => p.invitation.id))).toEqual(new Set([original?.invitation.id]));

    const rows = await invitationsOf(owner.raw.organizationId);
    expect(rows).toHaveLength(1);
    expect(await footprint(owner.raw.organizationId)).toMatchObject({ invitations: 1, deliveries: 1, events: 1 });
    const created = await (await db())
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'invitation.created'), eq(auditLog.targetId, rows[0]?.id ?? '')));
    expect(created).toHaveLength(1);
    const keys = await (await db()).select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(keys).toHaveLength(1);
  });

  it('replays a bulk send row by row: the second call creates nothing and every row comes back replayed', async () => {
    const owner = await newAccount(t, 'idembulk');
    const key = newKey();
    const rows = [
      { email: uniqueEmail('bulka'), role: 'MEMBER' as const },
      { email: uniqueEmail('bulkb'), role: 'ADMIN' as const },
      { email: uniqueEmail('bulkc'), role: 'MEMBER' as const, message: 'Welcome' },
    ];
    const input = { organizationId: owner.organizationId, invitations: rows, idempotencyKey: key };
    const first = dataOf(await t.gql(SendMany, { input }, { token: owner.token })).sendInvitations;
    if (first.__typename !== 'SendInvitationsPayload') expect.fail(JSON.stringify(first));
    expect(first).toMatchObject({ sentCount: 3, failedCount: 0 });
    const firstIds = first.results.map((r) =>
      r.__typename === 'SendInvitationPayload' ? r.invitation.id : r.__typename,
    );
    for (const row of first.results) expect(row).toMatchObject({ replayed: false, inviteUrl: expect.any(String) });
    const before = await footprint(owner.raw.organizationId);
    expect(before).toMatchObject({ invitations: 3, deliveries: 3, events: 3, audit: 3 });

    const second = dataOf(await t.gql(SendMany, { input }, { token: owner.token })).sendInvitations;
    if (second.__typename !== 'SendInvitationsPayload') expect.fail(JSON.stringify(second));
    expect(second).toMatchObject({ sentCount: 3, failedCount: 0 });
    expect(second.results).toHaveLength(3);
    second.results.forEach((row, i) => {
      expect(row).toMatchObject({ replayed: true, inviteUrl: null, invitation: { id: firstIds[i] } });
    });
    expect(await footprint(owner.raw.organizationId)).toEqual(before);

    // The same bulk key with other rows is a conflict, and writes nothing.
    const conflict = dataOf(
      await t.gql(
        SendMany,
        { input: { ...input, invitations: [{ email: uniqueEmail('bulkd'), role: 'MEMBER' }] } },
        { token: owner.token },
      ),
    ).sendInvitations;
    expect(conflict).toMatchObject({ __typename: 'IdempotencyConflictError', code: 'IDEMPOTENCY_CONFLICT' });
    expect(await footprint(owner.raw.organizationId)).toEqual(before);
  });

  it('replays a retried mixed bulk send: rows that succeeded come back replayed, bad rows refused again, nothing new', async () => {
    const owner = await newAccount(t, 'idembulkmix');
    const member = await newMember(t, owner, 'MEMBER');
    const key = newKey();
    const rows = [
      { email: uniqueEmail('bulkmixa'), role: 'MEMBER' as const },
      { email: 'not-an-email', role: 'MEMBER' as const },
      { email: member.email, role: 'MEMBER' as const },
      { email: uniqueEmail('bulkmixb'), role: 'ADMIN' as const },
    ];
    const input = { organizationId: owner.organizationId, invitations: rows, idempotencyKey: key };
    const expected = ['SendInvitationPayload', 'InputValidationError', 'AlreadyMemberError', 'SendInvitationPayload'];

    const first = dataOf(await t.gql(SendMany, { input }, { token: owner.token })).sendInvitations;
    if (first.__typename !== 'SendInvitationsPayload') expect.fail(JSON.stringify(first));
    expect(first).toMatchObject({ sentCount: 2, failedCount: 2 });
    expect(first.results.map((r) => r.__typename)).toEqual(expected);
    const firstIds = first.results.map((r) => (r.__typename === 'SendInvitationPayload' ? r.invitation.id : null));
    const before = await footprint(owner.raw.organizationId);
    expect(before).toMatchObject({ invitations: 2, deliveries: 2 });

    const second = dataOf(await t.gql(SendMany, { input }, { token: owner.token })).sendInvitations;
    if (second.__typename !== 'SendInvitationsPayload') expect.fail(JSON.stringify(second));
    expect(second).toMatchObject({ sentCount: 2, failedCount: 2 });
    expect(second.results.map((r) => r.__typename)).toEqual(expected);
    expect(second.results[0]).toMatchObject({ replayed: true, inviteUrl: null, invitation: { id: firstIds[0] } });
    expect(second.results[1]).toMatchObject({ code: 'INVALID_INPUT' });
    expect(second.results[2]).toMatchObject({ code: 'ALREADY_MEMBER' });
    expect(second.results[3]).toMatchObject({ replayed: true, inviteUrl: null, invitation: { id: firstIds[3] } });
    expect(await footprint(owner.raw.organizationId)).toEqual(before);
  });

  it('keeps a bulk send’s keys apart from single sends’ keys: a fresh bulk key is neither a replay nor a conflict', async () => {
    const owner = await newAccount(t, 'idemns');
    const key = newKey();
    // A single send whose key happens to look like the first row of a bulk send with `key`.
    const single = await sendTo(t, owner, uniqueEmail('idemns-single'), { idempotencyKey: `${key}#0` });
    expect(single).toMatchObject({ __typename: 'SendInvitationPayload', replayed: false });

    const email = uniqueEmail('idemns-bulk');
    const bulk = dataOf(
      await t.gql(
        SendMany,
        {
          input: {
            organizationId: owner.organizationId,
            invitations: [{ email, role: 'MEMBER' }],
            idempotencyKey: key,
          },
        },
        { token: owner.token },
      ),
    ).sendInvitations;
    expect(bulk).toMatchObject({
      __typename: 'SendInvitationsPayload',
      sentCount: 1,
      failedCount: 0,
      results: [{ __typename: 'SendInvitationPayload', replayed: false, invitation: { email } }],
    });
    expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(2);
  });

  it('replays a resend with a key: the attempt is counted once and no second delivery is queued', async () => {
    const owner = await newAccount(t, 'idemresend');
    const link = await invite(t, owner);
    const key = newKey();
    const input = { invitationId: link.invitation.id, idempotencyKey: key };

    const first = dataOf(await t.gql(Resend, { input }, { token: owner.token })).resendInvitation;
    if (first.__typename !== 'ResendInvitationPayload') expect.fail(JSON.stringify(first));
    expect(first).toMatchObject({ replayed: false, invitation: { attempts: 2 } });
    const second = dataOf(await t.gql(Resend, { input }, { token: owner.token })).resendInvitation;
    expect(second).toMatchObject({
      __typename: 'ResendInvitationPayload',
      replayed: true,
      inviteUrl: null,
      invitation: { id: link.invitation.id, attempts: 2 },
    });
    expect((await invitationRow(link.invitation.id)).attempts).toBe(2);
    expect(await deliveriesOf(link.invitation.id)).toHaveLength(2);
    expect(await eventTypesOf(link.invitation.id)).toEqual(['CREATED', 'RESENT']);
    // The replay did not rotate the token: the link the first resend gave still works.
    expect(dataOf(await t.gql(Preview, { token: tokenOf(first.inviteUrl ?? '') })).invitationByToken).toMatchObject({
      __typename: 'InvitationPreview',
    });

    // Without a key, resending again is allowed (no cooldown here): the replay above was the key's doing.
    const third = dataOf(
      await t.gql(Resend, { input: { invitationId: link.invitation.id } }, { token: owner.token }),
    ).resendInvitation;
    expect(third).toMatchObject({ replayed: false, invitation: { attempts: 3 } });
  });

  it('frees a key after 24 hours: the same key and input send again', async () => {
    const owner = await newAccount(t, 'idem24');
    const key = newKey();
    const email = uniqueEmail('idem24');
    const first = await sendTo(t, owner, email, { idempotencyKey: key });
    if (first.__typename !== 'SendInvitationPayload') expect.fail(JSON.stringify(first));
    const cancelled = dataOf(
      await t.gql(Cancel, { input: { invitationId: first.invitation.id } }, { token: owner.token }),
    ).cancelInvitation;
    expect(cancelled).toMatchObject({ __typename: 'CancelInvitationPayload' });

    // Within the 24 hours the key still answers with the first invitation, now cancelled.
    t.clock.advance(86_400 - 60);
    const stillReplayed = await sendTo(t, owner, email, { idempotencyKey: key });
    expect(stillReplayed).toMatchObject({
      replayed: true,
      inviteUrl: null,
      invitation: { id: first.invitation.id, status: 'CANCELLED' },
    });

    t.clock.advance(61);
    const again = await sendTo(t, owner, email, { idempotencyKey: key });
    expect(again).toMatchObject({
      __typename: 'SendInvitationPayload',
      replayed: false,
      inviteUrl: expect.any(String),
      invitation: { email, status: 'PENDING' },
    });
    if (again.__typename !== 'SendInvitationPayload') return;
    expect(again.invitation.id).not.toBe(first.invitation.id);
    expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('bulk sendInvitations', () => {
  const t = useTestApp({
    INVITATION_RATE_LIMIT_HOUR: '1000',
    INVITATION_RATE_LIMIT_DAY: '10000',
    INVITATION_RATE_LIMIT_WEEK: '100000',
  });
  const rowsOf = (n: number, label: string) =>
    Array.from({ length: n }, (_, i) => ({ email: uniqueEmail(`${label}${i}`), role: 'MEMBER' as const }));

  it('sends 100 rows', async () => {
    const owner = await newAccount(t, 'bulk100');
    const rows = rowsOf(100, 'b');
    const answer = dataOf(
      await t.gql(
        SendMany,
        { input: { organizationId: owner.organizationId, invitations: rows } },
        { token: owner.token },
      ),
    ).sendInvitations;
    if (answer.__typename !== 'SendInvitationsPayload') expect.fail(JSON.stringify(answer));
    expect(answer).toMatchObject({ sentCount: 100, failedCount: 0 });
    expect(answer.results).toHaveLength(100);
    answer.results.forEach((result, i) => {
      expect(result).toMatchObject({ __typename: 'SendInvitationPayload', invitation: { email: rows[i]?.email } });
    });
    expect(await invitationsOf(owner.raw.organizationId)).toHaveLength(100);
  });

  it('refuses 101 rows as a whole with InputValidationError and creates nothing', async () => {
    const owner = await newAccount(t, 'bulk101');
    const answer = dataOf(
      await t.gql(
        SendMany,
        { input: { organizationId: owner.organizationId, invitations: rowsOf(101, 'c') } },
        { token: owner.token },
      ),
    ).sendInvitations;
    expect(answer).toMatchObject({ __typename: 'InputValidationError', code: 'INVALID_INPUT' });
    if (answer.__typename !== 'InputValidationError') return;
    expect(answer.issues.some((issue) => issue.path.includes('invitations'))).toBe(true);
    expect(await footprint(owner.raw.organizationId)).toMatchObject({ invitations: 0, deliveries: 0, events: 0 });
  });

  it('sends the valid rows of a mixed batch and refuses each bad row with its own typed error, in order', async () => {
    const owner = await newAccount(t, 'bulkmix');
    const member = await newMember(t, owner, 'MEMBER');
    const first = uniqueEmail('mixa');
    const rows = [
      { email: first, role: 'MEMBER' as const },
      { email: 'not an email', role: 'MEMBER' as const },
      { email: uniqueEmail('mixb'), role: 'ADMIN' as const },
      { email: first.toUpperCase(), role: 'MEMBER' as const },
      { email: member.email, role: 'MEMBER' as const },
      { email: owner.email, role: 'MEMBER' as const },
      { email: uniqueEmail('mixc'), role: 'MEMBER' as const },
    ];
    const answer = dataOf(
      await t.gql(
        SendMany,
        { input: { organizationId: owner.organizationId, invitations: rows } },
        { token: owner.token },
      ),
    ).sendInvitations;
    if (answer.__typename !== 'SendInvitationsPayload') expect.fail(JSON.stringify(answer));
    expect(answer.sentCount).toBe(3);
    expect(answer.failedCount).toBe(4);
    const [r0, r1, r2, r3, r4, r5, r6] = answer.results;
    expect(answer.results).toHaveLength(7);
    expect(r0).toMatchObject({ __typename: 'SendInvitationPayload', invitation: { email: first, status: 'PENDING' } });
    expect(r1).toMatchObject({
      __typename: 'InputValidationError',
      code: 'INVALID_INPUT',
      issues: [expect.objectContaining({ path: ['input', 'invitations', '1', 'email'] })],
    });
    expect(r2).toMatchObject({ __typename: 'SendInvitationPayload', invitation: { email: rows[2]?.email } });
    expect(r3).toMatchObject({
      __typename: 'PendingInvitationExistsError',
      code: 'PENDING_INVITATION_EXISTS',
      invitationId: r0?.__typename === 'SendInvitationPayload' ? r0.invitation.id : 'row 0 failed',
    });
    expect(r4).toMatchObject({ __typename: 'AlreadyMemberError', code: 'ALREADY_MEMBER' });
    expect(r5).toMatchObject({ __typename: 'SelfInviteError', code: 'SELF_INVITE' });
    expect(r6).toMatchObject({ __typename: 'SendInvitationPayload', invitation: { email: rows[6]?.email } });

    const created = await invitationsOf(owner.raw.organizationId);
    expect(created.map((r) => r.email).sort()).toEqual([first, rows[2]?.email, rows[6]?.email].sort());
  });
});
