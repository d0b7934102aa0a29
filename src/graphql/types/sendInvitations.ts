import { z } from 'zod';
import { IdempotencyConflictError } from '../../invitations/errors.js';
import { BULK_MAX_ROWS, idempotencyKeySchema } from '../../invitations/inputs.js';
import type { Sent } from '../../invitations/service.js';
import type { Result } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { invitationFields } from '../inputs.js';
import { asSchemaError, fieldErrors } from '../result.js';
import { Organization } from './Organization.js';
import { idempotencyKeyDescription, rowErrors, SendInvitationPayload } from './sendInvitation.js';

const SendInvitationsRow = builder.inputType('SendInvitationsRow', {
  description: 'One invitation of a bulk send. Its values are checked with the row, so a bad row fails alone.',
  fields: (t) => invitationFields(t, false),
});

const SendInvitationsInput = builder.inputType('SendInvitationsInput', {
  description: `Up to ${BULK_MAX_ROWS} invitations for one organization.`,
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization, description: 'The inviting organization.' }),
    invitations: t.field({
      type: [SendInvitationsRow],
      required: true,
      description: `The rows, 1 to ${BULK_MAX_ROWS}; each succeeds or fails on its own.`,
      validate: z.array(z.unknown()).min(1, 'At least one row').max(BULK_MAX_ROWS, `At most ${BULK_MAX_ROWS} rows`),
    }),
    idempotencyKey: t.string({ validate: idempotencyKeySchema, description: idempotencyKeyDescription }),
  }),
});

const SendInvitationsPayload = builder
  .objectRef<Result<Sent, typeof rowErrors.declared>[]>('SendInvitationsPayload')
  .implement({
    description: 'What became of each row of a bulk send.',
    fields: (t) => ({
      results: t.field({
        type: [SendInvitationPayload],
        description: 'One per row, in order: the invitation made from it, or why it was refused.',
        itemErrors: {
          types: rowErrors.types,
          directResult: true,
          union: { name: 'SendInvitationsRowResult', description: 'A row’s invitation, or why it was refused.' },
        },
        resolve: (rows) => rows.map((row) => (row.ok ? row.value : asSchemaError(row.error))) as Sent[],
      }),
      sentCount: t.int({ description: 'Rows sent.', resolve: (rows) => rows.filter((r) => r.ok).length }),
      failedCount: t.int({ description: 'Rows refused.', resolve: (rows) => rows.filter((r) => !r.ok).length }),
    }),
  });

const errors = fieldErrors({ input: true, id: true }, IdempotencyConflictError);

builder.mutationField('sendInvitations', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: SendInvitationsPayload,
    nullable: true,
    description: `Bulk send of up to ${BULK_MAX_ROWS} rows; each row succeeds or fails on its own, with the refusals of sendInvitation.`,
    args: { input: t.arg({ type: SendInvitationsInput, required: true, description: 'The rows to send.' }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: errors.union('What became of each row, or why the whole request was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(
        await ctx.services.invitations.sendMany(
          {
            organizationId: input.organizationId.id,
            invitations: input.invitations.map((row) => ({
              ...row,
              metadata: row.metadata as Record<string, unknown> | null,
            })),
          },
          ctx.actor,
          input.idempotencyKey ?? ctx.idempotencyKey,
        ),
      ),
  }),
);
