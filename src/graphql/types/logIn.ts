import { z } from 'zod';
import { emailSchema } from '../../accounts/inputs.js';
import type { SignedIn } from '../../accounts/service.js';
import { InvalidCredentialsError, TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { User } from './User.js';

export const AuthPayload = builder.objectRef<SignedIn>('AuthPayload').implement({
  description: 'A bearer token for `Authorization: Bearer <token>`, and whose it is.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The bearer token (a signed JWT); keep it secret.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the token stops working.' }),
    user: t.field({ type: User, description: 'The signed-in user.', resolve: (payload) => payload.user }),
  }),
});

const LogInInput = builder.inputType('LogInInput', {
  description: 'An account’s credentials.',
  fields: (t) => ({
    email: t.string({ required: true, validate: emailSchema, description: 'The account’s email, any case.' }),
    // Not checked against the password policy: a policy change must not lock anyone out.
    password: t.string({ required: true, validate: z.string().max(1024), description: 'The account’s password.' }),
  }),
});

const errors = fieldErrors({ input: true }, InvalidCredentialsError, TooManyAttemptsError);

builder.mutationField('logIn', (t) =>
  t.field({
    type: AuthPayload,
    nullable: true,
    description:
      'Signs in with email and password. Refuses a wrong email or password alike. Too many failures from one address, for one account or across accounts, refuse that address until the window passes; too many for an account from addresses it has not logged in from make each further attempt from them wait longer (`retryAfter`), never locking the account.',
    args: { input: t.arg({ type: LogInInput, required: true, description: 'The credentials.' }) },
    errors: errors.union('A bearer token, or why it was refused.'),
    resolve: async (_root, { input }, ctx) => errors.unwrap(await ctx.services.accounts.logIn(input, ctx.actor)),
  }),
);
