// Organisations: creating one (its creator becomes the owner) and changing its invitation policy.
// Talks to the account store and the audit log.
import type { Actor, AuditLog } from '../audit/log.js';
import { fail, NotFoundError, ok, type Result } from '../lib/errors.js';
import type { AccountStore, AccountTransaction, Organization } from './store.js';

export function createOrganizationService(deps: { store: AccountStore; audit: AuditLog }) {
  const { store, audit } = deps;

  /** A new organisation owned by `userId`, inside the caller's transaction. */
  async function addOrganization(t: AccountTransaction, userId: string, name: string, actor: Actor) {
    const organization = await t.insertOrganization(name);
    await t.insertMembership({ organizationId: organization.id, userId, role: 'OWNER' });
    await audit.record(t.tx, actor, {
      organizationId: organization.id,
      action: 'organization.created',
      targetType: 'Organization',
      targetId: organization.id,
      data: { name },
    });
    return organization;
  }

  return {
    addOrganization,

    async createOrganization(
      input: { name: string },
      actor: Actor & { userId: string },
    ): Promise<Result<Organization, never>> {
      return ok(await store.transaction((t) => addOrganization(t, actor.userId, input.name, actor)));
    },

    async updateOrganizationSettings(
      input: { organizationId: string; blockedEmailDomains?: string[] | null },
      actor: Actor & { userId: string },
    ): Promise<Result<Organization, NotFoundError>> {
      return store.transaction(async (t): Promise<Result<Organization, NotFoundError>> => {
        const before = await t.lockOrganization(input.organizationId);
        if (!before) return fail(new NotFoundError('Organization'));
        const blockedEmailDomains = input.blockedEmailDomains ?? before.blockedEmailDomains;
        const after = await t.setBlockedEmailDomains(input.organizationId, [...new Set(blockedEmailDomains)]);
        await audit.record(t.tx, actor, {
          organizationId: after.id,
          action: 'organization.settings_changed',
          targetType: 'Organization',
          targetId: after.id,
          data: {
            before: { blockedEmailDomains: before.blockedEmailDomains },
            after: { blockedEmailDomains: after.blockedEmailDomains },
          },
        });
        return ok(after);
      });
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
