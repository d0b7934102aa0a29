// What a client sees while the database is unreachable: a GraphQL error with
// extensions.code DATABASE_UNAVAILABLE and `retryAfterSeconds`, over HTTP status 503 with
// Retry-After (yoga takes both from `extensions.http` and leaves them out of the body).
import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../db/availability.js';

export function unavailableError(error: unknown, retryAfterSeconds: number): GraphQLError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  const at = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError('The database is unavailable for the moment; retry shortly.', {
    nodes: at?.nodes,
    path: at?.path,
    extensions: {
      code: 'DATABASE_UNAVAILABLE',
      retryAfterSeconds,
      http: { status: 503, headers: { 'retry-after': String(retryAfterSeconds) } },
    },
  });
}
