import { passwordSchema } from '../../accounts/inputs.js';
import type { SignedIn } from '../../accounts/service.js';
import { InvalidAccountLinkError, TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { AuthPayload } from './logIn.js';

const ResetPasswordInput = builder.inputType('ResetPasswordInput', {
  description: 'The secret from a password reset link, and the new password.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The `token` from the reset link’s fragment.' }),
    password: t.string({ required: true, validate: passwordSchema, description: '10 to 128 characters.' }),
  }),
});

const ResetPasswordPayload = builder.objectRef<SignedIn>('ResetPasswordPayload').implement({
  description: 'The new password is set; every earlier session of the account has ended.',
  fields: (t) => ({
    auth: t.field({ type: AuthPayload, description: 'A new bearer token for the account.', resolve: (s) => s }),
  }),
});

const errors = fieldErrors({ input: true }, InvalidAccountLinkError, TooManyAttemptsError);

builder.mutationField('resetPassword', (t) =>
  t.field({
    type: ResetPasswordPayload,
    nullable: true,
    description:
      'Sets a new password from a reset link. The link works once; using it proves the mailbox, so the email becomes verified, and every session issued before ends. Unknown, expired and used links are refused alike.',
    args: { input: t.arg({ type: ResetPasswordInput, required: true, description: 'The link and the password.' }) },
    errors: errors.union('A new session, or why the reset was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(await ctx.services.accounts.resetPassword(input, ctx.actor)),
  }),
);
