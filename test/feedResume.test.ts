// invitationEvents resumes where a client left off: over graphql-ws and SSE, a client that passes
// the cursor of the last event it saw gets exactly the events it missed, in order, then the live
// ones; a cursor it cannot resume from is refused with a code telling it to refetch.
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { startTestApp, type TestApp, useTestApp } from './helpers/app.js';
import { changeSignal, eventually } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { type Feed, organizationWatched, subscribeSse, subscribeWs } from './helpers/live.js';
import { type Account, newAccount } from './helpers/seed.js';

const ResumableFeed = graphql(`
  subscription ResumableFeed($organizationId: ID!, $after: String) {
    invitationEvents(organizationId: $organizationId, after: $after) {
      type
      cursor
      invitation { id }
    }
  }
`);

type FeedItem = { invitationEvents: { type: string; cursor: string; invitation: { id: string } } | null };

const t = useTestApp();

const transports = { ws: subscribeWs, sse: subscribeSse } as const;

function follow(app: TestApp, transport: keyof typeof transports, owner: Account, after?: string): Feed<FeedItem> {
  return transports[transport](app.url, owner.token, ResumableFeed, {
    organizationId: owner.organizationId,
    after: after ?? null,
  }) as Feed<FeedItem>;
}

const idsOf = (items: FeedItem[]) => items.map((item) => item.invitationEvents?.invitation.id);

/** The codes of the errors a feed received, however the transport carried them. */
const codesOf = (errors: unknown[]) => [...JSON.stringify(errors).matchAll(/"code":"([A-Z_]+)"/g)].map((m) => m[1]);

async function refusal(feed: Feed<FeedItem>): Promise<(string | undefined)[]> {
  await eventually(
    async () => feed.errors.length,
    (n) => n > 0,
    feed.changed,
  );
  return codesOf(feed.errors);
}

async function sendAll(app: TestApp, owner: Account, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await invite(app, owner)).invitation.id);
  return ids;
}

describe.each(['ws', 'sse'] as const)('invitationEvents over %s', (transport) => {
  it('resumes after a reconnect with exactly the missed events, in order, then the live ones', async () => {
    const owner = await newAccount(t);
    const first = follow(t, transport, owner);
    await organizationWatched(t, owner.organizationId);
    const [seen] = await sendAll(t, owner, 1);
    const [update] = await first.until((items) => items.length === 1);
    expect(update?.invitationEvents?.invitation.id).toBe(seen);
    const cursor = update?.invitationEvents?.cursor as string;
    first.close();

    const missed = await sendAll(t, owner, 3);
    const resumed = follow(t, transport, owner, cursor);
    await resumed.until((items) => items.length === 3);
    expect(idsOf(resumed.items)).toEqual(missed);
    expect(resumed.items.every((item) => item.invitationEvents?.type === 'CREATED')).toBe(true);

    const live = await sendAll(t, owner, 1);
    await resumed.until((items) => items.length === 4);
    expect(idsOf(resumed.items)).toEqual([...missed, ...live]);
    expect(resumed.errors).toEqual([]);
    resumed.close();
  });

  it('refuses a forged cursor with INVALID_CURSOR', async () => {
    const owner = await newAccount(t);
    const forged = follow(t, transport, owner, 'not-a-cursor');
    expect(await refusal(forged)).toContain('INVALID_CURSOR');
    forged.close();
    // Well formed, but after every event there is: never given out.
    const future = Buffer.from(`InvitationUpdate:${owner.raw.organizationId}:9007199254740`).toString('base64');
    const ahead = follow(t, transport, owner, future);
    expect(await refusal(ahead)).toContain('INVALID_CURSOR');
    ahead.close();
  });

  it('gives nothing of another organisation for its cursor', async () => {
    const a = await newAccount(t, 'tenant-a');
    const b = await newAccount(t, 'tenant-b');
    const feedA = follow(t, transport, a);
    await organizationWatched(t, a.organizationId);
    await sendAll(t, a, 1);
    const [update] = await feedA.until((items) => items.length === 1);
    feedA.close();
    await sendAll(t, a, 2);

    const crossed = follow(t, transport, b, update?.invitationEvents?.cursor);
    expect(await refusal(crossed)).toContain('INVALID_CURSOR');
    expect(crossed.items).toEqual([]);
    crossed.close();
  });
});

describe('a cursor past the resume horizon', () => {
  it('is refused with CURSOR_EXPIRED over both transports', async () => {
    const app = await startTestApp({ FEED_RESUME_HORIZON_SECONDS: '60' });
    try {
      const owner = await newAccount(app);
      const feed = follow(app, 'ws', owner);
      await organizationWatched(app, owner.organizationId);
      await sendAll(app, owner, 1);
      const [update] = await feed.until((items) => items.length === 1);
      feed.close();
      app.clock.advance(61);
      for (const transport of ['ws', 'sse'] as const) {
        const late = follow(app, transport, owner, update?.invitationEvents?.cursor);
        expect(await refusal(late)).toContain('CURSOR_EXPIRED');
        expect(late.items).toEqual([]);
        late.close();
      }
    } finally {
      await app.stop();
    }
  });
});

// What an EventSource does, by hand: a GET-less POST in yoga's distinct-connections SSE mode, the
// stream read event by event (`id:` lines remembered), and a reconnect that sends the last id back
// in `Last-Event-ID`. The operation declares no `after`: the header alone says where to resume.
const EVENT_SOURCE_FEED = `subscription ($organizationId: ID!) {
  invitationEvents(organizationId: $organizationId) { cursor invitation { id } }
}`;

interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

function eventSource(app: TestApp, owner: Account, lastEventId?: string) {
  const events: SseEvent[] = [];
  const changed = changeSignal();
  const abort = new AbortController();
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'content-type': 'application/json',
    authorization: `Bearer ${owner.token}`,
  };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const reading = (async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: EVENT_SOURCE_FEED, variables: { organizationId: owner.organizationId } }),
      signal: abort.signal,
    });
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const event: SseEvent = { data: '' };
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (field === 'event') event.event = value;
          else if (field === 'id') event.id = value;
          else if (field === 'data') event.data += value;
        }
        if (event.event) events.push(event);
        changed.notify();
      }
    }
  })().catch(() => {});
  const nexts = () => events.filter((e) => e.event === 'next');
  return {
    events,
    nexts,
    changed: () => changed.next(),
    ids: () => nexts().map((e) => (JSON.parse(e.data) as { data: FeedItem }).data.invitationEvents?.invitation.id),
    until: (done: (n: number) => boolean) =>
      eventually(
        async () => nexts().length,
        done,
        () => changed.next(),
      ),
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

describe('invitationEvents over SSE, the EventSource way', () => {
  it('marks each event with its cursor as id and resumes from Last-Event-ID', async () => {
    const owner = await newAccount(t);
    const first = eventSource(t, owner);
    await organizationWatched(t, owner.organizationId);
    const seen = await sendAll(t, owner, 2);
    await first.until((n) => n === 2);
    expect(first.ids()).toEqual(seen);
    for (const event of first.nexts()) {
      expect(event.id).toBe((JSON.parse(event.data) as { data: FeedItem }).data.invitationEvents?.cursor);
    }
    const lastId = first.nexts().at(-1)?.id as string;
    await first.close();

    const missed = await sendAll(t, owner, 3);
    const again = eventSource(t, owner, lastId);
    await again.until((n) => n === 3);
    expect(again.ids()).toEqual(missed);
    const live = await sendAll(t, owner, 1);
    await again.until((n) => n === 4);
    expect(again.ids()).toEqual([...missed, ...live]);
    expect(again.nexts().every((e) => e.id && !e.data.includes('"errors"'))).toBe(true);
    await again.close();
  });

  it('refuses a forged Last-Event-ID with INVALID_CURSOR', async () => {
    const owner = await newAccount(t);
    const forged = eventSource(t, owner, 'bm90LWEtY3Vyc29y');
    await eventually(
      async () => forged.events.map((e) => e.event),
      (kinds) => kinds.includes('complete'),
      forged.changed,
    );
    const [answer] = forged.nexts();
    expect(codesOf([JSON.parse(answer?.data ?? '{}')])).toEqual(['INVALID_CURSOR']);
    expect(answer?.id).toBeUndefined();
    await forged.close();
  });
});
