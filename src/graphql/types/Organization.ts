import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { asc, eq } from 'drizzle-orm';
import { canManage } from '../../auth/policy.js';
import { memberships } from '../../db/schema/index.js';
import { builder } from '../builder.js';
import { connection, edge } from '../connections.js';
import { checkOffsetCursors, cursorCheck } from '../cursors.js';
import { Membership } from './Membership.js';
import { Role } from './Role.js';
import { WebhookEndpoint } from './WebhookEndpoint.js';

export const Organization = builder.drizzleNode('organizations', {
  name: 'Organization',
  description: 'A team that invites people; its members hold roles in it.',
  id: { column: (organization) => organization.id },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name, shown to invitees.' }),
    blockedEmailDomains: t.exposeStringList('blockedEmailDomains', {
      description: 'Invitations to these domains (and their subdomains) are REJECTED before any email.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    // An offset connection with its own count: the drizzle plugin's relatedConnection totalCount
    // builds broken SQL with drizzle-orm 1.0.0-rc.5.
    members: t.connection(
      {
        type: Membership,
        description: 'Its members, longest-standing first.',
        extensions: cursorCheck(checkOffsetCursors),
        resolve: async (organization, args, ctx) => {
          const where = eq(memberships.organizationId, organization.id);
          return resolveOffsetConnection(
            { args, maxSize: 100, totalCount: await ctx.db.$count(memberships, where) },
            ({ limit, offset }) =>
              ctx.db
                .select()
                .from(memberships)
                .where(where)
                .orderBy(asc(memberships.createdAt), asc(memberships.id))
                .limit(limit)
                .offset(offset),
          );
        },
      },
      {
        ...connection('Membership', 'memberships'),
        fields: (c) => ({ totalCount: c.int({ resolve: (page) => page.totalCount }) }),
      },
      edge('Membership', 'a membership'),
    ),
    webhookEndpoints: t.field({
      type: [WebhookEndpoint],
      nullable: true,
      description: 'Its webhook endpoints, oldest first; null unless the viewer is an owner or admin.',
      resolve: async (organization, _args, ctx) => {
        const role = (await ctx.memberships()).find((m) => m.organizationId === organization.id)?.role;
        if (!canManage(role)) return null;
        return ctx.db.query.webhookEndpoints.findMany({
          where: { organizationId: organization.id },
          orderBy: { createdAt: 'asc', id: 'asc' },
        });
      },
    }),
    viewerRole: t.field({
      type: Role,
      nullable: true,
      description: 'The viewer’s role here; null when the viewer is not a member.',
      resolve: async (organization, _args, ctx) =>
        (await ctx.memberships()).find((m) => m.organizationId === organization.id)?.role ?? null,
    }),
  }),
});

builder.queryField('organization', (t) =>
  t.withAuth({ authenticated: true }).drizzleField({
    type: Organization,
    nullable: true,
    description: 'An organization the viewer belongs to; null for any other id.',
    args: { id: t.arg.globalID({ required: true, for: Organization, description: 'The organization’s id.' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const mine = await ctx.memberships();
      if (!mine.some((m) => m.organizationId === id.id)) return null;
      return ctx.db.query.organizations.findFirst(query({ where: { id: id.id } }));
    },
  }),
);
