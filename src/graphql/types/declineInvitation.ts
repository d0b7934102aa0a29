import { EmailMismatchError, InvalidTokenError } from '../../invitations/errors.js';
import { reasonSchema } from '../../invitations/inputs.js';
import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { InvitationPayload } from './Invitation.js';
import { inputErrors } from './UserError.js';

const DeclineInvitationInput = builder.inputType('DeclineInvitationInput', {
  fields: (t) => ({
    token: t.string({ required: true }),
    reason: t.string({ validate: reasonSchema }),
  }),
});

builder.mutationField('declineInvitation', (t) =>
  t.field({
    type: InvitationPayload,
    description: 'Declines with the link’s token; anyone holding it may, a signed-in viewer only for their own email.',
    args: { input: t.arg({ type: DeclineInvitationInput, required: true }) },
    errors: { types: [...inputErrors, InvalidTokenError, EmailMismatchError, TooManyAttemptsError] },
    resolve: async (_root, { input }, ctx) => ({
      invitation: unwrap(await ctx.services.invitations.decline(input, ctx.viewer?.user ?? null, ctx.actor)),
    }),
  }),
);
