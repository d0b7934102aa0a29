import type { Membership as MembershipRow } from '../../accounts/service.js';
import { LastOwnerError, NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Membership } from './Membership.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';
import { User } from './User.js';

const UpdateMemberRoleInput = builder.inputType('UpdateMemberRoleInput', {
  description: 'Whose role to change, and to what.',
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization, description: 'The organization.' }),
    userId: t.globalID({ required: true, for: User, description: 'The member.' }),
    role: t.field({ type: Role, required: true, description: 'The new role.' }),
  }),
});

const UpdateMemberRolePayload = builder.objectRef<MembershipRow>('UpdateMemberRolePayload').implement({
  description: 'The changed membership.',
  fields: (t) => ({
    membership: t.field({ type: Membership, description: 'The membership with its new role.', resolve: (m) => m }),
  }),
});

const errors = fieldErrors({ input: true, id: true }, NotFoundError, RoleNotAllowedError, LastOwnerError);

builder.mutationField('updateMemberRole', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: UpdateMemberRolePayload,
    nullable: true,
    description:
      'Changes a member’s role. Owners and admins only; only an owner may grant, change or remove the OWNER role; the last owner cannot be demoted.',
    args: { input: t.arg({ type: UpdateMemberRoleInput, required: true, description: 'The change.' }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: errors.union('The changed membership, or why it was refused.'),
    resolve: async (_root, { input }, ctx) => {
      const updated = await ctx.services.accounts.updateMemberRole(
        { organizationId: input.organizationId.id, userId: input.userId.id, role: input.role },
        ctx.actor,
      );
      ctx.membershipsChanged();
      return errors.unwrap(updated);
    },
  }),
);
