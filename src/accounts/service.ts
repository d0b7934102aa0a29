// Users, organisations and memberships: sign-up, log-in (with brute-force limits), and the role
// rules. Talks to the database, the password hasher, the token signer and the rate limiter.
import { and, eq, sql } from 'drizzle-orm';
import { type Actor, createAuditLog } from '../audit/log.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { TokenService, VerifiedToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Db, Executor } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { type MemberRole, memberships, organizations, users } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';
import {
  EmailTakenError,
  fail,
  InvalidCredentialsError,
  LastOwnerError,
  NotFoundError,
  ok,
  type Result,
  RoleNotAllowedError,
  TooManyAttemptsError,
} from '../lib/errors.js';
import { isUuid } from '../lib/uuid.js';
import type { RateLimiter } from '../rateLimits/limiter.js';

export type User = typeof users.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

type LoginLimits = Pick<
  Config,
  'LOGIN_MAX_FAILURES_PER_ACCOUNT' | 'LOGIN_MAX_FAILURES_PER_ADDRESS' | 'LOGIN_FAILURE_WINDOW_SECONDS'
>;

export const canManage = (role: MemberRole | undefined) => role === 'OWNER' || role === 'ADMIN';

export function createAccountService(deps: {
  db: Db;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  config: LoginLimits;
  clock: Clock;
}) {
  const { db, tokens, rateLimiter, config } = deps;
  const audit = createAuditLog(deps);

  const findUserByEmail = async (email: string) =>
    (await db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`))[0];

  async function signIn(user: User): Promise<SignedIn> {
    const { token, expiresAt } = await tokens.sign(user.id);
    return { user, token, expiresAt };
  }

  async function addOrganization(tx: Executor, userId: string, name: string, actor: Actor) {
    const [organization] = await tx.insert(organizations).values({ name }).returning();
    if (!organization) throw new Error('insert returned no organization');
    await tx.insert(memberships).values({ organizationId: organization.id, userId, role: 'OWNER' });
    await audit.record(tx, actor, {
      organizationId: organization.id,
      action: 'organization.created',
      targetType: 'Organization',
      targetId: organization.id,
      data: { name },
    });
    return organization;
  }

  /**
   * Locks the organisation row, so role changes within one organisation happen one at a time,
   * then finds the acting and the target membership: the actor must be an owner or admin.
   */
  async function memberChange(
    tx: Executor,
    organizationId: string,
    actorUserId: string,
    targetUserId: string,
    refusal: string,
  ): Promise<Result<{ actor: Membership; target: Membership; owners: number }>> {
    const locked = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .for('update');
    const rows =
      locked.length > 0
        ? await tx.select().from(memberships).where(eq(memberships.organizationId, organizationId))
        : [];
    const actor = rows.find((m) => m.userId === actorUserId);
    const target = rows.find((m) => m.userId === targetUserId);
    if (!actor) return fail(new NotFoundError('Organization'));
    if (!canManage(actor.role)) return fail(new RoleNotAllowedError(refusal));
    if (!target) return fail(new NotFoundError('Member'));
    return ok({ actor, target, owners: rows.filter((m) => m.role === 'OWNER').length });
  }

  const membershipsOf = (userId: string): Promise<Membership[]> =>
    db.select().from(memberships).where(eq(memberships.userId, userId));

  async function userForToken(verified: VerifiedToken): Promise<User | undefined> {
    if (verified.kind === 'local') {
      if (!isUuid(verified.userId)) return undefined;
      return (await db.select().from(users).where(eq(users.id, verified.userId)))[0];
    }
    const externalId = `${verified.issuer}|${verified.subject}`;
    const linked = (await db.select().from(users).where(eq(users.externalId, externalId)))[0];
    if (linked) return linked;
    // Only a verified email may claim an existing account; otherwise anyone could mint one.
    if (!verified.email || !verified.emailVerified) return undefined;
    const email = verified.email.trim().toLowerCase();
    const existing = await findUserByEmail(email);
    if (existing) {
      // Concurrent first sign-ins of one identity may find the account already linked to it.
      if (existing.externalId) return existing.externalId === externalId ? existing : undefined;
      const [updated] = await db
        .update(users)
        .set({ externalId, emailVerified: true })
        .where(and(eq(users.id, existing.id), sql`${users.externalId} is null`))
        .returning();
      return updated ?? (await db.select().from(users).where(eq(users.externalId, externalId)))[0];
    }
    try {
      const [created] = await db
        .insert(users)
        .values({ email, name: verified.name ?? email.split('@')[0] ?? email, emailVerified: true, externalId })
        .returning();
      return created;
    } catch (error) {
      if (isUniqueViolation(error)) return (await db.select().from(users).where(eq(users.externalId, externalId)))[0];
      throw error;
    }
  }

  return {
    async signUp(
      input: { email: string; password: string; name: string; organizationName: string },
      actor: Actor,
    ): Promise<Result<SignedIn & { organization: Organization }>> {
      const passwordHash = await hashPassword(input.password);
      try {
        return await db.transaction(async (tx) => {
          const [user] = await tx
            .insert(users)
            .values({ email: input.email, name: input.name, passwordHash })
            .returning();
          if (!user) throw new Error('insert returned no user');
          const self = { ...actor, userId: user.id };
          await audit.record(tx, self, { action: 'user.signed_up', targetType: 'User', targetId: user.id });
          const organization = await addOrganization(tx, user.id, input.organizationName, self);
          return ok({ ...(await signIn(user)), organization });
        });
      } catch (error) {
        if (isUniqueViolation(error)) return fail(new EmailTakenError());
        throw error;
      }
    },

    async logIn(input: { email: string; password: string }, actor: Actor): Promise<Result<SignedIn>> {
      const seconds = config.LOGIN_FAILURE_WINDOW_SECONDS;
      const windows = [
        { key: `login:account:${input.email}`, limit: config.LOGIN_MAX_FAILURES_PER_ACCOUNT, seconds },
        ...(actor.ip ? [{ key: `login:ip:${actor.ip}`, limit: config.LOGIN_MAX_FAILURES_PER_ADDRESS, seconds }] : []),
      ];
      // Count the attempt before checking the password, so parallel guesses cannot all slip in
      // under the limit; a success takes its attempt back.
      const hits = await rateLimiter.hitAll(windows);
      const wait = Math.max(0, ...hits.map((h, i) => (h.count > (windows[i]?.limit ?? 0) ? h.retryAfter : 0)));
      if (wait > 0) return fail(new TooManyAttemptsError(wait));

      const user = await findUserByEmail(input.email);
      let valid = false;
      if (user?.passwordHash) valid = await verifyPassword(user.passwordHash, input.password);
      else await burnPasswordCheck(input.password);
      if (!user || !valid) {
        await audit.record(db, actor, {
          action: 'user.login_failed',
          targetType: 'User',
          targetId: user?.id,
          data: { email: input.email },
        });
        return fail(new InvalidCredentialsError());
      }
      await rateLimiter.reset(`login:account:${input.email}`);
      await Promise.all(windows.slice(1).map((w) => rateLimiter.release(w)));
      await audit.record(
        db,
        { ...actor, userId: user.id },
        { action: 'user.logged_in', targetType: 'User', targetId: user.id },
      );
      return ok(await signIn(user));
    },

    async createOrganization(
      input: { name: string },
      actor: Actor & { userId: string },
    ): Promise<Result<Organization>> {
      return ok(await db.transaction((tx) => addOrganization(tx, actor.userId, input.name, actor)));
    },

    async updateOrganizationSettings(
      input: { organizationId: string; blockedEmailDomains?: string[] | null },
      actor: Actor & { userId: string },
    ): Promise<Result<Organization>> {
      return db.transaction(async (tx): Promise<Result<Organization>> => {
        const [before] = await tx
          .select()
          .from(organizations)
          .where(eq(organizations.id, input.organizationId))
          .for('update');
        if (!before) return fail(new NotFoundError('Organization'));
        const blockedEmailDomains = input.blockedEmailDomains ?? before.blockedEmailDomains;
        const [after] = await tx
          .update(organizations)
          .set({ blockedEmailDomains: [...new Set(blockedEmailDomains)] })
          .where(eq(organizations.id, input.organizationId))
          .returning();
        if (!after) throw new Error('organization vanished under lock');
        await audit.record(tx, actor, {
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

    async updateMemberRole(
      input: { organizationId: string; userId: string; role: MemberRole },
      actor: Actor & { userId: string },
    ): Promise<Result<Membership>> {
      return db.transaction(async (tx): Promise<Result<Membership>> => {
        const change = await memberChange(
          tx,
          input.organizationId,
          actor.userId,
          input.userId,
          'Only owners and admins can change roles',
        );
        if (!change.ok) return change;
        const found = change.value;
        const isOwner = found.actor.role === 'OWNER';
        if (!isOwner && (found.target.role === 'OWNER' || input.role === 'OWNER')) {
          return fail(new RoleNotAllowedError('Only an owner can grant, change or remove the owner role'));
        }
        if (found.target.role === 'OWNER' && input.role !== 'OWNER' && found.owners <= 1) {
          return fail(new LastOwnerError());
        }
        const [updated] = await tx
          .update(memberships)
          .set({ role: input.role })
          .where(eq(memberships.id, found.target.id))
          .returning();
        if (!updated) throw new Error('membership vanished under lock');
        await audit.record(tx, actor, {
          organizationId: input.organizationId,
          action: 'member.role_changed',
          targetType: 'User',
          targetId: input.userId,
          data: { before: { role: found.target.role }, after: { role: input.role } },
        });
        return ok(updated);
      });
    },

    async removeMember(
      input: { organizationId: string; userId: string },
      actor: Actor & { userId: string },
    ): Promise<Result<Membership>> {
      return db.transaction(async (tx): Promise<Result<Membership>> => {
        const change = await memberChange(
          tx,
          input.organizationId,
          actor.userId,
          input.userId,
          'Only owners and admins can remove members',
        );
        if (!change.ok) return change;
        const found = change.value;
        if (found.target.role === 'OWNER' && found.actor.role !== 'OWNER') {
          return fail(new RoleNotAllowedError('Only an owner can remove an owner'));
        }
        if (found.target.role === 'OWNER' && found.owners <= 1) return fail(new LastOwnerError());
        await tx.delete(memberships).where(eq(memberships.id, found.target.id));
        await audit.record(tx, actor, {
          organizationId: input.organizationId,
          action: 'member.removed',
          targetType: 'User',
          targetId: input.userId,
          data: { before: { role: found.target.role }, after: null },
        });
        return ok(found.target);
      });
    },

    /** The user a verified token speaks for; external identities are linked or created on first sight. */
    /** The token's account with its memberships: one statement for our own tokens. */
    async viewerForToken(verified: VerifiedToken): Promise<{ user: User; memberships: Membership[] } | undefined> {
      if (verified.kind === 'local') {
        if (!isUuid(verified.userId)) return undefined;
        const found = await db.query.users.findFirst({ where: { id: verified.userId }, with: { memberships: true } });
        if (!found) return undefined;
        const { memberships: mine, ...user } = found;
        return { user, memberships: mine };
      }
      const user = await userForToken(verified);
      return user && { user, memberships: await membershipsOf(user.id) };
    },

    /** Signs in a user another service has just created or verified. */
    signIn,

    async membershipById(id: string): Promise<Membership | undefined> {
      return (await db.select().from(memberships).where(eq(memberships.id, id)))[0];
    },

    membershipsOf,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
