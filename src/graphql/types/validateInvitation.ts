import type { Check } from '../../invitations/service.js';
import { builder } from '../builder.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';

const InvitationCheck = builder.objectRef<Check>('InvitationCheck').implement({
  description: 'One rule a new invitation must pass',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'e.g. EMAIL_VALID, ROLE_ALLOWED, NOT_MEMBER, RATE_LIMIT' }),
    passed: t.exposeBoolean('passed'),
    message: t.exposeString('message'),
    errorCode: t.string({
      nullable: true,
      description: 'The code sendInvitation would refuse with',
      resolve: (c) => (c.error && 'code' in c.error ? String(c.error.code) : null),
    }),
  }),
});

const InvitationValidation = builder.objectRef<Check[]>('InvitationValidation').implement({
  fields: (t) => ({
    valid: t.boolean({ resolve: (checks) => checks.every((c) => c.passed) }),
    checks: t.field({ type: [InvitationCheck], resolve: (checks) => checks }),
  }),
});

const ValidateInvitationInput = builder.inputType('ValidateInvitationInput', {
  description: 'As SendInvitationInput; checked field by field instead of refused as a whole',
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization }),
    email: t.string({ required: true }),
    phone: t.string(),
    role: t.field({ type: Role, required: true }),
    message: t.string(),
    permissions: t.stringList(),
    metadata: t.field({ type: 'JSON' }),
    expiresInDays: t.int(),
  }),
});

builder.mutationField('validateInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationValidation,
    description: 'A dry run of sendInvitation: every check with its outcome. Writes nothing.',
    args: { input: t.arg({ type: ValidateInvitationInput, required: true }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    resolve: (_root, { input }, ctx) =>
      ctx.services.invitations.validate(
        {
          ...input,
          organizationId: input.organizationId.id,
          metadata: input.metadata as Record<string, unknown> | null,
        },
        ctx.actor,
      ),
  }),
);
