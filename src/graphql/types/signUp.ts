import { emailSchema, nameSchema, organizationNameSchema, passwordSchema } from '../../accounts/inputs.js';
import type { Organization as OrganizationRow, SignedIn } from '../../accounts/service.js';
import { EmailTakenError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Organization } from './Organization.js';
import { User } from './User.js';
import { inputErrors } from './UserError.js';

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    email: t.string({ required: true, validate: emailSchema }),
    password: t.string({ required: true, validate: passwordSchema }),
    name: t.string({ required: true, validate: nameSchema }),
    organizationName: t.string({ required: true, validate: organizationNameSchema }),
  }),
});

const SignUpPayload = builder.objectRef<SignedIn & { organization: OrganizationRow }>('SignUpPayload').implement({
  description: 'The new account, its first organization (the caller owns it), and a bearer token',
  fields: (t) => ({
    token: t.exposeString('token'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    user: t.field({ type: User, resolve: (payload) => payload.user }),
    organization: t.field({ type: Organization, resolve: (payload) => payload.organization }),
  }),
});

builder.mutationField('signUp', (t) =>
  t.field({
    type: SignUpPayload,
    description:
      'Creates an account and its first organization, and signs in. Refuses an email already in use (case-insensitively), a malformed email, and a password shorter than 10 or longer than 128 characters.',
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    errors: { types: [...inputErrors, EmailTakenError] },
    resolve: async (_root, { input }, ctx) => unwrap(await ctx.services.accounts.signUp(input, ctx.actor)),
  }),
);
