// The invitation console (first step): log in, pick an organization, see its invitations with
// their delivery status changing live over graphql-ws. urql and React load only here, never on
// the accept page.

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient as createWsClient } from 'graphql-ws';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  Client,
  cacheExchange,
  fetchExchange,
  Provider,
  subscriptionExchange,
  useMutation,
  useQuery,
  useSubscription,
} from 'urql';
import type { TypedDocumentString } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { loadSession, type Session, saveSession } from '../shared/api.js';
import './console.css';

/** urql takes the document's text (it parses it with its own small parser), typed as the document. */
const doc = <R, V>(document: TypedDocumentString<R, V>) => document.toString() as unknown as TypedDocumentNode<R, V>;

const LogIn = doc(
  graphql(`
  mutation ConsoleLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token expiresAt user { email name } }
      ... on UserError { message }
    }
  }
`),
);

const Memberships = doc(
  graphql(`
  query ConsoleMemberships {
    viewer { memberships { role organization { id name } } }
  }
`),
);

const Invitations = doc(
  graphql(`
  query ConsoleInvitations($organizationId: ID!) {
    invitations(organizationId: $organizationId, first: 50) {
      totalCount
      edges { node { id email role status deliveryStatus createdAt } }
    }
  }
`),
);

const Events = doc(
  graphql(`
  subscription ConsoleInvitationEvents($organizationId: ID!) {
    invitationEvents(organizationId: $organizationId) {
      type
      invitation { id email role status deliveryStatus createdAt }
    }
  }
`),
);

function clientFor(session: Session | null) {
  const authorization = session ? `Bearer ${session.token}` : undefined;
  const ws = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
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

function LogInForm({ onSession }: { onSession: (session: Session) => void }) {
  const [{ fetching }, logIn] = useMutation(LogIn);
  const [error, setError] = useState('');
  return (
    <form
      className="card"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const result = await logIn({
          input: { email: String(form.get('email')), password: String(form.get('password')) },
        });
        const payload = result.data?.logIn;
        if (payload?.__typename === 'AuthPayload') {
          onSession({
            token: payload.token,
            expiresAt: payload.expiresAt,
            email: payload.user.email,
            name: payload.user.name,
          });
        } else {
          setError(payload && 'message' in payload ? payload.message : 'We could not reach the server. Try again.');
        }
      }}
    >
      <h1>Log in</h1>
      <p className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
      </p>
      <p className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </p>
      <button type="submit" disabled={fetching}>
        {fetching ? 'Logging in…' : 'Log in'}
      </button>
      <p role="alert">{error}</p>
    </form>
  );
}

type Row = { id: string; email: string; role: string; status: string; deliveryStatus: string; createdAt: string };

function InvitationList({ organizationId }: { organizationId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: Invitations, variables: { organizationId } });
  const [live, setLive] = useState<Record<string, Row>>({});
  const [announcement, setAnnouncement] = useState('');
  const [event] = useSubscription({ query: Events, variables: { organizationId } });
  useEffect(() => {
    const update = event.data?.invitationEvents;
    if (!update) return;
    setLive((rows) => ({ ...rows, [update.invitation.id]: update.invitation }));
    setAnnouncement(`${update.invitation.email}: ${update.invitation.status}, ${update.invitation.deliveryStatus}`);
  }, [event.data]);
  if (fetching) return <p role="status">Loading invitations…</p>;
  if (error) return <p role="alert">The invitations could not be loaded: {error.message}</p>;
  const listed = data?.invitations?.edges.map((edge) => edge.node) ?? [];
  const rows = [...Object.values(live).filter((row) => !listed.some((l) => l.id === row.id)), ...listed].map(
    (row) => live[row.id] ?? row,
  );
  return (
    <section aria-labelledby="invitations">
      <h2 id="invitations">Invitations ({data?.invitations?.totalCount ?? 0})</h2>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {rows.length === 0 ? (
        <p>No invitations yet.</p>
      ) : (
        <div className="table">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-invitation={row.id}>
                  <td>{row.email}</td>
                  <td>{row.role}</td>
                  <td>{row.status}</td>
                  <td>{row.deliveryStatus}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Console({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [{ data, fetching }] = useQuery({ query: Memberships });
  const memberships = data?.viewer?.memberships ?? [];
  const [chosen, setChosen] = useState<string>();
  const organizationId = chosen ?? memberships[0]?.organization.id;
  return (
    <>
      <header className="bar">
        <span>Signed in as {session.email}</span>
        <button type="button" onClick={onSignOut}>
          Log out
        </button>
      </header>
      {fetching && <p role="status">Loading…</p>}
      {memberships.length > 1 && (
        <p className="field">
          <label htmlFor="organization">Organization</label>
          <select id="organization" value={organizationId} onChange={(event) => setChosen(event.target.value)}>
            {memberships.map((m) => (
              <option key={m.organization.id} value={m.organization.id}>
                {m.organization.name}
              </option>
            ))}
          </select>
        </p>
      )}
      {organizationId && <InvitationList key={organizationId} organizationId={organizationId} />}
    </>
  );
}

function App() {
  const [session, setSession] = useState(loadSession);
  const [client, setClient] = useState(() => clientFor(session));
  const change = (next: Session | null) => {
    saveSession(next);
    setSession(next);
    setClient(clientFor(next));
  };
  return (
    <Provider value={client}>
      <main>
        {session ? <Console session={session} onSignOut={() => change(null)} /> : <LogInForm onSession={change} />}
      </main>
    </Provider>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
