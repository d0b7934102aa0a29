// Responding to a link: the public preview, accept (joining, with an account made for an anonymous
// caller) and decline, and the token handling they share: guesses counted per client address,
// rejected tokens audited, a valid token's count taken back. Joining without a verified account
// needs the mailbox proof that only the emailed link carries. Talks to the store, the rate limits,
// the password hasher, the mailbox proofs, the account service (to sign a new account in) and
// its store (to hand a squatted address to its mailbox), the closing of pending invitations and
// the audit log.
import type { AccountService, SignedIn, User } from '../accounts/service.js';
import { claimAccount, markEmailVerified } from '../accounts/store.js';
import type { Actor, AuditLog } from '../audit/log.js';
import { hashPassword } from '../auth/passwords.js';
import type { Db, Executor, Tx } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import {
  type DomainError,
  fail,
  InvalidInputError,
  ok,
  type Result,
  type TooManyAttemptsError,
} from '../lib/errors.js';
import { parseSecretToken, verifierMatches } from '../lib/secretTokens.js';
import type { ChangeLog, Changes } from './changes.js';
import type { Closing } from './closing.js';
import {
  AccountExistsError,
  AlreadyMemberError,
  EmailMismatchError,
  InvalidTokenError,
  MailboxProofRequiredError,
} from './errors.js';
import { passwordlessIssues } from './inputs.js';
import type { InvitationLimits } from './limits.js';
import { effectiveStatus } from './status.js';
import {
  appendEvent,
  closeInvitation,
  type Invitation,
  insertMembership,
  insertUser,
  invitationBySelector,
  isMember,
  pendingPreviewRows,
  previewNames,
  userByEmailLocked,
} from './store.js';
import type { MailboxProofs } from './tokens.js';

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

export type AcceptError =
  | InvalidInputError
  | TooManyAttemptsError
  | InvalidTokenError
  | MailboxProofRequiredError
  | EmailMismatchError
  | AccountExistsError
  | AlreadyMemberError;

export type DeclineError = TooManyAttemptsError | InvalidTokenError | EmailMismatchError;

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(3, local.length - 1))}@${domain}`;
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function createResponding(deps: {
  db: Db;
  clock: Clock;
  changes: Changes;
  limits: InvitationLimits;
  accounts: Pick<AccountService, 'signIn'>;
  audit: AuditLog;
  closing: Closing;
  proofs: MailboxProofs;
}) {
  const { db, clock, changes, limits, accounts, audit, closing, proofs } = deps;

  /** A token's pending invitation, or why not. Failed guesses are counted by the caller after its transaction. */
  async function pendingByToken(executor: Executor, token: string, lock: boolean) {
    const parsed = parseSecretToken(token);
    if (!parsed) return { row: undefined, reason: 'malformed' as const };
    const row = await invitationBySelector(executor, parsed.selector, lock);
    if (!row || !verifierMatches(parsed.verifier, row.tokenVerifierHash))
      return { row: undefined, reason: 'unknown' as const };
    const status = effectiveStatus(row, clock.now());
    if (status !== 'PENDING')
      return { row: undefined, reason: status.toLowerCase(), organizationId: row.organizationId };
    return { row, reason: null };
  }

  async function recordRejectedToken(actor: Actor, reason: string, organizationId?: string) {
    await audit.record(db, actor, {
      organizationId: organizationId ?? null,
      action: 'invitation.token_rejected',
      data: { reason },
    });
  }

  /** Runs a token operation, its attempt already counted: records a rejection, or takes the count back. */
  async function withToken<T, E extends DomainError>(
    token: string,
    actor: Actor,
    work: (tx: Tx, row: Invitation, log: ChangeLog) => Promise<Result<T, E>>,
  ): Promise<Result<T, E | InvalidTokenError>> {
    let rejected: { reason: string; organizationId?: string } | undefined;
    const result = await changes.changing<T, E | InvalidTokenError>(async (tx, log) => {
      const found = await pendingByToken(tx, token, true);
      if (!found.row) {
        rejected = { reason: found.reason, organizationId: found.organizationId };
        return fail(new InvalidTokenError());
      }
      return work(tx, found.row, log);
    });
    if (rejected) await recordRejectedToken(actor, rejected.reason, rejected.organizationId);
    else await limits.tokenAccepted(actor);
    return result;
  }

  /**
   * Who accepts, the mailbox proof already checked where it is needed. Signed in: the viewer, whose
   * email must be the invited one (and becomes verified if it was not). Anonymous: the mailbox's
   * owner, as a new verified account, or taking over an unverified account that someone made with
   * the address and never proved: its password is replaced and its sessions end.
   */
  async function acceptingUser(
    tx: Tx,
    row: Invitation,
    viewer: User | null,
    fresh: { name?: string | null; passwordHash: string | null },
  ): Promise<Result<{ user: User; signIn?: 'created' | 'reclaimed' }, EmailMismatchError | AccountExistsError>> {
    if (viewer) {
      if (!sameAddress(viewer.email, row.email)) return fail(new EmailMismatchError());
      return ok({ user: viewer.emailVerified ? viewer : await markEmailVerified(tx, viewer.id) });
    }
    const name = fresh.name?.trim() || row.email;
    const existing = await userByEmailLocked(tx, row.email);
    if (existing?.emailVerified || (existing && !fresh.passwordHash)) return fail(new AccountExistsError());
    if (existing && fresh.passwordHash) {
      const user = await claimAccount(tx, existing.id, { passwordHash: fresh.passwordHash, name });
      return ok({ user, signIn: 'reclaimed' });
    }
    // Another link to this address may be accepted at the same moment: one account wins.
    const inserted = await insertUser(tx, {
      email: row.email,
      name,
      passwordHash: fresh.passwordHash,
      emailVerified: true,
    });
    return inserted ? ok({ user: inserted, signIn: 'created' }) : fail(new AccountExistsError());
  }

  /** The accept itself, once the token holds: the membership, the ACCEPTED row, its event and audit rows. */
  async function join(
    tx: Tx,
    log: ChangeLog,
    row: Invitation,
    user: User,
    signIn: 'created' | 'reclaimed' | undefined,
    actor: Actor,
  ) {
    const membershipId = await insertMembership(tx, {
      organizationId: row.organizationId,
      userId: user.id,
      role: row.role,
      permissions: row.permissions,
    });
    const invitation = await closeInvitation(tx, row.id, {
      status: 'ACCEPTED',
      acceptedById: user.id,
      at: clock.now(),
    });
    const by = { ...actor, userId: user.id };
    await appendEvent(tx, log, invitation, { type: 'ACCEPTED', at: clock.now(), actorId: user.id });
    await audit.record(tx, by, {
      organizationId: invitation.organizationId,
      action: 'invitation.accepted',
      targetType: 'Invitation',
      targetId: invitation.id,
      data: { before: { status: 'PENDING' }, after: { status: 'ACCEPTED', role: invitation.role, userId: user.id } },
    });
    if (signIn) {
      await audit.record(tx, by, {
        action: signIn === 'created' ? 'user.signed_up' : 'user.reclaimed',
        targetType: 'User',
        targetId: user.id,
        data: { via: 'invitation' },
      });
    }
    return { invitation, membershipId };
  }

  return {
    /** The public preview behind a link; never consumes the token. */
    async preview(token: string, actor: Actor): Promise<Result<Preview, TooManyAttemptsError | InvalidTokenError>> {
      const blocked = await limits.countTokenAttempt(actor);
      if (blocked) return fail(blocked);
      const found = await pendingByToken(db, token, false);
      if (!found.row) {
        await recordRejectedToken(actor, found.reason, found.organizationId);
        return fail(new InvalidTokenError());
      }
      await limits.tokenAccepted(actor);
      const names = await previewNames(db, found.row);
      return ok({
        invitation: found.row,
        organizationName: names?.organizationName ?? '',
        inviterName: names?.inviterName ?? null,
        maskedEmail: maskEmail(found.row.email),
      });
    },

    /** What the addressee of open invitations may see of them: their previews, newest first. */
    async pendingFor(user: User): Promise<Preview[]> {
      // An address nobody proved is not a mailbox: its invitations are the mailbox's to see.
      if (!user.emailVerified) return [];
      const rows = await pendingPreviewRows(db, user.email, clock.now());
      return rows.map((row) => ({ ...row, maskedEmail: maskEmail(row.invitation.email) }));
    },

    async accept(
      input: { token: string; proof?: string | null; name?: string | null; password?: string | null },
      viewer: User | null,
      actor: Actor,
    ): Promise<Result<Accepted, AcceptError>> {
      if (!viewer) {
        const issues = passwordlessIssues(input);
        if (issues.length > 0) return fail(new InvalidInputError(issues));
      }
      // The inviter saw the link but not the proof: without a verified account, only the mailbox joins.
      if (!viewer?.emailVerified && !proofs.matches(input.token, input.proof)) {
        return fail(new MailboxProofRequiredError());
      }
      // Refuse a blocked address before the costly password hash.
      const blocked = await limits.countTokenAttempt(actor);
      if (blocked) return fail(blocked);
      const passwordHash = !viewer && input.password ? await hashPassword(input.password) : null;
      type Joined = Omit<Accepted, 'signedIn'> & { created?: User };
      type Refusal = EmailMismatchError | AccountExistsError | AlreadyMemberError;
      const result = await withToken(input.token, actor, async (tx, row, log): Promise<Result<Joined, Refusal>> => {
        const accepting = await acceptingUser(tx, row, viewer, { name: input.name, passwordHash });
        if (!accepting.ok) return accepting;
        const { user, signIn } = accepting.value;
        if (await isMember(tx, row.organizationId, user.id)) return fail(new AlreadyMemberError());
        return ok({ ...(await join(tx, log, row, user, signIn, actor)), created: signIn ? user : undefined });
      });
      if (!result.ok) return result;
      const { created, ...joined } = result.value;
      return ok({ ...joined, signedIn: created ? await accounts.signIn(created) : null });
    },

    async decline(
      input: { token: string; reason?: string | null },
      viewer: User | null,
      actor: Actor,
    ): Promise<Result<Invitation, DeclineError>> {
      const blocked = await limits.countTokenAttempt(actor);
      if (blocked) return fail(blocked);
      return withToken(input.token, actor, async (tx, row, log): Promise<Result<Invitation, EmailMismatchError>> => {
        if (viewer && !sameAddress(viewer.email, row.email)) return fail(new EmailMismatchError());
        const by = viewer?.id ?? null;
        const invitation = await closing.close(tx, log, row, { status: 'DECLINED', by, actor, reason: input.reason });
        return ok(invitation);
      });
    },
  };
}
