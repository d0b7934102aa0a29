// Account links: a password reset and an email verification, each a single-use, expiring secret
// mailed to the account's address through the outbox, stored only as a hash. Asking for a reset
// answers the same whether or not the address has an account; asking is limited per address and
// per client, and guesses at links per client. Talks to the account store, the outbox port, the
// rate limiter, the password hasher, the sessions and the audit log.
import type { Actor, AuditLog } from '../audit/log.js';
import { hashPassword } from '../auth/passwords.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { AccountLinkPurpose } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';
import {
  type DomainError,
  fail,
  InvalidAccountLinkError,
  ok,
  type Result,
  TooManyAttemptsError,
} from '../lib/errors.js';
import { newSecretToken, parseSecretToken, verifierMatches } from '../lib/secretTokens.js';
import { longestWait, type RateLimiter, type Window } from '../rateLimits/limiter.js';
import type { AccountOutbox } from './outbox.js';
import type { Sessions, SignedIn } from './sessions.js';
import type { AccountStore, AccountToken, AccountTransaction, User } from './store.js';

export type AccountLinkConfig = Pick<
  Config,
  | 'publicUrl'
  | 'PASSWORD_RESET_TTL_SECONDS'
  | 'EMAIL_VERIFICATION_TTL_SECONDS'
  | 'ACCOUNT_EMAILS_PER_ADDRESS_HOUR'
  | 'ACCOUNT_EMAILS_PER_CLIENT_HOUR'
  | 'TOKEN_GUESS_LIMIT'
  | 'TOKEN_GUESS_WINDOW_SECONDS'
>;

/** Where each link leads: a page of the web app, the secret in the fragment so no server logs it. */
const PAGES: Record<AccountLinkPurpose, string> = {
  PASSWORD_RESET: 'reset-password',
  EMAIL_VERIFICATION: 'verify-email',
};

export function createAccountLinks(deps: {
  db: Db;
  store: AccountStore;
  outbox: AccountOutbox;
  rateLimiter: RateLimiter;
  sessions: Sessions;
  audit: AuditLog;
  clock: Clock;
  config: AccountLinkConfig;
}) {
  const { db, store, outbox, rateLimiter, sessions, audit, clock, config } = deps;
  const ttlSeconds: Record<AccountLinkPurpose, number> = {
    PASSWORD_RESET: config.PASSWORD_RESET_TTL_SECONDS,
    EMAIL_VERIFICATION: config.EMAIL_VERIFICATION_TTL_SECONDS,
  };

  /** Mints a token for the account and queues the email carrying it, in the caller's transaction. */
  async function issue(t: AccountTransaction, user: User, purpose: AccountLinkPurpose) {
    const { token, selector, verifierHash } = newSecretToken();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + ttlSeconds[purpose] * 1000);
    await t.insertAccountToken({ userId: user.id, purpose, selector, verifierHash, expiresAt, createdAt: now });
    const link = `${config.publicUrl}/${PAGES[purpose]}#token=${encodeURIComponent(token)}`;
    await outbox.queue(t.tx, { userId: user.id, purpose, to: user.email, link, expiresAt });
  }

  /** Counts one account email asked for, per address and per client; the wait when either is over. */
  async function countEmailAsked(email: string, actor: Actor): Promise<TooManyAttemptsError | null> {
    const windows: Window[] = [
      { key: `account-email:to:${email}`, limit: config.ACCOUNT_EMAILS_PER_ADDRESS_HOUR, seconds: 3600 },
      ...(actor.ip
        ? [{ key: `account-email:ip:${actor.ip}`, limit: config.ACCOUNT_EMAILS_PER_CLIENT_HOUR, seconds: 3600 }]
        : []),
    ];
    const hits = await rateLimiter.hitAll(windows);
    const wait = longestWait(windows, hits);
    return wait > 0 ? new TooManyAttemptsError(wait) : null;
  }

  const guessWindow = (actor: Actor): Window | null =>
    actor.ip
      ? {
          key: `account-link-guess:${actor.ip}`,
          limit: config.TOKEN_GUESS_LIMIT,
          seconds: config.TOKEN_GUESS_WINDOW_SECONDS,
        }
      : null;

  const usable = (row: AccountToken | undefined, verifier: string, purpose: AccountLinkPurpose) =>
    row !== undefined &&
    verifierMatches(verifier, row.verifierHash) &&
    row.purpose === purpose &&
    row.usedAt === null &&
    row.expiresAt > clock.now();

  /**
   * Uses a link in one transaction: the token row locked, so a link works once however many use
   * it at the same moment. Guesses are counted per client; a good link takes its count back.
   */
  async function redeem<T, E extends DomainError>(
    token: string,
    purpose: AccountLinkPurpose,
    actor: Actor,
    work: (t: AccountTransaction, user: User) => Promise<Result<T, E>>,
  ): Promise<Result<T, E | InvalidAccountLinkError | TooManyAttemptsError>> {
    const window = guessWindow(actor);
    if (window) {
      const { count, retryAfter } = await rateLimiter.hit(window);
      if (count > window.limit) return fail(new TooManyAttemptsError(retryAfter));
    }
    const parsed = parseSecretToken(token);
    const result = parsed
      ? await store.transaction(async (t): Promise<Result<T, E | InvalidAccountLinkError>> => {
          const row = await t.accountTokenBySelector(parsed.selector);
          const user = row && usable(row, parsed.verifier, purpose) ? await t.userById(row.userId) : undefined;
          if (!user) return fail(new InvalidAccountLinkError());
          const done = await work(t, user);
          if (done.ok) await t.useAccountTokens(user.id, purpose, clock.now());
          return done;
        })
      : fail(new InvalidAccountLinkError());
    if (result.ok && window) await rateLimiter.release(window);
    if (!result.ok && result.error instanceof InvalidAccountLinkError) {
      await audit.record(db, actor, { action: 'user.link_rejected', data: { purpose } });
    }
    return result;
  }

  return {
    /** Queues the verification email of a new account, in its sign-up transaction. */
    issueVerification: (t: AccountTransaction, user: User) => issue(t, user, 'EMAIL_VERIFICATION'),

    /** After a transaction that issued links commits. */
    queued: () => outbox.queued(),

    /** Mails a reset link when the address has an account; the answer is the same when it has none. */
    async requestPasswordReset(email: string, actor: Actor): Promise<Result<{ email: string }, TooManyAttemptsError>> {
      const blocked = await countEmailAsked(email, actor);
      if (blocked) return fail(blocked);
      const user = await store.userByEmail(email);
      if (user) {
        await store.transaction(async (t) => {
          await issue(t, user, 'PASSWORD_RESET');
          await audit.record(t.tx, actor, {
            action: 'user.password_reset_requested',
            targetType: 'User',
            targetId: user.id,
          });
        });
        outbox.queued();
      }
      return ok({ email });
    },

    /**
     * A new password from a reset link. The link proved the mailbox, so the address becomes
     * verified; every session issued before ends, and the caller is signed in afresh.
     */
    async resetPassword(
      input: { token: string; password: string },
      actor: Actor,
    ): Promise<Result<SignedIn, InvalidAccountLinkError | TooManyAttemptsError>> {
      const passwordHash = await hashPassword(input.password);
      const reset = await redeem<User, never>(input.token, 'PASSWORD_RESET', actor, async (t, user) => {
        const claimed = await t.claimAccount(user.id, { passwordHash });
        await t.useAccountTokens(user.id, 'EMAIL_VERIFICATION', clock.now());
        await audit.record(
          t.tx,
          { ...actor, userId: user.id },
          {
            action: 'user.password_reset',
            targetType: 'User',
            targetId: user.id,
          },
        );
        return ok(claimed);
      });
      return reset.ok ? ok(await sessions.signIn(reset.value)) : reset;
    },

    /** Mails a new verification link to the viewer's address, unless it is verified already. */
    async sendEmailVerification(user: User, actor: Actor): Promise<Result<{ queued: boolean }, TooManyAttemptsError>> {
      if (user.emailVerified) return ok({ queued: false });
      const blocked = await countEmailAsked(user.email, actor);
      if (blocked) return fail(blocked);
      await store.transaction((t) => issue(t, user, 'EMAIL_VERIFICATION'));
      outbox.queued();
      return ok({ queued: true });
    },

    /**
     * Marks the viewer's address verified. Only the account's own session may use its link: a
     * stranger who signed up with someone's address gains nothing when that person clicks it.
     */
    verifyEmail(
      input: { token: string },
      viewer: User,
      actor: Actor,
    ): Promise<Result<User, InvalidAccountLinkError | TooManyAttemptsError>> {
      return redeem(input.token, 'EMAIL_VERIFICATION', actor, async (t, user) => {
        if (user.id !== viewer.id) return fail(new InvalidAccountLinkError());
        const verified = await t.markEmailVerified(user.id);
        await audit.record(
          t.tx,
          { ...actor, userId: user.id },
          {
            action: 'user.email_verified',
            targetType: 'User',
            targetId: user.id,
          },
        );
        return ok(verified);
      });
    },
  };
}

export type AccountLinks = ReturnType<typeof createAccountLinks>;
