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
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...operation, query: operation.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
}
