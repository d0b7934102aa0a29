// Shapes of untrusted invitation input, shared by the GraphQL edge, bulk rows and the dry run.
import { z } from 'zod';
import { emailSchema, nameSchema, passwordSchema } from '../accounts/inputs.js';
import { hasNul, isReadable, jsonHasNul, NUL_MESSAGE, UNREADABLE_MESSAGE } from '../lib/text.js';

export { emailSchema };

export const MESSAGE_MAX_LENGTH = 1000;
export const METADATA_MAX_BYTES = 4096;
export const BULK_MAX_ROWS = 100;

export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'Phone must be in E.164 form, like +14155550123');

export const messageSchema = z
  .string()
  .max(MESSAGE_MAX_LENGTH, `Message must be at most ${MESSAGE_MAX_LENGTH} characters`)
  // Plain text: line breaks and tabs are fine, other control characters are not.
  .refine((s) => !s.replace(/[\n\r\t]/g, '').match(/\p{Cc}/u), 'Message must be plain text')
  .refine(isReadable, `Message ${UNREADABLE_MESSAGE}`);

export const permissionsSchema = z
  .array(z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'Permissions look like "invoices:read"'))
  .max(50, 'At most 50 permissions');

export const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => !jsonHasNul(value), `Metadata ${NUL_MESSAGE}`)
  .refine(
    (value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES,
    `Metadata must be at most ${METADATA_MAX_BYTES} bytes of JSON`,
  );

export const expiresInDaysSchema = z
  .int('Expiry must be a whole number of days')
  .min(1, 'Expiry must be at least 1 day');

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !hasNul(s), `Idempotency key ${NUL_MESSAGE}`);

export const reasonSchema = z
  .string()
  .trim()
  .max(500, 'Reason must be at most 500 characters')
  .refine((s) => !hasNul(s), `Reason ${NUL_MESSAGE}`)
  .refine(isReadable, `Reason ${UNREADABLE_MESSAGE}`);

/** One invitation's fields, for bulk rows and the dry run, which check them outside the edge. */
export const invitationFieldsSchema = z.object({
  email: emailSchema,
  phone: phoneSchema.nullish(),
  message: messageSchema.nullish(),
  permissions: permissionsSchema.nullish(),
  metadata: metadataSchema.nullish(),
  expiresInDays: expiresInDaysSchema.nullish(),
});

/** An anonymous accept creates the account, so it needs a name and an acceptable password. */
export function passwordlessIssues(input: { name?: string | null; password?: string | null }) {
  const issues: { path: string[]; message: string }[] = [];
  const name = nameSchema.safeParse(input.name ?? '');
  if (!name.success)
    issues.push({ path: ['input', 'name'], message: name.error.issues[0]?.message ?? 'Name is required' });
  const password = passwordSchema.safeParse(input.password ?? '');
  if (!password.success) {
    issues.push({ path: ['input', 'password'], message: password.error.issues[0]?.message ?? 'Password is required' });
  }
  return issues;
}
