// The fields of one invitation, declared once for the three inputs that carry them: the send
// (checked at the edge), a bulk row and the dry run (both checked by the service, row by row or
// field by field, so one bad value does not refuse the rest).
import type { InputFieldBuilder } from '@pothos/core';
import {
  emailSchema,
  expiresInDaysSchema,
  messageSchema,
  metadataSchema,
  permissionsSchema,
  phoneSchema,
} from '../invitations/inputs.js';
import type { BuilderTypes } from './builder.js';
import { Role } from './types/Role.js';

export function invitationFields(t: InputFieldBuilder<BuilderTypes, 'InputObject'>, checked: boolean) {
  const at = <S>(schema: S) => (checked ? schema : undefined);
  return {
    email: t.string({
      required: true,
      validate: at(emailSchema),
      description: 'Where the invitation goes; compared without regard to case.',
    }),
    role: t.field({
      type: Role,
      required: true,
      description: 'The role the person gets on accepting; only owners may grant OWNER.',
    }),
    phone: t.string({ validate: at(phoneSchema), description: 'A phone number in E.164 form, like +14155550123.' }),
    message: t.string({
      validate: at(messageSchema),
      description: 'A personal note shown in the email and on the accept page: plain text, at most 1,000 characters.',
    }),
    permissions: t.stringList({
      validate: at(permissionsSchema),
      description: 'Permissions granted on accepting, like "invoices:read"; each one the inviter must hold.',
    }),
    metadata: t.field({
      // JSON rather than JSONObject, so that another value is refused as InputValidationError.
      type: 'JSON',
      validate: at(metadataSchema),
      description: 'Your own data kept with the invitation: a JSON object of at most 4 KB.',
    }),
    expiresInDays: t.int({
      validate: at(expiresInDaysSchema),
      description: 'Days until the link expires: default 7, at most the server’s maximum (30 unless configured).',
    }),
  };
}
