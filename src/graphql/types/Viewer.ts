import { builder } from '../builder.js';
import type { Viewer as ViewerShape } from '../context.js';
import { InvitationPreview } from './InvitationPreview.js';
import { Membership } from './Membership.js';
import { User } from './User.js';

export const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'The signed-in user and what they belong to.',
  fields: (t) => ({
    user: t.field({ type: User, description: 'The signed-in user.', resolve: (viewer) => viewer.user }),
    pendingInvitations: t.field({
      type: [InvitationPreview],
      description:
        'Open invitations addressed to the viewer’s email, newest first, as their addressee may see them (the preview, nothing more of the organization). Empty until the viewer’s email is verified.',
      resolve: (viewer, _args, ctx) => ctx.services.invitations.pendingFor(viewer.user),
    }),
    memberships: t.drizzleField({
      type: [Membership],
      description: 'The viewer’s memberships, oldest first: one per organization.',
      resolve: (query, viewer, _args, ctx) =>
        ctx.db.query.memberships.findMany(query({ where: { userId: viewer.user.id }, orderBy: { createdAt: 'asc' } })),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Viewer,
    nullable: true,
    description: 'Who is signed in; null without a bearer token.',
    resolve: (_root, _args, ctx) => ctx.viewer,
  }),
);
