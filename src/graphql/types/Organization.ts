import { builder } from '../builder.js';
import { Role } from './Role.js';

export const Organization = builder.drizzleNode('organizations', {
  name: 'Organization',
  id: { column: (organization) => organization.id },
  fields: (t) => ({
    name: t.exposeString('name'),
    blockedEmailDomains: t.exposeStringList('blockedEmailDomains', {
      description: 'Invitations to these domains are REJECTED before any email',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    members: t.relation('memberships', { query: { orderBy: { createdAt: 'asc' } } }),
    viewerRole: t.field({
      type: Role,
      nullable: true,
      description: 'The viewer’s role here',
      resolve: async (organization, _args, ctx) =>
        (await ctx.memberships()).find((m) => m.organizationId === organization.id)?.role ?? null,
    }),
  }),
});

builder.queryField('organization', (t) =>
  t.withAuth({ authenticated: true }).drizzleField({
    type: Organization,
    nullable: true,
    description: 'An organization the viewer belongs to; null for any other id',
    args: { id: t.arg.globalID({ required: true, for: Organization }) },
    resolve: async (query, _root, { id }, ctx) => {
      const mine = await ctx.memberships();
      if (!mine.some((m) => m.organizationId === id.id)) return null;
      return ctx.db.query.organizations.findFirst(query({ where: { id: id.id } }));
    },
  }),
);
