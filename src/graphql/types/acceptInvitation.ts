import {
  AccountExistsError,
  AlreadyMemberError,
  EmailMismatchError,
  InvalidTokenError,
  MailboxProofRequiredError,
} from '../../invitations/errors.js';
import type { Accepted } from '../../invitations/service.js';
import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Invitation } from './Invitation.js';
import { AuthPayload } from './logIn.js';
import { Membership } from './Membership.js';

const AcceptInvitationInput = builder.inputType('AcceptInvitationInput', {
  description: 'The link’s token, and for a new account its name and password.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The secret token from the invitation link.' }),
    proof: t.string({
      description:
        'The `proof` from the fragment of the link in the invitation email (`#proof=…`), which the inviter never sees. Needed unless the caller is signed in with a verified email.',
    }),
    name: t.string({ description: 'Needed when the caller is not signed in: the new account’s name.' }),
    password: t.string({
      description: 'Needed when the caller is not signed in: the new account’s password, 10 to 128 characters.',
    }),
  }),
});

const AcceptInvitationPayload = builder.objectRef<Accepted>('AcceptInvitationPayload').implement({
  description: 'The accepted invitation and the membership it made.',
  fields: (t) => ({
    invitation: t.field({
      type: Invitation,
      description: 'The invitation, now ACCEPTED.',
      resolve: (a) => a.invitation,
    }),
    membership: t.drizzleField({
      type: Membership,
      description: 'The new membership, with the invitation’s role and permissions.',
      resolve: async (query, a, _args, ctx) => {
        const membership = await ctx.db.query.memberships.findFirst(query({ where: { id: a.membershipId } }));
        if (!membership) throw new Error('membership vanished');
        return membership;
      },
    }),
    auth: t.field({
      type: AuthPayload,
      nullable: true,
      description: 'A bearer token for the account made for an anonymous caller; null when the caller was signed in.',
      resolve: (a) => a.signedIn,
    }),
  }),
});

const errors = fieldErrors(
  { input: true },
  InvalidTokenError,
  MailboxProofRequiredError,
  EmailMismatchError,
  AccountExistsError,
  AlreadyMemberError,
  TooManyAttemptsError,
);

builder.mutationField('acceptInvitation', (t) =>
  t.field({
    type: AcceptInvitationPayload,
    nullable: true,
    description:
      'Joins the organization with the invitation’s role and permissions. Signed in: the viewer’s email must be the invited one; an unverified email needs the mailbox proof, and becomes verified by it. Anonymous: needs the mailbox proof; an account is made for the invited email (verified by the proof) and signed in, or an unverified account using the address passes to the prover, its earlier sessions ended. Unknown, expired, used and withdrawn links are refused alike.',
    args: {
      input: t.arg({
        type: AcceptInvitationInput,
        required: true,
        description: 'The link and, if needed, the new account.',
      }),
    },
    errors: errors.union('The new membership, or why it was refused.'),
    resolve: async (_root, { input }, ctx) => {
      const accepted = await ctx.services.invitations.accept(input, ctx.viewer?.user ?? null, ctx.actor);
      ctx.membershipsChanged();
      return errors.unwrap(accepted);
    },
  }),
);
