// What the viewer may see by id, for `node(id)`: their own user, co-members, objects of
// organisations they belong to, and the invitations (with their events) and audit entries of those
// they manage. An invitation's addressee is not a member: they see only its preview.
import { canManage } from '../auth/policy.js';
import type { Context } from './context.js';

export async function canSeeNode(ctx: Context, { typename, id }: { typename: string; id: string }): Promise<boolean> {
  if (!ctx.viewer) return false;
  const viewer = ctx.viewer;
  const mine = await ctx.memberships();
  const orgIds = new Set(mine.map((m) => m.organizationId));
  const manages = (organizationId: string) => canManage(mine.find((m) => m.organizationId === organizationId)?.role);
  const mayReadInvitation = async (invitationId: string) => {
    const invitation = await ctx.services.invitations.byId(invitationId);
    if (!invitation) return false;
    return manages(invitation.organizationId);
  };
  switch (typename) {
    case 'Organization':
      return orgIds.has(id);
    case 'Membership': {
      const membership = await ctx.services.accounts.membershipById(id);
      return membership !== undefined && orgIds.has(membership.organizationId);
    }
    case 'Invitation':
      return mayReadInvitation(id);
    case 'InvitationEvent': {
      const event = await ctx.db.query.invitationEvents.findFirst({ where: { id }, columns: { invitationId: true } });
      return event !== undefined && (await mayReadInvitation(event.invitationId));
    }
    case 'AuditEntry': {
      const entry = await ctx.db.query.auditLog.findFirst({ where: { id }, columns: { organizationId: true } });
      return entry?.organizationId != null && manages(entry.organizationId);
    }
    case 'WebhookEndpoint': {
      const endpoint = await ctx.db.query.webhookEndpoints.findFirst({
        where: { id },
        columns: { organizationId: true },
      });
      return endpoint !== undefined && manages(endpoint.organizationId);
    }
    case 'WebhookDelivery': {
      const delivery = await ctx.db.query.webhookDeliveries.findFirst({
        where: { id },
        columns: { organizationId: true },
      });
      return delivery !== undefined && manages(delivery.organizationId);
    }
    case 'User': {
      if (id === viewer.user.id) return true;
      const theirs = await ctx.services.accounts.membershipsOf(id);
      return theirs.some((m) => orgIds.has(m.organizationId));
    }
    default:
      return false;
  }
}
