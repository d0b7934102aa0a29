import { InvitationNotPendingError } from '../../invitations/errors.js';
import { reasonSchema } from '../../invitations/inputs.js';
import { NotFoundError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Invitation, InvitationPayload } from './Invitation.js';
import { inputErrors } from './UserError.js';

const CancelInvitationInput = builder.inputType('CancelInvitationInput', {
  fields: (t) => ({
    invitationId: t.globalID({ required: true, for: Invitation }),
    reason: t.string({ validate: reasonSchema }),
  }),
});

builder.mutationField('cancelInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationPayload,
    description: 'Withdraws a pending invitation; its link dies at once. Pending invitations only.',
    args: { input: t.arg({ type: CancelInvitationInput, required: true }) },
    errors: { types: [...inputErrors, NotFoundError, InvitationNotPendingError] },
    resolve: async (_root, { input }, ctx) => ({
      invitation: unwrap(
        await ctx.services.invitations.cancel({ invitationId: input.invitationId.id, reason: input.reason }, ctx.actor),
      ),
    }),
  }),
);
