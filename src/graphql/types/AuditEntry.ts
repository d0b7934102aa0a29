import { eq } from 'drizzle-orm';
import { verifyAuditChain } from '../../audit/log.js';
import { auditLog } from '../../db/schema/index.js';
import { builder } from '../builder.js';
import { connection, edge } from '../connections.js';
import { cursorCheck, keysetOrder } from '../cursors.js';
import { encodeGlobalID } from '../globalId.js';
import { Organization } from './Organization.js';

export const AuditEntry = builder.drizzleNode('auditLog', {
  name: 'AuditEntry',
  description: 'One recorded action. Entries are never changed; each one’s hash covers the one before.',
  id: { column: (entry) => entry.id },
  fields: (t) => ({
    action: t.exposeString('action', { description: 'What was done, e.g. invitation.created, member.role_changed.' }),
    actor: t.relation('actor', {
      nullable: true,
      description: 'Who did it; null for the system or a deleted account.',
    }),
    targetType: t.exposeString('targetType', {
      nullable: true,
      description: 'The type of the object acted on: Invitation, Organization or User.',
    }),
    targetId: t.id({
      nullable: true,
      description: 'The global id of the object acted on (of type targetType).',
      resolve: (entry) =>
        entry.targetType && entry.targetId ? encodeGlobalID(entry.targetType, entry.targetId) : null,
    }),
    data: t.field({
      type: 'JSONObject',
      description: 'Before and after, where it applies.',
      resolve: (entry) => entry.data as Record<string, unknown>,
    }),
    ip: t.exposeString('ip', { nullable: true, description: 'The client address the request came from.' }),
    userAgent: t.exposeString('userAgent', { nullable: true, description: 'The client’s User-Agent header.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    hash: t.exposeString('hash', { description: 'SHA-256 over this entry’s content and prevHash (hex).' }),
    prevHash: t.exposeString('prevHash', { description: 'The previous entry’s hash; zeros for the first.' }),
  }),
});

const AuditLogIntegrity = builder
  .objectRef<Awaited<ReturnType<typeof verifyAuditChain>>>('AuditLogIntegrity')
  .implement({
    description: 'The outcome of recomputing an organization’s hash chain.',
    fields: (t) => ({
      valid: t.exposeBoolean('valid', { description: 'True when every entry’s hash matches its content and chain.' }),
      checked: t.exposeInt('checked', { description: 'Entries verified before the first break, or all.' }),
      firstBrokenId: t.id({
        nullable: true,
        description: 'The first entry that does not match; null when valid.',
        resolve: (integrity) =>
          integrity.firstBrokenId ? encodeGlobalID('AuditEntry', integrity.firstBrokenId) : null,
      }),
    }),
  });

// seq has no unique constraint: the id breaks ties, as the drizzle plugin would have added it.
const newestFirst = keysetOrder(auditLog, { seq: 'desc', id: 'desc' });

builder.queryFields((t) => ({
  auditLog: t.withAuth({ authenticated: true }).drizzleConnection(
    {
      type: 'auditLog',
      nullable: true,
      description: 'The organization’s audit trail, newest first, for its owners and admins.',
      args: {
        organizationId: t.arg.globalID({ required: true, for: Organization, description: 'The organization.' }),
      },
      authScopes: (_root, args) => ({ admin: args.organizationId.id }),
      totalCount: (_root, args, ctx) => ctx.db.$count(auditLog, eq(auditLog.organizationId, args.organizationId.id)),
      extensions: cursorCheck(newestFirst.checkCursors),
      resolve: (query, _root, args, ctx) =>
        ctx.db.query.auditLog.findMany(
          query({ where: { organizationId: args.organizationId.id }, orderBy: newestFirst.orderBy }),
        ),
    },
    connection('AuditEntry', 'audit entries'),
    edge('AuditEntry', 'an audit entry'),
  ),
  auditLogIntegrity: t.withAuth({ authenticated: true }).field({
    type: AuditLogIntegrity,
    nullable: true,
    description: 'Recomputes the organization’s hash chain: any entry edited behind the database’s back shows here.',
    args: { organizationId: t.arg.globalID({ required: true, for: Organization, description: 'The organization.' }) },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    resolve: (_root, args, ctx) => verifyAuditChain(ctx.db, args.organizationId.id),
  }),
}));
