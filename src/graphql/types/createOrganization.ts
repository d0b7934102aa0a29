import { organizationNameSchema } from '../../accounts/inputs.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Organization } from './Organization.js';
import { inputErrors } from './UserError.js';

const CreateOrganizationInput = builder.inputType('CreateOrganizationInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: organizationNameSchema }),
  }),
});

builder.mutationField('createOrganization', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Organization,
    description: 'Creates an organization owned by the viewer.',
    args: { input: t.arg({ type: CreateOrganizationInput, required: true }) },
    errors: { types: [...inputErrors] },
    resolve: async (_root, { input }, ctx) => {
      const created = await ctx.services.accounts.createOrganization(input, {
        ...ctx.actor,
        userId: ctx.viewer.user.id,
      });
      ctx.membershipsChanged();
      return unwrap(created);
    },
  }),
);
