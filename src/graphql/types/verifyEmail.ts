import type { User as UserRow } from '../../accounts/service.js';
import { InvalidAccountLinkError, TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { User } from './User.js';

const VerifyEmailInput = builder.inputType('VerifyEmailInput', {
  description: 'The secret from an email verification link.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The `token` from the verification link’s fragment.' }),
  }),
});

const VerifyEmailPayload = builder.objectRef<UserRow>('VerifyEmailPayload').implement({
  description: 'The viewer’s email is verified.',
  fields: (t) => ({
    user: t.field({ type: User, description: 'The viewer, `emailVerified` now true.', resolve: (u) => u }),
  }),
});

const errors = fieldErrors({ input: true }, InvalidAccountLinkError, TooManyAttemptsError);

builder.mutationField('verifyEmail', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: VerifyEmailPayload,
    nullable: true,
    description:
      'Marks the viewer’s email verified with the link mailed to it. Only the account’s own session may use its link, so whoever signed up with someone else’s address gains nothing when that person clicks it. The link works once.',
    args: { input: t.arg({ type: VerifyEmailInput, required: true, description: 'The link.' }) },
    errors: errors.union('The verified account, or why the link was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(await ctx.services.accounts.verifyEmail(input, ctx.viewer.user, ctx.actor)),
  }),
);
