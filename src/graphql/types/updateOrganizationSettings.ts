import { z } from 'zod';
import type { Organization as OrganizationRow } from '../../accounts/service.js';
import { NotFoundError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Organization } from './Organization.js';

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'A domain looks like example.com');

const UpdateOrganizationSettingsInput = builder.inputType('UpdateOrganizationSettingsInput', {
  description: 'The settings to change; omitted ones stay as they are.',
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization, description: 'The organization.' }),
    blockedEmailDomains: t.stringList({
      validate: z.array(domain).max(500, 'At most 500 domains'),
      description: 'Replaces the list: invitations to these domains (and their subdomains) are REJECTED; at most 500.',
    }),
  }),
});

const UpdateOrganizationSettingsPayload = builder
  .objectRef<OrganizationRow>('UpdateOrganizationSettingsPayload')
  .implement({
    description: 'The organization with its new settings.',
    fields: (t) => ({
      organization: t.field({ type: Organization, description: 'The organization.', resolve: (o) => o }),
    }),
  });

const errors = fieldErrors({ input: true, id: true }, NotFoundError);

builder.mutationField('updateOrganizationSettings', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: UpdateOrganizationSettingsPayload,
    nullable: true,
    description: 'Changes the organization’s invitation policy. Owners and admins.',
    args: { input: t.arg({ type: UpdateOrganizationSettingsInput, required: true, description: 'The settings.' }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: errors.union('The organization with its new settings, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(
        await ctx.services.accounts.updateOrganizationSettings(
          { organizationId: input.organizationId.id, blockedEmailDomains: input.blockedEmailDomains },
          ctx.actor,
        ),
      ),
  }),
);
