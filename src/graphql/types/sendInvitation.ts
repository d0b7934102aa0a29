import {
  emailSchema,
  expiresInDaysSchema,
  idempotencyKeySchema,
  messageSchema,
  metadataSchema,
  permissionsSchema,
  phoneSchema,
} from '../../invitations/inputs.js';
import type { Sent } from '../../invitations/service.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Invitation } from './Invitation.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';
import { sendErrors } from './UserError.js';

export const SendInvitationPayload = builder.objectRef<Sent>('SendInvitationPayload').implement({
  description: 'The invitation, and its link while it can be shown',
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'invitation' in value,
  fields: (t) => ({
    invitation: t.field({ type: Invitation, resolve: (sent) => sent.invitation }),
    inviteUrl: t.string({
      nullable: true,
      description:
        'The accept link with its secret token. Shown when the token is made (send, resend) and never again; null on an idempotent replay.',
      resolve: (sent) => sent.inviteUrl,
    }),
    replayed: t.boolean({
      description: 'True when an earlier request with the same idempotency key answered',
      resolve: (sent) => sent.replayed,
    }),
  }),
});

const SendInvitationInput = builder.inputType('SendInvitationInput', {
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization }),
    email: t.string({ required: true, validate: emailSchema }),
    phone: t.string({ validate: phoneSchema, description: 'E.164, like +14155550123' }),
    role: t.field({ type: Role, required: true }),
    message: t.string({ validate: messageSchema, description: 'Plain text, at most 1,000 characters' }),
    permissions: t.stringList({ validate: permissionsSchema, description: 'A subset of the inviter’s' }),
    metadata: t.field({ type: 'JSON', validate: metadataSchema, description: 'A JSON object, at most 4 KB' }),
    expiresInDays: t.int({ validate: expiresInDaysSchema, description: 'Default 7, at most 30 (configurable)' }),
    idempotencyKey: t.string({
      validate: idempotencyKeySchema,
      description: 'Same key and input within 24 hours: the first result, nothing new. Or the Idempotency-Key header.',
    }),
  }),
});

builder.mutationField('sendInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: SendInvitationPayload,
    description:
      'Invites someone by email; answers at once (status PENDING, deliveryStatus VALIDATING) with the link. Owners and admins only. Refuses: inviting an owner unless an owner, permissions the inviter lacks, a custom message when they are off, oneself, a member, an address with a pending invitation, and sends over the hourly, daily or weekly limits.',
    args: { input: t.arg({ type: SendInvitationInput, required: true }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: { types: sendErrors },
    resolve: async (_root, { input }, ctx) => {
      const { organizationId, idempotencyKey, ...fields } = input;
      return unwrap(
        await ctx.services.invitations.send(
          { ...fields, organizationId: organizationId.id, metadata: fields.metadata as Record<string, unknown> | null },
          ctx.actor,
          idempotencyKey ?? ctx.idempotencyKey,
        ),
      );
    },
  }),
);
