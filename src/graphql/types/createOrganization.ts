import { organizationNameSchema } from '../../accounts/inputs.js';
import type { Organization as OrganizationRow } from '../../accounts/service.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Organization } from './Organization.js';

const CreateOrganizationInput = builder.inputType('CreateOrganizationInput', {
  description: 'A new organization.',
  fields: (t) => ({
    name: t.string({ required: true, validate: organizationNameSchema, description: 'Its name, shown to invitees.' }),
  }),
});

const CreateOrganizationPayload = builder.objectRef<OrganizationRow>('CreateOrganizationPayload').implement({
  description: 'The new organization.',
  fields: (t) => ({
    organization: t.field({
      type: Organization,
      description: 'The organization; the viewer owns it.',
      resolve: (o) => o,
    }),
  }),
});

const errors = fieldErrors({ input: true });

builder.mutationField('createOrganization', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: CreateOrganizationPayload,
    nullable: true,
    description: 'Creates an organization owned by the viewer.',
    args: { input: t.arg({ type: CreateOrganizationInput, required: true, description: 'The new organization.' }) },
    errors: errors.union('The new organization, or why it was refused.'),
    resolve: async (_root, { input }, ctx) => {
      const created = await ctx.services.accounts.createOrganization(input, {
        ...ctx.actor,
        userId: ctx.viewer.user.id,
      });
      ctx.membershipsChanged();
      return errors.unwrap(created);
    },
  }),
);
