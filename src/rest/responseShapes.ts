// The answers of a REST route as JSON Schemas: its payload, and each error its GraphQL field can
// answer (typed or not) under the status statuses.ts gives its code, in `{ error }` envelopes.
import { type GraphQLSchema, getNamedType, isNonNullType, isObjectType, isUnionType } from 'graphql';
import type { RestOperation } from './document.js';
import type { createShapes, JsonSchema } from './shapes.js';
import { userErrorCodes } from './shapes.js';
import { statusOf } from './statuses.js';

/** Errors any route may answer, as GraphQL errors rather than typed results (INVALID_JSON: routes with a body). */
const GENERIC: { code: string; description: string }[] = [
  { code: 'INVALID_JSON', description: 'The body is not valid JSON.' },
  { code: 'BAD_USER_INPUT', description: 'A parameter or body value is malformed for its type.' },
  { code: 'UNAUTHENTICATED', description: 'No bearer token, or one that is invalid or expired.' },
  { code: 'FORBIDDEN', description: 'The viewer may not do this in this organization (or it does not exist).' },
  { code: 'DATABASE_UNAVAILABLE', description: 'The database is unreachable for the moment; retry after Retry-After.' },
  { code: 'INTERNAL_SERVER_ERROR', description: 'Something unexpected failed; the details are logged, not shown.' },
];

const REASONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found (another organization’s ids look missing too)',
  409: 'Conflict',
  429: 'Too many requests; retry after Retry-After',
  500: 'Unexpected error',
  503: 'Unavailable; retry after Retry-After',
};

export const errorEnvelope = (variants: JsonSchema[], extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  properties: { ...extra, error: variants.length === 1 ? variants[0] : { anyOf: variants } },
  required: [...Object.keys(extra), 'error'],
  additionalProperties: false,
});

const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
};

const genericError: JsonSchema & { properties: Record<string, JsonSchema> } = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    retryAfter: { type: 'integer', description: 'Seconds to wait (503), as in Retry-After.' },
  },
  required: ['code', 'message'],
  additionalProperties: false,
};

export type Shapes = ReturnType<typeof createShapes>;

export interface RouteShapes {
  success: JsonSchema;
  /** Error variants by HTTP status. */
  errors: Map<number, JsonSchema[]>;
}

/** The success schema and the error variants of one operation's answers. */
export function routeShapes(
  schema: GraphQLSchema,
  shapes: Shapes,
  operation: RestOperation,
  options: { body: boolean },
): RouteShapes {
  const codes = userErrorCodes(schema);
  const root = operation.definition.selectionSet.selections[0];
  if (root?.kind !== 'Field' || !root.selectionSet)
    throw new Error(`${operation.name}: no selection on its root field`);
  const selection = root.selectionSet;
  const type = getNamedType(operation.rootField.type);
  const errors = new Map<number, JsonSchema[]>();
  const add = (status: number, variant: JsonSchema) => errors.set(status, [...(errors.get(status) ?? []), variant]);
  let success: JsonSchema;
  if (isUnionType(type)) {
    const members = type.getTypes();
    const payloads = members.filter((m) => !codes.has(m.name));
    const [payload] = payloads;
    if (!payload || payloads.length !== 1)
      throw new Error(`${operation.name}: expected one payload type in ${type.name}`);
    success = shapes.object(payload, selection, ['__typename']);
    for (const member of members.filter((m) => codes.has(m.name))) {
      const code = codes.get(member.name) as string;
      const variant = shapes.object(member, selection, ['__typename']);
      (variant.properties as Record<string, JsonSchema>).code = { type: 'string', const: code };
      add(statusOf(code), { ...variant, title: member.name });
    }
  } else if (isObjectType(type)) {
    success = shapes.object(type, selection);
    if (!isNonNullType(operation.rootField.type)) {
      add(404, { ...genericError, properties: { ...genericError.properties, code: { const: 'NOT_FOUND' } } });
    }
  } else throw new Error(`${operation.name}: the root field must answer an object or a union`);
  for (const generic of GENERIC) {
    if (generic.code === 'INVALID_JSON' && !options.body) continue;
    add(statusOf(generic.code), {
      ...genericError,
      title: generic.code,
      description: generic.description,
      properties: { ...genericError.properties, code: { const: generic.code } },
    });
  }
  return { success, errors };
}

/** The responses object of a path item: the success, and every error status with its variants. */
export function responses(
  successStatus: number,
  successDescription: string,
  success: JsonSchema,
  errors: Map<number, JsonSchema[]>,
  envelope: (variants: JsonSchema[]) => JsonSchema = (variants) => errorEnvelope(variants),
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [successStatus]: { description: successDescription, content: { 'application/json': { schema: success } } },
  };
  for (const status of [...errors.keys()].sort()) {
    out[status] = {
      description: REASONS[status] ?? 'Error',
      ...(status === 429 || status === 503 ? { headers: retryAfterHeader } : {}),
      content: { 'application/json': { schema: envelope(errors.get(status) ?? []) } },
    };
  }
  return out;
}
