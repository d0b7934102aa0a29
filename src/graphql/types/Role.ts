import type { MemberRole } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const Role = builder.enumType('Role', {
  description: 'A member’s role in an organization: OWNER ⊃ ADMIN ⊃ MEMBER.',
  values: {
    OWNER: {
      description: 'Everything an admin may do, and the OWNER role itself: grant it, change it, remove owners.',
    },
    ADMIN: { description: 'Manages invitations and members (not owners), settings, the audit log and analytics.' },
    MEMBER: { description: 'Belongs to the organization; manages nothing.' },
  } satisfies Record<MemberRole, { description: string }>,
});
