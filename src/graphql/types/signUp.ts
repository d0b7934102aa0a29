import { emailSchema, nameSchema, organizationNameSchema, passwordSchema } from '../../accounts/inputs.js';
import type { Organization as OrganizationRow, SignedIn } from '../../accounts/service.js';
import { EmailTakenError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Organization } from './Organization.js';
import { User } from './User.js';

const SignUpInput = builder.inputType('SignUpInput', {
  description: 'A new account and its first organization.',
  fields: (t) => ({
    email: t.string({
      required: true,
      validate: emailSchema,
      description: 'The account’s email; one account per email.',
    }),
    password: t.string({ required: true, validate: passwordSchema, description: '10 to 128 characters.' }),
    name: t.string({
      required: true,
      validate: nameSchema,
      description: 'The person’s name, shown to co-members and invitees.',
    }),
    organizationName: t.string({
      required: true,
      validate: organizationNameSchema,
      description: 'The first organization’s name; the new account owns it.',
    }),
  }),
});

const SignUpPayload = builder.objectRef<SignedIn & { organization: OrganizationRow }>('SignUpPayload').implement({
  description: 'The new account, its first organization (the caller owns it), and a bearer token.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The bearer token (a signed JWT); keep it secret.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the token stops working.' }),
    user: t.field({ type: User, description: 'The new account.', resolve: (payload) => payload.user }),
    organization: t.field({
      type: Organization,
      description: 'The new organization.',
      resolve: (payload) => payload.organization,
    }),
  }),
});

const errors = fieldErrors({ input: true }, EmailTakenError);

builder.mutationField('signUp', (t) =>
  t.field({
    type: SignUpPayload,
    nullable: true,
    description:
      'Creates an account and its first organization, and signs in. Refuses an email already in use (case-insensitively), a malformed email, and a password shorter than 10 or longer than 128 characters.',
    args: { input: t.arg({ type: SignUpInput, required: true, description: 'The new account.' }) },
    errors: errors.union('The new account and a bearer token, or why it was refused.'),
    resolve: async (_root, { input }, ctx) => errors.unwrap(await ctx.services.accounts.signUp(input, ctx.actor)),
  }),
);
