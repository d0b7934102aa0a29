// The accounts facade: sign-up and log-in (credentials.ts), password reset and email verification
// (links.ts), who a token speaks for (viewers.ts), organisations (organizations.ts) and memberships
// (members.ts), over one store (store.ts).
// Talks to the database, the password hasher, the token signer and the rate limiter through them.
import { createAuditLog } from '../audit/log.js';
import type { TokenService } from '../auth/tokens.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import type { RateLimiter } from '../rateLimits/limiter.js';
import { createCredentialService, type LoginLimits } from './credentials.js';
import { type AccountLinkConfig, createAccountLinks } from './links.js';
import { createMemberService, type MemberFollower } from './members.js';
import { createOrganizationService } from './organizations.js';
import type { AccountOutbox } from './outbox.js';
import { createSessions } from './sessions.js';
import { createAccountStore } from './store.js';
import { createViewerService } from './viewers.js';

export type { SignedIn } from './sessions.js';
export type { Membership, Organization, User } from './store.js';

export function createAccountService(deps: {
  db: Db;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  outbox: AccountOutbox;
  config: LoginLimits & AccountLinkConfig;
  clock: Clock;
  follower: MemberFollower;
}) {
  const store = createAccountStore(deps.db);
  const audit = createAuditLog({ clock: deps.clock });
  const organizations = createOrganizationService({ store, audit });
  const sessions = createSessions(deps);
  const links = createAccountLinks({ ...deps, store, sessions, audit });
  const credentials = createCredentialService({ ...deps, store, sessions, links, organizations, audit });
  const members = createMemberService({ store, audit, follower: deps.follower });
  const viewers = createViewerService({ store });
  return {
    signUp: credentials.signUp,
    logIn: credentials.logIn,
    requestPasswordReset: links.requestPasswordReset,
    resetPassword: links.resetPassword,
    sendEmailVerification: links.sendEmailVerification,
    verifyEmail: links.verifyEmail,
    createOrganization: organizations.createOrganization,
    updateOrganizationSettings: organizations.updateOrganizationSettings,
    updateMemberRole: members.updateMemberRole,
    removeMember: members.removeMember,
    viewerForToken: viewers.viewerForToken,
    /** Signs in a user another service has just created, verified or reclaimed. */
    signIn: sessions.signIn,
    membershipById: viewers.membershipById,
    membershipsOf: viewers.membershipsOf,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
