// The invitation lifecycle: check, send (single, bulk), resend, cancel, preview, accept, decline,
// expire. Talks to the database (invitations, timeline, outbox, memberships, audit), the rate
// limiter and the account service. Every change is one transaction with its timeline event and
// audit row; typed failures roll back whatever the attempt wrote.
import { and, eq, lte, ne, sql } from 'drizzle-orm';
import type { AccountService, SignedIn, User } from '../accounts/service.js';
import { type Actor, createAuditLog } from '../audit/log.js';
import { hashPassword } from '../auth/passwords.js';
import type { Config } from '../config.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import {
  deliveryAttempts,
  type InvitationEventType,
  invitationEvents,
  invitations,
  type MemberRole,
  memberships,
  organizations,
  users,
} from '../db/schema/index.js';
import { transactionResult } from '../db/transaction.js';
import type { Sealer } from '../delivery/sealing.js';
import type { EventBus, InvitationChange } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import {
  type DomainError,
  fail,
  InvalidInputError,
  NotFoundError,
  ok,
  type Result,
  RoleNotAllowedError,
  TooManyAttemptsError,
} from '../lib/errors.js';
import { createRateLimiter, type RateLimiter, type Window } from '../rateLimits/limiter.js';
import {
  AccountExistsError,
  AlreadyMemberError,
  CustomMessagesDisabledError,
  EmailMismatchError,
  IdempotencyConflictError,
  InvalidTokenError,
  InvitationNotPendingError,
  PendingInvitationExistsError,
  PermissionNotHeldError,
  RateLimitedError,
  ResendCooldownError,
  ResendLimitError,
  SelfInviteError,
} from './errors.js';
import { claimIdempotencyKey, requestHash, storeIdempotentResult } from './idempotency.js';
import { invitationFieldsSchema, passwordlessIssues } from './inputs.js';
import { effectiveStatus, pendingNow } from './status.js';
import { inviteUrl, newInvitationToken, parseInvitationToken, verifierMatches } from './tokens.js';

export type Invitation = typeof invitations.$inferSelect;
type SignedInActor = Actor & { userId: string };

export type InvitationConfig = Pick<
  Config,
  | 'INVITE_URL_TEMPLATE'
  | 'CUSTOM_MESSAGES_ENABLED'
  | 'INVITATION_EXPIRY_DAYS_DEFAULT'
  | 'INVITATION_EXPIRY_DAYS_MAX'
  | 'INVITATION_RATE_LIMIT_HOUR'
  | 'INVITATION_RATE_LIMIT_DAY'
  | 'INVITATION_RATE_LIMIT_WEEK'
  | 'RESEND_COOLDOWN_SECONDS'
  | 'RESEND_DAILY_CAP'
  | 'TOKEN_GUESS_LIMIT'
  | 'TOKEN_GUESS_WINDOW_SECONDS'
>;

export interface SendInput {
  organizationId: string;
  email: string;
  phone?: string | null;
  role: MemberRole;
  message?: string | null;
  permissions?: string[] | null;
  metadata?: Record<string, unknown> | null;
  expiresInDays?: number | null;
}

export interface Sent {
  invitation: Invitation;
  /** Holds the secret token: given once per token, null when an idempotent replay answers. */
  inviteUrl: string | null;
  replayed: boolean;
}

export interface Check {
  code: string;
  passed: boolean;
  message: string;
  error?: DomainError;
}

export interface Preview {
  invitation: Invitation;
  organizationName: string;
  inviterName: string | null;
  maskedEmail: string;
}

export interface Accepted {
  invitation: Invitation;
  membershipId: string;
  /** Set when the caller was anonymous and an account was made for the invited email. */
  signedIn: SignedIn | null;
}

const DAY_SECONDS = 86_400;
const IDEMPOTENCY_TTL_SECONDS = DAY_SECONDS;

const check = (code: string, failure: DomainError | null, passMessage: string): Check =>
  failure
    ? { code, passed: false, message: failure.message, error: failure }
    : { code, passed: true, message: passMessage };

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(3, local.length - 1))}@${domain}`;
}

export function createInvitationService(deps: {
  db: Db;
  clock: Clock;
  config: InvitationConfig;
  accounts: AccountService;
  events: EventBus;
  sealer: Sealer;
}) {
  const { db, clock, config, accounts, events, sealer } = deps;
  const audit = createAuditLog(deps);
  const limiter = (executor: Executor): RateLimiter => createRateLimiter({ db: executor, clock });

  const sendWindows = (organizationId: string, userId: string) =>
    (
      [
        ['ORGANIZATION', `invite:org:${organizationId}`],
        ['INVITER', `invite:user:${userId}`],
      ] as const
    ).flatMap(([scope, key]) =>
      (
        [
          [3600, config.INVITATION_RATE_LIMIT_HOUR, 'hour'],
          [DAY_SECONDS, config.INVITATION_RATE_LIMIT_DAY, 'day'],
          [7 * DAY_SECONDS, config.INVITATION_RATE_LIMIT_WEEK, 'week'],
        ] as const
      ).map(([seconds, limit, name]) => ({ scope, window: { key: `${key}:${name}`, limit, seconds } })),
    );

  const guessWindow = (actor: Actor): Window | null =>
    actor.ip
      ? { key: `token-guess:${actor.ip}`, limit: config.TOKEN_GUESS_LIMIT, seconds: config.TOKEN_GUESS_WINDOW_SECONDS }
      : null;

  async function inviterIn(executor: Executor, organizationId: string, userId: string) {
    const [row] = await executor
      .select({ role: memberships.role, permissions: memberships.permissions, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
    return row;
  }

  /** Appends to the timeline and notes the change, to be published once the transaction commits. */
  async function appendEvent(
    executor: Executor,
    log: InvitationChange[],
    invitation: Pick<Invitation, 'id' | 'organizationId' | 'status' | 'deliveryStatus'>,
    type: InvitationEventType,
    actorId: string | null,
    data: Record<string, unknown> = {},
  ) {
    const createdAt = clock.now();
    await executor.insert(invitationEvents).values({
      invitationId: invitation.id,
      organizationId: invitation.organizationId,
      type,
      actorId,
      data,
      createdAt,
    });
    log.push({
      invitationId: invitation.id,
      organizationId: invitation.organizationId,
      type,
      status: invitation.status,
      deliveryStatus: invitation.deliveryStatus,
      at: createdAt.toISOString(),
    });
  }

  /** A transaction whose timeline changes are published after it commits, and dropped if it does not. */
  async function changing<T>(work: (tx: Tx, log: InvitationChange[]) => Promise<Result<T>>): Promise<Result<T>> {
    let log: InvitationChange[] = [];
    const result = await transactionResult(db, (tx) => {
      log = [];
      return work(tx, log);
    });
    if (result.ok) {
      for (const change of log) events.publishChange(change);
      if (log.some((c) => c.type === 'CREATED' || c.type === 'RESENT')) events.deliveryQueued();
    }
    return result;
  }

  /** Records EXPIRED for pending rows past their expiry that `where` selects. */
  async function expireRows(executor: Executor, log: InvitationChange[], where: ReturnType<typeof and>) {
    const now = clock.now();
    const expired = await executor
      .update(invitations)
      .set({ status: 'EXPIRED', updatedAt: now })
      .where(and(eq(invitations.status, 'PENDING'), lte(invitations.expiresAt, now), where))
      .returning();
    for (const row of expired) {
      await appendEvent(executor, log, row, 'EXPIRED', null, { expiresAt: row.expiresAt.toISOString() });
      await audit.record(
        executor,
        { userId: null, ip: null, userAgent: null },
        {
          organizationId: row.organizationId,
          action: 'invitation.expired',
          targetType: 'Invitation',
          targetId: row.id,
          data: { before: { status: 'PENDING' }, after: { status: 'EXPIRED' } },
        },
      );
    }
    return expired.length;
  }

  const sameEmail = (email: string) => sql`lower(${invitations.email}) = ${email.toLowerCase()}`;

  /** The pending invitation to the address, as a query: read alone, or inside the send facts. */
  const pendingQuery = (executor: Executor, organizationId: string, email: string, now: Date) =>
    executor
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(eq(invitations.organizationId, organizationId), sameEmail(email), pendingNow(now)))
      .limit(1);

  async function pendingTo(executor: Executor, organizationId: string, email: string) {
    const [row] = await pendingQuery(executor, organizationId, email, clock.now());
    return row;
  }

  /**
   * What the policy checks need to know, in one statement: the inviter's membership, and whether
   * the address already belongs to a member, has a pending invitation, or one past its expiry that
   * still reads PENDING in the table. Undefined when the inviter is not a member.
   */
  async function sendFacts(executor: Executor, input: SendInput, actor: SignedInActor) {
    const now = clock.now();
    const ofAddress = and(eq(invitations.organizationId, input.organizationId), sameEmail(input.email));
    const member = executor
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, input.organizationId), sql`lower(${users.email}) = ${input.email}`))
      .limit(1);
    const pending = pendingQuery(executor, input.organizationId, input.email, now);
    const lapsed = executor
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(ofAddress, eq(invitations.status, 'PENDING'), lte(invitations.expiresAt, now)));
    const [row] = await executor
      .select({
        role: memberships.role,
        permissions: memberships.permissions,
        email: users.email,
        memberId: sql<string | null>`(${member})`,
        pendingId: sql<string | null>`(${pending})`,
        lapsed: sql<boolean>`exists (${lapsed})`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, input.organizationId), eq(memberships.userId, actor.userId)));
    return row;
  }

  /** The policy checks shared by the dry run and the real send, in the order they are reported. */
  function policyChecks(inviter: Awaited<ReturnType<typeof sendFacts>>, input: SendInput): Check[] {
    if (!inviter) return [check('ORGANIZATION', new NotFoundError('Organization'), 'Organization found')];
    const mayInvite = inviter.role === 'OWNER' || inviter.role === 'ADMIN';
    const checks = [
      check(
        'INVITER_ROLE',
        mayInvite ? null : new RoleNotAllowedError('Only owners and admins can invite'),
        'You may invite people',
      ),
      check(
        'ROLE_ALLOWED',
        inviter.role !== 'OWNER' && input.role === 'OWNER'
          ? new RoleNotAllowedError('Only an owner can invite an owner')
          : null,
        `You may grant the ${input.role} role`,
      ),
    ];
    const missing =
      inviter.role === 'OWNER' ? [] : (input.permissions ?? []).filter((p) => !inviter.permissions.includes(p));
    checks.push(
      check(
        'PERMISSIONS_HELD',
        missing.length > 0 ? new PermissionNotHeldError(missing) : null,
        'You hold every permission you grant',
      ),
      check(
        'MESSAGES_ENABLED',
        input.message && !config.CUSTOM_MESSAGES_ENABLED ? new CustomMessagesDisabledError() : null,
        'Message allowed',
      ),
    );
    const days = input.expiresInDays ?? config.INVITATION_EXPIRY_DAYS_DEFAULT;
    checks.push(
      check(
        'EXPIRY_ALLOWED',
        days > config.INVITATION_EXPIRY_DAYS_MAX
          ? new InvalidInputError([
              {
                path: ['input', 'expiresInDays'],
                message: `Expiry must be at most ${config.INVITATION_EXPIRY_DAYS_MAX} days`,
              },
            ])
          : null,
        `Expires in ${days} days`,
      ),
      check('NOT_SELF', input.email === inviter.email.toLowerCase() ? new SelfInviteError() : null, 'Not yourself'),
    );
    checks.push(
      check('NOT_MEMBER', inviter.memberId ? new AlreadyMemberError() : null, 'Not a member yet'),
      check(
        'NO_PENDING_INVITATION',
        inviter.pendingId ? new PendingInvitationExistsError(inviter.pendingId) : null,
        'No pending invitation to this email',
      ),
    );
    return checks;
  }

  /** Counts one send against every window, inside the transaction so a refusal takes it back. */
  async function countSend(tx: Tx, organizationId: string, userId: string): Promise<RateLimitedError | null> {
    const windows = sendWindows(organizationId, userId);
    const hits = await limiter(tx).hitAll(windows.map((w) => w.window));
    const over = windows.findIndex((w, i) => (hits[i]?.count ?? 0) > w.window.limit);
    const window = windows[over];
    return window ? new RateLimitedError(hits[over]?.retryAfter ?? 1, window.scope) : null;
  }

  /** Queues the email for `invitation`; older attempts still queued will find themselves superseded. */
  async function queueDelivery(tx: Tx, invitation: Invitation, link: string) {
    await tx.insert(deliveryAttempts).values({
      invitationId: invitation.id,
      organizationId: invitation.organizationId,
      attempt: invitation.attempts,
      sealedLink: sealer.seal(link),
      availableAt: clock.now(),
      createdAt: clock.now(),
    });
  }

  async function byId(executor: Executor, id: string, lock = false) {
    const query = executor.select().from(invitations).where(eq(invitations.id, id));
    return (lock ? await query.for('update') : await query)[0];
  }

  /** The invitation `id` if the actor may manage it (owner or admin of its organisation). */
  async function managed(tx: Tx, id: string, actor: SignedInActor): Promise<Result<Invitation>> {
    const row = await byId(tx, id, true);
    const inviter = row && (await inviterIn(tx, row.organizationId, actor.userId));
    if (!row || !inviter || (inviter.role !== 'OWNER' && inviter.role !== 'ADMIN')) {
      return fail(new NotFoundError('Invitation'));
    }
    return ok(row);
  }

  function withIdempotency<T>(
    actor: SignedInActor,
    operation: string,
    key: string | null | undefined,
    input: unknown,
    work: (tx: Tx, log: InvitationChange[]) => Promise<Result<T & { invitation: Invitation }>>,
    replay: (tx: Tx, invitationId: string) => Promise<Result<T & { invitation: Invitation }>>,
  ) {
    return changing(async (tx, log) => {
      if (!key) return work(tx, log);
      const scope = `${actor.userId}:${operation}`;
      const claim = await claimIdempotencyKey(tx, {
        scope,
        key,
        hash: requestHash(input),
        now: clock.now(),
        ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
      });
      if (claim.kind === 'conflict') return fail(new IdempotencyConflictError());
      if (claim.kind === 'replay') return replay(tx, String(claim.result.invitationId));
      const result = await work(tx, log);
      if (result.ok) await storeIdempotentResult(tx, scope, key, { invitationId: result.value.invitation.id });
      return result;
    });
  }

  async function replayed(tx: Tx, invitationId: string): Promise<Result<Sent>> {
    const invitation = await byId(tx, invitationId);
    if (!invitation) return fail(new NotFoundError('Invitation'));
    return ok({ invitation, inviteUrl: null, replayed: true });
  }

  /**
   * The unique index on pending invitations let another request through first: name its
   * invitation, so a client can offer to resend it. Any other error is not ours to answer.
   */
  async function pendingConflict(error: unknown, organizationId: string, email: string): Promise<Result<never>> {
    if (!isUniqueViolation(error)) throw error;
    const pending = await pendingTo(db, organizationId, email);
    if (!pending) throw error;
    return fail(new PendingInvitationExistsError(pending.id));
  }

  async function send(
    input: SendInput,
    actor: SignedInActor,
    idempotencyKey?: string | null,
    operation = 'sendInvitation',
  ): Promise<Result<Sent>> {
    const result = await withIdempotency<Omit<Sent, 'invitation'>>(
      actor,
      operation,
      idempotencyKey,
      input,
      async (tx, log) => {
        // Sent together, one round trip; a refusal rolls the count back.
        const [facts, limited] = await Promise.all([
          sendFacts(tx, input, actor),
          countSend(tx, input.organizationId, actor.userId),
        ]);
        const failed = policyChecks(facts, input).find((c) => !c.passed);
        if (failed?.error) return fail(failed.error);
        if (limited) return fail(limited);
        // A lapsed invitation to the address still holds the one-pending slot until recorded expired.
        if (facts?.lapsed) {
          await expireRows(tx, log, and(eq(invitations.organizationId, input.organizationId), sameEmail(input.email)));
        }

        const now = clock.now();
        const token = newInvitationToken();
        const days = input.expiresInDays ?? config.INVITATION_EXPIRY_DAYS_DEFAULT;
        const [invitation] = await tx
          .insert(invitations)
          .values({
            organizationId: input.organizationId,
            email: input.email,
            phone: input.phone ?? null,
            role: input.role,
            message: input.message ?? null,
            permissions: input.permissions ?? [],
            metadata: input.metadata ?? null,
            tokenSelector: token.selector,
            tokenVerifierHash: token.verifierHash,
            lastSentAt: now,
            expiresAt: new Date(now.getTime() + days * DAY_SECONDS * 1000),
            invitedById: actor.userId,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!invitation) throw new Error('insert returned no invitation');
        const link = inviteUrl(config.INVITE_URL_TEMPLATE, token.token);
        await Promise.all([
          queueDelivery(tx, invitation, link),
          appendEvent(tx, log, invitation, 'CREATED', actor.userId, { role: invitation.role }),
          audit.record(tx, actor, {
            organizationId: invitation.organizationId,
            action: 'invitation.created',
            targetType: 'Invitation',
            targetId: invitation.id,
            data: {
              after: {
                email: invitation.email,
                role: invitation.role,
                permissions: invitation.permissions,
                expiresAt: invitation.expiresAt.toISOString(),
              },
            },
          }),
        ]);
        return ok({ invitation, inviteUrl: link, replayed: false });
      },
      replayed,
    ).catch((error: unknown) => pendingConflict(error, input.organizationId, input.email));
    return result;
  }

  /** A token's pending invitation, or why not. Failed guesses are counted by the caller after its transaction. */
  async function pendingByToken(executor: Executor, token: string, lock: boolean) {
    const parsed = parseInvitationToken(token);
    if (!parsed) return { row: undefined, reason: 'malformed' as const };
    const query = executor.select().from(invitations).where(eq(invitations.tokenSelector, parsed.selector));
    const [row] = lock ? await query.for('update') : await query;
    if (!row || !verifierMatches(parsed.verifier, row.tokenVerifierHash))
      return { row: undefined, reason: 'unknown' as const };
    const status = effectiveStatus(row, clock.now());
    if (status !== 'PENDING')
      return { row: undefined, reason: status.toLowerCase(), organizationId: row.organizationId };
    return { row, reason: null };
  }

  /**
   * Counts a token attempt from this address before looking the token up, so parallel guesses
   * cannot all slip under the limit; a valid token takes its count back.
   */
  async function countTokenAttempt(actor: Actor): Promise<TooManyAttemptsError | null> {
    const window = guessWindow(actor);
    if (!window) return null;
    const { count, retryAfter } = await limiter(db).hit(window);
    return count > window.limit ? new TooManyAttemptsError(retryAfter) : null;
  }

  async function tokenAccepted(actor: Actor) {
    const window = guessWindow(actor);
    if (window) await limiter(db).release(window);
  }

  async function recordRejectedToken(actor: Actor, reason: string, organizationId?: string) {
    await audit.record(db, actor, {
      organizationId: organizationId ?? null,
      action: 'invitation.token_rejected',
      data: { reason },
    });
  }

  /** Runs a token operation, its attempt already counted: records a rejection, or takes the count back. */
  async function withToken<T>(
    token: string,
    actor: Actor,
    work: (tx: Tx, row: Invitation, log: InvitationChange[]) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    let rejected: { reason: string; organizationId?: string } | undefined;
    const result = await changing(async (tx, log) => {
      const found = await pendingByToken(tx, token, true);
      if (!found.row) {
        rejected = { reason: found.reason, organizationId: found.organizationId };
        return fail(new InvalidTokenError());
      }
      return work(tx, found.row, log);
    });
    if (rejected) await recordRejectedToken(actor, rejected.reason, rejected.organizationId);
    else await tokenAccepted(actor);
    return result;
  }

  return {
    byId: (id: string) => byId(db, id),

    /** The dry run: every check with its outcome; writes nothing. */
    async validate(input: Omit<SendInput, 'email'> & { email: string }, actor: SignedInActor): Promise<Check[]> {
      const parsed = invitationFieldsSchema.safeParse(input);
      const fieldChecks = (['email', 'phone', 'message', 'permissions', 'metadata', 'expiresInDays'] as const).map(
        (field) => {
          const issue = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === field);
          return check(
            `${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_VALID`,
            issue ? new InvalidInputError([{ path: ['input', field], message: issue.message }]) : null,
            `${field} is well formed`,
          );
        },
      );
      if (!parsed.success) return fieldChecks;
      const normalized = { ...input, ...parsed.data };
      const checks = [...fieldChecks, ...policyChecks(await sendFacts(db, normalized, actor), normalized)];
      const windows = sendWindows(input.organizationId, actor.userId);
      let waitFor = 0;
      let scope: 'ORGANIZATION' | 'INVITER' = 'ORGANIZATION';
      for (const w of windows) {
        const wait = await limiter(db).blockedFor(w.window);
        if (wait > waitFor) {
          waitFor = wait;
          scope = w.scope;
        }
      }
      checks.push(check('RATE_LIMIT', waitFor > 0 ? new RateLimitedError(waitFor, scope) : null, 'Within the limits'));
      return checks;
    },

    send,

    /** Bulk send: each row on its own, so valid rows succeed whatever the others do. */
    async sendMany(
      input: { organizationId: string; invitations: Omit<SendInput, 'organizationId'>[] },
      actor: SignedInActor,
      idempotencyKey?: string | null,
    ): Promise<Result<Result<Sent>[]>> {
      if (idempotencyKey) {
        const claim = await transactionResult(db, async (tx) => {
          const outcome = await claimIdempotencyKey(tx, {
            scope: `${actor.userId}:sendInvitations`,
            key: idempotencyKey,
            hash: requestHash(input),
            now: clock.now(),
            ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
          });
          return outcome.kind === 'conflict' ? fail(new IdempotencyConflictError()) : ok(outcome);
        });
        if (!claim.ok) return claim;
      }
      const results: Result<Sent>[] = [];
      for (const [index, row] of input.invitations.entries()) {
        const parsed = invitationFieldsSchema.safeParse(row);
        if (!parsed.success) {
          results.push(
            fail(
              new InvalidInputError(
                parsed.error.issues.map((issue) => ({
                  path: [
                    'input',
                    'invitations',
                    index,
                    ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
                  ],
                  message: issue.message,
                })),
              ),
            ),
          );
          continue;
        }
        // Each row replays on its own key, so a retried batch never sends a row twice.
        const rowKey = idempotencyKey ? `${idempotencyKey}#${index}` : null;
        results.push(
          await send(
            { ...row, ...parsed.data, organizationId: input.organizationId },
            actor,
            rowKey,
            'sendInvitations:row',
          ),
        );
      }
      return ok(results);
    },

    async resend(
      input: { invitationId: string; message?: string | null; expiresInDays?: number | null },
      actor: SignedInActor,
      idempotencyKey?: string | null,
    ): Promise<Result<Sent>> {
      return withIdempotency<Omit<Sent, 'invitation'>>(
        actor,
        'resendInvitation',
        idempotencyKey,
        input,
        async (tx, log) => {
          const found = await managed(tx, input.invitationId, actor);
          if (!found.ok) return found;
          const before = found.value;
          const now = clock.now();
          const status = effectiveStatus(before, now);
          if (status !== 'PENDING' && status !== 'EXPIRED') return fail(new InvitationNotPendingError(status));
          const cooldownEnds = before.lastSentAt.getTime() + config.RESEND_COOLDOWN_SECONDS * 1000;
          if (cooldownEnds > now.getTime()) {
            return fail(new ResendCooldownError(Math.ceil((cooldownEnds - now.getTime()) / 1000)));
          }
          if (input.message && !config.CUSTOM_MESSAGES_ENABLED) return fail(new CustomMessagesDisabledError());
          const days = input.expiresInDays ?? config.INVITATION_EXPIRY_DAYS_DEFAULT;
          if (days > config.INVITATION_EXPIRY_DAYS_MAX) {
            return fail(
              new InvalidInputError([
                {
                  path: ['input', 'expiresInDays'],
                  message: `Expiry must be at most ${config.INVITATION_EXPIRY_DAYS_MAX} days`,
                },
              ]),
            );
          }
          const daily = await limiter(tx).hit({
            key: `resend:${before.organizationId}:${before.email}`,
            limit: config.RESEND_DAILY_CAP,
            seconds: DAY_SECONDS,
          });
          if (daily.count > config.RESEND_DAILY_CAP) return fail(new ResendLimitError(daily.retryAfter));
          const limited = await countSend(tx, before.organizationId, actor.userId);
          if (limited) return fail(limited);

          // Reviving an expired invitation: older ones to this address that have expired too step aside.
          await expireRows(
            tx,
            log,
            and(
              eq(invitations.organizationId, before.organizationId),
              sameEmail(before.email),
              ne(invitations.id, before.id),
            ),
          );
          const token = newInvitationToken();
          const [invitation] = await tx
            .update(invitations)
            .set({
              tokenSelector: token.selector,
              tokenVerifierHash: token.verifierHash,
              attempts: sql`${invitations.attempts} + 1`,
              lastSentAt: now,
              expiresAt: new Date(now.getTime() + days * DAY_SECONDS * 1000),
              status: 'PENDING',
              deliveryStatus: 'VALIDATING',
              ...(input.message !== undefined ? { message: input.message } : {}),
              updatedAt: now,
            })
            .where(eq(invitations.id, before.id))
            .returning();
          if (!invitation) throw new Error('invitation vanished under lock');
          const link = inviteUrl(config.INVITE_URL_TEMPLATE, token.token);
          await queueDelivery(tx, invitation, link);
          await appendEvent(tx, log, invitation, 'RESENT', actor.userId, { attempt: invitation.attempts });
          await audit.record(tx, actor, {
            organizationId: invitation.organizationId,
            action: 'invitation.resent',
            targetType: 'Invitation',
            targetId: invitation.id,
            data: {
              before: { status, attempts: before.attempts, expiresAt: before.expiresAt.toISOString() },
              after: {
                status: 'PENDING',
                attempts: invitation.attempts,
                expiresAt: invitation.expiresAt.toISOString(),
              },
            },
          });
          return ok({ invitation, inviteUrl: link, replayed: false });
        },
        replayed,
      ).catch(async (error: unknown) => {
        // Reviving an expired invitation while a newer one is pending to the same address.
        const row = await byId(db, input.invitationId);
        if (!row) throw error;
        return pendingConflict(error, row.organizationId, row.email);
      });
    },

    async cancel(
      input: { invitationId: string; reason?: string | null },
      actor: SignedInActor,
    ): Promise<Result<Invitation>> {
      return changing(async (tx, log) => {
        const found = await managed(tx, input.invitationId, actor);
        if (!found.ok) return found;
        const status = effectiveStatus(found.value, clock.now());
        if (status !== 'PENDING') return fail(new InvitationNotPendingError(status));
        const [invitation] = await tx
          .update(invitations)
          .set({ status: 'CANCELLED', respondedAt: clock.now(), updatedAt: clock.now() })
          .where(and(eq(invitations.id, found.value.id), eq(invitations.status, 'PENDING')))
          .returning();
        if (!invitation) throw new Error('invitation changed under lock');
        await appendEvent(tx, log, invitation, 'CANCELLED', actor.userId, input.reason ? { reason: input.reason } : {});
        await audit.record(tx, actor, {
          organizationId: invitation.organizationId,
          action: 'invitation.cancelled',
          targetType: 'Invitation',
          targetId: invitation.id,
          data: { before: { status: 'PENDING' }, after: { status: 'CANCELLED', reason: input.reason ?? null } },
        });
        return ok(invitation);
      });
    },

    /** The public preview behind a link; never consumes the token. */
    async preview(token: string, actor: Actor): Promise<Result<Preview | null>> {
      const blocked = await countTokenAttempt(actor);
      if (blocked) return fail(blocked);
      const found = await pendingByToken(db, token, false);
      if (!found.row) {
        await recordRejectedToken(actor, found.reason, found.organizationId);
        return ok(null);
      }
      await tokenAccepted(actor);
      const [names] = await db
        .select({ organizationName: organizations.name, inviterName: users.name })
        .from(organizations)
        .leftJoin(users, eq(users.id, found.row.invitedById ?? sql`null`))
        .where(eq(organizations.id, found.row.organizationId));
      return ok({
        invitation: found.row,
        organizationName: names?.organizationName ?? '',
        inviterName: names?.inviterName ?? null,
        maskedEmail: maskEmail(found.row.email),
      });
    },

    async accept(
      input: { token: string; name?: string | null; password?: string | null },
      viewer: User | null,
      actor: Actor,
    ): Promise<Result<Accepted>> {
      if (!viewer) {
        const issues = passwordlessIssues(input);
        if (issues.length > 0) return fail(new InvalidInputError(issues));
      }
      // Refuse a blocked address before the costly password hash.
      const blocked = await countTokenAttempt(actor);
      if (blocked) return fail(blocked);
      const passwordHash = !viewer && input.password ? await hashPassword(input.password) : null;
      const result = await withToken(
        input.token,
        actor,
        async (tx, row, log): Promise<Result<Accepted & { created?: User }>> => {
          let user: User;
          let created: User | undefined;
          if (viewer) {
            if (viewer.email.toLowerCase() !== row.email.toLowerCase()) return fail(new EmailMismatchError());
            user = viewer;
          } else {
            const [existing] = await tx
              .select({ id: users.id })
              .from(users)
              .where(sql`lower(${users.email}) = ${row.email}`);
            if (existing) return fail(new AccountExistsError());
            // Another link to this address may be accepted at the same moment: one account wins.
            const [inserted] = await tx
              .insert(users)
              .values({ email: row.email, name: input.name?.trim() || row.email, passwordHash, emailVerified: true })
              .onConflictDoNothing()
              .returning();
            if (!inserted) return fail(new AccountExistsError());
            user = inserted;
            created = inserted;
          }
          const [already] = await tx
            .select({ id: memberships.id })
            .from(memberships)
            .where(and(eq(memberships.organizationId, row.organizationId), eq(memberships.userId, user.id)));
          if (already) return fail(new AlreadyMemberError());
          const [membership] = await tx
            .insert(memberships)
            .values({
              organizationId: row.organizationId,
              userId: user.id,
              role: row.role,
              permissions: row.permissions,
            })
            .returning({ id: memberships.id });
          if (!membership) throw new Error('insert returned no membership');
          const [invitation] = await tx
            .update(invitations)
            .set({ status: 'ACCEPTED', acceptedById: user.id, respondedAt: clock.now(), updatedAt: clock.now() })
            .where(and(eq(invitations.id, row.id), eq(invitations.status, 'PENDING')))
            .returning();
          if (!invitation) throw new Error('invitation changed under lock');
          const by = { ...actor, userId: user.id };
          await appendEvent(tx, log, invitation, 'ACCEPTED', user.id);
          await audit.record(tx, by, {
            organizationId: invitation.organizationId,
            action: 'invitation.accepted',
            targetType: 'Invitation',
            targetId: invitation.id,
            data: {
              before: { status: 'PENDING' },
              after: { status: 'ACCEPTED', role: invitation.role, userId: user.id },
            },
          });
          if (created) {
            await audit.record(tx, by, {
              action: 'user.signed_up',
              targetType: 'User',
              targetId: user.id,
              data: { via: 'invitation' },
            });
          }
          return ok({ invitation, membershipId: membership.id, signedIn: null, created });
        },
      );
      if (!result.ok) return result;
      const { created, ...accepted } = result.value;
      return ok({ ...accepted, signedIn: created ? await accounts.signIn(created) : null });
    },

    async decline(
      input: { token: string; reason?: string | null },
      viewer: User | null,
      actor: Actor,
    ): Promise<Result<Invitation>> {
      const blocked = await countTokenAttempt(actor);
      if (blocked) return fail(blocked);
      return withToken(input.token, actor, async (tx, row, log) => {
        if (viewer && viewer.email.toLowerCase() !== row.email.toLowerCase()) return fail(new EmailMismatchError());
        const [invitation] = await tx
          .update(invitations)
          .set({ status: 'DECLINED', respondedAt: clock.now(), updatedAt: clock.now() })
          .where(and(eq(invitations.id, row.id), eq(invitations.status, 'PENDING')))
          .returning();
        if (!invitation) throw new Error('invitation changed under lock');
        await appendEvent(
          tx,
          log,
          invitation,
          'DECLINED',
          viewer?.id ?? null,
          input.reason ? { reason: input.reason } : {},
        );
        await audit.record(tx, actor, {
          organizationId: invitation.organizationId,
          action: 'invitation.declined',
          targetType: 'Invitation',
          targetId: invitation.id,
          data: { before: { status: 'PENDING' }, after: { status: 'DECLINED', reason: input.reason ?? null } },
        });
        return ok(invitation);
      });
    },

    /** Writes EXPIRED, with its event and audit row, for every pending invitation past its expiry. */
    async sweepExpired(): Promise<number> {
      const result = await changing(async (tx, log) => ok(await expireRows(tx, log, sql`true`)));
      return result.ok ? result.value : 0;
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
