import { builder } from '../builder.js';
import { Role } from './Role.js';

export const Membership = builder.drizzleNode('memberships', {
  name: 'Membership',
  description: 'A user’s place in an organization: their role and permissions there.',
  id: { column: (membership) => membership.id },
  fields: (t) => ({
    role: t.expose('role', { type: Role, description: 'Their role.' }),
    permissions: t.exposeStringList('permissions', {
      description: 'Permissions beyond the role, like "invoices:read"; owners hold every permission.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When they joined.' }),
    user: t.relation('user', { description: 'The member.' }),
    organization: t.relation('organization', { description: 'The organization.' }),
  }),
});
