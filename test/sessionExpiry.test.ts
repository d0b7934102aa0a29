// A subscription lasts no longer than the token it was opened with: at the token's expiry (on the
// app's clock) graphql-ws closes the socket with 4403 and SSE ends the stream with a last
// UNAUTHENTICATED error; no event reaches either afterwards, while a fresh token follows on.
import { print } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { graphql } from './generated/index.js';
import { useTestApp } from './helpers/app.js';
import { changeSignal, eventually } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { type Feed, organizationWatched, subscribeSse } from './helpers/live.js';
import { type Account, newAccount } from './helpers/seed.js';

const TTL = 600;
const t = useTestApp({ JWT_TTL_SECONDS: String(TTL) });

const EventsFeed = graphql(`
  subscription SessionEventsFeed($organizationId: ID!) {
    invitationEvents(organizationId: $organizationId) { type invitation { id } }
  }
`);

const StatusFeed = graphql(`
  subscription SessionStatusFeed($invitationId: ID!) {
    invitationStatusChanged(invitationId: $invitationId) { id status }
  }
`);

const LogIn = graphql(`
  mutation SessionLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token }
    }
  }
`);

const Viewer = graphql(`
  query SessionViewer {
    viewer { user { id } }
  }
`);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A token issued now, on the app's clock. */
async function freshToken(account: Account): Promise<string> {
  const result = await t.gql(LogIn, { input: { email: account.email, password: account.password } });
  if (result.data?.logIn?.__typename !== 'AuthPayload') expect.fail(`log-in failed: ${JSON.stringify(result)}`);
  return result.data.logIn.token;
}

type Events = { invitationEvents: { type: string; invitation: { id: string } } | null };
const idsIn = (items: Events[]) => items.map((item) => item.invitationEvents?.invitation.id);

/** `token`'s graphql-ws socket following the organisation's events, and how the socket closed. */
function wsFeed(token: string, organizationId: string) {
  const { notify, next } = changeSignal();
  const feed = {
    ids: [] as (string | undefined)[],
    errors: [] as unknown[],
    closed: undefined as { code: number; reason: string } | undefined,
    changed: next,
  };
  const client = createWsClient({
    url: `${t.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        feed.closed = { code, reason };
        notify();
      },
    },
  });
  cleanups.push(() => client.dispose());
  client.subscribe<Events>(
    { query: print(EventsFeed), variables: { organizationId } },
    {
      next: ({ data, errors }) => {
        if (errors) feed.errors.push(errors);
        if (data) feed.ids.push(data.invitationEvents?.invitation.id);
        notify();
      },
      error: (error) => {
        feed.errors.push(error);
        notify();
      },
      complete: notify,
    },
  );
  return Object.assign(feed, { client });
}

function sseFeed<R, V>(token: string, document: Parameters<typeof subscribeSse<R, V>>[2], variables: V): Feed<R> {
  const feed = subscribeSse(t.url, token, document, variables);
  cleanups.push(() => feed.close());
  return feed;
}

const unauthenticatedEnd = [[expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]];

describe('over graphql-ws', () => {
  it('closes the socket with 4403 when its token expires, and nothing reaches it after', async () => {
    const owner = await newAccount(t, 'ws-expiry');
    const old = wsFeed(owner.token, owner.organizationId);
    await organizationWatched(t, owner.organizationId, 1);
    // Just before the expiry the socket still follows.
    t.clock.advance(TTL - 60);
    const before = await invite(t, owner);
    await eventually(
      async () => old.ids,
      (ids) => ids.includes(before.invitation.id),
      old.changed,
    );

    t.clock.advance(61);
    // The client reports the close, then fails the operation with it.
    await eventually(async () => old.closed && old.errors.length > 0, Boolean, old.changed);
    expect(old.closed).toEqual({ code: 4403, reason: 'Forbidden: token expired' });
    expect(old.errors).toEqual([expect.objectContaining({ code: 4403 })]);
    // HTTP refuses the same token already.
    expect((await t.gql(Viewer, {}, { token: owner.token })).status).toBe(401);

    // A fresh token's socket gets the next event; the closed one got nothing more.
    const token = await freshToken(owner);
    const fresh = wsFeed(token, owner.organizationId);
    await organizationWatched(t, owner.organizationId, 1);
    const after = await invite(t, { ...owner, token });
    await eventually(
      async () => fresh.ids,
      (ids) => ids.includes(after.invitation.id),
      fresh.changed,
    );
    expect(old.ids).toEqual([before.invitation.id]);
    expect(fresh.errors).toEqual([]);
    expect(fresh.closed).toBeUndefined();
  });

  it('ends every operation on the socket at once', async () => {
    const owner = await newAccount(t, 'ws-many');
    const events = wsFeed(owner.token, owner.organizationId);
    await organizationWatched(t, owner.organizationId, 1);
    const sent = await invite(t, owner);
    // A second operation on the same socket: the invitation's status.
    const status = { items: [] as unknown[], errors: [] as unknown[], completed: false };
    const statusChanged = changeSignal();
    events.client.subscribe(
      { query: print(StatusFeed), variables: { invitationId: sent.invitation.id } },
      {
        next: (message) => {
          status.items.push(message);
          statusChanged.notify();
        },
        error: (error) => status.errors.push(error),
        complete: () => {
          status.completed = true;
        },
      },
    );
    await eventually(
      async () => events.ids.length,
      (n) => n > 0,
      events.changed,
    );
    await eventually(
      async () => status.items.length,
      (n) => n > 0,
      statusChanged.next,
    );

    t.clock.advance(TTL + 1);
    await eventually(async () => events.closed && events.errors.length > 0, Boolean, events.changed);
    expect(events.closed?.code).toBe(4403);
    expect(events.errors).toEqual([expect.objectContaining({ code: 4403 })]);
    expect(status).toEqual({
      items: [{ data: { invitationStatusChanged: { id: sent.invitation.id, status: 'PENDING' } } }],
      errors: [expect.objectContaining({ code: 4403 })],
      completed: false,
    });
  });
});

describe('over SSE', () => {
  it('ends an organisation feed with UNAUTHENTICATED when its token expires, and sends nothing after', async () => {
    const owner = await newAccount(t, 'sse-expiry');
    const old = sseFeed(owner.token, EventsFeed, { organizationId: owner.organizationId });
    await organizationWatched(t, owner.organizationId, 1);
    const before = await invite(t, owner);
    await old.until((items) => idsIn(items).includes(before.invitation.id));

    t.clock.advance(TTL + 1);
    await eventually(async () => old.completed, Boolean, old.changed);
    expect(old.errors).toEqual(unauthenticatedEnd);

    const token = await freshToken(owner);
    const fresh = sseFeed(token, EventsFeed, { organizationId: owner.organizationId });
    await organizationWatched(t, owner.organizationId, 1);
    const after = await invite(t, { ...owner, token });
    await fresh.until((items) => idsIn(items).includes(after.invitation.id));
    expect(idsIn(old.items)).toEqual([before.invitation.id]);
    expect(old.errors).toEqual(unauthenticatedEnd);
    expect(fresh.errors).toEqual([]);
  });

  it('ends an invitation’s status feed the same way', async () => {
    const owner = await newAccount(t, 'sse-status');
    const sent = await invite(t, owner);
    const feed = sseFeed(owner.token, StatusFeed, { invitationId: sent.invitation.id });
    await feed.until((items) => items.length > 0);

    t.clock.advance(TTL + 1);
    await eventually(async () => feed.completed, Boolean, feed.changed);
    expect(feed.items).toEqual([{ invitationStatusChanged: { id: sent.invitation.id, status: 'PENDING' } }]);
    expect(feed.errors).toEqual(unauthenticatedEnd);
  });
});
