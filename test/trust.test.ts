// Nobody gains what they were not granted: attacks from a lower role, another organisation and a
// changed grant, each followed by the proof that nothing changed in the database.
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, deliveryAttempts, invitationEvents, invitations, memberships } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { type TestApp, useTestApp } from './helpers/app.js';
import { invite } from './helpers/invitations.js';
import { type Account, newAccount, newMember } from './helpers/seed.js';

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
