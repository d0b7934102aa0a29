import { InputValidationError } from '@pothos/plugin-validation';
import { InvalidInputError, type Result } from '../lib/errors.js';

/** A service's expected failure as the error the errors plugin renders into a typed result. */
export function asSchemaError(error: Error): Error {
  // Input problems found by a service read exactly like those found by the validation plugin.
  if (error instanceof InvalidInputError) return new InputValidationError({ issues: error.issues });
  return error;
}

/** Hands a service's expected failure to the errors plugin, which renders it as a typed result. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw asSchemaError(result.error);
  return result.value;
}
