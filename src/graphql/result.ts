// Typed results: what a field declares it may answer instead of its value, checked against what
// its service can return, so the schema's unions list exactly the errors a client can meet.
import { PothosValidationError } from '@pothos/core';
import { InputValidationError } from '@pothos/plugin-validation';
import { type DomainError, InvalidInputError, type Result } from '../lib/errors.js';

// biome-ignore lint/suspicious/noExplicitAny: the constructor type the errors plugin takes
type ErrorClass<E = Error> = new (...args: any[]) => E;
type DomainErrorClass = ErrorClass<DomainError>;

/** The plugin-made errors a field may answer: `input` for validated inputs, `id` for global id arguments. */
export interface PluginErrors {
  input?: boolean;
  id?: boolean;
}

type Declared<P extends PluginErrors, C extends readonly DomainErrorClass[]> =
  | InstanceType<C[number]>
  // A service's input refusal is rendered as InputValidationError: allowed where that is declared.
  | (P['input'] extends true ? InvalidInputError : never);

/** Makes a service's input refusal read exactly like one found by the validation plugin. */
export function asSchemaError(error: Error): Error {
  if (error instanceof InvalidInputError) return new InputValidationError({ issues: error.issues });
  return error;
}

/**
 * Declares a field's errors: `types` goes to the errors plugin (the field's result union) and
 * `unwrap` accepts a service result only when its error type is exactly the declared set. A
 * service error that is not declared fails to compile, and so does a declared one it never returns.
 */
export function fieldErrors<const P extends PluginErrors, const C extends readonly DomainErrorClass[]>(
  plugin: P,
  ...classes: C
) {
  const types: ErrorClass[] = [
    ...(plugin.input ? [InputValidationError] : []),
    ...(plugin.id ? [PothosValidationError] : []),
    ...classes,
  ];
  return {
    types,
    /** The errors plugin's options: these types, in a union described for clients. */
    union: (description: string) => ({ types, union: { description } }),
    /** Only a type: the errors declared, for shapes that carry results (bulk rows). */
    declared: undefined as unknown as Declared<P, C>,
    unwrap<T, E extends Declared<P, C>>(
      result: Result<T, E>,
      ..._exact: [Exclude<InstanceType<C[number]>, E>] extends [never]
        ? []
        : [declaredButNeverReturned: Exclude<InstanceType<C[number]>, E>]
    ): T {
      if (!result.ok) throw asSchemaError(result.error);
      return result.value;
    },
  };
}
