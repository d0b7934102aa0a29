// Every GraphQL document the console sends, typed by the codegen client preset.
import { graphql } from '../gql/index.js';
import { doc } from './client.js';

export const LogIn = doc(
  graphql(`
  mutation ConsoleLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token expiresAt user { email name } }
      ... on UserError { code message }
      ... on TooManyAttemptsError { retryAfter }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const SignUp = doc(
  graphql(`
  mutation ConsoleSignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on SignUpPayload { token expiresAt user { email name } organization { id name } }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const RequestPasswordReset = doc(
  graphql(`
  mutation ConsoleRequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) {
      __typename
      ... on RequestPasswordResetPayload { email }
      ... on UserError { code message }
      ... on TooManyAttemptsError { retryAfter }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const SendEmailVerification = doc(
  graphql(`
  mutation ConsoleSendEmailVerification {
    sendEmailVerification {
      __typename
      ... on SendEmailVerificationPayload { queued }
      ... on TooManyAttemptsError { code message retryAfter }
    }
  }
`),
);

export const CreateOrganization = doc(
  graphql(`
  mutation ConsoleCreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      __typename
      ... on CreateOrganizationPayload { organization { id name } }
      ... on InputValidationError { code message issues { path message } }
    }
  }
`),
);

export const Memberships = doc(
  graphql(`
  query ConsoleMemberships {
    viewer { user { email emailVerified } memberships { role organization { id name } } }
  }
`),
);

export const Invitations = doc(
  graphql(`
  query ConsoleInvitations(
    $organizationId: ID!
    $filter: InvitationFilter
    $orderBy: InvitationOrder
    $first: Int
    $after: String
  ) {
    invitations(organizationId: $organizationId, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id email role status deliveryStatus attempts createdAt expiresAt } }
    }
  }
`),
);

export const Events = doc(
  graphql(`
  subscription ConsoleInvitationEvents($organizationId: ID!, $after: String) {
    invitationEvents(organizationId: $organizationId, after: $after) {
      type
      cursor
      invitation { id email role status deliveryStatus attempts createdAt expiresAt }
    }
  }
`),
);

export const ValidateInvitation = doc(
  graphql(`
  mutation ConsoleValidateInvitation($input: ValidateInvitationInput!) {
    validateInvitation(input: $input) {
      __typename
      ... on ValidateInvitationPayload { valid checks { code passed message errorCode } }
      ... on UserError { code message }
    }
  }
`),
);

export const SendInvitation = doc(
  graphql(`
  mutation ConsoleSendInvitation($input: SendInvitationInput!) {
    sendInvitation(input: $input) {
      __typename
      ... on SendInvitationPayload {
        inviteUrl
        invitation { id email role status deliveryStatus attempts createdAt expiresAt }
      }
      ... on UserError { code message }
      ... on PendingInvitationExistsError { invitationId }
      ... on RateLimitedError { retryAfter }
      ... on PermissionNotHeldError { permissions }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const SendInvitations = doc(
  graphql(`
  mutation ConsoleSendInvitations($input: SendInvitationsInput!) {
    sendInvitations(input: $input) {
      __typename
      ... on SendInvitationsPayload {
        sentCount
        failedCount
        results {
          __typename
          ... on SendInvitationPayload { invitation { id email role status deliveryStatus attempts createdAt expiresAt } }
          ... on UserError { code message }
          ... on RateLimitedError { retryAfter }
          ... on PermissionNotHeldError { permissions }
          ... on InputValidationError { issues { path message } }
        }
      }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const ResendInvitation = doc(
  graphql(`
  mutation ConsoleResendInvitation($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload {
        inviteUrl
        invitation { id email role status deliveryStatus attempts createdAt expiresAt }
      }
      ... on UserError { code message }
      ... on ResendCooldownError { retryAfter }
      ... on RateLimitedError { retryAfter }
      ... on PermissionNotHeldError { permissions }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const CancelInvitation = doc(
  graphql(`
  mutation ConsoleCancelInvitation($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) {
      __typename
      ... on CancelInvitationPayload {
        invitation { id email role status deliveryStatus attempts createdAt expiresAt }
      }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const InvitationTimeline = doc(
  graphql(`
  query ConsoleInvitationTimeline($id: ID!) {
    invitation(id: $id) {
      id
      timeline { id type createdAt data actor { name email } }
    }
  }
`),
);

// What the statistics page shows, read once (invitationStats) and then pushed (invitationStatsChanged).
graphql(`
  fragment ConsoleStatsFields on InvitationStats {
    invited
    expiringWithin48Hours
    rates {
      acceptance { numerator denominator value }
      delivery { numerator denominator value }
      bounce { numerator denominator value }
      open { numerator denominator value }
      click { numerator denominator value }
      resend { numerator denominator value }
      customMessage { numerator denominator value }
    }
    funnel { step count conversion { numerator denominator value } }
    timeToAccept { accepted medianSeconds p90Seconds }
  }
`);

export const Stats = doc(
  graphql(`
  query ConsoleInvitationStats($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
    invitationStats(organizationId: $organizationId, from: $from, to: $to) {
      __typename
      ...ConsoleStatsFields
      ... on UserError { code message }
    }
  }
`),
);

export const StatsChanged = doc(
  graphql(`
  subscription ConsoleInvitationStatsChanged($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
    invitationStatsChanged(organizationId: $organizationId, from: $from, to: $to) {
      __typename
      ...ConsoleStatsFields
      ... on UserError { code message }
    }
  }
`),
);

export const Series = doc(
  graphql(`
  query ConsoleInvitationSeries($organizationId: ID!, $from: Date!, $to: Date!) {
    invitationAnalytics(organizationId: $organizationId, from: $from, to: $to, interval: DAY, timeZone: "UTC") {
      __typename
      ... on InvitationAnalytics { buckets { period invited accepted } }
      ... on UserError { code message }
    }
  }
`),
);

export const Members = doc(
  graphql(`
  query ConsoleMembers($organizationId: ID!) {
    organization(id: $organizationId) {
      id
      members(first: 50) {
        totalCount
        edges { node { id role user { id name email } } }
      }
    }
  }
`),
);

export const UpdateMemberRole = doc(
  graphql(`
  mutation ConsoleUpdateMemberRole($input: UpdateMemberRoleInput!) {
    updateMemberRole(input: $input) {
      __typename
      ... on UpdateMemberRolePayload { membership { id role } }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const RemoveMember = doc(
  graphql(`
  mutation ConsoleRemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      __typename
      ... on RemoveMemberPayload { removedMembershipId organization { id } }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const Settings = doc(
  graphql(`
  query ConsoleOrganizationSettings($organizationId: ID!) {
    organization(id: $organizationId) { id blockedEmailDomains }
  }
`),
);

export const UpdateSettings = doc(
  graphql(`
  mutation ConsoleUpdateOrganizationSettings($input: UpdateOrganizationSettingsInput!) {
    updateOrganizationSettings(input: $input) {
      __typename
      ... on UpdateOrganizationSettingsPayload { organization { id blockedEmailDomains } }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`),
);

export const AuditLog = doc(
  graphql(`
  query ConsoleAuditLog($organizationId: ID!, $after: String) {
    auditLog(organizationId: $organizationId, first: 25, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id action createdAt targetType ip actor { name email } } }
    }
  }
`),
);

export const AuditIntegrity = doc(
  graphql(`
  query ConsoleAuditLogIntegrity($organizationId: ID!) {
    auditLogIntegrity(organizationId: $organizationId) { valid checked firstBrokenId }
  }
`),
);
