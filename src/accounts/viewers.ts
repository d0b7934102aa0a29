// Who a verified token speaks for, and their memberships: our own tokens name the account, an
// external identity is linked to an account (by a verified email) or creates one on first sight.
// Talks to the account store only.
import type { VerifiedToken } from '../auth/tokens.js';
import { isUniqueViolation } from '../db/errors.js';
import { isUuid } from '../lib/uuid.js';
import type { AccountStore, Membership, User } from './store.js';

export function createViewerService(deps: { store: AccountStore }) {
  const { store } = deps;

  /** The user an external identity speaks for; linked or created on first sight. */
  async function externalUser(verified: Extract<VerifiedToken, { kind: 'external' }>): Promise<User | undefined> {
    const externalId = `${verified.issuer}|${verified.subject}`;
    const linked = await store.userByExternalId(externalId);
    if (linked) return linked;
    // Only a verified email may claim an existing account; otherwise anyone could mint one.
    if (!verified.email || !verified.emailVerified) return undefined;
    const email = verified.email.trim().toLowerCase();
    const existing = await store.userByEmail(email);
    if (existing) {
      // Concurrent first sign-ins of one identity may find the account already linked to it.
      if (existing.externalId) return existing.externalId === externalId ? existing : undefined;
      return (await store.linkExternalId(existing.id, externalId)) ?? (await store.userByExternalId(externalId));
    }
    try {
      return await store.insertUser({
        email,
        name: verified.name ?? email.split('@')[0] ?? email,
        emailVerified: true,
        externalId,
      });
    } catch (error) {
      if (isUniqueViolation(error)) return store.userByExternalId(externalId);
      throw error;
    }
  }

  return {
    /** The token's account with its memberships: one statement for our own tokens. */
    async viewerForToken(verified: VerifiedToken): Promise<{ user: User; memberships: Membership[] } | undefined> {
      if (verified.kind === 'local') {
        if (!isUuid(verified.userId)) return undefined;
        const found = await store.userWithMemberships(verified.userId);
        // A token from before the last password reset speaks for nobody.
        return found?.user.sessionGeneration === verified.generation ? found : undefined;
      }
      const user = await externalUser(verified);
      return user && { user, memberships: await store.membershipsOf(user.id) };
    },

    membershipById: (id: string): Promise<Membership | undefined> => store.membershipById(id),

    membershipsOf: (userId: string): Promise<Membership[]> => store.membershipsOf(userId),
  };
}

export type ViewerService = ReturnType<typeof createViewerService>;
