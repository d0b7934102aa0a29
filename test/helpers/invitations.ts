// Invitation test data through the public API.
import { expect } from 'vitest';
import { loadSigningKey } from '../../src/auth/tokens.js';
import type { MemberRole } from '../../src/db/schema/index.js';
import { createMailboxProofs } from '../../src/invitations/tokens.js';
import { graphql } from '../generated/index.js';
import type { RequestOptions, TestApp } from './app.js';
import { type Account, uniqueEmail } from './seed.js';

export const SendInvitation = graphql(`
  mutation HelperSendInvitation($input: SendInvitationInput!) {
    sendInvitation(input: $input) {
      __typename
      ... on SendInvitationPayload {
        inviteUrl
        replayed
        invitation { id email role status deliveryStatus attempts expiresAt permissions message }
      }
      ... on UserError { code message }
      ... on PendingInvitationExistsError { invitationId }
      ... on RateLimitedError { retryAfter scope }
      ... on PermissionNotHeldError { permissions }
      ... on InputValidationError { issues { path message } }
    }
  }
`);

/** The token inside an invite URL (the emailed one carries the mailbox proof in its fragment). */
export const tokenOf = (inviteUrl: string) => decodeURIComponent(inviteUrl.split('#')[0]?.split('/').pop() ?? '');

/**
 * The mailbox proof that the invitation email for `token` carries, computed as the server does:
 * what a test holds when it plays the invited person, who has read the email.
 */
export async function proofOf(t: Pick<TestApp, 'app'>, token: string): Promise<string> {
  const link = createMailboxProofs(await loadSigningKey(t.app.config)).mailboxLink('', token);
  return decodeURIComponent(link.split('#proof=')[1] ?? '');
}

export async function invite(
  t: TestApp,
  owner: Account,
  input: { email?: string; role?: MemberRole; message?: string; permissions?: string[]; expiresInDays?: number } = {},
  options: RequestOptions = {},
) {
  const email = input.email ?? uniqueEmail('invitee');
  const result = await t.gql(
    SendInvitation,
    { input: { organizationId: owner.organizationId, role: 'MEMBER', ...input, email } },
    { token: owner.token, ...options },
  );
  const payload = result.data?.sendInvitation;
  if (payload?.__typename !== 'SendInvitationPayload' || !payload.inviteUrl) {
    expect.fail(`send failed: ${JSON.stringify(result)}`);
  }
  const token = tokenOf(payload.inviteUrl);
  return { email, invitation: payload.invitation, inviteUrl: payload.inviteUrl, token, proof: await proofOf(t, token) };
}
