// Expected refusals of the invitation lifecycle; each becomes a typed result in the schema.
import type { InvitationStatus } from '../db/schema/index.js';
import { DomainError } from '../lib/errors.js';

export class AlreadyMemberError extends DomainError {
  readonly code = 'ALREADY_MEMBER';
  constructor() {
    super('This person is already a member of the organization');
  }
}

export class PendingInvitationExistsError extends DomainError {
  readonly code = 'PENDING_INVITATION_EXISTS';
  constructor(readonly invitationId: string) {
    super('A pending invitation to this email already exists; resend it instead');
  }
}

export class SelfInviteError extends DomainError {
  readonly code = 'SELF_INVITE';
  constructor() {
    super('You cannot invite yourself');
  }
}

export class CustomMessagesDisabledError extends DomainError {
  readonly code = 'CUSTOM_MESSAGES_DISABLED';
  constructor() {
    super('Custom messages are switched off');
  }
}

export class PermissionNotHeldError extends DomainError {
  readonly code = 'PERMISSION_NOT_HELD';
  constructor(readonly permissions: string[]) {
    super(`You cannot grant permissions you do not hold: ${permissions.join(', ')}`);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly retryAfter: number,
    readonly scope: 'ORGANIZATION' | 'INVITER',
  ) {
    super(
      `Invitation limit reached for this ${scope === 'ORGANIZATION' ? 'organization' : 'inviter'}; try again in ${retryAfter} seconds`,
    );
  }
}

export class InvalidTokenError extends DomainError {
  readonly code = 'INVALID_TOKEN';
  constructor() {
    // One message for unknown, expired, used and cancelled tokens alike.
    super('This invitation link is not valid');
  }
}

export class EmailMismatchError extends DomainError {
  readonly code = 'EMAIL_MISMATCH';
  constructor() {
    super('This invitation was sent to another email address; sign in with that address to accept it');
  }
}

export class AccountExistsError extends DomainError {
  readonly code = 'ACCOUNT_EXISTS';
  constructor() {
    super('An account already uses the invited email; sign in to accept');
  }
}

export class MailboxProofRequiredError extends DomainError {
  readonly code = 'MAILBOX_PROOF_REQUIRED';
  constructor() {
    super(
      'Open the link from the invitation email to join without an account, or sign in with an account whose email is verified',
    );
  }
}

export class InvitationNotPendingError extends DomainError {
  readonly code = 'INVITATION_NOT_PENDING';
  constructor(readonly status: InvitationStatus) {
    super(`The invitation is ${status.toLowerCase()}, no longer pending`);
  }
}

export class ResendCooldownError extends DomainError {
  readonly code = 'RESEND_COOLDOWN';
  constructor(readonly retryAfter: number) {
    super(`The invitation was sent moments ago; resend in ${retryAfter} seconds`);
  }
}

export class ResendLimitError extends DomainError {
  readonly code = 'RESEND_LIMIT';
  constructor(readonly retryAfter: number) {
    super(`Too many resends to this recipient today; try again in ${retryAfter} seconds`);
  }
}

export class IdempotencyConflictError extends DomainError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor() {
    super('This idempotency key was already used with a different request');
  }
}
