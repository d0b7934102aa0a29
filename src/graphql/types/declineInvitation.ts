import { EmailMismatchError, InvalidTokenError } from '../../invitations/errors.js';
import { reasonSchema } from '../../invitations/inputs.js';
import type { Invitation as InvitationRow } from '../../invitations/service.js';
import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Invitation } from './Invitation.js';

const DeclineInvitationInput = builder.inputType('DeclineInvitationInput', {
  description: 'The link’s token, and why.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The secret token from the invitation link.' }),
    reason: t.string({
      validate: reasonSchema,
      description: 'Why, for the inviting organization; at most 500 characters.',
    }),
  }),
});

const DeclineInvitationPayload = builder.objectRef<InvitationRow>('DeclineInvitationPayload').implement({
  description: 'The declined invitation.',
  fields: (t) => ({
    invitation: t.field({ type: Invitation, description: 'The invitation, now DECLINED.', resolve: (i) => i }),
  }),
});

const errors = fieldErrors({ input: true }, InvalidTokenError, EmailMismatchError, TooManyAttemptsError);

builder.mutationField('declineInvitation', (t) =>
  t.field({
    type: DeclineInvitationPayload,
    nullable: true,
    description:
      'Declines with the link’s token; anyone holding it may, a signed-in viewer only for their own email. Failed guesses are limited per address.',
    args: { input: t.arg({ type: DeclineInvitationInput, required: true, description: 'The link and a reason.' }) },
    errors: errors.union('The declined invitation, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(await ctx.services.invitations.decline(input, ctx.viewer?.user ?? null, ctx.actor)),
  }),
);
