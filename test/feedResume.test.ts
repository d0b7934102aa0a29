// invitationEvents resumes where a client left off: over graphql-ws and SSE, a client that passes
// the cursor of the last event it saw gets exactly the events it missed, in order, then the live
// ones; a cursor it cannot resume from is refused with a code telling it to refetch.
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { startTestApp, type TestApp, useTestApp } from './helpers/app.js';
import { eventually } from './helpers/eventually.js';
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
