import { z } from 'zod';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { Organization } from './Organization.js';
import { inputErrors } from './UserError.js';

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'A domain looks like example.com');

const UpdateOrganizationSettingsInput = builder.inputType('UpdateOrganizationSettingsInput', {
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization }),
    blockedEmailDomains: t.stringList({
      validate: z.array(domain).max(500, 'At most 500 domains'),
      description: 'Replaces the list: invitations to these domains (and their subdomains) are REJECTED',
    }),
  }),
});

builder.mutationField('updateOrganizationSettings', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Organization,
    description: 'Changes the organization’s invitation policy. Owners and admins.',
    args: { input: t.arg({ type: UpdateOrganizationSettingsInput, required: true }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: { types: inputErrors },
    resolve: async (_root, { input }, ctx) =>
      unwrap(
        await ctx.services.accounts.updateOrganizationSettings(
          { organizationId: input.organizationId.id, blockedEmailDomains: input.blockedEmailDomains },
          ctx.actor,
        ),
      ),
  }),
);
