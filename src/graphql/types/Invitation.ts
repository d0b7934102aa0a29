import { inArray, or, type SQL, sql } from 'drizzle-orm';
import { invitations } from '../../db/schema/index.js';
import { invitationFilterSql } from '../../invitations/queries.js';
import { effectiveStatus } from '../../invitations/status.js';
import { builder } from '../builder.js';
import { DeliveryStatus } from './DeliveryStatus.js';
import { InvitationStatus } from './InvitationStatus.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';
import { User } from './User.js';

export const Invitation = builder.drizzleNode('invitations', {
  name: 'Invitation',
  id: { column: (invitation) => invitation.id },
  // Columns are read with plain resolvers rather than `expose`: every column is loaded anyway, and
  // an exposed column would make the rows that mutations return (not loaded by a planned query)
  // be read again after commit.
  fields: (t) => ({
    email: t.string({ resolve: (i) => i.email }),
    phone: t.string({ nullable: true, resolve: (i) => i.phone }),
    role: t.field({ type: Role, resolve: (i) => i.role }),
    message: t.string({ nullable: true, resolve: (i) => i.message }),
    permissions: t.stringList({ resolve: (i) => i.permissions }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (i) => i.metadata }),
    status: t.field({
      type: InvitationStatus,
      resolve: (invitation, _args, ctx) => effectiveStatus(invitation, ctx.clock.now()),
    }),
    deliveryStatus: t.field({ type: DeliveryStatus, resolve: (i) => i.deliveryStatus }),
    attempts: t.int({ description: 'Emails started for it: 1, plus one per resend', resolve: (i) => i.attempts }),
    expiresAt: t.field({ type: 'DateTime', resolve: (i) => i.expiresAt }),
    lastSentAt: t.field({ type: 'DateTime', resolve: (i) => i.lastSentAt }),
    respondedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was accepted, declined or cancelled',
      resolve: (i) => i.respondedAt,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (i) => i.createdAt }),
    openedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'First open (tracking)',
      resolve: (i) => i.openedAt,
    }),
    clickedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'First click (tracking)',
      resolve: (i) => i.clickedAt,
    }),
    organization: t.relation('organization'),
    invitedBy: t.relation('invitedBy', { nullable: true }),
    timeline: t.relation('events', {
      description: 'Every event of this invitation, oldest first',
      query: { orderBy: { seq: 'asc' } },
    }),
  }),
});

/** What cancel and decline answer with: the invitation as it now stands. */
export const InvitationPayload = builder
  .objectRef<{ invitation: typeof invitations.$inferSelect }>('InvitationPayload')
  .implement({
    fields: (t) => ({ invitation: t.field({ type: Invitation, resolve: (payload) => payload.invitation }) }),
  });

const InvitationFilter = builder.inputType('InvitationFilter', {
  fields: (t) => ({
    status: t.field({ type: [InvitationStatus], description: 'Any of these statuses, as they read now' }),
    deliveryStatus: t.field({ type: [DeliveryStatus] }),
    role: t.field({ type: [Role] }),
    invitedBy: t.globalID({ for: User }),
    email: t.string({ description: 'Part of the email, any case' }),
    createdAfter: t.field({ type: 'DateTime' }),
    createdBefore: t.field({ type: 'DateTime' }),
  }),
});

const InvitationOrder = builder.enumType('InvitationOrder', {
  values: ['CREATED_AT_DESC', 'CREATED_AT_ASC', 'EXPIRES_AT_ASC', 'EMAIL_ASC'] as const,
});

const orderings = {
  CREATED_AT_DESC: { createdAt: 'desc' },
  CREATED_AT_ASC: { createdAt: 'asc' },
  EXPIRES_AT_ASC: { expiresAt: 'asc' },
  EMAIL_ASC: { email: 'asc' },
} as const;

builder.queryFields((t) => ({
  invitation: t.withAuth({ authenticated: true }).drizzleField({
    type: Invitation,
    nullable: true,
    description: 'An invitation of an organization the viewer manages, or one addressed to the viewer',
    args: { id: t.arg.globalID({ required: true, for: Invitation }) },
    resolve: async (query, _root, { id }, ctx) => {
      const managed = (await ctx.memberships())
        .filter((m) => m.role === 'OWNER' || m.role === 'ADMIN')
        .map((m) => m.organizationId);
      return ctx.db.query.invitations.findFirst(
        query({
          where: {
            id: id.id,
            RAW: (table) =>
              or(
                inArray(table.organizationId, managed),
                sql`lower(${table.email}) = ${ctx.viewer.user.email.toLowerCase()}`,
              ) as SQL,
          },
        }),
      );
    },
  }),
  invitations: t.withAuth({ authenticated: true }).drizzleConnection({
    type: 'invitations',
    description: 'The organization’s invitations, for its owners and admins',
    args: {
      organizationId: t.arg.globalID({ required: true, for: Organization }),
      filter: t.arg({ type: InvitationFilter }),
      orderBy: t.arg({ type: InvitationOrder, defaultValue: 'CREATED_AT_DESC' }),
    },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    totalCount: (_root, args, ctx) =>
      ctx.db.$count(
        invitations,
        invitationFilterSql(
          invitations,
          args.organizationId.id,
          { ...args.filter, invitedById: args.filter?.invitedBy?.id },
          ctx.clock.now(),
        ),
      ),
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.invitations.findMany(
        query({
          where: {
            RAW: (table) =>
              invitationFilterSql(
                table,
                args.organizationId.id,
                { ...args.filter, invitedById: args.filter?.invitedBy?.id },
                ctx.clock.now(),
              ),
          },
          orderBy: orderings[args.orderBy ?? 'CREATED_AT_DESC'],
        }),
      ),
  }),
}));
