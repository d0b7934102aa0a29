// The one table from an error's code (a typed error's UserErrorCode, or a GraphQL error's
// extensions.code) to the HTTP status a REST client expects. Every UserErrorCode has a row (the
// tests check); a code not listed is a bug and answers 500.
export const statusByCode: Readonly<Record<string, number>> = {
  // GraphQL errors
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  QUERY_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  TOO_MANY_DIRECTIVES: 400,
  QUERY_TOO_COSTLY: 400,
  QUERY_TOO_LARGE: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  DATABASE_UNAVAILABLE: 503,
  // Typed errors (UserErrorCode)
  INVALID_INPUT: 400,
  INVALID_ID: 400,
  INVALID_RANGE: 400,
  UNKNOWN_TIME_ZONE: 400,
  SELF_INVITE: 400,
  CUSTOM_MESSAGES_DISABLED: 400,
  INVALID_CREDENTIALS: 401,
  ROLE_NOT_ALLOWED: 403,
  PERMISSION_NOT_HELD: 403,
  EMAIL_MISMATCH: 403,
  MAILBOX_PROOF_REQUIRED: 403,
  FEATURE_DISABLED: 403,
  NOT_FOUND: 404,
  INVALID_TOKEN: 404,
  INVALID_ACCOUNT_LINK: 404,
  PENDING_INVITATION_EXISTS: 409,
  IDEMPOTENCY_CONFLICT: 409,
  INVITATION_NOT_PENDING: 409,
  ALREADY_MEMBER: 409,
  ACCOUNT_EXISTS: 409,
  EMAIL_TAKEN: 409,
  LAST_OWNER: 409,
  RATE_LIMITED: 429,
  RESEND_COOLDOWN: 429,
  RESEND_LIMIT: 429,
  TOO_MANY_ATTEMPTS: 429,
};

export const statusOf = (code: string): number => statusByCode[code] ?? 500;
