import { invitationStatuses } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const InvitationStatus = builder.enumType('InvitationStatus', {
  description: 'Where the invitation stands. A pending invitation past its expiry reads as EXPIRED at once.',
  values: invitationStatuses,
});
