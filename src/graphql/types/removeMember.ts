import type { Membership as MembershipRow } from '../../accounts/service.js';
import { LastOwnerError, NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { unwrap } from '../result.js';
import { Organization } from './Organization.js';
import { User } from './User.js';
import { inputErrors } from './UserError.js';

const RemoveMemberInput = builder.inputType('RemoveMemberInput', {
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization }),
    userId: t.globalID({ required: true, for: User }),
  }),
});

const RemoveMemberPayload = builder.objectRef<MembershipRow>('RemoveMemberPayload').implement({
  fields: (t) => ({
    removedMembershipId: t.id({ resolve: (m) => encodeGlobalID('Membership', m.id) }),
    removedUserId: t.id({ resolve: (m) => encodeGlobalID('User', m.userId) }),
    organization: t.drizzleField({
      type: Organization,
      resolve: (query, m, _args, ctx) =>
        ctx.db.query.organizations.findFirst(query({ where: { id: m.organizationId } })).then((o) => {
          if (!o) throw new Error('organization vanished');
          return o;
        }),
    }),
  }),
});

builder.mutationField('removeMember', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: RemoveMemberPayload,
    description:
      'Removes a member at once: their tokens stop reaching the organization. Owners and admins only; only an owner may remove an owner; the last owner cannot be removed.',
    args: { input: t.arg({ type: RemoveMemberInput, required: true }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: { types: [...inputErrors, NotFoundError, RoleNotAllowedError, LastOwnerError] },
    resolve: async (_root, { input }, ctx) => {
      const removed = await ctx.services.accounts.removeMember(
        { organizationId: input.organizationId.id, userId: input.userId.id },
        ctx.actor,
      );
      ctx.membershipsChanged();
      return unwrap(removed);
    },
  }),
);
