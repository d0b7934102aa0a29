/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ConsoleLogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      __typename\n      ... on AuthPayload { token expiresAt user { email name } }\n      ... on UserError { message }\n    }\n  }\n": typeof types.ConsoleLogInDocument,
    "\n  query ConsoleMemberships {\n    viewer { memberships { role organization { id name } } }\n  }\n": typeof types.ConsoleMembershipsDocument,
    "\n  query ConsoleInvitations($organizationId: ID!) {\n    invitations(organizationId: $organizationId, first: 50) {\n      totalCount\n      edges { node { id email role status deliveryStatus createdAt } }\n    }\n  }\n": typeof types.ConsoleInvitationsDocument,
    "\n  subscription ConsoleInvitationEvents($organizationId: ID!) {\n    invitationEvents(organizationId: $organizationId) {\n      type\n      invitation { id email role status deliveryStatus createdAt }\n    }\n  }\n": typeof types.ConsoleInvitationEventsDocument,
    "query InvitationPreview($token: String!) {\n  invitationByToken(token: $token) {\n    __typename\n    ... on InvitationPreview {\n      organizationName\n      inviterName\n      role\n      note: message\n      expiresAt\n      maskedEmail\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation AcceptInvitation($input: AcceptInvitationInput!) {\n  acceptInvitation(input: $input) {\n    __typename\n    ... on AcceptInvitationPayload {\n      auth {\n        token\n        expiresAt\n        user {\n          email\n          name\n        }\n      }\n      membership {\n        role\n        organization {\n          name\n        }\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n    ... on InputValidationError {\n      issues {\n        path\n        message\n      }\n    }\n  }\n}\n\nmutation DeclineInvitation($input: DeclineInvitationInput!) {\n  declineInvitation(input: $input) {\n    __typename\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation LinkLogIn($input: LogInInput!) {\n  logIn(input: $input) {\n    __typename\n    ... on AuthPayload {\n      token\n      expiresAt\n      user {\n        email\n        name\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation ResetPassword($input: ResetPasswordInput!) {\n  resetPassword(input: $input) {\n    __typename\n    ... on ResetPasswordPayload {\n      auth {\n        token\n        expiresAt\n        user {\n          email\n          name\n        }\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n    ... on InputValidationError {\n      issues {\n        path\n        message\n      }\n    }\n  }\n}\n\nmutation VerifyEmail($input: VerifyEmailInput!) {\n  verifyEmail(input: $input) {\n    __typename\n    ... on VerifyEmailPayload {\n      user {\n        email\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}": typeof types.InvitationPreviewDocument,
};
const documents: Documents = {
    "\n  mutation ConsoleLogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      __typename\n      ... on AuthPayload { token expiresAt user { email name } }\n      ... on UserError { message }\n    }\n  }\n": types.ConsoleLogInDocument,
    "\n  query ConsoleMemberships {\n    viewer { memberships { role organization { id name } } }\n  }\n": types.ConsoleMembershipsDocument,
    "\n  query ConsoleInvitations($organizationId: ID!) {\n    invitations(organizationId: $organizationId, first: 50) {\n      totalCount\n      edges { node { id email role status deliveryStatus createdAt } }\n    }\n  }\n": types.ConsoleInvitationsDocument,
    "\n  subscription ConsoleInvitationEvents($organizationId: ID!) {\n    invitationEvents(organizationId: $organizationId) {\n      type\n      invitation { id email role status deliveryStatus createdAt }\n    }\n  }\n": types.ConsoleInvitationEventsDocument,
    "query InvitationPreview($token: String!) {\n  invitationByToken(token: $token) {\n    __typename\n    ... on InvitationPreview {\n      organizationName\n      inviterName\n      role\n      note: message\n      expiresAt\n      maskedEmail\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation AcceptInvitation($input: AcceptInvitationInput!) {\n  acceptInvitation(input: $input) {\n    __typename\n    ... on AcceptInvitationPayload {\n      auth {\n        token\n        expiresAt\n        user {\n          email\n          name\n        }\n      }\n      membership {\n        role\n        organization {\n          name\n        }\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n    ... on InputValidationError {\n      issues {\n        path\n        message\n      }\n    }\n  }\n}\n\nmutation DeclineInvitation($input: DeclineInvitationInput!) {\n  declineInvitation(input: $input) {\n    __typename\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation LinkLogIn($input: LogInInput!) {\n  logIn(input: $input) {\n    __typename\n    ... on AuthPayload {\n      token\n      expiresAt\n      user {\n        email\n        name\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation ResetPassword($input: ResetPasswordInput!) {\n  resetPassword(input: $input) {\n    __typename\n    ... on ResetPasswordPayload {\n      auth {\n        token\n        expiresAt\n        user {\n          email\n          name\n        }\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n    ... on InputValidationError {\n      issues {\n        path\n        message\n      }\n    }\n  }\n}\n\nmutation VerifyEmail($input: VerifyEmailInput!) {\n  verifyEmail(input: $input) {\n    __typename\n    ... on VerifyEmailPayload {\n      user {\n        email\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}": types.InvitationPreviewDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      __typename\n      ... on AuthPayload { token expiresAt user { email name } }\n      ... on UserError { message }\n    }\n  }\n"): typeof import('./graphql.js').ConsoleLogInDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMemberships {\n    viewer { memberships { role organization { id name } } }\n  }\n"): typeof import('./graphql.js').ConsoleMembershipsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleInvitations($organizationId: ID!) {\n    invitations(organizationId: $organizationId, first: 50) {\n      totalCount\n      edges { node { id email role status deliveryStatus createdAt } }\n    }\n  }\n"): typeof import('./graphql.js').ConsoleInvitationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleInvitationEvents($organizationId: ID!) {\n    invitationEvents(organizationId: $organizationId) {\n      type\n      invitation { id email role status deliveryStatus createdAt }\n    }\n  }\n"): typeof import('./graphql.js').ConsoleInvitationEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query InvitationPreview($token: String!) {\n  invitationByToken(token: $token) {\n    __typename\n    ... on InvitationPreview {\n      organizationName\n      inviterName\n      role\n      note: message\n      expiresAt\n      maskedEmail\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation AcceptInvitation($input: AcceptInvitationInput!) {\n  acceptInvitation(input: $input) {\n    __typename\n    ... on AcceptInvitationPayload {\n      auth {\n        token\n        expiresAt\n        user {\n          email\n          name\n        }\n      }\n      membership {\n        role\n        organization {\n          name\n        }\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n    ... on InputValidationError {\n      issues {\n        path\n        message\n      }\n    }\n  }\n}\n\nmutation DeclineInvitation($input: DeclineInvitationInput!) {\n  declineInvitation(input: $input) {\n    __typename\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation LinkLogIn($input: LogInInput!) {\n  logIn(input: $input) {\n    __typename\n    ... on AuthPayload {\n      token\n      expiresAt\n      user {\n        email\n        name\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}\n\nmutation ResetPassword($input: ResetPasswordInput!) {\n  resetPassword(input: $input) {\n    __typename\n    ... on ResetPasswordPayload {\n      auth {\n        token\n        expiresAt\n        user {\n          email\n          name\n        }\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n    ... on InputValidationError {\n      issues {\n        path\n        message\n      }\n    }\n  }\n}\n\nmutation VerifyEmail($input: VerifyEmailInput!) {\n  verifyEmail(input: $input) {\n    __typename\n    ... on VerifyEmailPayload {\n      user {\n        email\n      }\n    }\n    ... on UserError {\n      code\n      message\n    }\n  }\n}"): typeof import('./graphql.js').InvitationPreviewDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
