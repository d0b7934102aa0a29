import { verifyAuditChain } from '../../audit/log.js';
import { builder } from '../builder.js';
import { Organization } from './Organization.js';

export const AuditEntry = builder.drizzleObject('auditLog', {
  name: 'AuditEntry',
  description: 'One recorded action. Entries are never changed; each one’s hash covers the one before.',
  fields: (t) => ({
    id: t.exposeID('id'),
    action: t.exposeString('action', { description: 'e.g. invitation.created, member.role_changed' }),
    actor: t.relation('actor', { nullable: true }),
    targetType: t.exposeString('targetType', { nullable: true }),
    targetId: t.exposeString('targetId', { nullable: true }),
    data: t.expose('data', { type: 'JSON', description: 'Before and after, where it applies' }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    hash: t.exposeString('hash'),
    prevHash: t.exposeString('prevHash'),
  }),
});

const AuditLogIntegrity = builder
  .objectRef<Awaited<ReturnType<typeof verifyAuditChain>>>('AuditLogIntegrity')
  .implement({
    fields: (t) => ({
      valid: t.exposeBoolean('valid'),
      checked: t.exposeInt('checked', { description: 'Entries verified before the first break, or all' }),
      firstBrokenId: t.exposeID('firstBrokenId', { nullable: true }),
    }),
  });

builder.queryFields((t) => ({
  auditLog: t.withAuth({ authenticated: true }).drizzleConnection({
    type: 'auditLog',
    description: 'The organization’s audit trail, newest first, for its owners and admins',
    args: { organizationId: t.arg.globalID({ required: true, for: Organization }) },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.query.auditLog.findMany(
        query({ where: { organizationId: args.organizationId.id }, orderBy: { seq: 'desc' } }),
      ),
  }),
  auditLogIntegrity: t.withAuth({ authenticated: true }).field({
    type: AuditLogIntegrity,
    description: 'Recomputes the organization’s hash chain: any entry edited behind the database’s back shows here.',
    args: { organizationId: t.arg.globalID({ required: true, for: Organization }) },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    resolve: (_root, args, ctx) => verifyAuditChain(ctx.db, args.organizationId.id),
  }),
}));
