import { PothosValidationError } from '@pothos/core';
import type { LiveUpdate } from '../../invitations/live.js';
import { builder } from '../builder.js';
import { decodeGlobalID } from '../globalId.js';
import { DeliveryStatus } from './DeliveryStatus.js';
import { Invitation } from './Invitation.js';
import { InvitationEventType } from './InvitationEvent.js';
import { InvitationStatus } from './InvitationStatus.js';

const InvitationUpdate = builder.objectRef<LiveUpdate>('InvitationUpdate').implement({
  description: 'Something happened to an invitation: what, when, where it stood right after, and how it stands now.',
  fields: (t) => ({
    type: t.field({ type: InvitationEventType, description: 'What happened.', resolve: (u) => u.change.type }),
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (u) => u.at }),
    status: t.field({
      type: InvitationStatus,
      description: 'The status right after this event.',
      resolve: (u) => u.change.status,
    }),
    deliveryStatus: t.field({
      type: DeliveryStatus,
      description: 'The delivery status right after this event.',
      resolve: (u) => u.change.deliveryStatus,
    }),
    invitation: t.field({
      type: Invitation,
      description: 'The invitation as it stands now.',
      resolve: (u) => u.invitation,
    }),
  }),
});

/** An Organization's global id to its uuid, refused as `t.arg.globalID({ for: Organization })` would. */
function organizationUuid(globalId: string): string {
  const { typename, id } = decodeGlobalID(globalId);
  if (typename !== 'Organization') throw new PothosValidationError(`ID: ${globalId} is not of type: Organization`);
  return id;
}

builder.subscriptionField('invitationEvents', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationUpdate,
    nullable: true,
    description: 'Every invitation event of the organization as it happens, for dashboards. Owners and admins.',
    // A plain ID decoded here rather than t.arg.globalID: Pothos maps globalID arguments again on
    // every event's resolve, for every subscriber, and the feed resolves each event thousands of times.
    args: { organizationId: t.arg.id({ required: true, description: 'The organization to watch.' }) },
    authScopes: (_root, args) => ({ admin: organizationUuid(String(args.organizationId)) }),
    subscribe: (_root, { organizationId }, ctx) =>
      ctx.services.live.organizationEvents(ctx.viewer.user.id, organizationUuid(String(organizationId))),
    resolve: (update) => update,
  }),
);
