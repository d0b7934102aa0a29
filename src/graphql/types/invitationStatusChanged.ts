import { builder } from '../builder.js';
import { notFound } from '../context.js';
import { Invitation } from './Invitation.js';

builder.subscriptionField('invitationStatusChanged', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Invitation,
    nullable: true,
    description:
      'The invitation now, then after every change (status, delivery, engagement); completes once it is accepted, declined, cancelled or expired. Owners and admins of its organization.',
    args: {
      invitationId: t.arg.globalID({ required: true, for: Invitation, description: 'The invitation to watch.' }),
    },
    subscribe: async (_root, { invitationId }, ctx) => {
      // Another organization's invitation is refused exactly like a missing one.
      if (!(await ctx.services.live.watchable(ctx.viewer.user.id, invitationId.id))) throw notFound('Invitation');
      return ctx.services.live.invitationStatus(ctx.viewer.user.id, invitationId.id);
    },
    resolve: (invitation) => invitation,
  }),
);
