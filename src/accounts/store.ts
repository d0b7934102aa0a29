// Every SQL statement on users, organisations and memberships; the account modules ask here.
// Talks to the database only: an open transaction's store runs its statements in that transaction.
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../db/client.js';
import {
  type AccountLinkPurpose,
  accountTokens,
  type MemberRole,
  memberships,
  organizations,
  users,
} from '../db/schema/index.js';

export type User = typeof users.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type AccountToken = typeof accountTokens.$inferSelect;

/**
 * The mailbox's owner takes the account: a new password, the address marked verified, and every
 * session issued before ended. After a password reset, and when a proven invitee finds an
 * unverified account squatting their address.
 */
export async function claimAccount(
  db: Executor,
  userId: string,
  values: { passwordHash: string; name?: string },
): Promise<User> {
  const [user] = await db
    .update(users)
    .set({ ...values, emailVerified: true, sessionGeneration: sql`${users.sessionGeneration} + 1` })
    .where(eq(users.id, userId))
    .returning();
  if (!user) throw new Error('account vanished');
  return user;
}

/** The address is the account's: proved by a link mailed to it. */
export async function markEmailVerified(db: Executor, userId: string): Promise<User> {
  const [user] = await db.update(users).set({ emailVerified: true }).where(eq(users.id, userId)).returning();
  if (!user) throw new Error('account vanished');
  return user;
}

function accountQueries(db: Executor) {
  const userWhere = async (where: SQL) => (await db.select().from(users).where(where))[0];

  return {
    userById: (id: string): Promise<User | undefined> => userWhere(eq(users.id, id)),

    userByEmail: (email: string): Promise<User | undefined> =>
      userWhere(sql`lower(${users.email}) = ${email.toLowerCase()}`),

    userByExternalId: (externalId: string): Promise<User | undefined> => userWhere(eq(users.externalId, externalId)),

    /** The account with its memberships, in one statement. */
    async userWithMemberships(id: string): Promise<{ user: User; memberships: Membership[] } | undefined> {
      const found = await db.query.users.findFirst({ where: { id }, with: { memberships: true } });
      if (!found) return undefined;
      const { memberships: mine, ...user } = found;
      return { user, memberships: mine };
    },

    async insertUser(values: typeof users.$inferInsert): Promise<User> {
      const [user] = await db.insert(users).values(values).returning();
      if (!user) throw new Error('insert returned no user');
      return user;
    },

    /** Links an account to an external identity unless another identity got there first. */
    async linkExternalId(userId: string, externalId: string): Promise<User | undefined> {
      const [updated] = await db
        .update(users)
        .set({ externalId, emailVerified: true })
        .where(and(eq(users.id, userId), sql`${users.externalId} is null`))
        .returning();
      return updated;
    },

    async insertAccountToken(values: typeof accountTokens.$inferInsert): Promise<void> {
      await db.insert(accountTokens).values(values);
    },

    /** The token row behind a selector, locked until the transaction ends. */
    accountTokenBySelector: async (selector: string): Promise<AccountToken | undefined> =>
      (await db.select().from(accountTokens).where(eq(accountTokens.selector, selector)).for('update'))[0],

    /** Ends every unused token of the account for `purpose`. */
    async useAccountTokens(userId: string, purpose: AccountLinkPurpose, at: Date): Promise<void> {
      await db
        .update(accountTokens)
        .set({ usedAt: at })
        .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
    },

    claimAccount: (userId: string, values: { passwordHash: string; name?: string }) => claimAccount(db, userId, values),

    markEmailVerified: (userId: string) => markEmailVerified(db, userId),

    async insertOrganization(name: string): Promise<Organization> {
      const [organization] = await db.insert(organizations).values({ name }).returning();
      if (!organization) throw new Error('insert returned no organization');
      return organization;
    },

    /** The organisation row, locked until the transaction ends. */
    async lockOrganization(id: string): Promise<Organization | undefined> {
      return (await db.select().from(organizations).where(eq(organizations.id, id)).for('update'))[0];
    },

    /** Locks the organisation row, then reads its memberships; none when it does not exist. */
    async lockMembershipsOf(organizationId: string): Promise<Membership[]> {
      const locked = await db
        .select({ id: organizations.id })
        .from(organizations)
        .where(eq(organizations.id, organizationId))
        .for('update');
      if (locked.length === 0) return [];
      return db.select().from(memberships).where(eq(memberships.organizationId, organizationId));
    },

    async setBlockedEmailDomains(id: string, blockedEmailDomains: string[]): Promise<Organization> {
      const [after] = await db
        .update(organizations)
        .set({ blockedEmailDomains })
        .where(eq(organizations.id, id))
        .returning();
      if (!after) throw new Error('organization vanished under lock');
      return after;
    },

    async insertMembership(values: { organizationId: string; userId: string; role: MemberRole }): Promise<void> {
      await db.insert(memberships).values(values);
    },

    membershipById: async (id: string): Promise<Membership | undefined> =>
      (await db.select().from(memberships).where(eq(memberships.id, id)))[0],

    membershipsOf: (userId: string): Promise<Membership[]> =>
      db.select().from(memberships).where(eq(memberships.userId, userId)),

    async setMembershipRole(id: string, role: MemberRole): Promise<Membership> {
      const [updated] = await db.update(memberships).set({ role }).where(eq(memberships.id, id)).returning();
      if (!updated) throw new Error('membership vanished under lock');
      return updated;
    },

    async deleteMembership(id: string): Promise<void> {
      await db.delete(memberships).where(eq(memberships.id, id));
    },
  };
}

export type AccountQueries = ReturnType<typeof accountQueries>;

/** The queries a transaction runs: the same statements, and the transaction for the audit log. */
export type AccountTransaction = AccountQueries & { tx: Tx };

export function createAccountStore(db: Db) {
  return {
    ...accountQueries(db),
    /** Runs `work` in one transaction, its statements through the store it is handed. */
    transaction: <T>(work: (store: AccountTransaction) => Promise<T>): Promise<T> =>
      db.transaction((tx) => work({ ...accountQueries(tx), tx })),
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
