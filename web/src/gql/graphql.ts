/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The link’s token, and for a new account its name and password. */
export type AcceptInvitationInput = {
  /** Needed when the caller is not signed in: the new account’s name. */
  name?: string | null | undefined;
  /** Needed when the caller is not signed in: the new account’s password, 10 to 128 characters. */
  password?: string | null | undefined;
  /** The `proof` from the fragment of the link in the invitation email (`#proof=…`), which the inviter never sees. Needed unless the caller is signed in with a verified email. */
  proof?: string | null | undefined;
  /** The secret token from the invitation link. */
  token: string;
};

/** Which invitation to withdraw, and why. */
export type CancelInvitationInput = {
  /** The pending invitation. */
  invitationId: string | number;
  /** Why, for the timeline and the audit log (not sent to the person); at most 500 characters. */
  reason?: string | null | undefined;
};

/** A new organization. */
export type CreateOrganizationInput = {
  /** Its name, shown to invitees. */
  name: string;
};

/** The link’s token, and why. */
export type DeclineInvitationInput = {
  /** Why, for the inviting organization; at most 500 characters. */
  reason?: string | null | undefined;
  /** The secret token from the invitation link. */
  token: string;
};

/** How the latest email of an invitation is doing: VALIDATING → SENDING → SENT → DELIVERED, or one of the endings BOUNCED, FAILED, REJECTED. */
export type DeliveryStatus =
  /** The mail provider reported it bounced. */
  | 'BOUNCED'
  /** The mail provider reported it delivered to the mailbox. */
  | 'DELIVERED'
  /** Given up after every retry; the timeline says why. */
  | 'FAILED'
  /** Not sent: the address is suppressed (an earlier hard bounce or complaint) or its domain is blocked. */
  | 'REJECTED'
  /** Being handed to the mail server (retried with backoff when it is unavailable). */
  | 'SENDING'
  /** The mail server took it. */
  | 'SENT'
  /** Queued; the address and the organization’s policy are being checked. */
  | 'VALIDATING';

/** A step from sending to joining. */
export type FunnelStep =
  /** The person joined. */
  | 'ACCEPTED'
  /** The link was followed. */
  | 'CLICKED'
  /** The mail provider reported it delivered. */
  | 'DELIVERED'
  /** The email was opened (tracking). */
  | 'OPENED'
  /** The email was handed to the mail server. */
  | 'SENT';

/** A rule a new invitation must pass. */
export type InvitationCheckCode =
  /** The email is well formed. */
  | 'EMAIL_VALID'
  /** The expiry is a whole number of days, at least 1. */
  | 'EXPIRES_IN_DAYS_VALID'
  /** The expiry is within the server’s maximum. */
  | 'EXPIRY_ALLOWED'
  /** The viewer is an owner or an admin, who may invite. */
  | 'INVITER_ROLE'
  /** Custom messages are on, or there is none. */
  | 'MESSAGES_ENABLED'
  /** The personal note is plain text within the length limit. */
  | 'MESSAGE_VALID'
  /** The metadata is a JSON object within the size limit. */
  | 'METADATA_VALID'
  /** The person is not a member already. */
  | 'NOT_MEMBER'
  /** The email is not the viewer’s own. */
  | 'NOT_SELF'
  /** No pending invitation to this email exists. */
  | 'NO_PENDING_INVITATION'
  /** The organization exists and the viewer belongs to it. */
  | 'ORGANIZATION'
  /** The viewer holds every permission granted. */
  | 'PERMISSIONS_HELD'
  /** The permissions are well formed and not too many. */
  | 'PERMISSIONS_VALID'
  /** The phone number is in E.164 form. */
  | 'PHONE_VALID'
  /** Sending now stays within the organization’s and the inviter’s limits. */
  | 'RATE_LIMIT'
  /** The viewer may grant the role (only owners grant OWNER). */
  | 'ROLE_ALLOWED';

/** What happened to an invitation. */
export type InvitationEventType =
  /** The person accepted and joined. */
  | 'ACCEPTED'
  /** The organization withdrew it. */
  | 'CANCELLED'
  /** Its link was followed from the email for the first time (with tracking on). */
  | 'CLICKED'
  /** It was sent for the first time. */
  | 'CREATED'
  /** The person declined. */
  | 'DECLINED'
  /** The mail provider delayed the email and will retry. */
  | 'DELIVERY_DEFERRED'
  /** Its email moved on: data holds the new delivery status and why. */
  | 'DELIVERY_STATUS_CHANGED'
  /** Its link ran out (recorded by the sweeper, within a minute of expiry). */
  | 'EXPIRED'
  /** Its email was opened for the first time (with tracking on). */
  | 'OPENED'
  /** It was sent again with a new link. */
  | 'RESENT';

/** Which invitations to list; every condition given must hold. */
export type InvitationFilter = {
  /** Created at or after this instant. */
  createdAfter?: string | null | undefined;
  /** Created before this instant. */
  createdBefore?: string | null | undefined;
  /** Any of these delivery statuses. */
  deliveryStatus?: Array<DeliveryStatus> | null | undefined;
  /** Part of the email, any case. */
  email?: string | null | undefined;
  /** Sent by this user. */
  invitedBy?: string | number | null | undefined;
  /** Any of these roles. */
  role?: Array<Role> | null | undefined;
  /** Any of these statuses, as they read now. */
  status?: Array<InvitationStatus> | null | undefined;
};

/** The order of a list of invitations; ties are broken by id. */
export type InvitationOrder =
  /** Oldest first. */
  | 'CREATED_AT_ASC'
  /** Newest first. */
  | 'CREATED_AT_DESC'
  /** By email, A to Z. */
  | 'EMAIL_ASC'
  /** Soonest to expire first. */
  | 'EXPIRES_AT_ASC';

/** Where an invitation stands. A pending invitation past its expiry reads as EXPIRED at once. */
export type InvitationStatus =
  /** The person joined the organization. */
  | 'ACCEPTED'
  /** Withdrawn by the organization. */
  | 'CANCELLED'
  /** The person said no. */
  | 'DECLINED'
  /** Its link ran out before anyone answered; resend to try again. */
  | 'EXPIRED'
  /** Sent and open: its link can be accepted or declined. */
  | 'PENDING';

/** An account’s credentials. */
export type LogInInput = {
  /** The account’s email, any case. */
  email: string;
  /** The account’s password. */
  password: string;
};

/** Whom to remove from which organization. */
export type RemoveMemberInput = {
  /** The organization. */
  organizationId: string | number;
  /** The member to remove. */
  userId: string | number;
};

/** The address whose account forgot its password. */
export type RequestPasswordResetInput = {
  /** The account’s email, any case. */
  email: string;
};

/** Which invitation to send again, and what to change. */
export type ResendInvitationInput = {
  /** Days from now until the new link expires: default 7, at most the server’s maximum. */
  expiresInDays?: number | null | undefined;
  /** Same key and same input within 24 hours: the first answer again, and nothing new is made; the same key with other input is IdempotencyConflictError. The Idempotency-Key header does the same. */
  idempotencyKey?: string | null | undefined;
  /** The pending invitation. */
  invitationId: string | number;
  /** Replaces the personal note; omit to keep it. */
  message?: string | null | undefined;
};

/** The secret from a password reset link, and the new password. */
export type ResetPasswordInput = {
  /** 10 to 128 characters. */
  password: string;
  /** The `token` from the reset link’s fragment. */
  token: string;
};

/** A member’s role in an organization: OWNER ⊃ ADMIN ⊃ MEMBER. */
export type Role =
  /** Manages invitations and members (not owners), settings, the audit log and analytics. */
  | 'ADMIN'
  /** Belongs to the organization; manages nothing. */
  | 'MEMBER'
  /** Everything an admin may do, and the OWNER role itself: grant it, change it, remove owners. */
  | 'OWNER';

/** One invitation to send. */
export type SendInvitationInput = {
  /** Where the invitation goes; compared without regard to case. */
  email: string;
  /** Days until the link expires: default 7, at most the server’s maximum (30 unless configured). */
  expiresInDays?: number | null | undefined;
  /** Same key and same input within 24 hours: the first answer again, and nothing new is made; the same key with other input is IdempotencyConflictError. The Idempotency-Key header does the same. */
  idempotencyKey?: string | null | undefined;
  /** A personal note shown in the email and on the accept page: plain text, at most 1,000 characters. */
  message?: string | null | undefined;
  /** Your own data kept with the invitation: a JSON object of at most 4 KB. */
  metadata?: unknown;
  /** The inviting organization. */
  organizationId: string | number;
  /** Permissions granted on accepting, like "invoices:read"; each one the inviter must hold. */
  permissions?: Array<string> | null | undefined;
  /** A phone number in E.164 form, like +14155550123. */
  phone?: string | null | undefined;
  /** The role the person gets on accepting; only owners may grant OWNER. */
  role: Role;
};

/** Up to 100 invitations for one organization. */
export type SendInvitationsInput = {
  /** Same key and same input within 24 hours: the first answer again, and nothing new is made; the same key with other input is IdempotencyConflictError. The Idempotency-Key header does the same. */
  idempotencyKey?: string | null | undefined;
  /** The rows, 1 to 100; each succeeds or fails on its own. */
  invitations: Array<SendInvitationsRow>;
  /** The inviting organization. */
  organizationId: string | number;
};

/** One invitation of a bulk send. Its values are checked with the row, so a bad row fails alone. */
export type SendInvitationsRow = {
  /** Where the invitation goes; compared without regard to case. */
  email: string;
  /** Days until the link expires: default 7, at most the server’s maximum (30 unless configured). */
  expiresInDays?: number | null | undefined;
  /** A personal note shown in the email and on the accept page: plain text, at most 1,000 characters. */
  message?: string | null | undefined;
  /** Your own data kept with the invitation: a JSON object of at most 4 KB. */
  metadata?: unknown;
  /** Permissions granted on accepting, like "invoices:read"; each one the inviter must hold. */
  permissions?: Array<string> | null | undefined;
  /** A phone number in E.164 form, like +14155550123. */
  phone?: string | null | undefined;
  /** The role the person gets on accepting; only owners may grant OWNER. */
  role: Role;
};

/** A new account and its first organization. */
export type SignUpInput = {
  /** The account’s email; one account per email. */
  email: string;
  /** The person’s name, shown to co-members and invitees. */
  name: string;
  /** The first organization’s name; the new account owns it. */
  organizationName: string;
  /** 10 to 128 characters. */
  password: string;
};

/** Whose role to change, and to what. */
export type UpdateMemberRoleInput = {
  /** The organization. */
  organizationId: string | number;
  /** The new role. */
  role: Role;
  /** The member. */
  userId: string | number;
};

/** The settings to change; omitted ones stay as they are. */
export type UpdateOrganizationSettingsInput = {
  /** Replaces the list: invitations to these domains (and their subdomains) are REJECTED; at most 500. */
  blockedEmailDomains?: Array<string> | null | undefined;
  /** The organization. */
  organizationId: string | number;
};

/** The stable code of an expected failure; one value per error type, named in its description. */
export type UserErrorCode =
  /** AccountExistsError: The invited email has an account: sign in with it to accept. */
  | 'ACCOUNT_EXISTS'
  /** AlreadyMemberError: The person is already a member of the organization. */
  | 'ALREADY_MEMBER'
  /** CustomMessagesDisabledError: Custom messages are switched off on this server; send without one. */
  | 'CUSTOM_MESSAGES_DISABLED'
  /** EmailMismatchError: The invitation was sent to another email than the signed-in viewer’s. */
  | 'EMAIL_MISMATCH'
  /** EmailTakenError: An account already uses this email. */
  | 'EMAIL_TAKEN'
  /** FeatureDisabledError: The feature is switched off here. */
  | 'FEATURE_DISABLED'
  /** IdempotencyConflictError: The idempotency key was used within 24 hours with a different request. */
  | 'IDEMPOTENCY_CONFLICT'
  /** InvalidAccountLinkError: The password reset or email verification link is unknown, expired, used or another account’s (which one is not said). */
  | 'INVALID_ACCOUNT_LINK'
  /** InvalidCredentialsError: The email or the password is wrong (which one is not said). */
  | 'INVALID_CREDENTIALS'
  /** InvalidIdError: An id argument is malformed or names an object of another type. */
  | 'INVALID_ID'
  /** InputValidationError: The input was refused; nothing was changed. */
  | 'INVALID_INPUT'
  /** InvalidRangeError: The range is reversed, longer than two years or malformed. */
  | 'INVALID_RANGE'
  /** InvalidTokenError: The invitation link is unknown, expired, used or withdrawn (which one is not said). */
  | 'INVALID_TOKEN'
  /** InvitationNotPendingError: The invitation was already accepted, declined or cancelled, or has expired. */
  | 'INVITATION_NOT_PENDING'
  /** LastOwnerError: The change would leave the organization without an owner. */
  | 'LAST_OWNER'
  /** MailboxProofRequiredError: Accepting without a verified account needs the link from the invitation email itself (its proof), not the link the inviter was shown. */
  | 'MAILBOX_PROOF_REQUIRED'
  /** NotFoundError: No such object, or not one the viewer may see. */
  | 'NOT_FOUND'
  /** PendingInvitationExistsError: A pending invitation to this email exists already; offer to resend it. */
  | 'PENDING_INVITATION_EXISTS'
  /** PermissionNotHeldError: Nobody grants permissions they do not hold themselves. */
  | 'PERMISSION_NOT_HELD'
  /** RateLimitedError: Too many invitations in an hourly, daily or weekly window, for the organization or the inviter. */
  | 'RATE_LIMITED'
  /** ResendCooldownError: The last email went out moments ago. */
  | 'RESEND_COOLDOWN'
  /** ResendLimitError: The daily number of resends to this recipient is used up. */
  | 'RESEND_LIMIT'
  /** RoleNotAllowedError: The viewer’s role does not allow this. */
  | 'ROLE_NOT_ALLOWED'
  /** SelfInviteError: Inviters cannot invite their own email. */
  | 'SELF_INVITE'
  /** TooManyAttemptsError: Too many failed attempts from this account or address; wait before trying again. */
  | 'TOO_MANY_ATTEMPTS'
  /** TooManyWebhookEndpointsError: The organization has as many webhook endpoints as it may (WEBHOOK_ENDPOINTS_PER_ORGANIZATION). */
  | 'TOO_MANY_WEBHOOK_ENDPOINTS'
  /** UnknownTimeZoneError: The time zone is not an IANA name this server knows. */
  | 'UNKNOWN_TIME_ZONE'
  /** WebhookUrlRefusedError: The webhook URL is not https (in production), carries credentials, does not resolve, or resolves to a loopback, private, link-local or metadata address. */
  | 'WEBHOOK_URL_REFUSED';

/** As SendInvitationInput; checked field by field instead of refused as a whole. */
export type ValidateInvitationInput = {
  /** Where the invitation goes; compared without regard to case. */
  email: string;
  /** Days until the link expires: default 7, at most the server’s maximum (30 unless configured). */
  expiresInDays?: number | null | undefined;
  /** A personal note shown in the email and on the accept page: plain text, at most 1,000 characters. */
  message?: string | null | undefined;
  /** Your own data kept with the invitation: a JSON object of at most 4 KB. */
  metadata?: unknown;
  /** The inviting organization. */
  organizationId: string | number;
  /** Permissions granted on accepting, like "invoices:read"; each one the inviter must hold. */
  permissions?: Array<string> | null | undefined;
  /** A phone number in E.164 form, like +14155550123. */
  phone?: string | null | undefined;
  /** The role the person gets on accepting; only owners may grant OWNER. */
  role: Role;
};

/** The secret from an email verification link. */
export type VerifyEmailInput = {
  /** The `token` from the verification link’s fragment. */
  token: string;
};

export type ConsoleLogInMutationVariables = Exact<{
  input: LogInInput;
}>;


export type ConsoleLogInMutation = { logIn:
    | { __typename: 'AuthPayload', token: string, expiresAt: string, user: { email: string, name: string } }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidCredentialsError', code: UserErrorCode, message: string }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string, retryAfter: number }
   | null };

export type ConsoleSignUpMutationVariables = Exact<{
  input: SignUpInput;
}>;


export type ConsoleSignUpMutation = { signUp:
    | { __typename: 'EmailTakenError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'SignUpPayload', token: string, expiresAt: string, user: { email: string, name: string }, organization: { id: string, name: string } }
   | null };

export type ConsoleRequestPasswordResetMutationVariables = Exact<{
  input: RequestPasswordResetInput;
}>;


export type ConsoleRequestPasswordResetMutation = { requestPasswordReset:
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'RequestPasswordResetPayload', email: string }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string, retryAfter: number }
   | null };

export type ConsoleSendEmailVerificationMutationVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSendEmailVerificationMutation = { sendEmailVerification:
    | { __typename: 'SendEmailVerificationPayload', queued: boolean }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string, retryAfter: number }
   | null };

export type ConsoleCreateOrganizationMutationVariables = Exact<{
  input: CreateOrganizationInput;
}>;


export type ConsoleCreateOrganizationMutation = { createOrganization:
    | { __typename: 'CreateOrganizationPayload', organization: { id: string, name: string } }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
   | null };

export type ConsoleMembershipsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMembershipsQuery = { viewer: { user: { email: string, emailVerified: boolean }, memberships: Array<{ role: Role, organization: { id: string, name: string } }> } | null };

export type ConsoleInvitationsQueryVariables = Exact<{
  organizationId: string | number;
  filter?: InvitationFilter | null | undefined;
  orderBy?: InvitationOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleInvitationsQuery = { invitations: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, attempts: number, createdAt: string, expiresAt: string } }> } | null };

export type ConsoleInvitationEventsSubscriptionVariables = Exact<{
  organizationId: string | number;
  after?: string | null | undefined;
}>;


export type ConsoleInvitationEventsSubscription = { invitationEvents: { type: InvitationEventType, cursor: string, invitation: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, attempts: number, createdAt: string, expiresAt: string } } | null };

export type ConsoleValidateInvitationMutationVariables = Exact<{
  input: ValidateInvitationInput;
}>;


export type ConsoleValidateInvitationMutation = { validateInvitation:
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'ValidateInvitationPayload', valid: boolean, checks: Array<{ code: InvitationCheckCode, passed: boolean, message: string, errorCode: UserErrorCode | null }> }
   | null };

export type ConsoleSendInvitationMutationVariables = Exact<{
  input: SendInvitationInput;
}>;


export type ConsoleSendInvitationMutation = { sendInvitation:
    | { __typename: 'AlreadyMemberError', code: UserErrorCode, message: string }
    | { __typename: 'CustomMessagesDisabledError', code: UserErrorCode, message: string }
    | { __typename: 'IdempotencyConflictError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'NotFoundError', code: UserErrorCode, message: string }
    | { __typename: 'PendingInvitationExistsError', code: UserErrorCode, message: string, invitationId: string }
    | { __typename: 'PermissionNotHeldError', code: UserErrorCode, message: string, permissions: Array<string> }
    | { __typename: 'RateLimitedError', code: UserErrorCode, message: string, retryAfter: number }
    | { __typename: 'RoleNotAllowedError', code: UserErrorCode, message: string }
    | { __typename: 'SelfInviteError', code: UserErrorCode, message: string }
    | { __typename: 'SendInvitationPayload', inviteUrl: string | null, invitation: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, attempts: number, createdAt: string, expiresAt: string } }
   | null };

export type ConsoleSendInvitationsMutationVariables = Exact<{
  input: SendInvitationsInput;
}>;


export type ConsoleSendInvitationsMutation = { sendInvitations:
    | { __typename: 'IdempotencyConflictError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'SendInvitationsPayload', sentCount: number, failedCount: number, results: Array<
        | { __typename: 'AlreadyMemberError', code: UserErrorCode, message: string }
        | { __typename: 'CustomMessagesDisabledError', code: UserErrorCode, message: string }
        | { __typename: 'IdempotencyConflictError', code: UserErrorCode, message: string }
        | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
        | { __typename: 'NotFoundError', code: UserErrorCode, message: string }
        | { __typename: 'PendingInvitationExistsError', code: UserErrorCode, message: string }
        | { __typename: 'PermissionNotHeldError', code: UserErrorCode, message: string, permissions: Array<string> }
        | { __typename: 'RateLimitedError', code: UserErrorCode, message: string, retryAfter: number }
        | { __typename: 'RoleNotAllowedError', code: UserErrorCode, message: string }
        | { __typename: 'SelfInviteError', code: UserErrorCode, message: string }
        | { __typename: 'SendInvitationPayload', invitation: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, attempts: number, createdAt: string, expiresAt: string } }
      > }
   | null };

export type ConsoleResendInvitationMutationVariables = Exact<{
  input: ResendInvitationInput;
}>;


export type ConsoleResendInvitationMutation = { resendInvitation:
    | { __typename: 'CustomMessagesDisabledError', code: UserErrorCode, message: string }
    | { __typename: 'IdempotencyConflictError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'InvitationNotPendingError', code: UserErrorCode, message: string }
    | { __typename: 'NotFoundError', code: UserErrorCode, message: string }
    | { __typename: 'PendingInvitationExistsError', code: UserErrorCode, message: string }
    | { __typename: 'PermissionNotHeldError', code: UserErrorCode, message: string, permissions: Array<string> }
    | { __typename: 'RateLimitedError', code: UserErrorCode, message: string, retryAfter: number }
    | { __typename: 'ResendCooldownError', code: UserErrorCode, message: string, retryAfter: number }
    | { __typename: 'ResendInvitationPayload', inviteUrl: string | null, invitation: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, attempts: number, createdAt: string, expiresAt: string } }
    | { __typename: 'ResendLimitError', code: UserErrorCode, message: string }
    | { __typename: 'RoleNotAllowedError', code: UserErrorCode, message: string }
   | null };

export type ConsoleCancelInvitationMutationVariables = Exact<{
  input: CancelInvitationInput;
}>;


export type ConsoleCancelInvitationMutation = { cancelInvitation:
    | { __typename: 'CancelInvitationPayload', invitation: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, attempts: number, createdAt: string, expiresAt: string } }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'InvitationNotPendingError', code: UserErrorCode, message: string }
    | { __typename: 'NotFoundError', code: UserErrorCode, message: string }
   | null };

export type ConsoleInvitationTimelineQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleInvitationTimelineQuery = { invitation: { id: string, timeline: Array<{ id: string, type: InvitationEventType, createdAt: string, data: unknown, actor: { name: string, email: string } | null }> } | null };

export type ConsoleStatsFieldsFragment = { invited: number, expiringWithin48Hours: number, rates: { acceptance: { numerator: number, denominator: number, value: number | null }, delivery: { numerator: number, denominator: number, value: number | null }, bounce: { numerator: number, denominator: number, value: number | null }, open: { numerator: number, denominator: number, value: number | null }, click: { numerator: number, denominator: number, value: number | null }, resend: { numerator: number, denominator: number, value: number | null }, customMessage: { numerator: number, denominator: number, value: number | null } }, funnel: Array<{ step: FunnelStep, count: number, conversion: { numerator: number, denominator: number, value: number | null } }>, timeToAccept: { accepted: number, medianSeconds: number | null, p90Seconds: number | null } };

export type ConsoleInvitationStatsQueryVariables = Exact<{
  organizationId: string | number;
  from: string;
  to: string;
}>;


export type ConsoleInvitationStatsQuery = { invitationStats:
    | { __typename: 'FeatureDisabledError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidRangeError', code: UserErrorCode, message: string }
    | { __typename: 'InvitationStats', invited: number, expiringWithin48Hours: number, rates: { acceptance: { numerator: number, denominator: number, value: number | null }, delivery: { numerator: number, denominator: number, value: number | null }, bounce: { numerator: number, denominator: number, value: number | null }, open: { numerator: number, denominator: number, value: number | null }, click: { numerator: number, denominator: number, value: number | null }, resend: { numerator: number, denominator: number, value: number | null }, customMessage: { numerator: number, denominator: number, value: number | null } }, funnel: Array<{ step: FunnelStep, count: number, conversion: { numerator: number, denominator: number, value: number | null } }>, timeToAccept: { accepted: number, medianSeconds: number | null, p90Seconds: number | null } }
   | null };

export type ConsoleInvitationStatsChangedSubscriptionVariables = Exact<{
  organizationId: string | number;
  from: string;
  to: string;
}>;


export type ConsoleInvitationStatsChangedSubscription = { invitationStatsChanged:
    | { __typename: 'FeatureDisabledError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidRangeError', code: UserErrorCode, message: string }
    | { __typename: 'InvitationStats', invited: number, expiringWithin48Hours: number, rates: { acceptance: { numerator: number, denominator: number, value: number | null }, delivery: { numerator: number, denominator: number, value: number | null }, bounce: { numerator: number, denominator: number, value: number | null }, open: { numerator: number, denominator: number, value: number | null }, click: { numerator: number, denominator: number, value: number | null }, resend: { numerator: number, denominator: number, value: number | null }, customMessage: { numerator: number, denominator: number, value: number | null } }, funnel: Array<{ step: FunnelStep, count: number, conversion: { numerator: number, denominator: number, value: number | null } }>, timeToAccept: { accepted: number, medianSeconds: number | null, p90Seconds: number | null } }
   | null };

export type ConsoleInvitationSeriesQueryVariables = Exact<{
  organizationId: string | number;
  from: string;
  to: string;
}>;


export type ConsoleInvitationSeriesQuery = { invitationAnalytics:
    | { __typename: 'FeatureDisabledError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidRangeError', code: UserErrorCode, message: string }
    | { __typename: 'InvitationAnalytics', buckets: Array<{ period: string, invited: number, accepted: number }> }
    | { __typename: 'UnknownTimeZoneError', code: UserErrorCode, message: string }
   | null };

export type ConsoleMembersQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type ConsoleMembersQuery = { organization: { id: string, members: { totalCount: number, edges: Array<{ node: { id: string, role: Role, user: { id: string, name: string, email: string } } }> } } | null };

export type ConsoleUpdateMemberRoleMutationVariables = Exact<{
  input: UpdateMemberRoleInput;
}>;


export type ConsoleUpdateMemberRoleMutation = { updateMemberRole:
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'LastOwnerError', code: UserErrorCode, message: string }
    | { __typename: 'NotFoundError', code: UserErrorCode, message: string }
    | { __typename: 'RoleNotAllowedError', code: UserErrorCode, message: string }
    | { __typename: 'UpdateMemberRolePayload', membership: { id: string, role: Role } }
   | null };

export type ConsoleRemoveMemberMutationVariables = Exact<{
  input: RemoveMemberInput;
}>;


export type ConsoleRemoveMemberMutation = { removeMember:
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'LastOwnerError', code: UserErrorCode, message: string }
    | { __typename: 'NotFoundError', code: UserErrorCode, message: string }
    | { __typename: 'RemoveMemberPayload', removedMembershipId: string, organization: { id: string } }
    | { __typename: 'RoleNotAllowedError', code: UserErrorCode, message: string }
   | null };

export type ConsoleOrganizationSettingsQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type ConsoleOrganizationSettingsQuery = { organization: { id: string, blockedEmailDomains: Array<string> } | null };

export type ConsoleUpdateOrganizationSettingsMutationVariables = Exact<{
  input: UpdateOrganizationSettingsInput;
}>;


export type ConsoleUpdateOrganizationSettingsMutation = { updateOrganizationSettings:
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidIdError', code: UserErrorCode, message: string }
    | { __typename: 'NotFoundError', code: UserErrorCode, message: string }
    | { __typename: 'UpdateOrganizationSettingsPayload', organization: { id: string, blockedEmailDomains: Array<string> } }
   | null };

export type ConsoleAuditLogQueryVariables = Exact<{
  organizationId: string | number;
  after?: string | null | undefined;
}>;


export type ConsoleAuditLogQuery = { auditLog: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, action: string, createdAt: string, targetType: string | null, ip: string | null, actor: { name: string, email: string } | null } }> } | null };

export type ConsoleAuditLogIntegrityQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type ConsoleAuditLogIntegrityQuery = { auditLogIntegrity: { valid: boolean, checked: number, firstBrokenId: string | null } | null };

export type InvitationPreviewQueryVariables = Exact<{
  token: string;
}>;


export type InvitationPreviewQuery = { invitationByToken:
    | { __typename: 'InvalidTokenError', code: UserErrorCode, message: string }
    | { __typename: 'InvitationPreview', organizationName: string, inviterName: string | null, role: Role, expiresAt: string, maskedEmail: string, note: string | null }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string }
   | null };

export type AcceptInvitationMutationVariables = Exact<{
  input: AcceptInvitationInput;
}>;


export type AcceptInvitationMutation = { acceptInvitation:
    | { __typename: 'AcceptInvitationPayload', auth: { token: string, expiresAt: string, user: { email: string, name: string } } | null, membership: { role: Role, organization: { name: string } } }
    | { __typename: 'AccountExistsError', code: UserErrorCode, message: string }
    | { __typename: 'AlreadyMemberError', code: UserErrorCode, message: string }
    | { __typename: 'EmailMismatchError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidTokenError', code: UserErrorCode, message: string }
    | { __typename: 'MailboxProofRequiredError', code: UserErrorCode, message: string }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string }
   | null };

export type DeclineInvitationMutationVariables = Exact<{
  input: DeclineInvitationInput;
}>;


export type DeclineInvitationMutation = { declineInvitation:
    | { __typename: 'DeclineInvitationPayload' }
    | { __typename: 'EmailMismatchError', code: UserErrorCode, message: string }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidTokenError', code: UserErrorCode, message: string }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string }
   | null };

export type LinkLogInMutationVariables = Exact<{
  input: LogInInput;
}>;


export type LinkLogInMutation = { logIn:
    | { __typename: 'AuthPayload', token: string, expiresAt: string, user: { email: string, name: string } }
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: UserErrorCode, message: string }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string }
   | null };

export type ResetPasswordMutationVariables = Exact<{
  input: ResetPasswordInput;
}>;


export type ResetPasswordMutation = { resetPassword:
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'InvalidAccountLinkError', code: UserErrorCode, message: string }
    | { __typename: 'ResetPasswordPayload', auth: { token: string, expiresAt: string, user: { email: string, name: string } } }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string }
   | null };

export type VerifyEmailMutationVariables = Exact<{
  input: VerifyEmailInput;
}>;


export type VerifyEmailMutation = { verifyEmail:
    | { __typename: 'InputValidationError', code: UserErrorCode, message: string }
    | { __typename: 'InvalidAccountLinkError', code: UserErrorCode, message: string }
    | { __typename: 'TooManyAttemptsError', code: UserErrorCode, message: string }
    | { __typename: 'VerifyEmailPayload', user: { email: string } }
   | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsoleStatsFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConsoleStatsFields on InvitationStats {
  invited
  expiringWithin48Hours
  rates {
    acceptance {
      numerator
      denominator
      value
    }
    delivery {
      numerator
      denominator
      value
    }
    bounce {
      numerator
      denominator
      value
    }
    open {
      numerator
      denominator
      value
    }
    click {
      numerator
      denominator
      value
    }
    resend {
      numerator
      denominator
      value
    }
    customMessage {
      numerator
      denominator
      value
    }
  }
  funnel {
    step
    count
    conversion {
      numerator
      denominator
      value
    }
  }
  timeToAccept {
    accepted
    medianSeconds
    p90Seconds
  }
}
    `, {"fragmentName":"ConsoleStatsFields"}) as unknown as TypedDocumentString<ConsoleStatsFieldsFragment, unknown>;
export const ConsoleLogInDocument = new TypedDocumentString(`
    mutation ConsoleLogIn($input: LogInInput!) {
  logIn(input: $input) {
    __typename
    ... on AuthPayload {
      token
      expiresAt
      user {
        email
        name
      }
    }
    ... on UserError {
      code
      message
    }
    ... on TooManyAttemptsError {
      retryAfter
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLogInMutation, ConsoleLogInMutationVariables>;
export const ConsoleSignUpDocument = new TypedDocumentString(`
    mutation ConsoleSignUp($input: SignUpInput!) {
  signUp(input: $input) {
    __typename
    ... on SignUpPayload {
      token
      expiresAt
      user {
        email
        name
      }
      organization {
        id
        name
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSignUpMutation, ConsoleSignUpMutationVariables>;
export const ConsoleRequestPasswordResetDocument = new TypedDocumentString(`
    mutation ConsoleRequestPasswordReset($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) {
    __typename
    ... on RequestPasswordResetPayload {
      email
    }
    ... on UserError {
      code
      message
    }
    ... on TooManyAttemptsError {
      retryAfter
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleRequestPasswordResetMutation, ConsoleRequestPasswordResetMutationVariables>;
export const ConsoleSendEmailVerificationDocument = new TypedDocumentString(`
    mutation ConsoleSendEmailVerification {
  sendEmailVerification {
    __typename
    ... on SendEmailVerificationPayload {
      queued
    }
    ... on TooManyAttemptsError {
      code
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSendEmailVerificationMutation, ConsoleSendEmailVerificationMutationVariables>;
export const ConsoleCreateOrganizationDocument = new TypedDocumentString(`
    mutation ConsoleCreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    __typename
    ... on CreateOrganizationPayload {
      organization {
        id
        name
      }
    }
    ... on InputValidationError {
      code
      message
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateOrganizationMutation, ConsoleCreateOrganizationMutationVariables>;
export const ConsoleMembershipsDocument = new TypedDocumentString(`
    query ConsoleMemberships {
  viewer {
    user {
      email
      emailVerified
    }
    memberships {
      role
      organization {
        id
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleMembershipsQuery, ConsoleMembershipsQueryVariables>;
export const ConsoleInvitationsDocument = new TypedDocumentString(`
    query ConsoleInvitations($organizationId: ID!, $filter: InvitationFilter, $orderBy: InvitationOrder, $first: Int, $after: String) {
  invitations(
    organizationId: $organizationId
    filter: $filter
    orderBy: $orderBy
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        email
        role
        status
        deliveryStatus
        attempts
        createdAt
        expiresAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleInvitationsQuery, ConsoleInvitationsQueryVariables>;
export const ConsoleInvitationEventsDocument = new TypedDocumentString(`
    subscription ConsoleInvitationEvents($organizationId: ID!, $after: String) {
  invitationEvents(organizationId: $organizationId, after: $after) {
    type
    cursor
    invitation {
      id
      email
      role
      status
      deliveryStatus
      attempts
      createdAt
      expiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleInvitationEventsSubscription, ConsoleInvitationEventsSubscriptionVariables>;
export const ConsoleValidateInvitationDocument = new TypedDocumentString(`
    mutation ConsoleValidateInvitation($input: ValidateInvitationInput!) {
  validateInvitation(input: $input) {
    __typename
    ... on ValidateInvitationPayload {
      valid
      checks {
        code
        passed
        message
        errorCode
      }
    }
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleValidateInvitationMutation, ConsoleValidateInvitationMutationVariables>;
export const ConsoleSendInvitationDocument = new TypedDocumentString(`
    mutation ConsoleSendInvitation($input: SendInvitationInput!) {
  sendInvitation(input: $input) {
    __typename
    ... on SendInvitationPayload {
      inviteUrl
      invitation {
        id
        email
        role
        status
        deliveryStatus
        attempts
        createdAt
        expiresAt
      }
    }
    ... on UserError {
      code
      message
    }
    ... on PendingInvitationExistsError {
      invitationId
    }
    ... on RateLimitedError {
      retryAfter
    }
    ... on PermissionNotHeldError {
      permissions
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSendInvitationMutation, ConsoleSendInvitationMutationVariables>;
export const ConsoleSendInvitationsDocument = new TypedDocumentString(`
    mutation ConsoleSendInvitations($input: SendInvitationsInput!) {
  sendInvitations(input: $input) {
    __typename
    ... on SendInvitationsPayload {
      sentCount
      failedCount
      results {
        __typename
        ... on SendInvitationPayload {
          invitation {
            id
            email
            role
            status
            deliveryStatus
            attempts
            createdAt
            expiresAt
          }
        }
        ... on UserError {
          code
          message
        }
        ... on RateLimitedError {
          retryAfter
        }
        ... on PermissionNotHeldError {
          permissions
        }
        ... on InputValidationError {
          issues {
            path
            message
          }
        }
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSendInvitationsMutation, ConsoleSendInvitationsMutationVariables>;
export const ConsoleResendInvitationDocument = new TypedDocumentString(`
    mutation ConsoleResendInvitation($input: ResendInvitationInput!) {
  resendInvitation(input: $input) {
    __typename
    ... on ResendInvitationPayload {
      inviteUrl
      invitation {
        id
        email
        role
        status
        deliveryStatus
        attempts
        createdAt
        expiresAt
      }
    }
    ... on UserError {
      code
      message
    }
    ... on ResendCooldownError {
      retryAfter
    }
    ... on RateLimitedError {
      retryAfter
    }
    ... on PermissionNotHeldError {
      permissions
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleResendInvitationMutation, ConsoleResendInvitationMutationVariables>;
export const ConsoleCancelInvitationDocument = new TypedDocumentString(`
    mutation ConsoleCancelInvitation($input: CancelInvitationInput!) {
  cancelInvitation(input: $input) {
    __typename
    ... on CancelInvitationPayload {
      invitation {
        id
        email
        role
        status
        deliveryStatus
        attempts
        createdAt
        expiresAt
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleCancelInvitationMutation, ConsoleCancelInvitationMutationVariables>;
export const ConsoleInvitationTimelineDocument = new TypedDocumentString(`
    query ConsoleInvitationTimeline($id: ID!) {
  invitation(id: $id) {
    id
    timeline {
      id
      type
      createdAt
      data
      actor {
        name
        email
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleInvitationTimelineQuery, ConsoleInvitationTimelineQueryVariables>;
export const ConsoleInvitationStatsDocument = new TypedDocumentString(`
    query ConsoleInvitationStats($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
  invitationStats(organizationId: $organizationId, from: $from, to: $to) {
    __typename
    ...ConsoleStatsFields
    ... on UserError {
      code
      message
    }
  }
}
    fragment ConsoleStatsFields on InvitationStats {
  invited
  expiringWithin48Hours
  rates {
    acceptance {
      numerator
      denominator
      value
    }
    delivery {
      numerator
      denominator
      value
    }
    bounce {
      numerator
      denominator
      value
    }
    open {
      numerator
      denominator
      value
    }
    click {
      numerator
      denominator
      value
    }
    resend {
      numerator
      denominator
      value
    }
    customMessage {
      numerator
      denominator
      value
    }
  }
  funnel {
    step
    count
    conversion {
      numerator
      denominator
      value
    }
  }
  timeToAccept {
    accepted
    medianSeconds
    p90Seconds
  }
}`) as unknown as TypedDocumentString<ConsoleInvitationStatsQuery, ConsoleInvitationStatsQueryVariables>;
export const ConsoleInvitationStatsChangedDocument = new TypedDocumentString(`
    subscription ConsoleInvitationStatsChanged($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
  invitationStatsChanged(organizationId: $organizationId, from: $from, to: $to) {
    __typename
    ...ConsoleStatsFields
    ... on UserError {
      code
      message
    }
  }
}
    fragment ConsoleStatsFields on InvitationStats {
  invited
  expiringWithin48Hours
  rates {
    acceptance {
      numerator
      denominator
      value
    }
    delivery {
      numerator
      denominator
      value
    }
    bounce {
      numerator
      denominator
      value
    }
    open {
      numerator
      denominator
      value
    }
    click {
      numerator
      denominator
      value
    }
    resend {
      numerator
      denominator
      value
    }
    customMessage {
      numerator
      denominator
      value
    }
  }
  funnel {
    step
    count
    conversion {
      numerator
      denominator
      value
    }
  }
  timeToAccept {
    accepted
    medianSeconds
    p90Seconds
  }
}`) as unknown as TypedDocumentString<ConsoleInvitationStatsChangedSubscription, ConsoleInvitationStatsChangedSubscriptionVariables>;
export const ConsoleInvitationSeriesDocument = new TypedDocumentString(`
    query ConsoleInvitationSeries($organizationId: ID!, $from: Date!, $to: Date!) {
  invitationAnalytics(
    organizationId: $organizationId
    from: $from
    to: $to
    interval: DAY
    timeZone: "UTC"
  ) {
    __typename
    ... on InvitationAnalytics {
      buckets {
        period
        invited
        accepted
      }
    }
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleInvitationSeriesQuery, ConsoleInvitationSeriesQueryVariables>;
export const ConsoleMembersDocument = new TypedDocumentString(`
    query ConsoleMembers($organizationId: ID!) {
  organization(id: $organizationId) {
    id
    members(first: 50) {
      totalCount
      edges {
        node {
          id
          role
          user {
            id
            name
            email
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleMembersQuery, ConsoleMembersQueryVariables>;
export const ConsoleUpdateMemberRoleDocument = new TypedDocumentString(`
    mutation ConsoleUpdateMemberRole($input: UpdateMemberRoleInput!) {
  updateMemberRole(input: $input) {
    __typename
    ... on UpdateMemberRolePayload {
      membership {
        id
        role
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateMemberRoleMutation, ConsoleUpdateMemberRoleMutationVariables>;
export const ConsoleRemoveMemberDocument = new TypedDocumentString(`
    mutation ConsoleRemoveMember($input: RemoveMemberInput!) {
  removeMember(input: $input) {
    __typename
    ... on RemoveMemberPayload {
      removedMembershipId
      organization {
        id
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleRemoveMemberMutation, ConsoleRemoveMemberMutationVariables>;
export const ConsoleOrganizationSettingsDocument = new TypedDocumentString(`
    query ConsoleOrganizationSettings($organizationId: ID!) {
  organization(id: $organizationId) {
    id
    blockedEmailDomains
  }
}
    `) as unknown as TypedDocumentString<ConsoleOrganizationSettingsQuery, ConsoleOrganizationSettingsQueryVariables>;
export const ConsoleUpdateOrganizationSettingsDocument = new TypedDocumentString(`
    mutation ConsoleUpdateOrganizationSettings($input: UpdateOrganizationSettingsInput!) {
  updateOrganizationSettings(input: $input) {
    __typename
    ... on UpdateOrganizationSettingsPayload {
      organization {
        id
        blockedEmailDomains
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateOrganizationSettingsMutation, ConsoleUpdateOrganizationSettingsMutationVariables>;
export const ConsoleAuditLogDocument = new TypedDocumentString(`
    query ConsoleAuditLog($organizationId: ID!, $after: String) {
  auditLog(organizationId: $organizationId, first: 25, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        action
        createdAt
        targetType
        ip
        actor {
          name
          email
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAuditLogQuery, ConsoleAuditLogQueryVariables>;
export const ConsoleAuditLogIntegrityDocument = new TypedDocumentString(`
    query ConsoleAuditLogIntegrity($organizationId: ID!) {
  auditLogIntegrity(organizationId: $organizationId) {
    valid
    checked
    firstBrokenId
  }
}
    `) as unknown as TypedDocumentString<ConsoleAuditLogIntegrityQuery, ConsoleAuditLogIntegrityQueryVariables>;
export const InvitationPreviewDocument = new TypedDocumentString(`
    query InvitationPreview($token: String!) {
  invitationByToken(token: $token) {
    __typename
    ... on InvitationPreview {
      organizationName
      inviterName
      role
      note: message
      expiresAt
      maskedEmail
    }
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<InvitationPreviewQuery, InvitationPreviewQueryVariables>;
export const AcceptInvitationDocument = new TypedDocumentString(`
    mutation AcceptInvitation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) {
    __typename
    ... on AcceptInvitationPayload {
      auth {
        token
        expiresAt
        user {
          email
          name
        }
      }
      membership {
        role
        organization {
          name
        }
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AcceptInvitationMutation, AcceptInvitationMutationVariables>;
export const DeclineInvitationDocument = new TypedDocumentString(`
    mutation DeclineInvitation($input: DeclineInvitationInput!) {
  declineInvitation(input: $input) {
    __typename
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DeclineInvitationMutation, DeclineInvitationMutationVariables>;
export const LinkLogInDocument = new TypedDocumentString(`
    mutation LinkLogIn($input: LogInInput!) {
  logIn(input: $input) {
    __typename
    ... on AuthPayload {
      token
      expiresAt
      user {
        email
        name
      }
    }
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LinkLogInMutation, LinkLogInMutationVariables>;
export const ResetPasswordDocument = new TypedDocumentString(`
    mutation ResetPassword($input: ResetPasswordInput!) {
  resetPassword(input: $input) {
    __typename
    ... on ResetPasswordPayload {
      auth {
        token
        expiresAt
        user {
          email
          name
        }
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const VerifyEmailDocument = new TypedDocumentString(`
    mutation VerifyEmail($input: VerifyEmailInput!) {
  verifyEmail(input: $input) {
    __typename
    ... on VerifyEmailPayload {
      user {
        email
      }
    }
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<VerifyEmailMutation, VerifyEmailMutationVariables>;