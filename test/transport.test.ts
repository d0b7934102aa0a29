// The same API over its three transports: HTTP, GraphQL over WebSocket (graphql-ws) and GraphQL over SSE
// (graphql-sse, distinct connections mode), each through its real client against the running server.
import type { ResultOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient as createSseClient, NetworkError } from 'graphql-sse';
import {
  createClient as createWsClient,
  type Client as WsClient,
  type ClientOptions as WsClientOptions,
} from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { graphql } from './generated/index.js';
import { useTestApp } from './helpers/app.js';
import { anyOf, changeSignal, eventually } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { organizationWatched } from './helpers/live.js';
import { type Account, newAccount, newMember } from './helpers/seed.js';

const t = useTestApp();

const Viewer = graphql(`
  query TransportViewer {
    viewer { user { id email } }
  }
`);

// Thirteen levels deep, past the default MAX_QUERY_DEPTH of 10.
const TooDeep = graphql(`
  query TransportTooDeep {
    viewer {
      memberships {
        organization {
          members {
            nodes {
              organization {
                members {
                  nodes {
                    organization {
                      members {
                        nodes { user { email } }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`);

// Ten levels deep: exactly the limit, so allowed.
const AtDepthLimit = graphql(`
  query TransportAtDepthLimit {
    viewer {
      memberships {
        organization {
          members {
            nodes {
              organization {
                members {
                  nodes { user { email } }
                }
              }
            }
          }
        }
      }
    }
  }
`);

const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const wsUrl = () => `${t.url.replace(/^http/, 'ws')}/graphql`;

/** A graphql-ws client disposed after the test; it never retries, so a refusal shows at once. */
function wsClient(options: Partial<WsClientOptions> = {}): WsClient {
  const client = createWsClient({ url: wsUrl(), webSocketImpl: WebSocket, retryAttempts: 0, ...options });
  cleanups.push(() => client.dispose());
  return client;
}

function sseClient(headers: Record<string, string> = {}) {
  const client = createSseClient({ url: `${t.url}/graphql`, headers, retryAttempts: 0 });
  cleanups.push(() => client.dispose());
  return client;
}

/** Every result of one operation over a client's `iterate`, until it completes. */
async function results<T>(iterator: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const result of iterator) all.push(result);
  return all;
}

type Outcome<T> = { results: T[] } | { errors: unknown } | { closed: { code: number; reason: string } };

/** How one operation ended: its results, the errors it was refused with, or the socket closing under it. */
function outcome<T>(iterator: AsyncIterableIterator<T>): Promise<Outcome<T>> {
  return results(iterator).then(
    (all) => ({ results: all }),
    (error: unknown) => {
      const close = error as { code?: unknown; reason?: unknown };
      if (typeof close.code === 'number' && typeof close.reason === 'string') {
        return { closed: { code: close.code, reason: close.reason } };
      }
      return { errors: error };
    },
  );
}

const request = <R, V>(document: TypedDocumentNode<R, V>) => ({ query: print(document) });

describe('GraphQL over WebSocket', () => {
  it('runs a query as the account named by the authorization connection param', async () => {
    const account = await newAccount(t, 'ws');
    const client = wsClient({ connectionParams: { authorization: `Bearer ${account.token}` } });
    const [result, ...rest] = await results(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    expect(rest).toEqual([]);
    expect(result?.errors).toBeUndefined();
    expect(result?.data).toEqual({ viewer: { user: { id: account.userId, email: account.email } } });
  });

  it('closes the socket with 4403 for a bad token, through the client', async () => {
    const client = wsClient({ connectionParams: { authorization: 'Bearer not-a-real-token' } });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      client.on('closed', (event) => resolve(event as { code: number; reason: string }));
    });
    const running = results(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    await expect(running).rejects.toMatchObject({ code: 4403 });
    expect(await closed).toMatchObject({ code: 4403, reason: 'Forbidden' });
  });

  it('closes a raw graphql-transport-ws socket with 4403 for a bad token, before any acknowledgement', async () => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    cleanups.push(() => socket.terminate());
    const messages: unknown[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    expect(socket.protocol).toBe('graphql-transport-ws');
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer bad' } }));
    expect(await closed).toEqual({ code: 4403, reason: 'Forbidden' });
    expect(messages).toEqual([]);
  });

  it('accepts a socket without credentials, and `viewer` then says UNAUTHENTICATED', async () => {
    const client = wsClient();
    let acknowledged = false;
    client.on('connected', () => {
      acknowledged = true;
    });
    const [result, ...rest] = await results(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    expect(acknowledged).toBe(true);
    expect(rest).toEqual([]);
    expect(result?.data).toEqual({ viewer: null });
    expect(result?.errors).toEqual([
      expect.objectContaining({ path: ['viewer'], extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
  });

  it('refuses a query nested deeper than MAX_QUERY_DEPTH as over HTTP, and keeps the socket', async () => {
    const account = await newAccount(t, 'deep');
    const overHttp = await t.gql(TooDeep, {}, { token: account.token });
    expect(overHttp.data ?? null).toBeNull();
    expect(overHttp.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_DEEP' } })]);

    const client = wsClient({ connectionParams: { authorization: `Bearer ${account.token}` } });
    const [atLimit] = await results(client.iterate<ResultOf<typeof AtDepthLimit>>(request(AtDepthLimit)));
    expect(atLimit?.errors).toBeUndefined();
    expect(atLimit?.data?.viewer?.memberships).toHaveLength(1);
    // graphql-ws reports a refused operation as an `error` message, which the client's iterator throws.
    expect(await outcome(client.iterate<ResultOf<typeof TooDeep>>(request(TooDeep)))).toEqual({
      errors: overHttp.errors?.map(({ message }) => expect.objectContaining({ message })),
    });

    // One refused operation must not cost the socket: the next operation on it still runs.
    const [after] = await results(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    expect(after?.data?.viewer?.user.email).toBe(account.email);
  });

  it('answers a malformed query with an error for that operation, and keeps the socket', async () => {
    const account = await newAccount(t, 'syntax');
    const client = wsClient({ connectionParams: { authorization: `Bearer ${account.token}` } });
    expect(await outcome(client.iterate({ query: '{ viewer { user { email } }' }))).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/^Syntax Error/) })],
    });
    const [after] = await results(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    expect(after?.data?.viewer?.user.email).toBe(account.email);
  });
});

describe('GraphQL over SSE (distinct connections)', () => {
  it('runs a query as the account in the Authorization header', async () => {
    const account = await newAccount(t, 'sse');
    const client = sseClient({ authorization: `Bearer ${account.token}` });
    const [result, ...rest] = await results(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    expect(rest).toEqual([]);
    expect(result?.errors).toBeUndefined();
    expect(result?.data).toEqual({ viewer: { user: { id: account.userId, email: account.email } } });
  });

  it('says UNAUTHENTICATED for `viewer` without the header', async () => {
    const client = sseClient();
    const [result, ...rest] = await results(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    expect(rest).toEqual([]);
    expect(result?.data).toEqual({ viewer: null });
    expect(result?.errors).toEqual([
      expect.objectContaining({ path: ['viewer'], extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
  });

  it('refuses a bad token', async () => {
    const client = sseClient({ authorization: 'Bearer not-a-real-token' });
    const ended = await outcome(client.iterate<ResultOf<typeof Viewer>>(request(Viewer)));
    expect(ended).not.toHaveProperty('results');
    const error = (ended as { errors: unknown }).errors;
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).response?.status).toBe(401);
  });
});

describe('one bearer token, three transports', () => {
  it('gives the same viewer over HTTP, WebSocket and SSE', async () => {
    const account = await newAccount(t, 'same');
    const authorization = `Bearer ${account.token}`;
    const overHttp = await t.gql(Viewer, {}, { token: account.token });
    const [overWs] = await results(
      wsClient({ connectionParams: { authorization } }).iterate<ResultOf<typeof Viewer>>(request(Viewer)),
    );
    const [overSse] = await results(sseClient({ authorization }).iterate<ResultOf<typeof Viewer>>(request(Viewer)));

    expect(overHttp.errors).toBeUndefined();
    expect(overHttp.data).toEqual({ viewer: { user: { id: account.userId, email: account.email } } });
    expect(overWs).toEqual({ data: overHttp.data });
    expect(overSse).toEqual({ data: overHttp.data });
  });
});

// Plain strings, not typed documents: what a dashboard sends, read as such below.
const OrganizationFeedQuery = `subscription TransportOrganizationFeed($organizationId: ID!) {
  invitationEvents(organizationId: $organizationId) { type invitation { id } }
}`;
const RemoveMemberMutation = `mutation TransportRemoveMember($input: RemoveMemberInput!) {
  removeMember(input: $input) { __typename }
}`;

/** `account` follows `organizationId`'s invitation events over a socket of its own. */
function organizationFeed(account: Account, organizationId: string) {
  const { notify, next } = changeSignal();
  const feed = {
    events: [] as { type: string; invitationId: string }[],
    errors: [] as unknown[],
    completed: false,
    /** Resolves at the next event, error or completion. */
    changed: next,
  };
  wsClient({ connectionParams: { authorization: `Bearer ${account.token}` } }).subscribe<{
    invitationEvents: { type: string; invitation: { id: string } };
  }>(
    { query: OrganizationFeedQuery, variables: { organizationId } },
    {
      next: ({ data, errors }) => {
        if (errors) feed.errors.push(errors);
        if (data)
          feed.events.push({ type: data.invitationEvents.type, invitationId: data.invitationEvents.invitation.id });
        notify();
      },
      error: (error) => {
        feed.errors.push(error);
        notify();
      },
      complete: () => {
        feed.completed = true;
        notify();
      },
    },
  );
  return feed;
}

type Watcher = ReturnType<typeof organizationFeed>;

const createdIn = (feed: Watcher, ids: string[]) =>
  feed.events.filter((e) => e.type === 'CREATED' && ids.includes(e.invitationId)).map((e) => e.invitationId);

const anyFeed = (feeds: Watcher[]) => anyOf(feeds.map((feed) => feed.changed));

/**
 * Subscriptions start a little after their clients ask: once the server has every feed of the
 * organisation listening (`feeds` are all of them), one probe must reach each.
 */
async function untilLive(feeds: Watcher[], owner: Account): Promise<string[]> {
  await organizationWatched(t, owner.organizationId, feeds.length);
  const probe = (await invite(t, owner)).invitation.id;
  await eventually(
    async () => feeds.filter((feed) => createdIn(feed, [probe]).length > 0).length,
    (n) => n === feeds.length,
    anyFeed(feeds),
  );
  return [probe];
}

/** Sends `count` invitations in `owner`'s organization and waits until each of `feeds` has them all. */
async function sendAndAwait(owner: Account, feeds: Watcher[], count: number): Promise<string[]> {
  const sent: string[] = [];
  for (let i = 0; i < count; i++) sent.push((await invite(t, owner)).invitation.id);
  await eventually(
    async () => feeds.filter((feed) => createdIn(feed, sent).length >= sent.length).length,
    (n) => n === feeds.length,
    anyFeed(feeds),
  );
  return sent;
}

describe('an organization’s invitation events over WebSocket', () => {
  it('reach each of many subscribers exactly once and in order, and no subscriber of another organization', async () => {
    const owner = await newAccount(t, 'feed-owner');
    const admin = await newMember(t, owner, 'ADMIN');
    const stranger = await newAccount(t, 'feed-stranger');
    // More subscribers than the feed hands one event to in a turn of the event loop, from two users.
    const owners = Array.from({ length: 150 }, () => organizationFeed(owner, owner.organizationId));
    const admins = Array.from({ length: 150 }, () => organizationFeed(admin, owner.organizationId));
    const elsewhere = organizationFeed(stranger, stranger.organizationId);
    await untilLive([...owners, ...admins], owner);
    const strangerProbes = await untilLive([elsewhere], stranger);

    const sent = await sendAndAwait(owner, [...owners, ...admins], 3);
    // One more event through each organisation's feed, in turn: each subscriber's events arrive in
    // order, so a duplicate, or a stray event handed to the other organisation, would be in first.
    await sendAndAwait(owner, [...owners, ...admins], 1);
    strangerProbes.push(...(await sendAndAwait(stranger, [elsewhere], 1)));
    for (const feed of [...owners, ...admins]) {
      expect(feed.errors).toEqual([]);
      expect(createdIn(feed, sent)).toEqual(sent);
    }
    expect(elsewhere.errors).toEqual([]);
    expect(elsewhere.events.map((e) => e.invitationId).every((id) => strangerProbes.includes(id))).toBe(true);

    // The admin's feeds end at the next event once they are removed; the owner's go on.
    const removed = await t.post(
      {
        query: RemoveMemberMutation,
        variables: { input: { organizationId: owner.organizationId, userId: admin.userId } },
      },
      { token: owner.token },
    );
    expect(await removed.json()).toEqual({ data: { removeMember: { __typename: 'RemoveMemberPayload' } } });
    const after = await sendAndAwait(owner, owners, 1);
    await eventually(
      async () => admins.every((feed) => feed.completed),
      (done) => done,
      anyFeed(admins),
    );
    for (const feed of owners) expect(createdIn(feed, after)).toEqual(after);
    for (const feed of admins) expect(createdIn(feed, after)).toEqual([]);
  });
});
