// Imports every type file, then builds the schema.
import { type GraphQLSchema, isObjectType } from 'graphql';
import { builder } from './builder.js';
import { checkCursorsFirst } from './cursors.js';
import { encodeGlobalID } from './globalId.js';
import './types/DateTime.js';
import './types/Date.js';
import './types/UserError.js';
import './types/Role.js';
import './types/User.js';
import './types/Membership.js';
import './types/Organization.js';
import './types/Viewer.js';
import './types/signUp.js';
import './types/logIn.js';
import './types/requestPasswordReset.js';
import './types/resetPassword.js';
import './types/sendEmailVerification.js';
import './types/verifyEmail.js';
import './types/createOrganization.js';
import './types/updateMemberRole.js';
import './types/removeMember.js';
import './types/updateOrganizationSettings.js';
import './types/JSON.js';
import './types/InvitationStatus.js';
import './types/DeliveryStatus.js';
import './types/InvitationEvent.js';
import './types/Invitation.js';
import './types/InvitationPreview.js';
import './types/AuditEntry.js';
import './types/validateInvitation.js';
import './types/sendInvitation.js';
import './types/sendInvitations.js';
import './types/resendInvitation.js';
import './types/cancelInvitation.js';
import './types/acceptInvitation.js';
import './types/declineInvitation.js';
import './types/invitationStatusChanged.js';
import './types/invitationEvents.js';
import './types/InvitationStats.js';
import './types/invitationAnalytics.js';
import './types/WebhookEventType.js';
import './types/WebhookEndpoint.js';
import './types/createWebhookEndpoint.js';
import './types/updateWebhookEndpoint.js';
import './types/rotateWebhookEndpointSecret.js';
import './types/deleteWebhookEndpoint.js';
import './types/redeliverWebhook.js';

builder.queryType({
  description: 'What can be read. Fields answer null or a typed error on their own; one never blanks another.',
});
builder.mutationType({
  description: 'What can be changed. Each takes one input and answers its payload or a typed error (see UserError).',
});
builder.subscriptionType({
  description: 'Live feeds over graphql-ws (WebSocket) or Server-Sent Events, on the same /graphql path.',
});

/**
 * The relay plugin resolves every node's `id` asynchronously, whatever its source: one promise per
 * node, which makes each item of a list complete asynchronously (about a tenth of the CPU of a
 * 100-item page). Every node id here is its row's uuid column, so it is encoded in step.
 */
function encodeNodeIdsInStep(built: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(built.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
    const id = type.getFields().id;
    if (!id) throw new Error(`${type.name} implements Node without an id`);
    id.resolve = (row: { id: string }) => encodeGlobalID(type.name, row.id);
  }
  return built;
}

/** The drizzle plugin's `totalCount` field takes no options, so its description is set here. */
function describeTotalCounts(built: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(built.getTypeMap())) {
    const totalCount = isObjectType(type) && type.name.endsWith('Connection') ? type.getFields().totalCount : undefined;
    if (totalCount && !totalCount.description) totalCount.description = 'How many items match, across all pages.';
  }
  return built;
}

export const schema = checkCursorsFirst(
  describeTotalCounts(encodeNodeIdsInStep(builder.toSchema({ sortSchema: true }))),
);
