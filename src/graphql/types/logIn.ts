import { z } from 'zod';
import { emailSchema } from '../../accounts/inputs.js';
import type { SignedIn } from '../../accounts/service.js';
import { InvalidCredentialsError, TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { User } from './User.js';
import { inputErrors } from './UserError.js';

export const AuthPayload = builder.objectRef<SignedIn>('AuthPayload').implement({
  description: 'A bearer token for `Authorization: Bearer <token>`, and whose it is',
  fields: (t) => ({
    token: t.exposeString('token'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    user: t.field({ type: User, resolve: (payload) => payload.user }),
  }),
});

const LogInInput = builder.inputType('LogInInput', {
  fields: (t) => ({
    email: t.string({ required: true, validate: emailSchema }),
    // Not checked against the password policy: a policy change must not lock anyone out.
    password: t.string({ required: true, validate: z.string().max(1024) }),
  }),
});

builder.mutationField('logIn', (t) =>
  t.field({
    type: AuthPayload,
    description:
      'Signs in with email and password. Refuses a wrong email or password alike, and, after too many failures for the account or the address, every attempt until the window passes.',
    args: { input: t.arg({ type: LogInInput, required: true }) },
    errors: { types: [...inputErrors, InvalidCredentialsError, TooManyAttemptsError] },
    resolve: async (_root, { input }, ctx) => unwrap(await ctx.services.accounts.logIn(input, ctx.actor)),
  }),
);
