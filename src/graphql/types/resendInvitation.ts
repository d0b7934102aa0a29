import {
  CustomMessagesDisabledError,
  IdempotencyConflictError,
  InvitationNotPendingError,
  PendingInvitationExistsError,
  PermissionNotHeldError,
  RateLimitedError,
  ResendCooldownError,
  ResendLimitError,
} from '../../invitations/errors.js';
import { expiresInDaysSchema, idempotencyKeySchema, messageSchema } from '../../invitations/inputs.js';
import { NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Invitation } from './Invitation.js';
import { idempotencyKeyDescription, sentPayload } from './sendInvitation.js';

const ResendInvitationPayload = sentPayload(
  'ResendInvitationPayload',
  'The resent invitation, and its new link while it can be shown.',
);

const ResendInvitationInput = builder.inputType('ResendInvitationInput', {
  description: 'Which invitation to send again, and what to change.',
  fields: (t) => ({
    invitationId: t.globalID({ required: true, for: Invitation, description: 'The pending invitation.' }),
    message: t.string({ validate: messageSchema, description: 'Replaces the personal note; omit to keep it.' }),
    expiresInDays: t.int({
      validate: expiresInDaysSchema,
      description: 'Days from now until the new link expires: default 7, at most the server’s maximum.',
    }),
    idempotencyKey: t.string({ validate: idempotencyKeySchema, description: idempotencyKeyDescription }),
  }),
});

const errors = fieldErrors(
  { input: true, id: true },
  NotFoundError,
  RoleNotAllowedError,
  PermissionNotHeldError,
  InvitationNotPendingError,
  ResendCooldownError,
  ResendLimitError,
  RateLimitedError,
  CustomMessagesDisabledError,
  PendingInvitationExistsError,
  IdempotencyConflictError,
);

builder.mutationField('resendInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ResendInvitationPayload,
    nullable: true,
    description:
      'Sends again with a new link (the old one dies at once), a fresh expiry and a new delivery. Owners and admins who may grant the invitation’s role and permissions at that moment (as for a send). Refuses accepted, declined and cancelled invitations, a resend within the cooldown, and more resends to one recipient a day than the cap.',
    args: { input: t.arg({ type: ResendInvitationInput, required: true, description: 'The invitation to resend.' }) },
    errors: errors.union('The resent invitation and its new link, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(
        await ctx.services.invitations.resend(
          { invitationId: input.invitationId.id, message: input.message, expiresInDays: input.expiresInDays },
          ctx.actor,
          input.idempotencyKey ?? ctx.idempotencyKey,
        ),
      ),
  }),
);
