import type { Check } from '../../invitations/service.js';
import { builder } from '../builder.js';
import { invitationFields } from '../inputs.js';
import { fieldErrors } from '../result.js';
import { Organization } from './Organization.js';
import { UserErrorCode } from './UserError.js';

// The checks of a dry run, in the order they are reported.
const checkCodes = {
  EMAIL_VALID: 'The email is well formed.',
  PHONE_VALID: 'The phone number is in E.164 form.',
  MESSAGE_VALID: 'The personal note is plain text within the length limit.',
  PERMISSIONS_VALID: 'The permissions are well formed and not too many.',
  METADATA_VALID: 'The metadata is a JSON object within the size limit.',
  EXPIRES_IN_DAYS_VALID: 'The expiry is a whole number of days, at least 1.',
  ORGANIZATION: 'The organization exists and the viewer belongs to it.',
  INVITER_ROLE: 'The viewer is an owner or an admin, who may invite.',
  ROLE_ALLOWED: 'The viewer may grant the role (only owners grant OWNER).',
  PERMISSIONS_HELD: 'The viewer holds every permission granted.',
  MESSAGES_ENABLED: 'Custom messages are on, or there is none.',
  EXPIRY_ALLOWED: 'The expiry is within the server’s maximum.',
  NOT_SELF: 'The email is not the viewer’s own.',
  NOT_MEMBER: 'The person is not a member already.',
  NO_PENDING_INVITATION: 'No pending invitation to this email exists.',
  RATE_LIMIT: 'Sending now stays within the organization’s and the inviter’s limits.',
} as const;

const InvitationCheckCode = builder.enumType('InvitationCheckCode', {
  description: 'A rule a new invitation must pass.',
  values: Object.fromEntries(Object.entries(checkCodes).map(([code, description]) => [code, { description }])),
});

const InvitationCheck = builder.objectRef<Check>('InvitationCheck').implement({
  description: 'One rule a new invitation must pass, and whether it does.',
  fields: (t) => ({
    code: t.field({
      type: InvitationCheckCode,
      description: 'Which rule.',
      resolve: (c) => c.code as keyof typeof checkCodes,
    }),
    passed: t.exposeBoolean('passed', { description: 'True when the invitation passes it.' }),
    message: t.exposeString('message', { description: 'The outcome in a sentence for people.' }),
    errorCode: t.field({
      type: UserErrorCode,
      nullable: true,
      description: 'The code sendInvitation would refuse with; null when the rule passes.',
      resolve: (c) => (c.error && 'code' in c.error ? (c.error.code as string) : null),
    }),
  }),
});

const ValidateInvitationPayload = builder.objectRef<Check[]>('ValidateInvitationPayload').implement({
  description: 'Every check of sendInvitation with its outcome.',
  fields: (t) => ({
    valid: t.boolean({
      description: 'True when every check passes: sendInvitation would send now.',
      resolve: (checks) => checks.every((c) => c.passed),
    }),
    checks: t.field({ type: [InvitationCheck], description: 'The checks, in order.', resolve: (checks) => checks }),
  }),
});

const ValidateInvitationInput = builder.inputType('ValidateInvitationInput', {
  description: 'As SendInvitationInput; checked field by field instead of refused as a whole.',
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization, description: 'The inviting organization.' }),
    ...invitationFields(t, false),
  }),
});

const errors = fieldErrors({ id: true });

builder.mutationField('validateInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ValidateInvitationPayload,
    nullable: true,
    description: 'A dry run of sendInvitation: every check with its outcome. Writes nothing. Owners and admins.',
    args: { input: t.arg({ type: ValidateInvitationInput, required: true, description: 'The invitation to check.' }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: errors.union('The outcome of every check, or why the request was refused.'),
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
