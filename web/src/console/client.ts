// The one place the console talks to the API: urql over fetch for queries and mutations,
// graphql-ws for subscriptions, both as the signed-in account.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient as createWsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import type { TypedDocumentString } from '../gql/graphql.js';
import type { Session } from '../shared/api.js';

/** urql takes the document's text (it parses it with its own small parser), typed as the document. */
export const doc = <R, V>(document: TypedDocumentString<R, V>) =>
  document.toString() as unknown as TypedDocumentNode<R, V>;

type Request = { query: string; variables?: Record<string, unknown> };
type Sink = { next(value: { data?: unknown }): void; error(error: unknown): void; complete(): void };

/** A feed that can resume: it takes `$after`, and its events carry a `cursor`. */
const resumable = (request: Request) => /\$after\b/.test(request.query);

/**
 * Moves the request's `after` on to each event's cursor. graphql-ws sends this same request
 * again when it reconnects, so the server first replays what the connection missed.
 */
function followCursor(request: Request, sink: Sink): Sink {
  return {
    ...sink,
    next(value) {
      for (const field of Object.values((value.data ?? {}) as Record<string, { cursor?: unknown } | null>)) {
        if (typeof field?.cursor === 'string') request.variables = { ...request.variables, after: field.cursor };
      }
      sink.next(value);
    },
    error: (error) => sink.error(error),
    complete: () => sink.complete(),
  };
}

export function clientFor(session: Session | null): Client {
  const authorization = session ? `Bearer ${session.token}` : undefined;
  const ws = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
    retryAttempts: 10,
  });
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    fetchOptions: (): RequestInit => (authorization ? { headers: { authorization } } : {}),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (operation) => ({
          subscribe: (sink) => {
            const request = { ...operation, query: operation.query ?? '' };
            return { unsubscribe: ws.subscribe(request, resumable(request) ? followCursor(request, sink) : sink) };
          },
        }),
      }),
    ],
  });
}
