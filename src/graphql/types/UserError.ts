// Expected failures as schema types: every one implements UserError { code, message }.
import { PothosValidationError } from '@pothos/core';
import { InputValidationError, type StandardSchemaV1 } from '@pothos/plugin-validation';
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

/** The error types every mutation can return, besides its own. */
export const inputErrors = [InputValidationError, PothosValidationError];
