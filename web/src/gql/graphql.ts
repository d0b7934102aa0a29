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
  /** UnknownTimeZoneError: The time zone is not an IANA name this server knows. */
  | 'UNKNOWN_TIME_ZONE';

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
    | { __typename: 'InputValidationError', message: string }
    | { __typename: 'InvalidCredentialsError', message: string }
    | { __typename: 'TooManyAttemptsError', message: string }
   | null };

export type ConsoleMembershipsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMembershipsQuery = { viewer: { memberships: Array<{ role: Role, organization: { id: string, name: string } }> } | null };

export type ConsoleInvitationsQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type ConsoleInvitationsQuery = { invitations: { totalCount: number, edges: Array<{ node: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, createdAt: string } }> } | null };

export type ConsoleInvitationEventsSubscriptionVariables = Exact<{
  organizationId: string | number;
}>;


export type ConsoleInvitationEventsSubscription = { invitationEvents: { type: InvitationEventType, invitation: { id: string, email: string, role: Role, status: InvitationStatus, deliveryStatus: DeliveryStatus, createdAt: string } } | null };

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
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLogInMutation, ConsoleLogInMutationVariables>;
export const ConsoleMembershipsDocument = new TypedDocumentString(`
    query ConsoleMemberships {
  viewer {
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
    query ConsoleInvitations($organizationId: ID!) {
  invitations(organizationId: $organizationId, first: 50) {
    totalCount
    edges {
      node {
        id
        email
        role
        status
        deliveryStatus
        createdAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleInvitationsQuery, ConsoleInvitationsQueryVariables>;
export const ConsoleInvitationEventsDocument = new TypedDocumentString(`
    subscription ConsoleInvitationEvents($organizationId: ID!) {
  invitationEvents(organizationId: $organizationId) {
    type
    invitation {
      id
      email
      role
      status
      deliveryStatus
      createdAt
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleInvitationEventsSubscription, ConsoleInvitationEventsSubscriptionVariables>;
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