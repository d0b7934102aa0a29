import { builder } from '../builder.js';
import type { Viewer as ViewerShape } from '../context.js';
import { Membership } from './Membership.js';
import { User } from './User.js';

export const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'The signed-in user and what they belong to',
  fields: (t) => ({
    user: t.field({ type: User, resolve: (viewer) => viewer.user }),
    memberships: t.drizzleField({
      type: [Membership],
      resolve: (query, viewer, _args, ctx) =>
        ctx.db.query.memberships.findMany(query({ where: { userId: viewer.user.id }, orderBy: { createdAt: 'asc' } })),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Viewer,
    nullable: true,
    description: 'Who is signed in',
    resolve: (_root, _args, ctx) => ctx.viewer,
  }),
);
