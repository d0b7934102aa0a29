// Redis comes and goes: two instances share one database and a Redis of the test's own, which is
// killed while instance A keeps changing invitations. Neither instance dies (an unhandled
// rejection fails the run), A's own subscribers get every event meanwhile, and once Redis is back
// B's subscribers get the missed ones from the timeline, in order, then live ones again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { invite } from './helpers/invitations.js';
import { type Feed, organizationWatched, subscribeWs } from './helpers/live.js';
import { type RedisServer, redisServer } from './helpers/redisServer.js';
import { newAccount } from './helpers/seed.js';

const OutageFeed = graphql(`
  subscription OutageFeed($organizationId: ID!) {
    invitationEvents(organizationId: $organizationId) {
      type
      cursor
      invitation { id }
    }
  }
`);

const OutageStatus = graphql(`
  subscription OutageStatus($id: ID!) {
    invitationStatusChanged(invitationId: $id) { id status }
  }
`);

type FeedItem = { invitationEvents: { invitation: { id: string } } | null };
const idsOf = (items: FeedItem[]) => items.map((item) => item.invitationEvents?.invitation.id);

/** One signing key for both instances (it lives in DATA_DIR): a token from one is good on the other. */
const sharedDataDir = () => mkdtempSync(path.join(tmpdir(), 'invitation-api-redis-outage-'));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;
let a: TestApp & { stop(): Promise<void> };
let b: TestApp & { stop(): Promise<void> };

beforeAll(async () => {
  redis = await redisServer();
  await redis.start();
  // Reconnect attempts at most 200 ms apart: the outage below spans far more of them than the
  // 20 after which ioredis used to reject what waited (and the unhandled rejection ended the process).
  const env = { REDIS_URL: redis.url, REDIS_RECONNECT_MAX_MS: '200', DATA_DIR: sharedDataDir() };
  a = await startTestApp(env);
  b = await startTestApp(env);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await redis?.kill();
});

describe('a Redis outage', () => {
  it('kills no instance; local subscribers miss nothing, remote ones catch up once Redis is back', async () => {
    const owner = await newAccount(a);
    const onA = subscribeWs(a.url, owner.token, OutageFeed, { organizationId: owner.organizationId }) as Feed<FeedItem>;
    const onB = subscribeWs(b.url, owner.token, OutageFeed, { organizationId: owner.organizationId }) as Feed<FeedItem>;
    await organizationWatched(a, owner.organizationId);
    await organizationWatched(b, owner.organizationId);

    const before = (await invite(a, owner)).invitation.id;
    await onA.until((items) => items.length === 1);
    await onB.until((items) => items.length === 1);
    // An invitation's own feed on B: it gets the current state again once Redis is back.
    const watched = (await invite(b, owner)).invitation.id;
    await onA.until((items) => items.length === 2);
    await onB.until((items) => items.length === 2);
    const status = subscribeWs(b.url, owner.token, OutageStatus, { id: watched });
    await status.until((items) => items.length === 1);

    await redis.kill();
    const during: string[] = [];
    // Spread over many reconnection attempts (well past the 20 that used to be fatal).
    for (let i = 0; i < 4; i++) {
      during.push((await invite(a, owner)).invitation.id);
      await pause(1500);
    }
    await onA.until((items) => items.length === 2 + during.length);
    expect(idsOf(onA.items)).toEqual([before, watched, ...during]);

    await redis.start();
    await onB.until((items) => items.length === 2 + during.length, 30_000);
    expect(idsOf(onB.items)).toEqual([before, watched, ...during]);
    await status.until((items) => items.length >= 2, 30_000);

    // Live across instances again: wait until B's subscription is confirmed by the new Redis.
    await organizationWatched(b, owner.organizationId);
    const after = (await invite(a, owner)).invitation.id;
    await onB.until((items) => items.length === 3 + during.length);
    await onA.until((items) => items.length === 3 + during.length);
    expect(idsOf(onB.items)).toEqual([before, watched, ...during, after]);
    expect(idsOf(onA.items)).toEqual([before, watched, ...during, after]);
    expect([...onA.errors, ...onB.errors, ...status.errors]).toEqual([]);
    for (const feed of [onA, onB, status]) feed.close();
  }, 120_000);

  it('an instance whose Redis is still coming up waits for it, then hears the others', async () => {
    const later = await redisServer();
    const env = { REDIS_URL: later.url, REDIS_RECONNECT_MAX_MS: '200', DATA_DIR: sharedDataDir() };
    // C begins while nothing answers on Redis's port: its start-up retries (and logs) until it does.
    const starting = startTestApp(env);
    await later.start();
    const c = await starting;
    // D after C, so that C has written the signing key the two share in DATA_DIR.
    const d = await startTestApp(env);
    try {
      const owner = await newAccount(c);
      const onD = subscribeWs(d.url, owner.token, OutageFeed, {
        organizationId: owner.organizationId,
      }) as Feed<FeedItem>;
      await organizationWatched(d, owner.organizationId);
      const first = (await invite(c, owner)).invitation.id;
      await onD.until((items) => items.length === 1, 30_000);
      expect(idsOf(onD.items)).toEqual([first]);
      onD.close();
    } finally {
      await c.stop();
      await d.stop();
      await later.kill();
    }
  }, 120_000);
});
