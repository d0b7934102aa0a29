import {
  AlreadyMemberError,
  CustomMessagesDisabledError,
  IdempotencyConflictError,
  PendingInvitationExistsError,
  PermissionNotHeldError,
  RateLimitedError,
  SelfInviteError,
} from '../../invitations/errors.js';
import { idempotencyKeySchema } from '../../invitations/inputs.js';
import type { Sent } from '../../invitations/service.js';
import { NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { invitationFields } from '../inputs.js';
import { fieldErrors } from '../result.js';
import { Invitation } from './Invitation.js';
import { Organization } from './Organization.js';

/** The answer of a send or a resend: the invitation and its fresh link. */
export function sentPayload(name: string, description: string) {
  return builder.objectRef<Sent>(name).implement({
    description,
    isTypeOf: (value) => typeof value === 'object' && value !== null && 'inviteUrl' in value,
    fields: (t) => ({
      invitation: t.field({
        type: Invitation,
        description: 'The invitation as it now stands.',
        resolve: (s) => s.invitation,
      }),
      inviteUrl: t.string({
        nullable: true,
        description:
          'The accept link with its secret token. Shown when the token is made (send, resend) and never again; null on an idempotent replay.',
        resolve: (sent) => sent.inviteUrl,
      }),
      replayed: t.boolean({
        description: 'True when an earlier request with the same idempotency key answered, and nothing new was made.',
        resolve: (sent) => sent.replayed,
      }),
    }),
  });
}

export const SendInvitationPayload = sentPayload(
  'SendInvitationPayload',
  'The new invitation, and its link while it can be shown.',
);

export const idempotencyKeyDescription =
  'Same key and same input within 24 hours: the first answer again, and nothing new is made; the same key with other input is IdempotencyConflictError. The Idempotency-Key header does the same.';

const SendInvitationInput = builder.inputType('SendInvitationInput', {
  description: 'One invitation to send.',
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization, description: 'The inviting organization.' }),
    ...invitationFields(t, true),
    idempotencyKey: t.string({ validate: idempotencyKeySchema, description: idempotencyKeyDescription }),
  }),
});

/** What sending one invitation can refuse, in a single send and in each row of a bulk send. */
const sendRefusals = [
  NotFoundError,
  RoleNotAllowedError,
  PermissionNotHeldError,
  CustomMessagesDisabledError,
  SelfInviteError,
  AlreadyMemberError,
  PendingInvitationExistsError,
  RateLimitedError,
] as const;

const sendErrors = fieldErrors({ input: true, id: true }, ...sendRefusals, IdempotencyConflictError);

/** A bulk row's refusals: as a send's, but its ids belong to the whole request. */
export const rowErrors = fieldErrors({ input: true }, ...sendRefusals, IdempotencyConflictError);

builder.mutationField('sendInvitation', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: SendInvitationPayload,
    nullable: true,
    description:
      'Invites someone by email; answers at once (status PENDING, deliveryStatus VALIDATING) with the link. Owners and admins only. Refuses: inviting an owner unless an owner, permissions the inviter lacks, a custom message when they are off, oneself, a member, an address with a pending invitation, and sends over the hourly, daily or weekly limits.',
    args: { input: t.arg({ type: SendInvitationInput, required: true, description: 'The invitation to send.' }) },
    authScopes: (_root, { input }) => ({ admin: input.organizationId.id }),
    errors: sendErrors.union('The new invitation and its link, or why it was refused.'),
    resolve: async (_root, { input }, ctx) => {
      const { organizationId, idempotencyKey, ...fields } = input;
      return sendErrors.unwrap(
        await ctx.services.invitations.send(
          { ...fields, organizationId: organizationId.id, metadata: fields.metadata as Record<string, unknown> | null },
          ctx.actor,
          idempotencyKey ?? ctx.idempotencyKey,
        ),
      );
    },
  }),
);
