// The GraphQL operations the REST routes run (routes.ts names which route runs which). Each has
// one root field; a union result selects `__typename`, its payload, and every refusal's code,
// message and fields, which become the REST error body. Checked against the schema on start-up
// and in the tests; the OpenAPI document is generated from these selections.
export const restOperations = /* GraphQL */ `
  fragment RestInvitation on Invitation {
    id
    email
    phone
    role
    permissions
    message
    metadata
    status
    deliveryStatus
    attempts
    expiresAt
    createdAt
    lastSentAt
    respondedAt
    openedAt
    clickedAt
    invitedBy { id name email }
  }

  mutation RestSendInvitation($input: SendInvitationInput!) {
    sendInvitation(input: $input) {
      __typename
      ... on SendInvitationPayload { inviteUrl replayed invitation { ...RestInvitation } }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
      ... on PendingInvitationExistsError { invitationId }
      ... on PermissionNotHeldError { permissions }
      ... on RateLimitedError { retryAfter scope }
    }
  }

  mutation RestResendInvitation($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload { inviteUrl replayed invitation { ...RestInvitation } }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
      ... on InvitationNotPendingError { status }
      ... on PendingInvitationExistsError { invitationId }
      ... on PermissionNotHeldError { permissions }
      ... on RateLimitedError { retryAfter scope }
      ... on ResendCooldownError { retryAfter }
      ... on ResendLimitError { retryAfter }
    }
  }

  mutation RestCancelInvitation($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) {
      __typename
      ... on CancelInvitationPayload { invitation { ...RestInvitation } }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
      ... on InvitationNotPendingError { status }
    }
  }

  query RestInvitations(
    $organizationId: ID!
    $first: Int = 20
    $after: String
    $status: [InvitationStatus!]
    $deliveryStatus: [DeliveryStatus!]
    $role: [Role!]
    $email: String
    $orderBy: InvitationOrder = CREATED_AT_DESC
  ) {
    invitations(
      organizationId: $organizationId
      first: $first
      after: $after
      orderBy: $orderBy
      filter: { status: $status, deliveryStatus: $deliveryStatus, role: $role, email: $email }
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...RestInvitation }
    }
  }

  query RestInvitation($id: ID!) {
    invitation(id: $id) {
      ...RestInvitation
      timeline { id type createdAt data actor { id name } }
    }
  }

  query RestInvitationStats($organizationId: ID!, $from: DateTime!, $to: DateTime!, $topInviters: Int = 10) {
    invitationStats(organizationId: $organizationId, from: $from, to: $to, topInviters: $topInviters) {
      __typename
      ... on InvitationStats {
        from
        to
        asOf
        invited
        expiringWithin48Hours
        byStatus { status count }
        byDeliveryStatus { status count }
        byRole { role invited accepted acceptance { numerator denominator value } }
        byInviter { inviterId name email invited accepted acceptance { numerator denominator value } }
        funnel { step count conversion { numerator denominator value } }
        rates {
          acceptance { numerator denominator value }
          delivery { numerator denominator value }
          bounce { numerator denominator value }
          open { numerator denominator value }
          click { numerator denominator value }
          resend { numerator denominator value }
          customMessage { numerator denominator value }
        }
        timeToAccept { accepted medianSeconds p90Seconds }
      }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }

  query RestInvitationAnalytics(
    $organizationId: ID!
    $from: Date!
    $to: Date!
    $interval: AnalyticsInterval = DAY
    $timeZone: String = "UTC"
  ) {
    invitationAnalytics(organizationId: $organizationId, from: $from, to: $to, interval: $interval, timeZone: $timeZone) {
      __typename
      ... on InvitationAnalytics {
        interval
        timeZone
        buckets {
          period
          from
          to
          invited
          sent
          delivered
          bounced
          failed
          rejected
          opened
          clicked
          accepted
          declined
          cancelled
          expired
          resent
        }
      }
      ... on UserError { code message }
    }
  }

  query RestViewerMemberships {
    viewer { memberships { role organization { id } } }
  }
`;
