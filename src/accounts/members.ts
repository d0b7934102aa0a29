// Memberships: changing a member's role and removing a member, under the role rules of
// auth/policy (only owners touch owners; an organisation keeps an owner). Talks to the account
// store, the audit log and the member follower (webhooks out, committed with the change).
import type { Actor, AuditLog } from '../audit/log.js';
import { canManage, mayChangeMember, mayGrantRole } from '../auth/policy.js';
import type { MemberRole } from '../db/schema/index.js';
import { fail, LastOwnerError, NotFoundError, ok, type Result, RoleNotAllowedError } from '../lib/errors.js';
import type { AccountStore, AccountTransaction, Membership } from './store.js';

/** A member's role changed or they were removed, as the follower hears of it. */
export interface MemberChange {
  type: 'ROLE_CHANGED' | 'REMOVED';
  organizationId: string;
  userId: string;
  role: MemberRole;
  previousRole: MemberRole;
  actorId: string;
}

/** Hears of member changes inside their transaction: the port webhooks out implement (src/webhooks/recorder.ts). */
export interface MemberFollower {
  followMember(tx: AccountTransaction['tx'], change: MemberChange): Promise<boolean>;
}

export type MemberChangeError = NotFoundError | RoleNotAllowedError | LastOwnerError;

export function createMemberService(deps: { store: AccountStore; audit: AuditLog; follower: MemberFollower }) {
  const { store, audit, follower } = deps;

  type Found = { actor: Membership; target: Membership; owners: number };

  /**
   * In one transaction: locks the organisation row, so role changes within one organisation happen
   * one at a time, finds the acting and the target membership (the actor must be an owner or
   * admin), then applies the change.
   */
  function memberChange(
    input: { organizationId: string; userId: string },
    actor: Actor & { userId: string },
    refusal: string,
    apply: (t: AccountTransaction, found: Found) => Promise<Result<Membership, MemberChangeError>>,
  ): Promise<Result<Membership, MemberChangeError>> {
    return store.transaction(async (t) => {
      const rows = await t.lockMembershipsOf(input.organizationId);
      const acting = rows.find((m) => m.userId === actor.userId);
      const target = rows.find((m) => m.userId === input.userId);
      if (!acting) return fail(new NotFoundError('Organization'));
      if (!canManage(acting.role)) return fail(new RoleNotAllowedError(refusal));
      if (!target) return fail(new NotFoundError('Member'));
      return apply(t, { actor: acting, target, owners: rows.filter((m) => m.role === 'OWNER').length });
    });
  }

  return {
    updateMemberRole: (
      input: { organizationId: string; userId: string; role: MemberRole },
      actor: Actor & { userId: string },
    ): Promise<Result<Membership, MemberChangeError>> =>
      memberChange(input, actor, 'Only owners and admins can change roles', async (t, found) => {
        if (!mayChangeMember(found.actor.role, found.target.role) || !mayGrantRole(found.actor.role, input.role)) {
          return fail(new RoleNotAllowedError('Only an owner can grant, change or remove the owner role'));
        }
        if (found.target.role === 'OWNER' && input.role !== 'OWNER' && found.owners <= 1) {
          return fail(new LastOwnerError());
        }
        const updated = await t.setMembershipRole(found.target.id, input.role);
        await audit.record(t.tx, actor, {
          organizationId: input.organizationId,
          action: 'member.role_changed',
          targetType: 'User',
          targetId: input.userId,
          data: { before: { role: found.target.role }, after: { role: input.role } },
        });
        await follower.followMember(t.tx, {
          type: 'ROLE_CHANGED',
          organizationId: input.organizationId,
          userId: input.userId,
          role: input.role,
          previousRole: found.target.role,
          actorId: actor.userId,
        });
        return ok(updated);
      }),

    removeMember: (
      input: { organizationId: string; userId: string },
      actor: Actor & { userId: string },
    ): Promise<Result<Membership, MemberChangeError>> =>
      memberChange(input, actor, 'Only owners and admins can remove members', async (t, found) => {
        if (!mayChangeMember(found.actor.role, found.target.role)) {
          return fail(new RoleNotAllowedError('Only an owner can remove an owner'));
        }
        if (found.target.role === 'OWNER' && found.owners <= 1) return fail(new LastOwnerError());
        await t.deleteMembership(found.target.id);
        await audit.record(t.tx, actor, {
          organizationId: input.organizationId,
          action: 'member.removed',
          targetType: 'User',
          targetId: input.userId,
          data: { before: { role: found.target.role }, after: null },
        });
        await follower.followMember(t.tx, {
          type: 'REMOVED',
          organizationId: input.organizationId,
          userId: input.userId,
          role: found.target.role,
          previousRole: found.target.role,
          actorId: actor.userId,
        });
        return ok(found.target);
      }),
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
