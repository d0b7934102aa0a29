import { defineRelations } from 'drizzle-orm';
import * as schema from './schema/index.js';

export const relations = defineRelations(schema, (r) => ({
  users: {
    memberships: r.many.memberships({ from: r.users.id, to: r.memberships.userId }),
  },
  organizations: {
    memberships: r.many.memberships({ from: r.organizations.id, to: r.memberships.organizationId }),
  },
  memberships: {
    user: r.one.users({ from: r.memberships.userId, to: r.users.id, optional: false }),
    organization: r.one.organizations({
      from: r.memberships.organizationId,
      to: r.organizations.id,
      optional: false,
    }),
  },
}));
