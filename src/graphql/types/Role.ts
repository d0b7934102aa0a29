import { memberRoles } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const Role = builder.enumType('Role', {
  description: 'OWNER ⊃ ADMIN ⊃ MEMBER; owners and admins manage members and invitations',
  values: memberRoles,
});
