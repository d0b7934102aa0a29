import { GraphQLError } from 'graphql';
import type { Preview } from '../../invitations/service.js';
import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { Role } from './Role.js';

const InvitationPreview = builder.objectRef<Preview>('InvitationPreview').implement({
  description: 'What the holder of an invitation link may see before accepting',
  fields: (t) => ({
    organizationName: t.exposeString('organizationName'),
    inviterName: t.exposeString('inviterName', { nullable: true }),
    role: t.field({ type: Role, resolve: (p) => p.invitation.role }),
    message: t.string({ nullable: true, resolve: (p) => p.invitation.message }),
    expiresAt: t.field({ type: 'DateTime', resolve: (p) => p.invitation.expiresAt }),
    maskedEmail: t.exposeString('maskedEmail', { description: 'The invited email, partly hidden' }),
  }),
});

builder.queryField('invitationByToken', (t) =>
  t.field({
    type: InvitationPreview,
    nullable: true,
    description:
      'Public preview of an invitation link; null for unknown, expired, used and withdrawn links alike. Never consumes the token.',
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_root, { token }, ctx) => {
      const result = await ctx.services.invitations.preview(token, ctx.actor);
      // A query answers a blocked address like HTTP 429 would, so the preview keeps one shape.
      if (!result.ok) {
        throw new GraphQLError(result.error.message, {
          extensions: {
            code: result.error.code,
            ...(result.error instanceof TooManyAttemptsError ? { retryAfter: result.error.retryAfter } : {}),
          },
        });
      }
      return result.value;
    },
  }),
);
