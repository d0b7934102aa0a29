// A few lines of GraphQL over fetch for the light pages, and the session both pages share.
import type { TypedDocumentString } from '../gql/graphql.js';

export class NetworkError extends Error {}

/** The POST every page makes: typed by the document, refusing with NetworkError when no answer came. */
export async function request<R, V>(document: TypedDocumentString<R, V>, variables: V, token?: string): Promise<R> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new NetworkError('offline');
  }
  const body = (await response.json().catch(() => null)) as { data?: R | null; errors?: { message: string }[] } | null;
  if (!body?.data) throw new NetworkError(body?.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.data;
}

export interface Session {
  token: string;
  expiresAt: string;
  email: string;
  name: string;
}

// sessionStorage: the tab keeps its sign-in across reloads (a phone on a poor connection reloads),
// it ends with the tab, and no other tab or later visitor of the device inherits it.
const KEY = 'invitation-api.session';

export function loadSession(now = Date.now()): Session | null {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    if (session && Date.parse(session.expiresAt) > now) return session;
  } catch {
    // Unreadable or unavailable storage: signed out.
  }
  return null;
}

export function saveSession(session: Session | null): void {
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode quotas): the page still works for this load.
  }
}
