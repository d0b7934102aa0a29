// Provider webhooks (signed delivery events, generic and SendGrid formats) and engagement tracking
// (open pixel, click redirect), against a real SMTP peer and the delivery worker, on a database of its own.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emailSuppressions, invitations, webhookReceipts } from '../src/db/schema/index.js';
import { signWebhook } from '../src/delivery/webhooks.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { startTestApp, workerPass } from './helpers/app.js';
import { eventually } from './helpers/eventually.js';
import { invite, tokenOf } from './helpers/invitations.js';
import { type Feed, organizationWatched, subscribeWs } from './helpers/live.js';
import { useMailingApp } from './helpers/mailing.js';
import { type Account, newAccount } from './helpers/seed.js';
import { mailsTo, plain } from './helpers/smtp.js';

const SECRET = 'a-webhook-secret-of-length';

const Tracked = graphql(`
  query HookTracked($id: ID!) {
    invitation(id: $id) { status deliveryStatus openedAt clickedAt timeline { type data } }
  }
`);

const OrgFeed = graphql(`
  subscription HookOrgFeed($organizationId: ID!) {
    invitationEvents(organizationId: $organizationId) { type status deliveryStatus invitation { id } }
  }
`);

const Cancel = graphql(`
  mutation HookCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) { __typename }
  }
`);

const Preview = graphql(`
  query HookPreview($token: String!) {
    invitationByToken(token: $token) { __typename ... on InvitationPreview { organizationName role } ... on UserError { code } }
  }
`);

type Feedable = { invitationEvents: { type: string; deliveryStatus: string; invitation: { id: string } } };

describe('provider webhooks and engagement tracking', () => {
  const { sink, isolated, t } = useMailingApp((url) => ({
    WORKER_ENABLED: 'true',
    DELIVERY_POLL_MS: '50',
    SMTP_URL: url,
    WEBHOOK_SECRET: SECRET,
    EMAIL_TRACKING_ENABLED: 'true',
  }));

  const nowSeconds = () => Math.floor(t.clock.now().getTime() / 1000);

  /** Posts `payload` to the webhook, signed with the right secret and a fresh timestamp unless told otherwise. */
  async function postHook(
    payload: unknown,
    options: { timestamp?: number; signature?: string | null; secret?: string; url?: string } = {},
  ) {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const timestamp = options.timestamp ?? nowSeconds();
    const signature =
      options.signature === undefined ? signWebhook(options.secret ?? SECRET, timestamp, body) : options.signature;
    const response = await fetch(`${options.url ?? t.url}/webhooks/email`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': String(timestamp),
        ...(signature === null ? {} : { 'x-webhook-signature': signature }),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const event = (messageId: string, type: string, extra: Record<string, unknown> = {}) => ({
    id: `evt-${randomUUID()}`,
    type,
    messageId,
    ...extra,
  });

  const track = async (owner: Account, id: string) => {
    const result = await t.gql(Tracked, { id }, { token: owner.token });
    const invitation = result.data?.invitation;
    if (!invitation) throw new Error(`invitation not readable: ${JSON.stringify(result)}`);
    return invitation;
  };

  const rowOf = async (invitationGlobalId: string) => {
    const [row] = await isolated.database.db
      .select()
      .from(invitations)
      .where(eq(invitations.id, decodeGlobalID(invitationGlobalId).id));
    if (!row) throw new Error('no invitation row');
    return row;
  };

  const suppressionsOf = (owner: Account, email: string) =>
    isolated.database.db
      .select()
      .from(emailSuppressions)
      .where(and(eq(emailSuppressions.organizationId, owner.raw.organizationId), eq(emailSuppressions.email, email)));

  /** Sends an invitation, waits until its mail went out, and gives its Message-ID and attempt id. */
  async function sentInvitation(owner: Account, email?: string) {
    const sent = await invite(t, owner, email ? { email } : {});
    await eventually(
      () => track(owner, sent.invitation.id),
      (i) => i.deliveryStatus === 'SENT',
      workerPass(t),
    );
    const { messageId } = await rowOf(sent.invitation.id);
    if (!messageId) throw new Error('no message id recorded');
    const attemptId = /^<([^@]+)@invitation-api>$/.exec(messageId)?.[1];
    if (!attemptId) throw new Error(`unexpected Message-ID ${messageId}`);
    return { ...sent, messageId, attemptId };
  }

  it('moves SENT to DELIVERED on a signed delivered event, records it and publishes it', async () => {
    const owner = await newAccount(t, 'delivered');
    const feed = subscribeWs(t.url, owner.token, OrgFeed, {
      organizationId: owner.organizationId,
    }) as Feed<Feedable>;
    try {
      await organizationWatched(t, owner.organizationId);
      const sent = await sentInvitation(owner);
      const mine = (items: Feedable[]) => items.filter((i) => i.invitationEvents.invitation.id === sent.invitation.id);
      // The feed is live: it saw the send.
      await feed.until((items) => mine(items).some((i) => i.invitationEvents.deliveryStatus === 'SENT'));
      const before = (await track(owner, sent.invitation.id)).timeline.length;

      const answer = await postHook({ events: [event(sent.messageId, 'delivered')] });
      expect(answer).toEqual({ status: 200, body: { applied: 1, duplicates: 0, unmatched: 0 } });

      const after = await track(owner, sent.invitation.id);
      expect(after.deliveryStatus).toBe('DELIVERED');
      expect(after.status).toBe('PENDING');
      expect(after.timeline).toHaveLength(before + 1);
      expect(after.timeline.at(-1)).toMatchObject({
        type: 'DELIVERY_STATUS_CHANGED',
        data: { from: 'SENT', to: 'DELIVERED' },
      });
      const items = await feed.until((all) => mine(all).some((i) => i.invitationEvents.deliveryStatus === 'DELIVERED'));
      expect(mine(items).at(-1)?.invitationEvents).toMatchObject({
        type: 'DELIVERY_STATUS_CHANGED',
        deliveryStatus: 'DELIVERED',
      });
    } finally {
      feed.close();
    }
  });

  it('refuses a bad, missing or stale signature with 401 and changes nothing', async () => {
    const owner = await newAccount(t, 'unsigned');
    const sent = await sentInvitation(owner);
    const before = await track(owner, sent.invitation.id);
    const payload = { events: [event(sent.messageId, 'bounced', { bounceType: 'hard' })] };

    const forged = await postHook(payload, { secret: 'another-secret-of-some-length' });
    expect(forged.status).toBe(401);
    const garbage = await postHook(payload, { signature: 'v1=deadbeef' });
    expect(garbage.status).toBe(401);
    const missing = await postHook(payload, { signature: null });
    expect(missing.status).toBe(401);
    // A correct signature over an old (or far future) timestamp is a replay.
    const stale = await postHook(payload, { timestamp: nowSeconds() - 600 });
    expect(stale.status).toBe(401);
    const future = await postHook(payload, { timestamp: nowSeconds() + 600 });
    expect(future.status).toBe(401);
    // The signature covers the timestamp: a fresh timestamp with the old signature fails too.
    const oldTimestamp = nowSeconds() - 600;
    const resigned = await postHook(payload, {
      signature: signWebhook(SECRET, oldTimestamp, JSON.stringify(payload)),
    });
    expect(resigned.status).toBe(401);

    const after = await track(owner, sent.invitation.id);
    expect(after.deliveryStatus).toBe('SENT');
    expect(after.timeline).toEqual(before.timeline);
    expect(await suppressionsOf(owner, sent.email)).toEqual([]);
    const [receipt] = await isolated.database.db
      .select()
      .from(webhookReceipts)
      .where(eq(webhookReceipts.id, payload.events[0]?.id ?? ''));
    expect(receipt).toBeUndefined();
  });

  it('accepts a timestamp within the tolerance of the server clock, even when that clock has moved', async () => {
    const owner = await newAccount(t, 'clock');
    const sent = await sentInvitation(owner);
    const payload = { events: [event(sent.messageId, 'deferred', { reason: 'greylisted' })] };
    const signedAt = nowSeconds();
    t.clock.advance(400);
    try {
      const late = await postHook(payload, { timestamp: signedAt });
      expect(late.status).toBe(401);
      const fresh = await postHook(payload, { timestamp: signedAt + 390 });
      expect(fresh).toEqual({ status: 200, body: { applied: 1, duplicates: 0, unmatched: 0 } });
    } finally {
      t.clock.advance(-400);
    }
  });

  it('answers 400 to a correctly signed body that is not a known event format', async () => {
    const owner = await newAccount(t, 'malformed');
    const sent = await sentInvitation(owner);
    const before = await track(owner, sent.invitation.id);
    for (const body of [
      'not json at all',
      '{}',
      'null',
      JSON.stringify({ events: [{ id: 'x', type: 'exploded', messageId: sent.messageId }] }),
      JSON.stringify({ events: [{ type: 'delivered', messageId: sent.messageId }] }),
      JSON.stringify([{ event: 'delivered', sg_event_id: 'sg-x' }]),
    ]) {
      const answer = await postHook(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
    }
    const after = await track(owner, sent.invitation.id);
    expect(after.deliveryStatus).toBe('SENT');
    expect(after.timeline).toEqual(before.timeline);
  });

  it('answers 404 when the app has no webhook secret configured', async () => {
    const bare = await startTestApp({});
    try {
      const answer = await postHook({ events: [event('<x@invitation-api>', 'delivered')] }, { url: bare.url });
      expect(answer.status).toBe(404);
    } finally {
      await bare.stop();
    }
  });

  it('applies an event delivered twice only once and counts the repeat as a duplicate', async () => {
    const owner = await newAccount(t, 'duplicate');
    const sent = await sentInvitation(owner);
    const delivered = event(sent.messageId, 'delivered');
    const first = await postHook({ events: [delivered] });
    expect(first.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    const once = await track(owner, sent.invitation.id);
    expect(once.deliveryStatus).toBe('DELIVERED');

    const again = await postHook({ events: [delivered] });
    expect(again).toEqual({ status: 200, body: { applied: 0, duplicates: 1, unmatched: 0 } });
    // The same event id with other content is still the same event.
    const reused = await postHook({ events: [{ ...delivered, type: 'bounced', bounceType: 'hard' }] });
    expect(reused.body).toEqual({ applied: 0, duplicates: 1, unmatched: 0 });

    const twice = await track(owner, sent.invitation.id);
    expect(twice.deliveryStatus).toBe('DELIVERED');
    expect(twice.timeline).toEqual(once.timeline);
    expect(await suppressionsOf(owner, sent.email)).toEqual([]);
  });

  it('deduplicates event ids per organization and message: another organization’s event with the same id still applies', async () => {
    const first = await newAccount(t, 'shared-id-a');
    const second = await newAccount(t, 'shared-id-b');
    const mine = await sentInvitation(first);
    const mineToo = await sentInvitation(first);
    const theirs = await sentInvitation(second);
    const id = `evt-shared-${randomUUID()}`;

    const applied = await postHook({ events: [{ id, type: 'delivered', messageId: mine.messageId }] });
    expect(applied.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    // The same id for another organization's message, and for another message of the same one.
    const elsewhere = await postHook({
      events: [
        { id, type: 'delivered', messageId: theirs.messageId },
        { id, type: 'delivered', messageId: mineToo.messageId },
      ],
    });
    expect(elsewhere.body).toEqual({ applied: 2, duplicates: 0, unmatched: 0 });
    const theirsDelivered = await track(second, theirs.invitation.id);
    expect(theirsDelivered.deliveryStatus).toBe('DELIVERED');
    expect((await track(first, mineToo.invitation.id)).deliveryStatus).toBe('DELIVERED');

    // A replay within the organization is still one event, whatever it now says, and reaches no one else.
    const mineDelivered = await track(first, mine.invitation.id);
    const replay = await postHook({
      events: [{ id, type: 'bounced', bounceType: 'hard', messageId: mine.messageId }],
    });
    expect(replay.body).toEqual({ applied: 0, duplicates: 1, unmatched: 0 });
    expect(await track(first, mine.invitation.id)).toEqual(mineDelivered);
    expect(await track(second, theirs.invitation.id)).toEqual(theirsDelivered);
    expect(await suppressionsOf(first, mine.email)).toEqual([]);
    expect(await suppressionsOf(second, theirs.email)).toEqual([]);

    const receipts = await isolated.database.db
      .select({ organizationId: webhookReceipts.organizationId, messageId: webhookReceipts.messageId })
      .from(webhookReceipts)
      .where(eq(webhookReceipts.id, id));
    expect(receipts).toHaveLength(3);
    expect(receipts).toEqual(
      expect.arrayContaining([
        { organizationId: first.raw.organizationId, messageId: mine.messageId },
        { organizationId: first.raw.organizationId, messageId: mineToo.messageId },
        { organizationId: second.raw.organizationId, messageId: theirs.messageId },
      ]),
    );
  });

  it('lets a bounce for one organization’s message change only that invitation, even under an id another organization used', async () => {
    const victim = await newAccount(t, 'shadow-victim');
    const attacker = await newAccount(t, 'shadow-attacker');
    const target = await sentInvitation(victim);
    const own = await sentInvitation(attacker, target.email);
    const id = `evt-${randomUUID()}`;
    const victimBefore = await track(victim, target.invitation.id);

    const bounce = await postHook({ events: [{ id, type: 'bounced', bounceType: 'hard', messageId: own.messageId }] });
    expect(bounce.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    expect((await track(attacker, own.invitation.id)).deliveryStatus).toBe('BOUNCED');
    expect(await suppressionsOf(attacker, target.email)).toHaveLength(1);
    expect(await track(victim, target.invitation.id)).toEqual(victimBefore);
    expect(await suppressionsOf(victim, target.email)).toEqual([]);

    // The victim's own event under that id is not taken for the attacker's and applies.
    const delivered = await postHook({ events: [{ id, type: 'delivered', messageId: target.messageId }] });
    expect(delivered.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    expect((await track(victim, target.invitation.id)).deliveryStatus).toBe('DELIVERED');
  });

  it('marks a hard bounce BOUNCED, suppresses the address and rejects the next invitation to it unsent', async () => {
    const owner = await newAccount(t, 'bounce');
    const sent = await sentInvitation(owner);
    const answer = await postHook({
      events: [event(sent.messageId, 'bounced', { bounceType: 'hard', reason: '550 no such user' })],
    });
    expect(answer.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });

    const bounced = await track(owner, sent.invitation.id);
    expect(bounced.deliveryStatus).toBe('BOUNCED');
    expect(bounced.status).toBe('PENDING');
    expect(bounced.timeline.at(-1)).toMatchObject({
      type: 'DELIVERY_STATUS_CHANGED',
      data: { from: 'SENT', to: 'BOUNCED', cause: 'bounced', reason: '550 no such user' },
    });
    const [suppression] = await suppressionsOf(owner, sent.email);
    expect(suppression?.reason).toBe('a hard bounce');

    const cancelled = await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    expect(cancelled.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
    const again = await invite(t, owner, { email: sent.email });
    const rejected = await eventually(
      () => track(owner, again.invitation.id),
      (i) => i.deliveryStatus !== 'VALIDATING' && i.deliveryStatus !== 'SENDING',
      workerPass(t),
    );
    expect(rejected.deliveryStatus).toBe('REJECTED');
    expect(JSON.stringify(rejected.timeline.at(-1)?.data)).toMatch(/suppressed after a hard bounce/);
    expect(mailsTo(sink, sent.email)).toHaveLength(1);
  });

  it('treats a complaint like a hard bounce', async () => {
    const owner = await newAccount(t, 'complaint');
    const sent = await sentInvitation(owner);
    const delivered = await postHook({ events: [event(sent.messageId, 'delivered')] });
    expect(delivered.body).toMatchObject({ applied: 1 });
    const answer = await postHook({ events: [event(sent.messageId, 'complained')] });
    expect(answer.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });

    const complained = await track(owner, sent.invitation.id);
    expect(complained.deliveryStatus).toBe('BOUNCED');
    expect(complained.timeline.at(-1)).toMatchObject({
      type: 'DELIVERY_STATUS_CHANGED',
      data: { from: 'DELIVERED', to: 'BOUNCED', cause: 'complained' },
    });
    const [suppression] = await suppressionsOf(owner, sent.email);
    expect(suppression?.reason).toBe('a complaint');

    await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    const again = await invite(t, owner, { email: sent.email });
    const rejected = await eventually(
      () => track(owner, again.invitation.id),
      (i) => i.deliveryStatus !== 'VALIDATING' && i.deliveryStatus !== 'SENDING',
      workerPass(t),
    );
    expect(rejected.deliveryStatus).toBe('REJECTED');
    expect(JSON.stringify(rejected.timeline.at(-1)?.data)).toMatch(/suppressed after a complaint/);
    expect(mailsTo(sink, sent.email)).toHaveLength(1);
  });

  it('records a soft bounce only as a deferral, without suppressing the address', async () => {
    const owner = await newAccount(t, 'soft');
    const sent = await sentInvitation(owner);
    const before = await track(owner, sent.invitation.id);
    const answer = await postHook({
      events: [event(sent.messageId, 'bounced', { bounceType: 'soft', reason: 'mailbox full' })],
    });
    expect(answer.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    const after = await track(owner, sent.invitation.id);
    expect(after.deliveryStatus).toBe('SENT');
    expect(after.timeline).toHaveLength(before.timeline.length + 1);
    expect(after.timeline.at(-1)).toEqual({ type: 'DELIVERY_DEFERRED', data: { reason: 'mailbox full' } });
    expect(await suppressionsOf(owner, sent.email)).toEqual([]);
  });

  it('suppresses an address only for the organization whose mail bounced', async () => {
    const owner = await newAccount(t, 'suppressor');
    const other = await newAccount(t, 'unaffected');
    const sent = await sentInvitation(owner);
    await postHook({ events: [event(sent.messageId, 'bounced', { bounceType: 'hard' })] });
    expect(await suppressionsOf(owner, sent.email)).toHaveLength(1);
    expect(await suppressionsOf(other, sent.email)).toEqual([]);

    const elsewhere = await sentInvitation(other, sent.email);
    expect((await track(other, elsewhere.invitation.id)).deliveryStatus).toBe('SENT');
    expect(mailsTo(sink, sent.email)).toHaveLength(2);
  });

  it('applies SendGrid event batches keyed by smtp-id: delivered and open', async () => {
    const owner = await newAccount(t, 'sendgrid');
    const sent = await sentInvitation(owner);
    const timestamp = nowSeconds() - 5;
    const batch = [
      {
        email: sent.email,
        timestamp,
        'smtp-id': sent.messageId,
        event: 'delivered',
        sg_event_id: `sg-${randomUUID()}`,
        sg_message_id: 'sendgrid-internal.filter0001',
        response: '250 OK',
      },
      {
        email: sent.email,
        timestamp: timestamp + 1,
        'smtp-id': sent.messageId,
        event: 'open',
        sg_event_id: `sg-${randomUUID()}`,
        useragent: 'Mozilla/5.0',
      },
    ];
    const answer = await postHook(batch);
    expect(answer).toEqual({ status: 200, body: { applied: 2, duplicates: 0, unmatched: 0 } });
    const after = await track(owner, sent.invitation.id);
    expect(after.deliveryStatus).toBe('DELIVERED');
    expect(after.openedAt).toBe(new Date((timestamp + 1) * 1000).toISOString());
    expect(after.timeline.filter((e) => e.type === 'OPENED')).toHaveLength(1);

    const replay = await postHook(batch);
    expect(replay.body).toEqual({ applied: 0, duplicates: 2, unmatched: 0 });
    expect((await track(owner, sent.invitation.id)).timeline).toEqual(after.timeline);
  });

  it('treats a SendGrid "blocked" bounce as a deferral and a "bounce" as final', async () => {
    const owner = await newAccount(t, 'sgbounce');
    const sent = await sentInvitation(owner);
    const base = { email: sent.email, timestamp: nowSeconds(), 'smtp-id': sent.messageId };
    const blocked = await postHook([{ ...base, event: 'bounce', type: 'blocked', sg_event_id: `sg-${randomUUID()}` }]);
    expect(blocked.body).toMatchObject({ applied: 1 });
    const deferred = await track(owner, sent.invitation.id);
    expect(deferred.deliveryStatus).toBe('SENT');
    expect(deferred.timeline.at(-1)?.type).toBe('DELIVERY_DEFERRED');
    expect(await suppressionsOf(owner, sent.email)).toEqual([]);

    const bounce = await postHook([{ ...base, event: 'bounce', type: 'bounce', sg_event_id: `sg-${randomUUID()}` }]);
    expect(bounce.body).toMatchObject({ applied: 1 });
    expect((await track(owner, sent.invitation.id)).deliveryStatus).toBe('BOUNCED');
    expect(await suppressionsOf(owner, sent.email)).toHaveLength(1);
  });

  it('applies the tracked events of a SendGrid batch that also carries kinds it does not track', async () => {
    const owner = await newAccount(t, 'sgmixed');
    const sent = await sentInvitation(owner);
    const base = { email: sent.email, timestamp: nowSeconds(), 'smtp-id': sent.messageId };
    // SendGrid batches every enabled event kind together; "processed" always precedes "delivered".
    const answer = await postHook([
      { ...base, event: 'processed', sg_event_id: `sg-${randomUUID()}` },
      { ...base, event: 'delivered', sg_event_id: `sg-${randomUUID()}` },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ applied: 1 });
    expect((await track(owner, sent.invitation.id)).deliveryStatus).toBe('DELIVERED');
  });

  it('tracks opens with a pixel and clicks with a redirect to the live accept link', async () => {
    const owner = await newAccount(t, 'tracking');
    const sent = await sentInvitation(owner);
    const [mail] = mailsTo(sink, sent.email);
    const html = plain(mail?.raw);
    expect(html).toMatch(new RegExp(`<img src="[^"]*/t/o/${sent.attemptId}"`));
    expect(html).toMatch(new RegExp(`href="[^"]*/t/c/${sent.attemptId}"`));
    expect(html).not.toContain(sent.token);
    expect(html).not.toContain(encodeURIComponent(sent.token));
    expect(mail?.raw).toMatch(new RegExp(`^Message-ID: ${sent.messageId}`, 'im'));

    const unopened = await track(owner, sent.invitation.id);
    expect(unopened.openedAt).toBeNull();
    expect(unopened.clickedAt).toBeNull();

    const pixel = await fetch(`${t.url}/t/o/${sent.attemptId}`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect(
      Buffer.from(await pixel.arrayBuffer())
        .subarray(0, 6)
        .toString('latin1'),
    ).toBe('GIF89a');
    const opened = await track(owner, sent.invitation.id);
    expect(opened.openedAt).not.toBeNull();
    expect(opened.timeline.filter((e) => e.type === 'OPENED')).toHaveLength(1);

    const pixelAgain = await fetch(`${t.url}/t/o/${sent.attemptId}`);
    expect(pixelAgain.status).toBe(200);
    await pixelAgain.arrayBuffer();
    const openedTwice = await track(owner, sent.invitation.id);
    expect(openedTwice.openedAt).toBe(opened.openedAt);
    expect(openedTwice.timeline).toEqual(opened.timeline);

    const click = await fetch(`${t.url}/t/c/${sent.attemptId}`, { redirect: 'manual' });
    expect(click.status).toBe(302);
    const location = click.headers.get('location') ?? '';
    // The email's link: the accept link with the mailbox proof that only the email carries.
    expect(location.slice(0, sent.inviteUrl.length + 7)).toBe(`${sent.inviteUrl}#proof=`);
    expect(location.slice(sent.inviteUrl.length + 7)).toMatch(/^[\w-]{43}$/);
    expect(tokenOf(location)).toBe(sent.token);
    const clicked = await track(owner, sent.invitation.id);
    expect(clicked.clickedAt).not.toBeNull();
    expect(clicked.status).toBe('PENDING');
    expect(clicked.timeline.filter((e) => e.type === 'CLICKED')).toHaveLength(1);

    // Following the redirect does not consume the token.
    const preview = await t.gql(Preview, { token: tokenOf(location) });
    expect(preview.data?.invitationByToken).toMatchObject({ __typename: 'InvitationPreview', role: 'MEMBER' });

    const clickAgain = await fetch(`${t.url}/t/c/${sent.attemptId}`, { redirect: 'manual' });
    expect(clickAgain.status).toBe(302);
    const clickedTwice = await track(owner, sent.invitation.id);
    expect(clickedTwice.clickedAt).toBe(clicked.clickedAt);
    expect(clickedTwice.timeline.filter((e) => e.type === 'CLICKED')).toHaveLength(1);

    const cancelled = await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    expect(cancelled.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
    const dead = await fetch(`${t.url}/t/c/${sent.attemptId}`, { redirect: 'manual' });
    expect(dead.status).toBe(410);
    expect(dead.headers.get('location')).toBeNull();
    expect(await dead.text()).not.toContain(sent.token);
  });

  it('answers 410 to clicks and still serves the pixel for unknown or malformed ids', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', '1%27%20or%201%3D1']) {
      const click = await fetch(`${t.url}/t/c/${id}`, { redirect: 'manual' });
      expect({ id, status: click.status }).toEqual({ id, status: 410 });
      await click.text();
      const pixel = await fetch(`${t.url}/t/o/${id}`);
      expect({ id, status: pixel.status, type: pixel.headers.get('content-type') }).toEqual({
        id,
        status: 200,
        type: 'image/gif',
      });
      await pixel.arrayBuffer();
    }
  });

  it('matches events only to their own Message-ID: an unknown one is counted unmatched and changes nothing', async () => {
    const owner = await newAccount(t, 'mine');
    const other = await newAccount(t, 'theirs');
    const mine = await sentInvitation(owner);
    const theirs = await sentInvitation(other);
    const theirsBefore = await track(other, theirs.invitation.id);
    const mineBefore = await track(owner, mine.invitation.id);

    const unknown = event(`<${randomUUID()}@invitation-api>`, 'bounced', { bounceType: 'hard' });
    const answer = await postHook({ events: [unknown] });
    expect(answer).toEqual({ status: 200, body: { applied: 0, duplicates: 0, unmatched: 1 } });
    // The bare form of a real Message-ID (without angle brackets) does not match either.
    const bare = await postHook({ events: [event(theirs.messageId.slice(1, -1), 'bounced', { bounceType: 'hard' })] });
    expect(bare.body).toEqual({ applied: 0, duplicates: 0, unmatched: 1 });

    const hit = await postHook({ events: [event(mine.messageId, 'bounced', { bounceType: 'hard' })] });
    expect(hit.body).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });

    expect((await track(owner, mine.invitation.id)).deliveryStatus).toBe('BOUNCED');
    expect((await track(owner, mine.invitation.id)).timeline).toHaveLength(mineBefore.timeline.length + 1);
    expect(await track(other, theirs.invitation.id)).toEqual(theirsBefore);
    expect(await suppressionsOf(other, theirs.email)).toEqual([]);
    const [receipt] = await isolated.database.db
      .select()
      .from(webhookReceipts)
      .where(eq(webhookReceipts.id, unknown.id));
    expect(receipt).toBeUndefined();
  });
});
