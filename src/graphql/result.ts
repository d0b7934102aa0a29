import type { Result } from '../lib/errors.js';

/** Hands a service's expected failure to the errors plugin, which renders it as a typed result. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}
