import { emailSchema } from '../../accounts/inputs.js';
import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';

const RequestPasswordResetInput = builder.inputType('RequestPasswordResetInput', {
  description: 'The address whose account forgot its password.',
  fields: (t) => ({
    email: t.string({ required: true, validate: emailSchema, description: 'The account’s email, any case.' }),
  }),
});

const RequestPasswordResetPayload = builder.objectRef<{ email: string }>('RequestPasswordResetPayload').implement({
  description: 'The request was taken; the answer is the same whether or not the address has an account.',
  fields: (t) => ({
    email: t.exposeString('email', {
      description: 'Where a reset link goes if an account uses this address (normalised: trimmed, lower case).',
    }),
  }),
});

const errors = fieldErrors({ input: true }, TooManyAttemptsError);

builder.mutationField('requestPasswordReset', (t) =>
  t.field({
    type: RequestPasswordResetPayload,
    nullable: true,
    description:
      'Mails a single-use password reset link, valid for PASSWORD_RESET_TTL_SECONDS, to the address if an account uses it; answers alike when none does. Limited per address and per client.',
    args: { input: t.arg({ type: RequestPasswordResetInput, required: true, description: 'The address.' }) },
    errors: errors.union('The request taken, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(await ctx.services.accounts.requestPasswordReset(input.email, ctx.actor)),
  }),
);
