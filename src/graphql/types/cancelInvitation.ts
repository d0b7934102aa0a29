import { InvitationNotPendingError } from '../../invitations/errors.js';
import { reasonSchema } from '../../invitations/inputs.js';
import type { Invitation as InvitationRow } from '../../invitations/service.js';
import { NotFoundError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Invitation } from './Invitation.js';

const CancelInvitationInput = builder.inputType('CancelInvitationInput', {
  description: 'Which invitation to withdraw, and why.',
  fields: (t) => ({
    invitationId: t.globalID({ required: true, for: Invitation, description: 'The pending invitation.' }),
    reason: t.string({
      validate: reasonSchema,
      description: 'Why, for the timeline and the audit log (not sent to the person); at most 500 characters.',
    }),
  }),
});

const CancelInvitationPayload = builder.objectRef<InvitationRow>('CancelInvitationPayload').implement({
  description: 'The withdrawn invitation.',
  fields: (t) => ({
    invitation: t.field({ type: Invitation, description: 'The invitation, now CANCELLED.', resolve: (i) => i }),
  }),
});

const errors = fieldErrors({ input: true, id: true }, NotFoundError, InvitationNotPendingError);

builder.mutationField('cancelInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: CancelInvitationPayload,
    nullable: true,
    description:
      'Withdraws a pending invitation; its link dies at once and no email leaves after. Owners and admins; pending invitations only.',
    args: { input: t.arg({ type: CancelInvitationInput, required: true, description: 'The invitation to cancel.' }) },
    errors: errors.union('The cancelled invitation, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(
        await ctx.services.invitations.cancel({ invitationId: input.invitationId.id, reason: input.reason }, ctx.actor),
      ),
  }),
);
