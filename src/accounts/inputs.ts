// Shapes of untrusted account input; parsed once at the edge, trusted by the services behind it.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { isReadable, UNREADABLE_MESSAGE } from '../lib/text.js';

/** Trimmed and lower-cased; refuses display-name forms ("Ann <a@b.c>") and header injection. */
export const emailSchema = z
  .string()
  .trim()
  .max(254, 'Email must be at most 254 characters')
  .refine((s) => !/[\r\n]/.test(s), 'Email must not contain line breaks')
  .refine((s) => !/[<>"\s]/.test(s), 'Email must be a bare address like ann@example.com')
  .pipe(z.email('Email is not a valid address'))
  .transform((s) => s.toLowerCase());

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .refine((s) => new Set(s).size >= 4, 'Password is too simple');

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'Name must not be empty')
  .max(100, 'Name must be at most 100 characters')
  .refine((s) => !/[\p{Cc}]/u.test(s), 'Name must not contain control characters')
  .refine(isReadable, `Name ${UNREADABLE_MESSAGE}`);

export const organizationNameSchema = nameSchema;
