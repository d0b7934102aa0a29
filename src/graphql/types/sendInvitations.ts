import { z } from 'zod';
import { IdempotencyConflictError } from '../../invitations/errors.js';
import { BULK_MAX_ROWS, idempotencyKeySchema } from '../../invitations/inputs.js';
import type { Sent } from '../../invitations/service.js';
import type { Result } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { asSchemaError, unwrap } from '../result.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';
import { SendInvitationPayload } from './sendInvitation.js';
import { inputErrors, sendErrors } from './UserError.js';

const SendInvitationsRow = builder.inputType('SendInvitationsRow', {
  description: 'One invitation of a bulk send; checked on its own',
  fields: (t) => ({
    email: t.string({ required: true }),
    phone: t.string(),
    role: t.field({ type: Role, required: true }),
    message: t.string(),
    permissions: t.stringList(),
    metadata: t.field({ type: 'JSON' }),
    expiresInDays: t.int(),
  }),
});

const SendInvitationsInput = builder.inputType('SendInvitationsInput', {
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization }),
    invitations: t.field({
      type: [SendInvitationsRow],
      required: true,
      validate: z.array(z.unknown()).min(1, 'At least one row').max(BULK_MAX_ROWS, `At most ${BULK_MAX_ROWS} rows`),
    }),
    idempotencyKey: t.string({ validate: idempotencyKeySchema }),
  }),
});

const SendInvitationsPayload = builder.objectRef<Result<Sent>[]>('SendInvitationsPayload').implement({
  fields: (t) => ({
    results: t.field({
      type: [SendInvitationPayload],
      description: 'One per row, in order: the invitation made from it, or why it was refused',
      itemErrors: {
        types: sendErrors,
        directResult: true,
        union: { name: 'SendInvitationsRowResult' },
      },
      resolve: (rows) => rows.map((row) => (row.ok ? row.value : asSchemaError(row.error))) as Sent[],
    }),
    sentCount: t.int({ resolve: (rows) => rows.filter((r) => r.ok).length }),
    failedCount: t.int({ resolve: (rows) => rows.filter((r) => !r.ok).length }),
  }),
});

builder.mutationField('sendInvitations', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: SendInvitationsPayload,
    description: `Bulk send of up to ${BULK_MAX_ROWS} rows; each row succeeds or fails on its own, with the refusals of sendInvitation.`,
    args: { input: t.arg({ type: SendInvitationsInput, required: true }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: { types: [...inputErrors, IdempotencyConflictError] },
    resolve: async (_root, { input }, ctx) =>
      unwrap(
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
