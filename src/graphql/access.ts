// What the viewer may see by id, for `node(id)`: their own user, co-members, objects of
// organisations they belong to, invitations of those they manage and invitations addressed to them.
import type { Context } from './context.js';

export async function canSeeNode(ctx: Context, { typename, id }: { typename: string; id: string }): Promise<boolean> {
  if (!ctx.viewer) return false;
  const mine = await ctx.memberships();
  const orgIds = new Set(mine.map((m) => m.organizationId));
  switch (typename) {
    case 'Organization':
      return orgIds.has(id);
    case 'Membership': {
      const membership = await ctx.services.accounts.membershipById(id);
      return membership !== undefined && orgIds.has(membership.organizationId);
    }
    case 'Invitation': {
      const invitation = await ctx.services.invitations.byId(id);
      if (!invitation) return false;
      const role = mine.find((m) => m.organizationId === invitation.organizationId)?.role;
      return role === 'OWNER' || role === 'ADMIN' || invitation.email === ctx.viewer.user.email.toLowerCase();
    }
    case 'User': {
      if (id === ctx.viewer.user.id) return true;
      const theirs = await ctx.services.accounts.membershipsOf(id);
      return theirs.some((m) => orgIds.has(m.organizationId));
    }
    default:
      return false;
  }
}
