import {
  AccountExistsError,
  AlreadyMemberError,
  EmailMismatchError,
  InvalidTokenError,
} from '../../invitations/errors.js';
import type { Accepted } from '../../invitations/service.js';
import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Invitation } from './Invitation.js';
import { AuthPayload } from './logIn.js';
import { Membership } from './Membership.js';
import { inputErrors } from './UserError.js';

const AcceptInvitationInput = builder.inputType('AcceptInvitationInput', {
  fields: (t) => ({
    token: t.string({ required: true }),
    name: t.string({ description: 'Needed when the caller is not signed in: the new account’s name' }),
    password: t.string({ description: 'Needed when the caller is not signed in: the new account’s password' }),
  }),
});

const AcceptInvitationPayload = builder.objectRef<Accepted>('AcceptInvitationPayload').implement({
  fields: (t) => ({
    invitation: t.field({ type: Invitation, resolve: (a) => a.invitation }),
    membership: t.drizzleField({
      type: Membership,
      resolve: async (query, a, _args, ctx) => {
        const membership = await ctx.db.query.memberships.findFirst(query({ where: { id: a.membershipId } }));
        if (!membership) throw new Error('membership vanished');
        return membership;
      },
    }),
    auth: t.field({
      type: AuthPayload,
      nullable: true,
      description: 'A token for the account made for an anonymous caller',
      resolve: (a) => a.signedIn,
    }),
  }),
});

builder.mutationField('acceptInvitation', (t) =>
  t.field({
    type: AcceptInvitationPayload,
    description:
      'Joins the organization with the invitation’s role and permissions. Signed in: the viewer’s email must be the invited one. Anonymous: an account is made for the invited email (verified by the link) and signed in. Unknown, expired, used and withdrawn links are refused alike.',
    args: { input: t.arg({ type: AcceptInvitationInput, required: true }) },
    errors: {
      types: [
        ...inputErrors,
        InvalidTokenError,
        EmailMismatchError,
        AccountExistsError,
        AlreadyMemberError,
        TooManyAttemptsError,
      ],
    },
    resolve: async (_root, { input }, ctx) => {
      const accepted = await ctx.services.invitations.accept(input, ctx.viewer?.user ?? null, ctx.actor);
      ctx.membershipsChanged();
      return unwrap(accepted);
    },
  }),
);
