import { defineRelations } from 'drizzle-orm';
import * as schema from './schema/index.js';

export const relations = defineRelations(schema, (r) => ({
  users: {
    memberships: r.many.memberships({ from: r.users.id, to: r.memberships.userId }),
  },
  organizations: {
    memberships: r.many.memberships({ from: r.organizations.id, to: r.memberships.organizationId }),
    invitations: r.many.invitations({ from: r.organizations.id, to: r.invitations.organizationId }),
  },
  invitations: {
    organization: r.one.organizations({
      from: r.invitations.organizationId,
      to: r.organizations.id,
      optional: false,
    }),
    invitedBy: r.one.users({ from: r.invitations.invitedById, to: r.users.id }),
    events: r.many.invitationEvents({ from: r.invitations.id, to: r.invitationEvents.invitationId }),
  },
  invitationEvents: {
    invitation: r.one.invitations({ from: r.invitationEvents.invitationId, to: r.invitations.id, optional: false }),
    actor: r.one.users({ from: r.invitationEvents.actorId, to: r.users.id }),
  },
  auditLog: {
    actor: r.one.users({ from: r.auditLog.actorId, to: r.users.id }),
  },
  webhookEndpoints: {
    deliveries: r.many.webhookDeliveries({ from: r.webhookEndpoints.id, to: r.webhookDeliveries.endpointId }),
  },
  webhookDeliveries: {
    message: r.one.webhookMessages({ from: r.webhookDeliveries.messageId, to: r.webhookMessages.id, optional: false }),
    endpoint: r.one.webhookEndpoints({
      from: r.webhookDeliveries.endpointId,
      to: r.webhookEndpoints.id,
      optional: false,
    }),
    attempts: r.many.webhookAttempts({ from: r.webhookDeliveries.id, to: r.webhookAttempts.deliveryId }),
  },
  memberships: {
    user: r.one.users({ from: r.memberships.userId, to: r.users.id, optional: false }),
    organization: r.one.organizations({
      from: r.memberships.organizationId,
      to: r.organizations.id,
      optional: false,
    }),
  },
}));
