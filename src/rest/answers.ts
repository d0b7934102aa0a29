// A GraphQL answer turned into a REST one: a payload is the body as it is; a typed error, or a
// GraphQL error that left the field empty, is `{ error: { code, message, ...its fields } }` with the
// status statuses.ts gives its code, and `Retry-After` when it says when to come back.
import { statusOf } from './statuses.js';

export interface GraphQLAnswer {
  status: number;
  retryAfterHeader: string | null;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

export interface RestError {
  code: string;
  message: string;
  [field: string]: unknown;
}

export type RestAnswer =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; status: number; error: RestError; retryAfter?: number };

const withoutTypename = (value: Record<string, unknown>) => {
  const { __typename: _, ...rest } = value;
  return rest;
};

/** A refusal with its status, from its code. */
export function refusal(error: RestError, retryAfter?: number): RestAnswer {
  const status = statusOf(error.code);
  return { ok: false, status, error, ...(retryAfter !== undefined ? { retryAfter } : {}) };
}

/** What the root field at `rootKey` answered, read as REST. `errorTypes` are the schema's UserError types. */
export function restAnswer(answer: GraphQLAnswer, rootKey: string, errorTypes: ReadonlySet<string>): RestAnswer {
  const root = answer.body.data?.[rootKey] as Record<string, unknown> | null | undefined;
  if (root != null) {
    const typename = root.__typename;
    if (typeof typename === 'string' && errorTypes.has(typename)) {
      const error = withoutTypename(root) as RestError;
      return refusal(error, typeof error.retryAfter === 'number' ? error.retryAfter : undefined);
    }
    return { ok: true, value: withoutTypename(root) };
  }
  const first = answer.body.errors?.[0];
  if (!first) return refusal({ code: 'NOT_FOUND', message: 'Not found' });
  const extensions = first.extensions ?? {};
  const code =
    typeof extensions.code === 'string'
      ? extensions.code
      : answer.status === 400 || answer.status === 413 || answer.status === 415
        ? 'BAD_USER_INPUT'
        : answer.status === 403
          ? 'FORBIDDEN'
          : 'INTERNAL_SERVER_ERROR';
  const seconds =
    typeof extensions.retryAfterSeconds === 'number'
      ? extensions.retryAfterSeconds
      : answer.retryAfterHeader
        ? Number(answer.retryAfterHeader)
        : undefined;
  const error: RestError = { code, message: first.message };
  if (seconds !== undefined && Number.isFinite(seconds)) error.retryAfter = seconds;
  return refusal(error, error.retryAfter as number | undefined);
}
