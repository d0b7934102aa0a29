import { inArray } from 'drizzle-orm';
import { canManage } from '../../auth/policy.js';
import { invitations } from '../../db/schema/index.js';
import { invitationFilterSql } from '../../invitations/queries.js';
import { effectiveStatus } from '../../invitations/status.js';
import { builder } from '../builder.js';
import { connection, edge } from '../connections.js';
import { cursorCheck, keysetOrder } from '../cursors.js';
import { DeliveryStatus } from './DeliveryStatus.js';
import { InvitationStatus } from './InvitationStatus.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';
import { User } from './User.js';

export const Invitation = builder.drizzleNode('invitations', {
  name: 'Invitation',
  description:
    'An invitation to join an organization: where it stands (status), how its latest email is doing (deliveryStatus), and its history (timeline).',
  id: { column: (invitation) => invitation.id },
  // Columns are read with plain resolvers rather than `expose`: every column is loaded anyway, and
  // an exposed column would make the rows that mutations return (not loaded by a planned query)
  // be read again after commit.
  fields: (t) => ({
    email: t.string({ description: 'The invited email, in lower case.', resolve: (i) => i.email }),
    phone: t.string({
      nullable: true,
      description: 'A phone number in E.164 form, if given.',
      resolve: (i) => i.phone,
    }),
    role: t.field({ type: Role, description: 'The role the person gets on accepting.', resolve: (i) => i.role }),
    message: t.string({
      nullable: true,
      description: 'The inviter’s personal note, shown in the email and on the accept page.',
      resolve: (i) => i.message,
    }),
    permissions: t.stringList({ description: 'Permissions granted on accepting.', resolve: (i) => i.permissions }),
    metadata: t.field({
      type: 'JSONObject',
      nullable: true,
      description: 'The inviter’s own data, as sent.',
      resolve: (i) => i.metadata as Record<string, unknown> | null,
    }),
    status: t.field({
      type: InvitationStatus,
      description: 'Where it stands now; a pending invitation past its expiry reads EXPIRED at once.',
      resolve: (invitation, _args, ctx) => effectiveStatus(invitation, ctx.clock.now()),
    }),
    deliveryStatus: t.field({
      type: DeliveryStatus,
      description: 'How its latest email is doing.',
      resolve: (i) => i.deliveryStatus,
    }),
    attempts: t.int({ description: 'Emails started for it: 1, plus one per resend.', resolve: (i) => i.attempts }),
    expiresAt: t.field({ type: 'DateTime', description: 'When its link stops working.', resolve: (i) => i.expiresAt }),
    lastSentAt: t.field({
      type: 'DateTime',
      description: 'When it was last sent or resent.',
      resolve: (i) => i.lastSentAt,
    }),
    respondedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was accepted, declined or cancelled.',
      resolve: (i) => i.respondedAt,
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was sent first.', resolve: (i) => i.createdAt }),
    openedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its email was first opened (with tracking on).',
      resolve: (i) => i.openedAt,
    }),
    clickedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its link was first followed from the email (with tracking on).',
      resolve: (i) => i.clickedAt,
    }),
    organization: t.relation('organization', { description: 'The inviting organization.' }),
    invitedBy: t.relation('invitedBy', {
      nullable: true,
      description: 'Who sent it; null when that account is gone.',
    }),
    timeline: t.relation('events', {
      description: 'Every event of this invitation, oldest first.',
      query: { orderBy: { seq: 'asc' } },
    }),
  }),
});

const InvitationFilter = builder.inputType('InvitationFilter', {
  description: 'Which invitations to list; every condition given must hold.',
  fields: (t) => ({
    status: t.field({ type: [InvitationStatus], description: 'Any of these statuses, as they read now.' }),
    deliveryStatus: t.field({ type: [DeliveryStatus], description: 'Any of these delivery statuses.' }),
    role: t.field({ type: [Role], description: 'Any of these roles.' }),
    invitedBy: t.globalID({ for: User, description: 'Sent by this user.' }),
    email: t.string({ description: 'Part of the email, any case.' }),
    createdAfter: t.field({ type: 'DateTime', description: 'Created at or after this instant.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Created before this instant.' }),
  }),
});

const InvitationOrder = builder.enumType('InvitationOrder', {
  description: 'The order of a list of invitations; ties are broken by id.',
  values: {
    CREATED_AT_DESC: { description: 'Newest first.' },
    CREATED_AT_ASC: { description: 'Oldest first.' },
    EXPIRES_AT_ASC: { description: 'Soonest to expire first.' },
    EMAIL_ASC: { description: 'By email, A to Z.' },
  } as const,
});

// Each ends in the id, the tie-breaker the enum's description promises.
const orderings = {
  CREATED_AT_DESC: keysetOrder(invitations, { createdAt: 'desc', id: 'desc' }),
  CREATED_AT_ASC: keysetOrder(invitations, { createdAt: 'asc', id: 'asc' }),
  EXPIRES_AT_ASC: keysetOrder(invitations, { expiresAt: 'asc', id: 'asc' }),
  EMAIL_ASC: keysetOrder(invitations, { email: 'asc', id: 'asc' }),
};

builder.queryFields((t) => ({
  invitation: t.withAuth({ authenticated: true }).drizzleField({
    type: Invitation,
    nullable: true,
    description:
      'An invitation of an organization the viewer manages; null for any other id. Its addressee sees it as viewer.pendingInvitations or invitationByToken.',
    args: { id: t.arg.globalID({ required: true, for: Invitation, description: 'The invitation’s id.' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const managed = (await ctx.memberships()).filter((m) => canManage(m.role)).map((m) => m.organizationId);
      return ctx.db.query.invitations.findFirst(
        query({
          where: { id: id.id, RAW: (table) => inArray(table.organizationId, managed) },
        }),
      );
    },
  }),
  invitations: t.withAuth({ authenticated: true }).drizzleConnection(
    {
      type: 'invitations',
      nullable: true,
      description: 'The organization’s invitations, a page at a time, for its owners and admins.',
      args: {
        organizationId: t.arg.globalID({ required: true, for: Organization, description: 'The organization.' }),
        filter: t.arg({ type: InvitationFilter, description: 'Which invitations; all when omitted.' }),
        orderBy: t.arg({ type: InvitationOrder, defaultValue: 'CREATED_AT_DESC', description: 'Their order.' }),
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
      extensions: cursorCheck((args) =>
        orderings[(args.orderBy as keyof typeof orderings) ?? 'CREATED_AT_DESC'].checkCursors(args),
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
            orderBy: orderings[args.orderBy ?? 'CREATED_AT_DESC'].orderBy,
          }),
        ),
    },
    connection('Invitation', 'invitations'),
    edge('Invitation', 'an invitation'),
  ),
}));
