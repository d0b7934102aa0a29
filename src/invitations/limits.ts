// The invitation rate limits: sends per organisation and per inviter (by the hour, day and week),
// resends per recipient a day, and token guesses per client address. Talks to the rate limiter,
// inside the caller's transaction where a refusal must take the count back.
import type { Actor } from '../audit/log.js';
import type { Config } from '../config.js';
import type { Db, Executor, Tx } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { TooManyAttemptsError } from '../lib/errors.js';
import { createRateLimiter, type RateLimiter, type Window } from '../rateLimits/limiter.js';
import { RateLimitedError, ResendLimitError } from './errors.js';

export const DAY_SECONDS = 86_400;

export type LimitsConfig = Pick<
  Config,
  | 'INVITATION_RATE_LIMIT_HOUR'
  | 'INVITATION_RATE_LIMIT_DAY'
  | 'INVITATION_RATE_LIMIT_WEEK'
  | 'RESEND_DAILY_CAP'
  | 'TOKEN_GUESS_LIMIT'
  | 'TOKEN_GUESS_WINDOW_SECONDS'
>;

export type InvitationLimits = ReturnType<typeof createInvitationLimits>;

export function createInvitationLimits({ db, clock, config }: { db: Db; clock: Clock; config: LimitsConfig }) {
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

  return {
    /** Counts one send against every window, inside the transaction so a refusal takes it back. */
    async countSend(tx: Tx, organizationId: string, userId: string): Promise<RateLimitedError | null> {
      const windows = sendWindows(organizationId, userId);
      const hits = await limiter(tx).hitAll(windows.map((w) => w.window));
      const over = windows.findIndex((w, i) => (hits[i]?.count ?? 0) > w.window.limit);
      const window = windows[over];
      return window ? new RateLimitedError(hits[over]?.retryAfter ?? 1, window.scope) : null;
    },

    /** Whether a send would be refused now, counting nothing: the longest wait of the full windows. */
    async sendBlocked(organizationId: string, userId: string): Promise<RateLimitedError | null> {
      let waitFor = 0;
      let scope: 'ORGANIZATION' | 'INVITER' = 'ORGANIZATION';
      for (const w of sendWindows(organizationId, userId)) {
        const wait = await limiter(db).blockedFor(w.window);
        if (wait > waitFor) {
          waitFor = wait;
          scope = w.scope;
        }
      }
      return waitFor > 0 ? new RateLimitedError(waitFor, scope) : null;
    },

    async countResend(tx: Tx, organizationId: string, email: string): Promise<ResendLimitError | null> {
      const daily = await limiter(tx).hit({
        key: `resend:${organizationId}:${email}`,
        limit: config.RESEND_DAILY_CAP,
        seconds: DAY_SECONDS,
      });
      return daily.count > config.RESEND_DAILY_CAP ? new ResendLimitError(daily.retryAfter) : null;
    },

    /**
     * Counts a token attempt from this address before looking the token up, so parallel guesses
     * cannot all slip under the limit; a valid token takes its count back (tokenAccepted).
     */
    async countTokenAttempt(actor: Actor): Promise<TooManyAttemptsError | null> {
      const window = guessWindow(actor);
      if (!window) return null;
      const { count, retryAfter } = await limiter(db).hit(window);
      return count > window.limit ? new TooManyAttemptsError(retryAfter) : null;
    },

    async tokenAccepted(actor: Actor) {
      const window = guessWindow(actor);
      if (window) await limiter(db).release(window);
    },
  };
}
