import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';

const SendEmailVerificationPayload = builder.objectRef<{ queued: boolean }>('SendEmailVerificationPayload').implement({
  description: 'Whether a new verification link is on its way.',
  fields: (t) => ({
    queued: t.exposeBoolean('queued', {
      description: 'True when a link was queued; false when the email is verified already and nothing was sent.',
    }),
  }),
});

const errors = fieldErrors({}, TooManyAttemptsError);

builder.mutationField('sendEmailVerification', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: SendEmailVerificationPayload,
    nullable: true,
    description:
      'Mails a new email verification link to the viewer’s address, unless it is verified already. Limited per address and per client.',
    errors: errors.union('Whether a link was queued, or why not.'),
    resolve: async (_root, _args, ctx) =>
      errors.unwrap(await ctx.services.accounts.sendEmailVerification(ctx.viewer.user, ctx.actor)),
  }),
);
