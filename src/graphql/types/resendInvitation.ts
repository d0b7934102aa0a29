import {
  CustomMessagesDisabledError,
  IdempotencyConflictError,
  InvitationNotPendingError,
  PendingInvitationExistsError,
  RateLimitedError,
  ResendCooldownError,
  ResendLimitError,
} from '../../invitations/errors.js';
import { expiresInDaysSchema, idempotencyKeySchema, messageSchema } from '../../invitations/inputs.js';
import { NotFoundError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Invitation } from './Invitation.js';
import { SendInvitationPayload } from './sendInvitation.js';
import { inputErrors } from './UserError.js';

const ResendInvitationInput = builder.inputType('ResendInvitationInput', {
  fields: (t) => ({
    invitationId: t.globalID({ required: true, for: Invitation }),
    message: t.string({ validate: messageSchema, description: 'Replaces the message; omit to keep it' }),
    expiresInDays: t.int({ validate: expiresInDaysSchema, description: 'From now; default 7' }),
    idempotencyKey: t.string({ validate: idempotencyKeySchema }),
  }),
});

builder.mutationField('resendInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: SendInvitationPayload,
    description:
      'Sends again with a new link (the old one dies at once), a fresh expiry and a new delivery. Refuses accepted, declined and cancelled invitations, a resend within the cooldown, and more resends to one recipient a day than the cap.',
    args: { input: t.arg({ type: ResendInvitationInput, required: true }) },
    errors: {
      types: [
        ...inputErrors,
        NotFoundError,
        InvitationNotPendingError,
        ResendCooldownError,
        ResendLimitError,
        RateLimitedError,
        CustomMessagesDisabledError,
        PendingInvitationExistsError,
        IdempotencyConflictError,
      ],
    },
    resolve: async (_root, { input }, ctx) =>
      unwrap(
        await ctx.services.invitations.resend(
          { invitationId: input.invitationId.id, message: input.message, expiresInDays: input.expiresInDays },
          ctx.actor,
          input.idempotencyKey ?? ctx.idempotencyKey,
        ),
      ),
  }),
);
