// Expected failures as schema types: every one implements UserError { code, message }.
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
  PendingInvitationExistsError,
  PermissionNotHeldError,
  RateLimitedError,
  ResendCooldownError,
  ResendLimitError,
  SelfInviteError,
} from '../../invitations/errors.js';
import {
  DomainError,
  EmailTakenError,
  InvalidCredentialsError,
  LastOwnerError,
  NotFoundError,
  RoleNotAllowedError,
  TooManyAttemptsError,
} from '../../lib/errors.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { InvitationStatus } from './InvitationStatus.js';

export const UserError = builder.interfaceRef<Error>('UserError').implement({
  description: 'An expected failure: a stable code for programs and a message for people',
  fields: (t) => ({
    code: t.string({ resolve: (error) => (error instanceof DomainError ? error.code : 'INVALID_INPUT') }),
    message: t.exposeString('message'),
  }),
});

const InputIssue = builder.objectRef<StandardSchemaV1.Issue>('InputIssue').implement({
  description: 'One problem with the input, and where it is',
  fields: (t) => ({
    message: t.exposeString('message'),
    path: t.stringList({
      description: 'Path to the offending value, e.g. ["input", "email"]',
      resolve: (issue) => (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)),
    }),
  }),
});

builder.objectType(InputValidationError, {
  name: 'InputValidationError',
  description: 'The input was refused; nothing was changed',
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof InputValidationError,
  fields: (t) => ({
    code: t.string({ resolve: () => 'INVALID_INPUT' }),
    issues: t.field({ type: [InputIssue], resolve: (error) => [...error.issues] }),
  }),
});

builder.objectType(PothosValidationError, {
  name: 'InvalidIdError',
  description: 'An id argument is malformed or names the wrong type',
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof PothosValidationError && !(value instanceof InputValidationError),
  fields: (t) => ({ code: t.string({ resolve: () => 'INVALID_ID' }) }),
});

const plainErrors: [abstract new (...args: never[]) => DomainError, string, string][] = [
  [NotFoundError, 'NotFoundError', 'No such object, or not one the viewer may see'],
  [EmailTakenError, 'EmailTakenError', 'An account already uses this email'],
  [InvalidCredentialsError, 'InvalidCredentialsError', 'The email or the password is wrong'],
  [RoleNotAllowedError, 'RoleNotAllowedError', 'The viewer’s role does not allow this change'],
  [LastOwnerError, 'LastOwnerError', 'The change would leave the organization without an owner'],
  [AlreadyMemberError, 'AlreadyMemberError', 'The person is already a member of the organization'],
  [SelfInviteError, 'SelfInviteError', 'Inviters cannot invite themselves'],
  [CustomMessagesDisabledError, 'CustomMessagesDisabledError', 'Custom messages are switched off here'],
  [InvalidTokenError, 'InvalidTokenError', 'The invitation link is unknown, expired, used or withdrawn'],
  [EmailMismatchError, 'EmailMismatchError', 'The invitation was sent to another email than the viewer’s'],
  [AccountExistsError, 'AccountExistsError', 'The invited email has an account: sign in to accept'],
  [IdempotencyConflictError, 'IdempotencyConflictError', 'The idempotency key was used with another request'],
  [FeatureDisabledError, 'FeatureDisabledError', 'The feature is switched off on this server'],
  [InvalidRangeError, 'InvalidRangeError', 'The range is reversed, too long or malformed'],
  [UnknownTimeZoneError, 'UnknownTimeZoneError', 'The time zone is not an IANA name this server knows'],
];
for (const [cls, name, description] of plainErrors) {
  // Each class becomes an object type carrying only the UserError fields.
  builder.objectType(cls as typeof NotFoundError, {
    name,
    description,
    interfaces: [UserError],
    isTypeOf: (value) => value instanceof cls,
    fields: () => ({}),
  });
}

builder.objectType(TooManyAttemptsError, {
  name: 'TooManyAttemptsError',
  description: 'Too many failed attempts; wait before trying again',
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof TooManyAttemptsError,
  fields: (t) => ({
    retryAfter: t.exposeInt('retryAfter', { description: 'Seconds until a new attempt is considered' }),
  }),
});

builder.objectType(PendingInvitationExistsError, {
  name: 'PendingInvitationExistsError',
  description: 'A pending invitation to this email exists; offer to resend it',
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof PendingInvitationExistsError,
  fields: (t) => ({
    invitationId: t.id({ resolve: (error) => encodeGlobalID('Invitation', error.invitationId) }),
  }),
});

builder.objectType(PermissionNotHeldError, {
  name: 'PermissionNotHeldError',
  description: 'Nobody grants permissions they do not hold',
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof PermissionNotHeldError,
  fields: (t) => ({ permissions: t.exposeStringList('permissions') }),
});

const RateLimitScope = builder.enumType('RateLimitScope', { values: ['ORGANIZATION', 'INVITER'] as const });

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  description: 'Too many invitations in a window, for the organization or for the inviter',
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof RateLimitedError,
  fields: (t) => ({
    retryAfter: t.exposeInt('retryAfter', { description: 'Seconds until the window reopens' }),
    scope: t.expose('scope', { type: RateLimitScope }),
  }),
});

builder.objectType(InvitationNotPendingError, {
  name: 'InvitationNotPendingError',
  description: 'The invitation was already accepted, declined, cancelled or has expired',
  interfaces: [UserError],
  isTypeOf: (value) => value instanceof InvitationNotPendingError,
  fields: (t) => ({ status: t.expose('status', { type: InvitationStatus }) }),
});

for (const [cls, name, description] of [
  [ResendCooldownError, 'ResendCooldownError', 'The last email went out moments ago'],
  [ResendLimitError, 'ResendLimitError', 'The daily number of resends to this recipient is used up'],
] as const) {
  builder.objectType(cls as typeof ResendCooldownError, {
    name,
    description,
    interfaces: [UserError],
    isTypeOf: (value) => value instanceof cls,
    fields: (t) => ({ retryAfter: t.exposeInt('retryAfter', { description: 'Seconds until it is allowed' }) }),
  });
}

/** The error types every mutation can return, besides its own. */
export const inputErrors = [InputValidationError, PothosValidationError];

/** What sending one invitation can refuse, for single and bulk sends alike. */
export const sendErrors = [
  ...inputErrors,
  NotFoundError,
  RoleNotAllowedError,
  PermissionNotHeldError,
  CustomMessagesDisabledError,
  SelfInviteError,
  AlreadyMemberError,
  PendingInvitationExistsError,
  RateLimitedError,
  IdempotencyConflictError,
];
