// The one place for what the console says when something goes wrong: each typed error of the API
// in plain words, and which field of a form it belongs beside.

/** Any typed error the API answers with (a UserError with some of its extra fields). */
export interface ApiError {
  __typename: string;
  code?: string;
  message?: string;
  retryAfter?: number;
  permissions?: string[];
  issues?: { path: string[]; message: string }[];
}

/** Messages keyed by the form field they belong beside; `form` is the whole form's. */
export type FieldErrors = Record<string, string>;

export const OFFLINE = 'We could not reach the server. Check your connection and try again.';

const wait = (seconds: number | undefined) => {
  if (!seconds || seconds <= 0) return 'Try again in a moment.';
  if (seconds < 90) return `Try again in ${seconds} seconds.`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `Try again in ${minutes} minutes.`;
  return `Try again in ${Math.ceil(minutes / 60)} hours.`;
};

/** Where each error goes, and what it says there. */
const WORDING: Record<string, (error: ApiError) => [field: string, text: string]> = {
  EmailTakenError: () => ['email', 'An account already uses this email. Log in instead, or use another email.'],
  InvalidCredentialsError: () => ['password', 'The email or the password is wrong.'],
  TooManyAttemptsError: (e) => ['form', `Too many failed attempts. ${wait(e.retryAfter)}`],
  AlreadyMemberError: () => ['email', 'This person is already a member of the organization.'],
  SelfInviteError: () => ['email', 'You cannot invite your own email.'],
  PendingInvitationExistsError: () => [
    'email',
    'An invitation to this email is already waiting for an answer. Resend it from the list instead.',
  ],
  RoleNotAllowedError: () => ['role', 'Your role does not allow granting this role. Only owners may invite owners.'],
  PermissionNotHeldError: (e) => [
    'permissions',
    `You can only grant permissions you hold yourself${e.permissions?.length ? `; you lack ${e.permissions.join(', ')}` : ''}.`,
  ],
  CustomMessagesDisabledError: () => [
    'message',
    'Personal messages are switched off on this server. Remove the message to send.',
  ],
  RateLimitedError: (e) => ['form', `Too many invitations were sent recently. ${wait(e.retryAfter)}`],
  ResendCooldownError: (e) => ['form', `The last email went out moments ago. ${wait(e.retryAfter)}`],
  ResendLimitError: () => ['form', 'This person has been sent as many emails today as allowed. Try again tomorrow.'],
  InvitationNotPendingError: () => [
    'form',
    'This invitation was already answered, cancelled, or has expired, so it cannot change any more.',
  ],
  IdempotencyConflictError: () => ['form', 'This request clashes with an earlier one. Reload the page and try again.'],
  NotFoundError: () => ['form', 'This no longer exists, or you may not see it. Reload the page.'],
  InvalidIdError: () => ['form', 'This no longer exists, or you may not see it. Reload the page.'],
  LastOwnerError: () => [
    'form',
    'An organization always needs an owner. Make someone else an owner first, then change this one.',
  ],
};

/** The field an InputValidationError issue belongs to: the last name in its path (["input","email"] → email). */
const fieldOfPath = (path: string[]) => [...path].reverse().find((part) => !/^\d+$/.test(part)) ?? 'form';

/** The messages to show for `error`, by field. */
export function explain(error: ApiError): FieldErrors {
  if (error.__typename === 'InputValidationError' && error.issues?.length) {
    const errors: FieldErrors = {};
    for (const issue of error.issues) {
      const field = fieldOfPath(issue.path);
      errors[field] = errors[field] ? `${errors[field]} ${sentence(issue.message)}` : sentence(issue.message);
    }
    return errors;
  }
  const wording = WORDING[error.__typename];
  if (wording) {
    const [field, text] = wording(error);
    return { [field]: text };
  }
  return { form: error.message ? sentence(error.message) : 'Something went wrong. Try again.' };
}

/** All of an error's messages in one line, for places without fields (a row of a bulk send, a list row). */
export const explainInline = (error: ApiError) => Object.values(explain(error)).join(' ');

const sentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** Which field of the send form each dry-run check of validateInvitation is about. */
export const CHECK_FIELD: Record<string, string> = {
  EMAIL_VALID: 'email',
  NOT_MEMBER: 'email',
  NOT_SELF: 'email',
  NO_PENDING_INVITATION: 'email',
  ROLE_ALLOWED: 'role',
  PERMISSIONS_VALID: 'permissions',
  PERMISSIONS_HELD: 'permissions',
  PHONE_VALID: 'phone',
  MESSAGES_ENABLED: 'message',
  MESSAGE_VALID: 'message',
  EXPIRES_IN_DAYS_VALID: 'expiresInDays',
  EXPIRY_ALLOWED: 'expiresInDays',
  INVITER_ROLE: 'form',
  ORGANIZATION: 'form',
  RATE_LIMIT: 'form',
  METADATA_VALID: 'form',
};

/** The failed checks' messages by field, worded as sendInvitation's refusals would be when it maps one. */
export function explainChecks(checks: { code: string; passed: boolean; message: string; errorCode?: string | null }[]) {
  const errors: FieldErrors = {};
  for (const check of checks) {
    if (check.passed) continue;
    const field = CHECK_FIELD[check.code] ?? 'form';
    const text = sentence(check.message);
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  }
  return errors;
}

/** Words for the statuses the API reports. */
export const STATUS_WORDS: Record<string, string> = {
  PENDING: 'Pending',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
  VALIDATING: 'Validating',
  SENDING: 'Sending',
  SENT: 'Sent',
  DELIVERED: 'Delivered',
  BOUNCED: 'Bounced',
  FAILED: 'Failed',
  REJECTED: 'Rejected',
};
