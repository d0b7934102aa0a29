// Delivery through a real SMTP peer, watched live over WebSocket and SSE, on a database of its own.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountEmails, deliveryAttempts, invitations } from '../src/db/schema/index.js';
import { createSmtpMailer } from '../src/delivery/mailer.js';
import { createSealer } from '../src/delivery/sealing.js';
import { createDeliveryWorker } from '../src/delivery/worker.js';
import { createEventBus } from '../src/events/bus.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { createLogger } from '../src/lib/logger.js';
import { createWebhookRecorder } from '../src/webhooks/recorder.js';
import { graphql } from './generated/index.js';
import { startTestApp, type TestApp, workerPass } from './helpers/app.js';
import { isolatedDatabase } from './helpers/db.js';
import { anyOf, eventually } from './helpers/eventually.js';
import { invite, tokenOf } from './helpers/invitations.js';
import { type Feed, organizationWatched, subscribeSse, subscribeWs } from './helpers/live.js';
import { useMailingApp } from './helpers/mailing.js';
import { type Account, newAccount, newMember, SignUp, uniqueEmail } from './helpers/seed.js';
import { mailsTo, plain, type SmtpSink, startSmtpSink } from './helpers/smtp.js';

const OrgFeed = graphql(`
  subscription DelOrgFeed($organizationId: ID!) {
    invitationEvents(organizationId: $organizationId) { type status deliveryStatus invitation { id email } }
  }
`);

const StatusFeed = graphql(`
  subscription DelStatusFeed($invitationId: ID!) {
    invitationStatusChanged(invitationId: $invitationId) { id status deliveryStatus }
  }
`);

const Tracked = graphql(`
  query DelTracked($id: ID!) {
    invitation(id: $id) { status deliveryStatus attempts timeline { type data } }
  }
`);

const Cancel = graphql(`
  mutation DelCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) { __typename }
  }
`);

const Resend = graphql(`
  mutation DelResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) { __typename ... on ResendInvitationPayload { inviteUrl } }
  }
`);

const AcceptAnonymously = graphql(`
  mutation DelAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { __typename }
  }
`);

const RemoveMember = graphql(`
  mutation DelRemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) { __typename }
  }
`);

const UpdateSettings = graphql(`
  mutation DelUpdateSettings($input: UpdateOrganizationSettingsInput!) {
    updateOrganizationSettings(input: $input) {
      __typename
      ... on UpdateOrganizationSettingsPayload { organization { blockedEmailDomains } }
      ... on InputValidationError { issues { path message } }
    }
  }
`);

const WORKER_ENV = {
  WORKER_ENABLED: 'true',
  DELIVERY_MAX_TRIES: '3',
  DELIVERY_BACKOFF_BASE_MS: '100',
  DELIVERY_BACKOFF_MAX_MS: '300',
  DELIVERY_POLL_MS: '50',
  RESEND_COOLDOWN_SECONDS: '0',
};

type Feedable = { invitationEvents: { deliveryStatus: string; invitation: { id: string } } };

const statusesOf = (items: Feedable[], id: string) =>
  items.filter((i) => i.invitationEvents.invitation.id === id).map((i) => i.invitationEvents.deliveryStatus);

/**
 * `watcher` subscribes to `owner`'s organization, which then has `following` feeds open; once the
 * server says they all listen, a probe invitation going out proves the feed live.
 */
async function liveFeed(
  t: TestApp,
  sink: SmtpSink,
  owner: Account,
  open: typeof subscribeWs,
  watcher = owner,
  following = 1,
) {
  const feed = open(t.url, watcher.token, OrgFeed, { organizationId: owner.organizationId }) as Feed<Feedable>;
  await organizationWatched(t, owner.organizationId, following);
  const probe = await invite(t, owner);
  await feed.until((items) => statusesOf(items, probe.invitation.id).includes('SENT'));
  await sink.waitFor(mailsTo(sink, probe.email).length ? sink.received.length : sink.received.length + 1);
  return feed;
}

describe('delivery through SMTP, watched live', () => {
  const { sink, isolated, t } = useMailingApp((url) => ({ ...WORKER_ENV, SMTP_URL: url }));

  const attemptsOf = async (invitationGlobalId: string) =>
    isolated.database.db
      .select()
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.invitationId, decodeGlobalID(invitationGlobalId).id));

  it('answers the send at once and streams VALIDATING → SENDING → SENT over WebSocket and SSE', async () => {
    const owner = await newAccount(t, 'live');
    const ws = await liveFeed(t, sink, owner, subscribeWs);
    const sse = await liveFeed(t, sink, owner, subscribeSse, owner, 2);
    try {
      // Hold the mail at the server: the answer arrives while the mail server has not accepted it.
      const held = sink.hold();
      const sent = await invite(t, owner, { message: 'Tom & <Jerry>' });
      expect(sent.invitation.deliveryStatus).toBe('VALIDATING');
      await held;
      expect(mailsTo(sink, sent.email)).toHaveLength(0);
      sink.release();
      for (const feed of [ws, sse]) {
        const items = await feed.until((all) => statusesOf(all, sent.invitation.id).includes('SENT'));
        expect(statusesOf(items, sent.invitation.id)).toEqual(['VALIDATING', 'SENDING', 'SENT']);
      }
      const [mail] = await eventually(
        async () => mailsTo(sink, sent.email),
        (m) => m.length === 1,
        sink.changed,
      );
      expect(plain(mail?.raw)).toContain(sent.token);
      expect(plain(mail?.raw)).toContain('Tom &amp; &lt;Jerry&gt;');
      expect(plain(mail?.raw)).not.toMatch(/<Jerry>(?![\s\S]*Content-Type: text\/html)/);
    } finally {
      sink.release();
      ws.close();
      sse.close();
    }
  });

  it('streams one invitation’s state first and then each change', async () => {
    const owner = await newAccount(t, 'single');
    sink.failNext(1);
    const sent = await invite(t, owner);
    const feed = subscribeWs(t.url, owner.token, StatusFeed, { invitationId: sent.invitation.id });
    try {
      const items = await feed.until((all) => all.some((i) => i.invitationStatusChanged?.deliveryStatus === 'SENT'));
      const seen = items.map((i) => i.invitationStatusChanged?.deliveryStatus ?? 'MISSING');
      expect(seen.at(-1)).toBe('SENT');
      const order = ['VALIDATING', 'SENDING', 'SENT'];
      expect([...seen].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(seen);
      expect(feed.completed).toBe(false);
    } finally {
      feed.close();
    }
  });

  it('completes an invitation’s stream once it is accepted', async () => {
    const owner = await newAccount(t, 'final');
    const sent = await invite(t, owner);
    const feed = subscribeSse(t.url, owner.token, StatusFeed, { invitationId: sent.invitation.id });
    try {
      await feed.until((all) => all.length > 0);
      const accepted = await t.gql(AcceptAnonymously, {
        input: { token: sent.token, proof: sent.proof, name: 'Final Person', password: 'a-final-password' },
      });
      expect(accepted.data?.acceptInvitation?.__typename).toBe('AcceptInvitationPayload');
      await eventually(
        async () => feed.completed,
        (c) => c,
        feed.changed,
      );
      expect(feed.items.at(-1)?.invitationStatusChanged?.status).toBe('ACCEPTED');
    } finally {
      feed.close();
    }
  });

  it('retries while the mail server refuses for a while, then records SENT', async () => {
    const owner = await newAccount(t, 'retry');
    sink.failNext(2);
    const sent = await invite(t, owner);
    const done = await eventually(
      () => t.gql(Tracked, { id: sent.invitation.id }, { token: owner.token }),
      (r) => r.data?.invitation?.deliveryStatus === 'SENT',
      workerPass(t),
    );
    const changes = done.data?.invitation?.timeline
      .filter((e) => e.type === 'DELIVERY_STATUS_CHANGED')
      .map((e) => (e.data as { to: string }).to);
    expect(changes).toEqual(['SENDING', 'SENT']);
    const [attempt] = await attemptsOf(sent.invitation.id);
    expect(attempt).toMatchObject({ state: 'SENT', tries: 3, sealedLink: null });
    expect(mailsTo(sink, sent.email)).toHaveLength(1);
  });

  it('records FAILED with its reason once the configured attempts are used up on temporary refusals', async () => {
    const owner = await newAccount(t, 'fail');
    const email = uniqueEmail('tempfail');
    sink.replyTo(email, 451, 'try again later');
    const sent = await invite(t, owner, { email });
    const done = await eventually(
      () => t.gql(Tracked, { id: sent.invitation.id }, { token: owner.token }),
      (r) => r.data?.invitation?.deliveryStatus === 'FAILED',
      workerPass(t),
    );
    const last = done.data?.invitation?.timeline.at(-1);
    expect(last?.type).toBe('DELIVERY_STATUS_CHANGED');
    expect(last?.data).toMatchObject({ from: 'SENDING', to: 'FAILED', tries: 3, responseCode: 451 });
    expect(JSON.stringify(last?.data)).toMatch(/try again later/);
    const [attempt] = await attemptsOf(sent.invitation.id);
    expect(attempt).toMatchObject({ state: 'FAILED', tries: 3, sealedLink: null });
    expect(mailsTo(sink, sent.email)).toHaveLength(0);
  });

  it('fails at once, after exactly one try, when the mail server refuses for good (5xx)', async () => {
    const owner = await newAccount(t, 'refused');
    const email = uniqueEmail('refused');
    sink.replyTo(email, 550, 'mailbox unavailable');
    const sent = await invite(t, owner, { email });
    const done = await eventually(
      () => t.gql(Tracked, { id: sent.invitation.id }, { token: owner.token }),
      (r) => r.data?.invitation?.deliveryStatus === 'FAILED',
      workerPass(t),
    );
    const last = done.data?.invitation?.timeline.at(-1);
    expect(last?.data).toMatchObject({ from: 'SENDING', to: 'FAILED', tries: 1, responseCode: 550 });
    expect(JSON.stringify(last?.data)).toMatch(/550 mailbox unavailable/);
    const [attempt] = await attemptsOf(sent.invitation.id);
    expect(attempt).toMatchObject({ state: 'FAILED', tries: 1, sealedLink: null });
    expect(attempt?.lastError).toMatch(/550 mailbox unavailable/);
    expect(mailsTo(sink, sent.email)).toHaveLength(0);
  });

  it('fails an account email at once on a 5xx reply, as it does an invitation', async () => {
    const email = uniqueEmail('account-refused');
    sink.replyTo(email, 550, 'no such mailbox');
    const signedUp = await t.gql(SignUp, {
      input: {
        email,
        password: `pw-${Date.now()}-secret`,
        name: 'Refused person',
        organizationName: `Refused ${email}`,
      },
    });
    expect(signedUp.data?.signUp?.__typename).toBe('SignUpPayload');
    const [row] = await eventually(
      () => isolated.database.db.select().from(accountEmails).where(eq(accountEmails.recipient, email)),
      (rows) => rows[0]?.state === 'FAILED',
      workerPass(t),
    );
    expect(row).toMatchObject({ tries: 1, sealedLink: null });
    expect(row?.lastError).toMatch(/550 no such mailbox/);
  });

  it('retries a 4xx reply with backoff, then records SENT', async () => {
    const owner = await newAccount(t, 'deferred');
    const email = uniqueEmail('deferred');
    sink.replyTo(email, 451, 'greylisted, try again later', 1);
    const sent = await invite(t, owner, { email });
    await eventually(
      () => t.gql(Tracked, { id: sent.invitation.id }, { token: owner.token }),
      (r) => r.data?.invitation?.deliveryStatus === 'SENT',
      workerPass(t),
    );
    const [attempt] = await attemptsOf(sent.invitation.id);
    expect(attempt).toMatchObject({ state: 'SENT', tries: 2 });
    expect(attempt?.lastError).toMatch(/451 greylisted/);
    expect(mailsTo(sink, sent.email)).toHaveLength(1);
  });

  it('sends other invitations while one conversation hangs, and cancels the hung one at once', async () => {
    const owner = await newAccount(t, 'hung');
    const hungEmail = uniqueEmail('hung');
    const held = sink.holdFor(hungEmail);
    try {
      const hung = await invite(t, owner, { email: hungEmail });
      await held;
      // Queued after the hang began: it goes out through a free slot while the first still hangs.
      const other = await invite(t, owner);
      await eventually(
        () => t.gql(Tracked, { id: other.invitation.id }, { token: owner.token }),
        (r) => r.data?.invitation?.deliveryStatus === 'SENT',
        workerPass(t),
      );
      expect(mailsTo(sink, other.email)).toHaveLength(1);
      const [hungAttempt] = await attemptsOf(hung.invitation.id);
      expect(hungAttempt?.state).toBe('SENDING');
      // No row is held during the conversation: the cancel answers while it still hangs.
      const cancelled = await t.gql(Cancel, { input: { invitationId: hung.invitation.id } }, { token: owner.token });
      expect(cancelled.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
      expect(mailsTo(sink, hungEmail)).toHaveLength(0);
      expect((await attemptsOf(hung.invitation.id))[0]?.state).toBe('SENDING');
      sink.release();
      // The cancel committed during the conversation: the email leaves, its link no longer works.
      const [attempt] = await eventually(
        () => attemptsOf(hung.invitation.id),
        (rows) => rows[0]?.state === 'SENT',
        workerPass(t),
      );
      expect(attempt).toMatchObject({ tries: 1, sealedLink: null });
      expect(mailsTo(sink, hungEmail)).toHaveLength(1);
      const after = await t.gql(Tracked, { id: hung.invitation.id }, { token: owner.token });
      expect(after.data?.invitation).toMatchObject({ status: 'CANCELLED', deliveryStatus: 'SENT' });
    } finally {
      sink.release();
    }
  });

  it('sends nothing after a cancel that lands while the mail is being retried', async () => {
    const owner = await newAccount(t, 'cancel');
    sink.failNext(1);
    const sent = await invite(t, owner);
    await eventually(
      () => attemptsOf(sent.invitation.id),
      (rows) => rows[0]?.state === 'RETRY',
      workerPass(t),
    );
    const cancelled = await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    expect(cancelled.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
    const [attempt] = await eventually(
      () => attemptsOf(sent.invitation.id),
      (rows) => rows[0]?.state === 'SUPERSEDED',
      workerPass(t),
    );
    expect(attempt?.sealedLink).toBeNull();
    expect(mailsTo(sink, sent.email)).toHaveLength(0);
  });

  it('mails only the newest link when a resend lands while the first mail is being retried', async () => {
    const owner = await newAccount(t, 'resend');
    sink.failNext(1);
    const sent = await invite(t, owner);
    await eventually(
      () => attemptsOf(sent.invitation.id),
      (rows) => rows[0]?.state === 'RETRY',
      workerPass(t),
    );
    const resent = await t.gql(Resend, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    const payload = resent.data?.resendInvitation;
    if (payload?.__typename !== 'ResendInvitationPayload' || !payload.inviteUrl) throw new Error('resend failed');
    const mails = await eventually(
      async () => mailsTo(sink, sent.email),
      (m) => m.length >= 1,
      sink.changed,
    );
    const states = await eventually(
      () => attemptsOf(sent.invitation.id),
      (rows) => rows.every((r) => r.state === 'SENT' || r.state === 'SUPERSEDED'),
      workerPass(t),
    );
    expect(states.map((r) => [r.attempt, r.state]).sort()).toEqual([
      [1, 'SUPERSEDED'],
      [2, 'SENT'],
    ]);
    expect(mails).toHaveLength(1);
    expect(plain(mails[0]?.raw)).toContain(tokenOf(payload.inviteUrl));
    expect(plain(mails[0]?.raw)).not.toContain(sent.token);
  });

  it('rejects an invitation to a domain the organization blocks, and mails nothing', async () => {
    const owner = await newAccount(t, 'policy');
    const bad = await t.gql(
      UpdateSettings,
      { input: { organizationId: owner.organizationId, blockedEmailDomains: ['not a domain'] } },
      { token: owner.token },
    );
    expect(bad.data?.updateOrganizationSettings?.__typename).toBe('InputValidationError');
    const set = await t.gql(
      UpdateSettings,
      { input: { organizationId: owner.organizationId, blockedEmailDomains: ['Blocked.example'] } },
      { token: owner.token },
    );
    expect(set.data?.updateOrganizationSettings).toEqual({
      __typename: 'UpdateOrganizationSettingsPayload',
      organization: { blockedEmailDomains: ['blocked.example'] },
    });
    const sent = await invite(t, owner, { email: `someone-${Date.now()}@mail.blocked.example` });
    const done = await eventually(
      () => t.gql(Tracked, { id: sent.invitation.id }, { token: owner.token }),
      (r) => r.data?.invitation?.deliveryStatus === 'REJECTED',
      workerPass(t),
    );
    expect(done.data?.invitation?.timeline.at(-1)?.data).toMatchObject({
      from: 'VALIDATING',
      to: 'REJECTED',
      reason: 'domain mail.blocked.example is blocked',
    });
    const [attempt] = await attemptsOf(sent.invitation.id);
    expect(attempt).toMatchObject({ state: 'REJECTED', sealedLink: null });
    expect(mailsTo(sink, sent.email)).toHaveLength(0);
  });

  it('refuses a subscriber from another organization as if the invitation did not exist', async () => {
    const owner = await newAccount(t, 'watched');
    const stranger = await newAccount(t, 'stranger');
    const sent = await invite(t, owner);
    const single = subscribeWs(t.url, stranger.token, StatusFeed, { invitationId: sent.invitation.id });
    const org = subscribeSse(t.url, stranger.token, OrgFeed, { organizationId: owner.organizationId });
    try {
      await eventually(
        async () => single.errors.length + org.errors.length,
        (n) => n === 2,
        anyOf([single.changed, org.changed]),
      );
      expect(JSON.stringify(single.errors)).toContain('NOT_FOUND');
      expect(JSON.stringify(org.errors)).toContain('FORBIDDEN');
      expect(single.items).toEqual([]);
      expect(org.items).toEqual([]);
    } finally {
      single.close();
      org.close();
    }
  });

  it('ends the feed of an admin who is removed from the organization', async () => {
    const owner = await newAccount(t, 'remover');
    const admin = await newMember(t, owner, 'ADMIN');
    const feed = await liveFeed(t, sink, owner, subscribeWs, admin);
    try {
      const removed = await t.gql(
        RemoveMember,
        { input: { organizationId: owner.organizationId, userId: admin.userId } },
        { token: owner.token },
      );
      expect(removed.data?.removeMember?.__typename).toBe('RemoveMemberPayload');
      const before = feed.items.length;
      const after = await invite(t, owner);
      await eventually(
        async () => feed.completed,
        (c) => c,
        feed.changed,
        5000,
      );
      expect(feed.items.length).toBe(before);
      expect(statusesOf(feed.items, after.invitation.id)).toEqual([]);
    } finally {
      feed.close();
    }
  });
});

describe('a worker that dies holding a lease', () => {
  const { sink, isolated, t } = useMailingApp((url) => ({ SMTP_URL: url }));

  it('leaves its attempt to another worker once the lease runs out', async () => {
    const owner = await newAccount(t, 'lease');
    const sent = await invite(t, owner);
    const config = { ...t.app.config, DELIVERY_LEASE_SECONDS: 30 };
    const events = createEventBus({});
    const make = (id: string) =>
      createDeliveryWorker({
        db: isolated.database.db,
        clock: t.clock,
        follower: createWebhookRecorder({ clock: t.clock }),
        config,
        mailer: createSmtpMailer(sink.url, 5000),
        sealer: createSealer(signingKeyOf(t)),
        events,
        logger: createLogger('silent'),
        id,
      });
    const dead = make('dead');
    const survivor = make('survivor');
    expect(await dead.claim()).toHaveLength(1);
    // While the lease holds, nobody else takes the attempt.
    expect(await survivor.runOnce()).toBe(0);
    t.clock.advance(31);
    expect(await survivor.runOnce()).toBe(1);
    const [row] = await isolated.database.db
      .select({ deliveryStatus: invitations.deliveryStatus })
      .from(invitations)
      .where(eq(invitations.id, decodeGlobalID(sent.invitation.id).id));
    expect(row?.deliveryStatus).toBe('SENT');
    const [attempt] = await isolated.database.db
      .select()
      .from(deliveryAttempts)
      .where(and(eq(deliveryAttempts.invitationId, decodeGlobalID(sent.invitation.id).id)));
    expect(attempt).toMatchObject({ state: 'SENT', lockedBy: 'survivor', tries: 2 });
    expect(mailsTo(sink, sent.email)).toHaveLength(1);
    await events.close();
  });
});

const REDIS_URL = 'redis://127.0.0.1:6379';

/** The key a test app generated in its data directory on start. */
const signingKeyOf = (t: TestApp) => readFileSync(path.join(t.app.config.DATA_DIR, 'jwt-private-key.pem'), 'utf8');

describe('several emails in flight at once', () => {
  const { sink, isolated, t } = useMailingApp((url) => ({ SMTP_URL: url }));

  /** The app's own worker is off here: this one is driven pass by pass, on the app's clock. */
  const drivenWorker = (concurrency: number) => {
    const mailer = createSmtpMailer(sink.url, 5000);
    const events = createEventBus({});
    const worker = createDeliveryWorker({
      db: isolated.database.db,
      clock: t.clock,
      follower: createWebhookRecorder({ clock: t.clock }),
      config: {
        ...t.app.config,
        DELIVERY_CONCURRENCY: concurrency,
        DELIVERY_BACKOFF_BASE_MS: 100,
        DELIVERY_BACKOFF_MAX_MS: 100,
      },
      mailer,
      sealer: createSealer(signingKeyOf(t)),
      events,
      logger: createLogger('silent'),
    });
    return { worker, close: () => Promise.all([mailer.close(), events.close()]) };
  };

  const attemptOf = async (invitationGlobalId: string) =>
    (
      await isolated.database.db
        .select()
        .from(deliveryAttempts)
        .where(eq(deliveryAttempts.invitationId, decodeGlobalID(invitationGlobalId).id))
    )[0];

  /** The delivery statuses an invitation's timeline moved through, oldest first. */
  const deliveryChanges = async (owner: Account, invitationGlobalId: string) => {
    const tracked = await t.gql(Tracked, { id: invitationGlobalId }, { token: owner.token });
    return tracked.data?.invitation?.timeline
      .filter((e) => e.type === 'DELIVERY_STATUS_CHANGED')
      .map((e) => (e.data as { to: string }).to);
  };

  // The sends used to share one transaction holding their invitation rows, so this cancel waited
  // for the slowest conversation; now no row is held while the server talks, and it answers at once.
  it('holds DELIVERY_CONCURRENCY conversations open together, and a cancel landing mid-send answers at once', async () => {
    const owner = await newAccount(t, 'flight');
    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(await invite(t, owner));
    const { worker, close } = drivenWorker(4);
    try {
      const held = sink.hold(4);
      const pass = worker.runOnce();
      // All four reached the end of DATA before the peer accepted any of them.
      await held;
      for (const s of sent) expect(mailsTo(sink, s.email)).toHaveLength(0);
      const cancel = await t.gql(
        Cancel,
        { input: { invitationId: sent[0]?.invitation.id ?? '' } },
        { token: owner.token },
      );
      // Answered while every conversation is still held.
      expect(cancel.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
      for (const s of sent) expect(mailsTo(sink, s.email)).toHaveLength(0);
      sink.release();
      expect(await pass).toBe(4);
      // The cancel committed during the conversation: that email left too, with a link that no longer works.
      for (const s of sent) {
        expect(mailsTo(sink, s.email)).toHaveLength(1);
        expect(await deliveryChanges(owner, s.invitation.id)).toEqual(['SENDING', 'SENT']);
        expect(await attemptOf(s.invitation.id)).toMatchObject({ state: 'SENT', tries: 1, sealedLink: null });
      }
      const cancelled = await t.gql(Tracked, { id: sent[0]?.invitation.id ?? '' }, { token: owner.token });
      expect(cancelled.data?.invitation?.status).toBe('CANCELLED');
    } finally {
      sink.release();
      await close();
    }
  });

  it('runs two driven passes at once on one slot: the second waits for the first’s claim, and each email leaves once', async () => {
    const owner = await newAccount(t, 'twopasses');
    const sent = [await invite(t, owner), await invite(t, owner)];
    const { worker, close } = drivenWorker(1);
    try {
      // The second pass finds the one slot reserved by the first while its claim is in flight.
      const handled = await Promise.all([worker.runOnce(), worker.runOnce()]);
      expect(handled.reduce((a, b) => a + b, 0)).toBe(2);
      for (const s of sent) expect(mailsTo(sink, s.email)).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('mails nothing after a cancel that committed first, and retries a refused email of a group on its own', async () => {
    const owner = await newAccount(t, 'group');
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await invite(t, owner));
    const [cancelled, ...others] = sent;
    if (!cancelled) throw new Error('no invitation');
    const done = await t.gql(Cancel, { input: { invitationId: cancelled.invitation.id } }, { token: owner.token });
    expect(done.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
    const { worker, close } = drivenWorker(3);
    try {
      sink.failNext(1);
      expect(await worker.runOnce()).toBe(3);
      const afterFirst = await Promise.all(others.map((s) => attemptOf(s.invitation.id)));
      expect(afterFirst.map((a) => a?.state).sort()).toEqual(['RETRY', 'SENT']);
      t.clock.advance(1);
      expect(await worker.runOnce()).toBe(1);
      expect(mailsTo(sink, cancelled.email)).toHaveLength(0);
      expect(await attemptOf(cancelled.invitation.id)).toMatchObject({ state: 'SUPERSEDED', sealedLink: null });
      for (const s of others) {
        expect(mailsTo(sink, s.email)).toHaveLength(1);
        expect(await deliveryChanges(owner, s.invitation.id)).toEqual(['SENDING', 'SENT']);
      }
      const tries = await Promise.all(others.map(async (s) => (await attemptOf(s.invitation.id))?.tries));
      expect(tries.sort()).toEqual([1, 2]);
    } finally {
      await close();
    }
  });
});

describe('two instances sharing PostgreSQL and Redis', () => {
  let sink: SmtpSink;
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  let a: Awaited<ReturnType<typeof startTestApp>>;
  let b: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    isolated = await isolatedDatabase();
    const env = { ...WORKER_ENV, SMTP_URL: sink.url, REDIS_URL };
    a = await startTestApp(env, { database: isolated.database });
    // Both instances sign with one key, as a real deployment configures them.
    const key = signingKeyOf(a);
    b = await startTestApp({ ...env, JWT_PRIVATE_KEY: key }, { database: isolated.database });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await isolated?.drop();
    await sink?.close();
  });

  it('shows on instance A what instance B did, and their workers never send one attempt twice', async () => {
    const owner = await newAccount(a, 'twin');
    const feed = subscribeWs(a.url, owner.token, OrgFeed, { organizationId: owner.organizationId }) as Feed<Feedable>;
    try {
      // Instance A's feed listens, through Redis, before B sends.
      await organizationWatched(a, owner.organizationId);
      const sent = await Promise.all(Array.from({ length: 10 }, () => invite(b, owner)));
      const items = await feed.until((all) => sent.every((s) => statusesOf(all, s.invitation.id).includes('SENT')));
      for (const s of sent) expect(statusesOf(items, s.invitation.id)).toEqual(['VALIDATING', 'SENDING', 'SENT']);
      // Each worker has made a whole pass since: a second send of any attempt would have happened.
      const wholePass = async (app: TestApp) => {
        await workerPass(app)();
        await workerPass(app)();
      };
      await Promise.all([wholePass(a), wholePass(b)]);
      for (const s of sent) expect(mailsTo(sink, s.email)).toHaveLength(1);
    } finally {
      feed.close();
    }
  });
});

describe('npm run worker, a worker in its own process', () => {
  // Through Redis the API hears of what the worker process does.
  const { sink, isolated, t } = useMailingApp((url) => ({ SMTP_URL: url, REDIS_URL }));

  it('delivers what the API queued, or on the embedded database says why it cannot run', async () => {
    const { DATABASE_URL: _a, TEST_DATABASE_URL: _b, REDIS_URL: _c, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: {
        ...inherited,
        ...(isolated.url ? { DATABASE_URL: isolated.url } : {}),
        SMTP_URL: sink.url,
        REDIS_URL,
        JWT_PRIVATE_KEY: signingKeyOf(t),
        DELIVERY_POLL_MS: '50',
        LOG_LEVEL: 'warn',
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      if (!isolated.url) {
        expect(await exited).toBe(1);
        expect(stderr).toMatch(/needs DATABASE_URL/);
        return;
      }
      const owner = await newAccount(t, 'separate');
      const changes = t.app.events.organizationChanges(owner.raw.organizationId)[Symbol.asyncIterator]();
      let changed = changes.next();
      const nextChange = async () => {
        await changed;
        changed = changes.next();
      };
      await t.app.events.organizationFollowed(owner.raw.organizationId);
      const sent = await invite(t, owner);
      const mails = await eventually(
        async () => mailsTo(sink, sent.email),
        (m) => m.length === 1,
        sink.changed,
        30_000,
      );
      expect(plain(mails[0]?.raw)).toContain(sent.token);
      // The mail reaches the peer a moment before the worker commits SENT.
      const done = await eventually(
        () => t.gql(Tracked, { id: sent.invitation.id }, { token: owner.token }),
        (r) => r.data?.invitation?.deliveryStatus !== 'SENDING',
        nextChange,
      );
      expect(done.data?.invitation?.deliveryStatus).toBe('SENT');
      await changes.return?.();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
