import { LastOwnerError, NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Membership } from './Membership.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';
import { User } from './User.js';
import { inputErrors } from './UserError.js';

const UpdateMemberRoleInput = builder.inputType('UpdateMemberRoleInput', {
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization }),
    userId: t.globalID({ required: true, for: User }),
    role: t.field({ type: Role, required: true }),
  }),
});

builder.mutationField('updateMemberRole', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Membership,
    description:
      'Changes a member’s role. Owners and admins only; only an owner may grant, change or remove the OWNER role; the last owner cannot be demoted.',
    args: { input: t.arg({ type: UpdateMemberRoleInput, required: true }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: { types: [...inputErrors, NotFoundError, RoleNotAllowedError, LastOwnerError] },
    resolve: async (_root, { input }, ctx) => {
      const updated = await ctx.services.accounts.updateMemberRole(
        { organizationId: input.organizationId.id, userId: input.userId.id, role: input.role },
        ctx.actor,
      );
      ctx.membershipsChanged();
      return unwrap(updated);
    },
  }),
);
