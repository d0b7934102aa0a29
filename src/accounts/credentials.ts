// Sign-up and log-in: passwords, the sessions they open, and the brute-force limits on failed
// log-ins (loginLimits.ts). Talks to the account store, the password hasher, the sessions, the
// login limits, the audit log, for sign-up's first organisation the organisations, and for its
// verification email the account links.
import type { Actor, AuditLog } from '../audit/log.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Clock } from '../lib/clock.js';
import {
  EmailTakenError,
  fail,
  InvalidCredentialsError,
  ok,
  type Result,
  TooManyAttemptsError,
} from '../lib/errors.js';
import type { RateLimiter } from '../rateLimits/limiter.js';
import type { AccountLinks } from './links.js';
import { createLoginLimits, type LoginLimitsConfig } from './loginLimits.js';
import type { OrganizationService } from './organizations.js';
import type { Sessions, SignedIn } from './sessions.js';
import type { AccountStore, Organization } from './store.js';

export type LoginLimits = LoginLimitsConfig;

export function createCredentialService(deps: {
  /** For audit rows written outside a transaction. */
  db: Db;
  store: AccountStore;
  sessions: Sessions;
  links: Pick<AccountLinks, 'issueVerification' | 'queued'>;
  rateLimiter: RateLimiter;
  organizations: Pick<OrganizationService, 'addOrganization'>;
  config: LoginLimits;
  clock: Clock;
  audit: AuditLog;
}) {
  const { db, store, sessions, links, rateLimiter, organizations, config, clock, audit } = deps;
  const { signIn } = sessions;
  const limits = createLoginLimits({ db, clock, rateLimiter, config });

  return {
    async signUp(
      input: { email: string; password: string; name: string; organizationName: string },
      actor: Actor,
    ): Promise<Result<SignedIn & { organization: Organization }, EmailTakenError>> {
      const passwordHash = await hashPassword(input.password);
      try {
        // The account works at once; its address counts as verified only once the emailed link is used.
        const signedUp = await store.transaction(async (t) => {
          const user = await t.insertUser({ email: input.email, name: input.name, passwordHash });
          const self = { ...actor, userId: user.id };
          await audit.record(t.tx, self, { action: 'user.signed_up', targetType: 'User', targetId: user.id });
          const organization = await organizations.addOrganization(t, user.id, input.organizationName, self);
          await links.issueVerification(t, user);
          return { user, organization };
        });
        links.queued();
        await limits.signedUpFrom(signedUp.user.email, actor.ip);
        return ok({ ...(await signIn(signedUp.user)), organization: signedUp.organization });
      } catch (error) {
        if (isUniqueViolation(error)) return fail(new EmailTakenError());
        throw error;
      }
    },

    async logIn(
      input: { email: string; password: string },
      actor: Actor,
    ): Promise<Result<SignedIn, TooManyAttemptsError | InvalidCredentialsError>> {
      const admission = await limits.admit(input.email, actor.ip);
      if (!admission.admitted) return fail(new TooManyAttemptsError(admission.retryAfter));

      const user = await store.userByEmail(input.email);
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
      await admission.attempt.succeeded();
      await audit.record(
        db,
        { ...actor, userId: user.id },
        { action: 'user.logged_in', targetType: 'User', targetId: user.id },
      );
      return ok(await signIn(user));
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
