// The brute-force limits on log-in, shaped so that nobody can aim them at someone else:
// - per account and client address (the pair), a hard limit of failures in a window;
// - per client address, a hard limit across accounts (credential stuffing from one place);
// - per account, from addresses it has never logged in from, no lock but a progressive delay
//   (OWASP's throttling): after a few failures each further attempt waits twice as long as the
//   one before, up to a cap. An address the account has logged in from is not slowed by others'
//   failures, so a stranger hammering an account from anywhere else never keeps its owner out.
// Only attempts that reach the password check count. A success resets the account's delay and the
// pair's count, takes its own attempt off the address's, and remembers the address for the
// account. Talks to the rate limiter, the backoff and the login addresses table.
import { and, eq, gt } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { loginAddresses } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';
import { createBackoff } from '../rateLimits/backoff.js';
import { longestWait, type RateLimiter, type Window } from '../rateLimits/limiter.js';

export type LoginLimitsConfig = Pick<
  Config,
  | 'LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS'
  | 'LOGIN_MAX_FAILURES_PER_ADDRESS'
  | 'LOGIN_FAILURE_WINDOW_SECONDS'
  | 'LOGIN_MAX_FAILURES_PER_ACCOUNT'
  | 'LOGIN_DELAY_BASE_SECONDS'
  | 'LOGIN_DELAY_MAX_SECONDS'
  | 'LOGIN_KNOWN_ADDRESS_DAYS'
>;

/** An attempt let through to the password check: say how it went. */
export interface AdmittedAttempt {
  succeeded(): Promise<void>;
}

export type Admission = { admitted: true; attempt: AdmittedAttempt } | { admitted: false; retryAfter: number };

export function createLoginLimits(deps: { db: Db; clock: Clock; rateLimiter: RateLimiter; config: LoginLimitsConfig }) {
  const { db, clock, rateLimiter, config } = deps;
  const backoff = createBackoff({
    db,
    clock,
    policy: {
      free: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      baseSeconds: config.LOGIN_DELAY_BASE_SECONDS,
      maxSeconds: config.LOGIN_DELAY_MAX_SECONDS,
      forgetSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
    },
  });
  const seconds = config.LOGIN_FAILURE_WINDOW_SECONDS;
  const knownFor = config.LOGIN_KNOWN_ADDRESS_DAYS * 86_400_000;

  /** The pair's window and the address's. */
  const windowsOf = (email: string, ip: string): [pair: Window, address: Window] => [
    { key: `login:pair:${email}|${ip}`, limit: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, seconds },
    { key: `login:ip:${ip}`, limit: config.LOGIN_MAX_FAILURES_PER_ADDRESS, seconds },
  ];

  async function known(email: string, address: string): Promise<boolean> {
    const [row] = await db
      .select({ email: loginAddresses.email })
      .from(loginAddresses)
      .where(
        and(
          eq(loginAddresses.email, email),
          eq(loginAddresses.address, address),
          gt(loginAddresses.lastLoginAt, new Date(clock.now().getTime() - knownFor)),
        ),
      );
    return row !== undefined;
  }

  async function remember(email: string, address: string) {
    const now = clock.now();
    await db
      .insert(loginAddresses)
      .values({ email, address, lastLoginAt: now })
      .onConflictDoUpdate({ target: [loginAddresses.email, loginAddresses.address], set: { lastLoginAt: now } });
  }

  return {
    /** The account was just made from `ip`: the address is one its owner uses. */
    async signedUpFrom(email: string, ip: string | null): Promise<void> {
      if (ip) await remember(email, ip);
    },

    /** Counts an attempt to log in to `email` from `ip`, or says how long it must wait. */
    async admit(email: string, ip: string | null): Promise<Admission> {
      const accountKey = `login:account:${email}`;
      const windows = ip ? windowsOf(email, ip) : undefined;
      // Counted before the password is checked, so parallel guesses cannot all slip in under a limit.
      const [hits, trusted] = await Promise.all([rateLimiter.hitAll(windows ?? []), ip ? known(email, ip) : false]);
      const refuse = async (retryAfter: number): Promise<Admission> => {
        await Promise.all((windows ?? []).map((w) => rateLimiter.release(w)));
        return { admitted: false, retryAfter };
      };
      const wait = longestWait(windows ?? [], hits);
      if (wait > 0) return refuse(wait);
      if (!trusted) {
        const delay = await backoff.attempt(accountKey);
        if (delay > 0) return refuse(delay);
      }
      return {
        admitted: true,
        attempt: {
          async succeeded() {
            await backoff.reset(accountKey);
            if (!ip || !windows) return;
            const [pair, address] = windows;
            await Promise.all([rateLimiter.reset(pair.key), rateLimiter.release(address), remember(email, ip)]);
          },
        },
      };
    },
  };
}
