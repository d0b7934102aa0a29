// Expected failures as schema types: every one implements UserError { code, message }, and the
// codes form one closed enum, UserErrorCode, built from the same table as the types.
import { PothosValidationError } from '@pothos/core';
import { InputValidationError, type StandardSchemaV1 } from '@pothos/plugin-validation';
import { FeatureDisabledError, InvalidRangeError, UnknownTimeZoneError } from '../../analytics/errors.js';
import {
  AccountExistsError,
  AlreadyMemberError,
  CustomMessagesDisabledError,
  EmailMismatchError,
  IdempotencyConflictError,
  InvalidTokenError,
  InvitationNotPendingError,
  MailboxProofRequiredError,
  PendingInvitationExistsError,
  PermissionNotHeldError,
  RateLimitedError,
  ResendCooldownError,
  ResendLimitError,
  SelfInviteError,
} from '../../invitations/errors.js';
import {
  type DomainError,
  EmailTakenError,
  InvalidAccountLinkError,
  InvalidCredentialsError,
  LastOwnerError,
  NotFoundError,
  RoleNotAllowedError,
  TooManyAttemptsError,
} from '../../lib/errors.js';
import { TooManyWebhookEndpointsError, WebhookUrlRefusedError } from '../../webhooks/errors.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { InvitationStatus } from './InvitationStatus.js';

type DomainErrorClass = abstract new (...args: never[]) => DomainError;

interface ErrorType<C extends DomainErrorClass = DomainErrorClass> {
  cls: C;
  name: string;
  code: InstanceType<C>['code'];
  description: string;
}

const errorType = <C extends DomainErrorClass>(
  cls: C,
  name: string,
  code: InstanceType<C>['code'],
  description: string,
): ErrorType<C> => ({ cls, name, code, description });

// Every expected failure of the API. The first two are made by the validation plugin, the rest by
// the services; each row is a type, and its code a value of UserErrorCode.
const pluginErrors = [
  { name: 'InputValidationError', code: 'INVALID_INPUT', description: 'The input was refused; nothing was changed.' },
  {
    name: 'InvalidIdError',
    code: 'INVALID_ID',
    description: 'An id argument is malformed or names an object of another type.',
  },
] as const;

const domainErrors = [
  errorType(NotFoundError, 'NotFoundError', 'NOT_FOUND', 'No such object, or not one the viewer may see.'),
  errorType(EmailTakenError, 'EmailTakenError', 'EMAIL_TAKEN', 'An account already uses this email.'),
  errorType(
    InvalidCredentialsError,
    'InvalidCredentialsError',
    'INVALID_CREDENTIALS',
    'The email or the password is wrong (which one is not said).',
  ),
  errorType(
    TooManyAttemptsError,
    'TooManyAttemptsError',
    'TOO_MANY_ATTEMPTS',
    'Too many failed attempts from this account or address; wait before trying again.',
  ),
  errorType(RoleNotAllowedError, 'RoleNotAllowedError', 'ROLE_NOT_ALLOWED', 'The viewer’s role does not allow this.'),
  errorType(
    LastOwnerError,
    'LastOwnerError',
    'LAST_OWNER',
    'The change would leave the organization without an owner.',
  ),
  errorType(
    AlreadyMemberError,
    'AlreadyMemberError',
    'ALREADY_MEMBER',
    'The person is already a member of the organization.',
  ),
  errorType(SelfInviteError, 'SelfInviteError', 'SELF_INVITE', 'Inviters cannot invite their own email.'),
  errorType(
    CustomMessagesDisabledError,
    'CustomMessagesDisabledError',
    'CUSTOM_MESSAGES_DISABLED',
    'Custom messages are switched off on this server; send without one.',
  ),
  errorType(
    PermissionNotHeldError,
    'PermissionNotHeldError',
    'PERMISSION_NOT_HELD',
    'Nobody grants permissions they do not hold themselves.',
  ),
  errorType(
    PendingInvitationExistsError,
    'PendingInvitationExistsError',
    'PENDING_INVITATION_EXISTS',
    'A pending invitation to this email exists already; offer to resend it.',
  ),
  errorType(
    RateLimitedError,
    'RateLimitedError',
    'RATE_LIMITED',
    'Too many invitations in an hourly, daily or weekly window, for the organization or the inviter.',
  ),
  errorType(
    InvalidTokenError,
    'InvalidTokenError',
    'INVALID_TOKEN',
    'The invitation link is unknown, expired, used or withdrawn (which one is not said).',
  ),
  errorType(
    EmailMismatchError,
    'EmailMismatchError',
    'EMAIL_MISMATCH',
    'The invitation was sent to another email than the signed-in viewer’s.',
  ),
  errorType(
    AccountExistsError,
    'AccountExistsError',
    'ACCOUNT_EXISTS',
    'The invited email has an account: sign in with it to accept.',
  ),
  errorType(
    MailboxProofRequiredError,
    'MailboxProofRequiredError',
    'MAILBOX_PROOF_REQUIRED',
    'Accepting without a verified account needs the link from the invitation email itself (its proof), not the link the inviter was shown.',
  ),
  errorType(
    InvalidAccountLinkError,
    'InvalidAccountLinkError',
    'INVALID_ACCOUNT_LINK',
    'The password reset or email verification link is unknown, expired, used or another account’s (which one is not said).',
  ),
  errorType(
    InvitationNotPendingError,
    'InvitationNotPendingError',
    'INVITATION_NOT_PENDING',
    'The invitation was already accepted, declined or cancelled, or has expired.',
  ),
  errorType(ResendCooldownError, 'ResendCooldownError', 'RESEND_COOLDOWN', 'The last email went out moments ago.'),
  errorType(
    ResendLimitError,
    'ResendLimitError',
    'RESEND_LIMIT',
    'The daily number of resends to this recipient is used up.',
  ),
  errorType(
    IdempotencyConflictError,
    'IdempotencyConflictError',
    'IDEMPOTENCY_CONFLICT',
    'The idempotency key was used within 24 hours with a different request.',
  ),
  errorType(FeatureDisabledError, 'FeatureDisabledError', 'FEATURE_DISABLED', 'The feature is switched off here.'),
  errorType(
    InvalidRangeError,
    'InvalidRangeError',
    'INVALID_RANGE',
    'The range is reversed, longer than two years or malformed.',
  ),
  errorType(
    UnknownTimeZoneError,
    'UnknownTimeZoneError',
    'UNKNOWN_TIME_ZONE',
    'The time zone is not an IANA name this server knows.',
  ),
  errorType(
    WebhookUrlRefusedError,
    'WebhookUrlRefusedError',
    'WEBHOOK_URL_REFUSED',
    'The webhook URL is not https (in production), carries credentials, does not resolve, or resolves to a loopback, private, link-local or metadata address.',
  ),
  errorType(
    TooManyWebhookEndpointsError,
    'TooManyWebhookEndpointsError',
    'TOO_MANY_WEBHOOK_ENDPOINTS',
    'The organization has as many webhook endpoints as it may (WEBHOOK_ENDPOINTS_PER_ORGANIZATION).',
  ),
];

export const UserErrorCode = builder.enumType('UserErrorCode', {
  description: 'The stable code of an expected failure; one value per error type, named in its description.',
  values: Object.fromEntries(
    [...pluginErrors, ...domainErrors].map((e) => [e.code, { description: `${e.name}: ${e.description}` }]),
  ),
});

export const UserError = builder.interfaceRef<Error>('UserError').implement({
  description:
    'An expected failure, answered as data instead of the value: a stable code for programs and a message for people.',
  fields: (t) => ({
    code: t.field({
      type: UserErrorCode,
      description: 'What went wrong, for programs; never changes for a given error type.',
      resolve: (error) =>
        error instanceof InputValidationError
          ? 'INVALID_INPUT'
          : error instanceof PothosValidationError
            ? 'INVALID_ID'
            : (error as DomainError).code,
    }),
    message: t.exposeString('message', { description: 'What went wrong, in a sentence for people (English).' }),
  }),
});

const InputIssue = builder.objectRef<StandardSchemaV1.Issue>('InputIssue').implement({
  description: 'One problem with the input, and where it is.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What is wrong with the value, for people.' }),
    path: t.stringList({
      description: 'Path to the offending value from the argument, e.g. ["input", "email"].',
      resolve: (issue) => (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)),
    }),
  }),
});

builder.objectType(InputValidationError, {
  name: pluginErrors[0].name,
  description: pluginErrors[0].description,
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof InputValidationError,
  fields: (t) => ({
    issues: t.field({
      type: [InputIssue],
      description: 'Every problem found, each with its path.',
      resolve: (error) => [...error.issues],
    }),
  }),
});

builder.objectType(PothosValidationError, {
  name: pluginErrors[1].name,
  description: pluginErrors[1].description,
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof PothosValidationError && !(value instanceof InputValidationError),
  fields: () => ({}),
});

const RateLimitScope = builder.enumType('RateLimitScope', {
  description: 'Whose limit was reached.',
  values: {
    ORGANIZATION: { description: 'The organization’s limit, shared by all its inviters.' },
    INVITER: { description: 'The signed-in inviter’s own limit.' },
  } as const,
});

const retryAfter = 'Seconds until a new attempt can succeed.';

for (const { cls, name, description } of domainErrors) {
  builder.objectType(cls as typeof NotFoundError, {
    name,
    description,
    interfaces: [UserError],
    isTypeOf: (value) => value instanceof cls,
    fields: () => ({}),
  });
}

builder.objectFields(TooManyAttemptsError, (t) => ({
  retryAfter: t.exposeInt('retryAfter', { description: retryAfter }),
}));
builder.objectFields(ResendCooldownError, (t) => ({
  retryAfter: t.exposeInt('retryAfter', { description: retryAfter }),
}));
builder.objectFields(ResendLimitError, (t) => ({
  retryAfter: t.exposeInt('retryAfter', { description: retryAfter }),
}));
builder.objectFields(RateLimitedError, (t) => ({
  retryAfter: t.exposeInt('retryAfter', { description: retryAfter }),
  scope: t.expose('scope', { type: RateLimitScope, description: 'Whose window is full.' }),
}));
builder.objectFields(PendingInvitationExistsError, (t) => ({
  invitationId: t.id({
    description: 'The pending invitation, to resend instead.',
    resolve: (error) => encodeGlobalID('Invitation', error.invitationId),
  }),
}));
builder.objectFields(PermissionNotHeldError, (t) => ({
  permissions: t.exposeStringList('permissions', { description: 'The permissions asked for that the inviter lacks.' }),
}));
builder.objectFields(TooManyWebhookEndpointsError, (t) => ({
  limit: t.exposeInt('limit', { description: 'How many endpoints an organization may have.' }),
}));
builder.objectFields(InvitationNotPendingError, (t) => ({
  status: t.expose('status', { type: InvitationStatus, description: 'Where the invitation stands now.' }),
}));
