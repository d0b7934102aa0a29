import { describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { useTestApp } from './helpers/app.js';
import { invite, SendInvitation } from './helpers/invitations.js';
import { newAccount, newMember, uniqueEmail } from './helpers/seed.js';

/** What invitationByToken answers for an unknown, expired, used or withdrawn link. */
const REFUSED_LINK = { __typename: 'InvalidTokenError', code: 'INVALID_TOKEN' };

const t = useTestApp();

const Accept = graphql(`
  mutation InvAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload {
        invitation { status }
        membership { role permissions user { email emailVerified } organization { id } }
        auth { token }
      }
      ... on UserError { code message }
    }
  }
`);

const Preview = graphql(`
  query InvPreview($token: String!) {
    invitationByToken(token: $token) { __typename ... on InvitationPreview { organizationName inviterName role message expiresAt maskedEmail } ... on UserError { code } }
  }
`);

const Timeline = graphql(`
  query InvTimeline($id: ID!) {
    invitation(id: $id) { id status timeline { type actor { email } data } invitedBy { email } }
  }
`);

describe('sendInvitation', () => {
  it('answers at once with a pending invitation, its delivery validating, and a link', async () => {
    const owner = await newAccount(t, 'sender');
    const sent = await invite(t, owner, { message: 'Welcome aboard' });
    expect(sent.invitation).toMatchObject({
      status: 'PENDING',
      deliveryStatus: 'VALIDATING',
      attempts: 1,
      role: 'MEMBER',
      message: 'Welcome aboard',
    });
    expect(sent.inviteUrl.startsWith(`${t.url}/invite/`)).toBe(true);
    expect(sent.inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
    const timeline = await t.gql(Timeline, { id: sent.invitation.id }, { token: owner.token });
    expect(timeline.data?.invitation).toMatchObject({
      status: 'PENDING',
      invitedBy: { email: owner.email },
      timeline: [{ type: 'CREATED', actor: { email: owner.email } }],
    });
  });

  it('refuses a second pending invitation to the same email, naming the first', async () => {
    const owner = await newAccount(t, 'dupinv');
    const first = await invite(t, owner);
    const again = await t.gql(
      SendInvitation,
      { input: { organizationId: owner.organizationId, email: first.email.toUpperCase(), role: 'MEMBER' } },
      { token: owner.token },
    );
    expect(again.data?.sendInvitation).toMatchObject({
      __typename: 'PendingInvitationExistsError',
      code: 'PENDING_INVITATION_EXISTS',
      invitationId: first.invitation.id,
    });
  });

  it('lets an admin invite but not invite an owner; refuses a plain member with FORBIDDEN', async () => {
    const owner = await newAccount(t, 'roles');
    const admin = await newMember(t, owner, 'ADMIN');
    const member = await newMember(t, owner, 'MEMBER');
    const send = (token: string, role: 'OWNER' | 'MEMBER') =>
      t.gql(
        SendInvitation,
        { input: { organizationId: owner.organizationId, email: uniqueEmail('r'), role } },
        { token },
      );
    expect((await send(admin.token, 'MEMBER')).data?.sendInvitation?.__typename).toBe('SendInvitationPayload');
    expect((await send(admin.token, 'OWNER')).data?.sendInvitation).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    expect((await send(member.token, 'MEMBER')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('accepting', () => {
  it('previews without consuming, then an anonymous caller accepts, gets a verified account and is signed in', async () => {
    const owner = await newAccount(t, 'acceptor');
    const sent = await invite(t, owner, { role: 'ADMIN', message: 'Hi' });
    const preview = await t.gql(Preview, { token: sent.token });
    expect(preview.data?.invitationByToken).toMatchObject({
      role: 'ADMIN',
      message: 'Hi',
      inviterName: 'acceptor person',
    });
    const accepted = await t.gql(Accept, {
      input: { token: sent.token, proof: sent.proof, name: 'New Person', password: 'a-good-password' },
    });
    expect(accepted.data?.acceptInvitation).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      invitation: { status: 'ACCEPTED' },
      membership: {
        role: 'ADMIN',
        user: { email: sent.email, emailVerified: true },
        organization: { id: owner.organizationId },
      },
    });
    const again = await t.gql(Accept, {
      input: { token: sent.token, proof: sent.proof, name: 'New Person', password: 'a-good-password' },
    });
    expect(again.data?.acceptInvitation).toMatchObject({ code: 'INVALID_TOKEN' });
    expect((await t.gql(Preview, { token: sent.token })).data?.invitationByToken).toEqual(REFUSED_LINK);
  });
});
