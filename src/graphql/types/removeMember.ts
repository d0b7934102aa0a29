import type { Membership as MembershipRow } from '../../accounts/service.js';
import { LastOwnerError, NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { fieldErrors } from '../result.js';
import { Organization } from './Organization.js';
import { User } from './User.js';

const RemoveMemberInput = builder.inputType('RemoveMemberInput', {
  description: 'Whom to remove from which organization.',
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization, description: 'The organization.' }),
    userId: t.globalID({ required: true, for: User, description: 'The member to remove.' }),
  }),
});

const RemoveMemberPayload = builder.objectRef<MembershipRow>('RemoveMemberPayload').implement({
  description: 'The removed membership’s ids, and the organization without it.',
  fields: (t) => ({
    removedMembershipId: t.id({
      description: 'The id the membership had.',
      resolve: (m) => encodeGlobalID('Membership', m.id),
    }),
    removedUserId: t.id({ description: 'The removed user.', resolve: (m) => encodeGlobalID('User', m.userId) }),
    organization: t.drizzleField({
      type: Organization,
      description: 'The organization as it now stands.',
      resolve: (query, m, _args, ctx) =>
        ctx.db.query.organizations.findFirst(query({ where: { id: m.organizationId } })).then((o) => {
          if (!o) throw new Error('organization vanished');
          return o;
        }),
    }),
  }),
});

const errors = fieldErrors({ input: true, id: true }, NotFoundError, RoleNotAllowedError, LastOwnerError);

builder.mutationField('removeMember', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: RemoveMemberPayload,
    nullable: true,
    description:
      'Removes a member at once: their tokens stop reaching the organization. Owners and admins only; only an owner may remove an owner; the last owner cannot be removed.',
    args: { input: t.arg({ type: RemoveMemberInput, required: true, description: 'The member to remove.' }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: errors.union('The removal, or why it was refused.'),
    resolve: async (_root, { input }, ctx) => {
      const removed = await ctx.services.accounts.removeMember(
        { organizationId: input.organizationId.id, userId: input.userId.id },
        ctx.actor,
      );
      ctx.membershipsChanged();
      return errors.unwrap(removed);
    },
  }),
);
