import { InvalidTokenError } from '../../invitations/errors.js';
import type { Preview } from '../../invitations/service.js';
import { TooManyAttemptsError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { fieldErrors } from '../result.js';
import { Role } from './Role.js';

export const InvitationPreview = builder.objectRef<Preview>('InvitationPreview').implement({
  description:
    'What the invited person may see of an invitation, through its link or as the addressee: the organization’s and inviter’s names, the role, the note and the expiry, and nothing more of the organization.',
  fields: (t) => ({
    invitationId: t.id({
      description:
        'The invitation’s global id (readable as an Invitation only by the organization’s owners and admins).',
      resolve: (p) => encodeGlobalID('Invitation', p.invitation.id),
    }),
    organizationName: t.exposeString('organizationName', { description: 'The inviting organization’s name.' }),
    inviterName: t.exposeString('inviterName', {
      nullable: true,
      description: 'The inviter’s name; null when that account is gone.',
    }),
    role: t.field({ type: Role, description: 'The role offered.', resolve: (p) => p.invitation.role }),
    message: t.string({
      nullable: true,
      description: 'The inviter’s personal note.',
      resolve: (p) => p.invitation.message,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      description: 'When the link stops working.',
      resolve: (p) => p.invitation.expiresAt,
    }),
    maskedEmail: t.exposeString('maskedEmail', {
      description: 'The invited email, partly hidden, like a•••@example.com.',
    }),
  }),
});

const errors = fieldErrors({}, InvalidTokenError, TooManyAttemptsError);

builder.queryField('invitationByToken', (t) =>
  t.field({
    type: InvitationPreview,
    nullable: true,
    description:
      'Public preview of an invitation link. Unknown, expired, used and withdrawn links answer InvalidTokenError alike; failed guesses are limited per address. Never consumes the token.',
    args: { token: t.arg.string({ required: true, description: 'The secret token from the invitation link.' }) },
    errors: errors.union('The preview, or why the link cannot be shown.'),
    resolve: async (_root, { token }, ctx) => errors.unwrap(await ctx.services.invitations.preview(token, ctx.actor)),
  }),
);
