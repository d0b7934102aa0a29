// The send checks shared by the dry run and the real send, in the order they are reported: who
// may invite, what they may grant, what the configuration allows and whom the address reaches.
// Also who may manage an existing invitation. The role rules come from auth/policy; the facts
// from the store (for a send, read in one statement).
import { canManage, permissionsNotHeld, roleWithinReach } from '../auth/policy.js';
import type { Config } from '../config.js';
import type { Tx } from '../db/client.js';
import type { MemberRole } from '../db/schema/index.js';
import {
  type DomainError,
  fail,
  InvalidInputError,
  NotFoundError,
  ok,
  type Result,
  RoleNotAllowedError,
} from '../lib/errors.js';
import {
  AlreadyMemberError,
  CustomMessagesDisabledError,
  PendingInvitationExistsError,
  PermissionNotHeldError,
  type RateLimitedError,
  SelfInviteError,
} from './errors.js';
import { type Invitation, invitationById, membershipOf, type SendFacts } from './store.js';

export type PolicyConfig = Pick<
  Config,
  'CUSTOM_MESSAGES_ENABLED' | 'INVITATION_EXPIRY_DAYS_DEFAULT' | 'INVITATION_EXPIRY_DAYS_MAX'
>;

/** Every refusal of the send policy. */
export type PolicyRefusal =
  | NotFoundError
  | RoleNotAllowedError
  | PermissionNotHeldError
  | CustomMessagesDisabledError
  | InvalidInputError
  | SelfInviteError
  | AlreadyMemberError
  | PendingInvitationExistsError;

/** One rule a new invitation must pass, with the error a send would refuse with. */
export interface Check<E extends DomainError = PolicyRefusal | RateLimitedError> {
  code: string;
  passed: boolean;
  message: string;
  error?: E;
}

export const check = <E extends DomainError>(code: string, failure: E | null, passMessage: string): Check<E> =>
  failure
    ? { code, passed: false, message: failure.message, error: failure }
    : { code, passed: true, message: passMessage };

/** The expiry asked for, else the default. */
export const expiryDays = (expiresInDays: number | null | undefined, config: PolicyConfig) =>
  expiresInDays ?? config.INVITATION_EXPIRY_DAYS_DEFAULT;

/** Refuses an expiry past the configured maximum (send and resend alike). */
export const expiryRefusal = (days: number, config: PolicyConfig): InvalidInputError | null =>
  days > config.INVITATION_EXPIRY_DAYS_MAX
    ? new InvalidInputError([
        {
          path: ['input', 'expiresInDays'],
          message: `Expiry must be at most ${config.INVITATION_EXPIRY_DAYS_MAX} days`,
        },
      ])
    : null;

export interface PolicyInput {
  email: string;
  role: MemberRole;
  message?: string | null;
  permissions?: string[] | null;
  expiresInDays?: number | null;
}

export function policyChecks(facts: SendFacts, input: PolicyInput, config: PolicyConfig): Check<PolicyRefusal>[] {
  if (!facts) return [check('ORGANIZATION', new NotFoundError('Organization'), 'Organization found')];
  const days = expiryDays(input.expiresInDays, config);
  return [
    check(
      'INVITER_ROLE',
      canManage(facts.role) ? null : new RoleNotAllowedError('Only owners and admins can invite'),
      'You may invite people',
    ),
    check('ROLE_ALLOWED', roleRefusal(facts, input.role), `You may grant the ${input.role} role`),
    check('PERMISSIONS_HELD', notHeld(facts, input.permissions ?? []), 'You hold every permission you grant'),
    check(
      'MESSAGES_ENABLED',
      input.message && !config.CUSTOM_MESSAGES_ENABLED ? new CustomMessagesDisabledError() : null,
      'Message allowed',
    ),
    check('EXPIRY_ALLOWED', expiryRefusal(days, config), `Expires in ${days} days`),
    check('NOT_SELF', input.email === facts.email.toLowerCase() ? new SelfInviteError() : null, 'Not yourself'),
    check('NOT_MEMBER', facts.memberId ? new AlreadyMemberError() : null, 'Not a member yet'),
    check(
      'NO_PENDING_INVITATION',
      facts.pendingId ? new PendingInvitationExistsError(facts.pendingId) : null,
      'No pending invitation to this email',
    ),
  ];
}

/** Whoever hands out an invitation's link: their role and permissions in its organisation now. */
export interface Granter {
  role: MemberRole;
  permissions: readonly string[];
}

const roleRefusal = (granter: Granter, role: MemberRole) =>
  roleWithinReach(granter.role, role) ? null : new RoleNotAllowedError('Only an owner can invite an owner');

function notHeld(granter: Granter, granted: readonly string[]): PermissionNotHeldError | null {
  const missing = permissionsNotHeld(granter, granted);
  return missing.length > 0 ? new PermissionNotHeldError(missing) : null;
}

/**
 * What refuses `granter` a new link to `invitation` now (a resend mints one): the same role and
 * permission rules as a send, checked against the granter's rights at this moment.
 */
export const grantRefusal = (
  granter: Granter,
  invitation: Pick<Invitation, 'role' | 'permissions'>,
): RoleNotAllowedError | PermissionNotHeldError | null =>
  roleRefusal(granter, invitation.role) ?? notHeld(granter, invitation.permissions);

/** The refusal of the first check that failed, if any failed. */
export const firstRefusal = <E extends DomainError>(checks: Check<E>[]): E | undefined =>
  checks.find((c) => !c.passed)?.error;

/** The invitation `id`, locked, if the actor may manage it (an owner or admin of its organisation). */
export async function managedInvitation(
  tx: Tx,
  id: string,
  actor: { userId: string },
): Promise<Result<{ invitation: Invitation; manager: Granter }, NotFoundError>> {
  const invitation = await invitationById(tx, id, true);
  const manager = invitation && (await membershipOf(tx, invitation.organizationId, actor.userId));
  if (!invitation || !manager || !canManage(manager.role)) return fail(new NotFoundError('Invitation'));
  return ok({ invitation, manager });
}
