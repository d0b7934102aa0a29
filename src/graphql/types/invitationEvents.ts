import type { LiveUpdate } from '../../invitations/live.js';
import { builder } from '../builder.js';
import { DeliveryStatus } from './DeliveryStatus.js';
import { Invitation } from './Invitation.js';
import { InvitationEventType } from './InvitationEvent.js';
import { InvitationStatus } from './InvitationStatus.js';
import { Organization } from './Organization.js';

const InvitationUpdate = builder.objectRef<LiveUpdate>('InvitationUpdate').implement({
  description: 'Something happened to an invitation; here is what and how it stands now',
  fields: (t) => ({
    type: t.field({ type: InvitationEventType, resolve: (u) => u.change.type }),
    at: t.field({ type: 'DateTime', resolve: (u) => new Date(u.change.at) }),
    status: t.field({ type: InvitationStatus, description: 'Right after this event', resolve: (u) => u.change.status }),
    deliveryStatus: t.field({
      type: DeliveryStatus,
      description: 'Right after this event',
      resolve: (u) => u.change.deliveryStatus,
    }),
    invitation: t.field({ type: Invitation, description: 'As it stands now', resolve: (u) => u.invitation }),
  }),
});

builder.subscriptionField('invitationEvents', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationUpdate,
    description: 'Every invitation event of the organization, for dashboards. Owners and admins.',
    args: { organizationId: t.arg.globalID({ required: true, for: Organization }) },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    subscribe: (_root, { organizationId }, ctx) =>
      ctx.services.live.organizationEvents(ctx.viewer.user.id, organizationId.id),
    resolve: (update) => update,
  }),
);
