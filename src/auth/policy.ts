// What a member may do, by role: the one place for the owner-or-admin rule and the grant rules.
// Resolvers, subscriptions, services and the worker's re-checks all ask here.
import type { MemberRole } from '../db/schema/index.js';

/** Roles that manage an organisation's invitations, members, settings, audit log and analytics. */
export const MANAGER_ROLES = ['OWNER', 'ADMIN'] as const satisfies readonly MemberRole[];

/** May this role manage the organisation (invite, resend, cancel, watch, read its analytics)? */
export const canManage = (role: MemberRole | null | undefined): boolean => role === 'OWNER' || role === 'ADMIN';

/** Only owners make owners: is `role` one this role could hand out, leaving aside whether it manages at all? */
export const roleWithinReach = (actorRole: MemberRole, role: MemberRole): boolean =>
  role !== 'OWNER' || actorRole === 'OWNER';

/** May a member with this role grant `role` to someone (by invitation or role change)? */
export const mayGrantRole = (actorRole: MemberRole, role: MemberRole): boolean =>
  canManage(actorRole) && roleWithinReach(actorRole, role);

/** May a member with this role change or remove a member who holds `targetRole`? Only owners touch owners. */
export const mayChangeMember = (actorRole: MemberRole, targetRole: MemberRole): boolean =>
  canManage(actorRole) && roleWithinReach(actorRole, targetRole);

/** The permissions among `granted` that the granter does not hold; owners hold every permission. */
export function permissionsNotHeld(
  granter: { role: MemberRole; permissions: readonly string[] },
  granted: readonly string[],
): string[] {
  if (granter.role === 'OWNER') return [];
  return granted.filter((permission) => !granter.permissions.includes(permission));
}
