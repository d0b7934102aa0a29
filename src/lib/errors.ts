// Expected failures are values of these classes; the GraphQL layer turns each into a typed result.

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export type Result<T, E extends DomainError = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E extends DomainError>(error: E): { ok: false; error: E } => ({ ok: false, error });

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  constructor() {
    super('An account with this email already exists');
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('Email or password is incorrect');
  }
}

export class TooManyAttemptsError extends DomainError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  constructor(readonly retryAfter: number) {
    super(`Too many attempts; try again in ${retryAfter} seconds`);
  }
}

export class RoleNotAllowedError extends DomainError {
  readonly code = 'ROLE_NOT_ALLOWED';
}

export class LastOwnerError extends DomainError {
  readonly code = 'LAST_OWNER';
  constructor() {
    super('An organization must keep at least one owner');
  }
}

export interface InputIssue {
  path: (string | number)[];
  message: string;
}

export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  constructor(readonly issues: InputIssue[]) {
    super(`Invalid input: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
}

export class InvalidAccountLinkError extends DomainError {
  readonly code = 'INVALID_ACCOUNT_LINK';
  constructor() {
    // One message for unknown, expired, used and someone else's links alike.
    super('This link is not valid: it is unknown, expired or already used; ask for a new one');
  }
}
