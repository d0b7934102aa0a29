import { builder } from '../builder.js';
import { Role } from './Role.js';

export const Membership = builder.drizzleNode('memberships', {
  name: 'Membership',
  id: { column: (membership) => membership.id },
  fields: (t) => ({
    role: t.expose('role', { type: Role }),
    permissions: t.exposeStringList('permissions'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    user: t.relation('user'),
    organization: t.relation('organization'),
  }),
});
