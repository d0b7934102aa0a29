// Imports every type file, then builds the schema.
import { builder } from './builder.js';
import './types/DateTime.js';
import './types/UserError.js';
import './types/Role.js';
import './types/User.js';
import './types/Membership.js';
import './types/Organization.js';
import './types/Viewer.js';
import './types/signUp.js';
import './types/logIn.js';
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

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema({ sortSchema: true });
