// Property: whatever sequence of invitation operations runs (send, resend, cancel, accept, decline,
// time passing with the expiry sweep, the delivery worker against a real SMTP peer, signed provider
// events), the rollups the triggers keep equal a recount of the raw rows after every step, and the
// analytics read from them agree with counts taken straight from the tables. On a database of its own,
// since the worker and the sweeper act on every row.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, isNotNull } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { recountedRollups, storedRollups } from '../src/analytics/recount.js';
import { ACTIVITY_COUNTS, rangePieces } from '../src/analytics/service.js';
import { invitationEvents, invitations } from '../src/db/schema/index.js';
import { createSmtpMailer, type Mailer } from '../src/delivery/mailer.js';
import { createSealer } from '../src/delivery/sealing.js';
import { signWebhook } from '../src/delivery/webhooks.js';
import { createDeliveryWorker, type DeliveryWorker } from '../src/delivery/worker.js';
import { createEventBus, type EventBus } from '../src/events/bus.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { effectiveStatus } from '../src/invitations/status.js';
import { createLogger } from '../src/lib/logger.js';
import { createWebhookRecorder } from '../src/webhooks/recorder.js';
import { graphql } from './generated/index.js';
import { proofOf, SendInvitation, tokenOf } from './helpers/invitations.js';
import { useMailingApp } from './helpers/mailing.js';
import { type Account, newAccount, newMember, uniqueEmail } from './helpers/seed.js';

const SECRET = 'analytics-property-webhook-secret';
const RESEND_COOLDOWN_SECONDS = 60;
const BATCH_SIZE = 20;
const DAY_MS = 86_400_000;

const Resend = graphql(`
  mutation AnalyticsPropResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload { inviteUrl invitation { id } }
      ... on UserError { code message }
    }
  }
`);

const Cancel = graphql(`
  mutation AnalyticsPropCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) { __typename ... on UserError { code } }
  }
`);

const Accept = graphql(`
  mutation AnalyticsPropAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { __typename ... on UserError { code } }
  }
`);

const Decline = graphql(`
  mutation AnalyticsPropDecline($input: DeclineInvitationInput!) {
    declineInvitation(input: $input) { __typename ... on UserError { code } }
  }
`);

const Stats = graphql(`
  query AnalyticsPropStats($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
    invitationStats(organizationId: $organizationId, from: $from, to: $to) {
      __typename
      ... on InvitationStats {
        asOf
        invited
        byStatus { status count }
        byDeliveryStatus { status count }
      }
      ... on UserError { code message }
    }
  }
`);

const Series = graphql(`
  query AnalyticsPropSeries($organizationId: ID!, $from: Date!, $to: Date!) {
    invitationAnalytics(organizationId: $organizationId, from: $from, to: $to, interval: DAY, timeZone: "UTC") {
      __typename
      ... on InvitationAnalytics {
        buckets {
          period invited resent sent delivered opened clicked accepted declined cancelled expired bounced failed rejected
        }
      }
      ... on UserError { code message }
    }
  }
`);

// ---- Operations -------------------------------------------------------------------------------

type Inviter = 'owner' | 'admin';
type HookKind = 'delivered' | 'deferred' | 'bounced' | 'complained' | 'opened' | 'clicked';

type Op =
  | {
      kind: 'send';
      by: Inviter;
      role: 'MEMBER' | 'ADMIN';
      /** An index into the run's few shared addresses, or past them: a fresh address. */
      email: number;
      message: string | null;
      expiresInDays: number | null;
    }
  | { kind: 'resend'; by: Inviter; pick: number; message: string | null | undefined; waitCooldown: boolean }
  | { kind: 'cancel'; by: Inviter; pick: number }
  | { kind: 'accept'; pick: number }
  | { kind: 'decline'; pick: number }
  | { kind: 'advance'; seconds: number; sweep: boolean }
  | { kind: 'deliver'; failing: boolean }
  | { kind: 'webhook'; pick: number; type: HookKind; hard: boolean; backdateSeconds: number | null }
  | { kind: 'replayWebhook' }
  | { kind: 'sweep' }
  | { kind: 'race'; first: Op; second: Op };

const SHARED_EMAILS = 3;

const inviterArb = fc.constantFrom<Inviter>('owner', 'admin');
const pickArb = fc.nat({ max: 30 });

const sendArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('send' as const),
  by: inviterArb,
  role: fc.constantFrom('MEMBER' as const, 'ADMIN' as const),
  email: fc.nat({ max: SHARED_EMAILS }),
  message: fc.option(fc.constantFrom('Welcome aboard', 'Join us'), { nil: null }),
  expiresInDays: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
});

const resendArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('resend' as const),
  by: inviterArb,
  pick: pickArb,
  message: fc.constantFrom(undefined, null, 'A new note'),
  waitCooldown: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});
const cancelArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('cancel' as const), by: inviterArb, pick: pickArb });
const acceptArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('accept' as const), pick: pickArb });
const declineArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('decline' as const), pick: pickArb });
const advanceArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('advance' as const),
  seconds: fc.oneof(
    fc.integer({ min: 1, max: 120 }).map((m) => m * 60),
    fc.integer({ min: 1, max: 48 }).map((h) => h * 3600),
    fc.integer({ min: 1, max: 8 }).map((d) => d * 86_400),
  ),
  sweep: fc.boolean(),
});
const deliverArb = (failing: fc.Arbitrary<boolean>): fc.Arbitrary<Op> =>
  fc.record({ kind: fc.constant('deliver' as const), failing });
const webhookArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('webhook' as const),
  pick: pickArb,
  type: fc.constantFrom<HookKind>('delivered', 'deferred', 'bounced', 'complained', 'opened', 'clicked'),
  hard: fc.boolean(),
  backdateSeconds: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null }),
});

/** Two requests at once on the same organisation (sends aside, so the picks stay reproducible). */
const raceable = fc.oneof(
  resendArb,
  cancelArb,
  acceptArb,
  declineArb,
  deliverArb(fc.constant(false)),
  webhookArb,
  fc.constant<Op>({ kind: 'sweep' }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: sendArb },
  { weight: 2, arbitrary: resendArb },
  { weight: 2, arbitrary: cancelArb },
  { weight: 2, arbitrary: acceptArb },
  { weight: 1, arbitrary: declineArb },
  { weight: 2, arbitrary: advanceArb },
  {
    weight: 3,
    arbitrary: deliverArb(
      fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
    ),
  },
  { weight: 4, arbitrary: webhookArb },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'replayWebhook' }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('race' as const), first: raceable, second: raceable }) },
);

/**
 * How far before the run's first invitation and after its last the stats range [from, to) reaches,
 * in ms: from the tightest range that still holds them all to one with whole days and weeks inside,
 * so that every rollup grain is read.
 */
const padsArb = fc.record({
  before: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * DAY_MS }), fc.integer({ min: 0, max: 16 * DAY_MS })),
  after: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 2 * DAY_MS }), fc.integer({ min: 1, max: 16 * DAY_MS })),
});

// ---- The range cut into rollup periods --------------------------------------------------------

describe('rangePieces', () => {
  const HOUR_MS = 3_600_000;
  const aligned = { HOUR: (ms: number) => ms % HOUR_MS === 0, DAY: (ms: number) => ms % DAY_MS === 0 };
  const length = { HOUR: HOUR_MS, DAY: DAY_MS, WEEK: 7 * DAY_MS };

  it('tiles any range with whole UTC hours, days and Monday weeks, leaving only partial hours at its ends, and no more', () => {
    const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) });
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [from, to] = [new Date(Math.min(a, b)), new Date(Math.max(a, b))];
        const { periods, raw } = rangePieces(from, to);
        for (const p of periods) {
          expect(p.to.getTime() - p.from.getTime() >= length[p.grain]).toBe(true);
          expect((p.to.getTime() - p.from.getTime()) % length[p.grain]).toBe(0);
          if (p.grain === 'WEEK') expect(p.from.getUTCDay()).toBe(1);
          else expect(aligned[p.grain](p.from.getTime())).toBe(true);
        }
        expect(raw.length).toBeLessThanOrEqual(2);
        // Partial hours: under an hour each beside whole periods, under two when no whole hour fits.
        for (const [start, end] of raw) {
          expect(end.getTime() - start.getTime()).toBeLessThan(periods.length > 0 ? HOUR_MS : 2 * HOUR_MS);
        }
        const pieces = [
          ...periods.map((p) => [p.from.getTime(), p.to.getTime()]),
          ...raw.map(([s, e]) => [s.getTime(), e.getTime()]),
        ].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
        let at = from.getTime();
        for (const [start, end] of pieces) {
          expect(start).toBe(at);
          at = end ?? Number.NaN;
        }
        expect(at).toBe(to.getTime());
      }),
      { numRuns: 2000 },
    );
  });
});

// ---- The run ----------------------------------------------------------------------------------

describe('analytics rollups under random invitation traffic', () => {
  const { sink, isolated, t } = useMailingApp((url) => ({
    WORKER_ENABLED: 'false',
    EXPIRY_SWEEP_SECONDS: '0',
    SMTP_URL: url,
    WEBHOOK_SECRET: SECRET,
    RESEND_COOLDOWN_SECONDS: String(RESEND_COOLDOWN_SECONDS),
    // Runs move the clock by days: tokens outlive them.
    JWT_TTL_SECONDS: String(365 * 86_400),
    DELIVERY_MAX_TRIES: '2',
    DELIVERY_BACKOFF_BASE_MS: '1000',
    DELIVERY_BACKOFF_MAX_MS: '5000',
    DELIVERY_BATCH_SIZE: String(BATCH_SIZE),
  }));

  // The app's own worker is off, so the runs drive this one, with the app's clock, config and key.
  let worker: DeliveryWorker | undefined;
  let mailer: Mailer | undefined;
  let bus: EventBus | undefined;
  const deliveryWorker = () => {
    if (!worker) {
      mailer = createSmtpMailer(sink.url, 5000);
      bus = createEventBus({});
      const key = readFileSync(path.join(t.app.config.DATA_DIR, 'jwt-private-key.pem'), 'utf8');
      worker = createDeliveryWorker({
        db: isolated.database.db,
        clock: t.clock,
        follower: createWebhookRecorder({ clock: t.clock }),
        config: t.app.config,
        mailer,
        sealer: createSealer(key),
        events: bus,
        logger: createLogger('silent'),
        id: 'analytics-property',
      });
    }
    return worker;
  };
  afterAll(async () => {
    await mailer?.close();
    await bus?.close();
  });

  const db = () => isolated.database.db;

  interface Tracked {
    id: string;
    rawId: string;
    token: string;
  }

  interface Run {
    owner: Account;
    admin: Account;
    emails: string[];
    invitations: Tracked[];
    lastHook: string | null;
    log: string[];
  }

  const nowSeconds = () => Math.floor(t.clock.now().getTime() / 1000);

  async function postHook(body: string) {
    const timestamp = nowSeconds();
    const response = await fetch(`${t.url}/webhooks/email`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': String(timestamp),
        'x-webhook-signature': signWebhook(SECRET, timestamp, body),
      },
      body,
    });
    return { status: response.status, body: await response.text() };
  }

  const picked = (run: Run, pick: number) =>
    run.invitations.length ? run.invitations[pick % run.invitations.length] : undefined;

  const who = (run: Run, by: Inviter) => (by === 'owner' ? run.owner : run.admin);

  /** Applies one operation through the app; refusals are outcomes like any other. */
  async function apply(run: Run, op: Op): Promise<string> {
    switch (op.kind) {
      case 'send': {
        const email = run.emails[op.email] ?? uniqueEmail('prop-fresh');
        const result = await t.gql(
          SendInvitation,
          {
            input: {
              organizationId: run.owner.organizationId,
              email,
              role: op.role,
              ...(op.message ? { message: op.message } : {}),
              ...(op.expiresInDays ? { expiresInDays: op.expiresInDays } : {}),
            },
          },
          { token: who(run, op.by).token },
        );
        const payload = result.data?.sendInvitation;
        if (payload?.__typename === 'SendInvitationPayload' && payload.inviteUrl) {
          run.invitations.push({
            id: payload.invitation.id,
            rawId: decodeGlobalID(payload.invitation.id).id,
            token: tokenOf(payload.inviteUrl),
          });
        }
        return payload?.__typename ?? JSON.stringify(result.errors);
      }
      case 'resend': {
        const target = picked(run, op.pick);
        if (!target) return 'nothing to resend';
        if (op.waitCooldown) t.clock.advance(RESEND_COOLDOWN_SECONDS + 1);
        const result = await t.gql(
          Resend,
          {
            input: {
              invitationId: target.id,
              ...(op.message === undefined ? {} : { message: op.message }),
            },
          },
          { token: who(run, op.by).token },
        );
        const payload = result.data?.resendInvitation;
        if (payload?.__typename === 'ResendInvitationPayload' && payload.inviteUrl) {
          target.token = tokenOf(payload.inviteUrl);
        }
        return payload?.__typename ?? JSON.stringify(result.errors);
      }
      case 'cancel': {
        const target = picked(run, op.pick);
        if (!target) return 'nothing to cancel';
        const result = await t.gql(Cancel, { input: { invitationId: target.id } }, { token: who(run, op.by).token });
        return result.data?.cancelInvitation?.__typename ?? JSON.stringify(result.errors);
      }
      case 'accept': {
        const target = picked(run, op.pick);
        if (!target) return 'nothing to accept';
        const result = await t.gql(Accept, {
          input: {
            token: target.token,
            proof: await proofOf(t, target.token),
            name: 'Property Person',
            password: `pw-${randomUUID()}`,
          },
        });
        const payload = result.data?.acceptInvitation;
        return payload ? `${payload.__typename}${'code' in payload ? ` ${payload.code}` : ''}` : 'no answer';
      }
      case 'decline': {
        const target = picked(run, op.pick);
        if (!target) return 'nothing to decline';
        const result = await t.gql(Decline, { input: { token: target.token } });
        const payload = result.data?.declineInvitation;
        return payload ? `${payload.__typename}${'code' in payload ? ` ${payload.code}` : ''}` : 'no answer';
      }
      case 'advance': {
        t.clock.advance(op.seconds);
        return op.sweep ? `swept ${await t.app.services.invitations.sweepExpired()}` : 'not swept';
      }
      case 'deliver': {
        if (op.failing) sink.refuseAll(true);
        try {
          let handled = 0;
          // One pass takes one batch when the worker is not started: take batches until one is short.
          for (let pass = 0; pass < 5; pass += 1) {
            const batch = await deliveryWorker().runOnce();
            handled += batch;
            if (batch < BATCH_SIZE) break;
          }
          return `handled ${handled}`;
        } finally {
          sink.refuseAll(false);
        }
      }
      case 'webhook': {
        // Provider events only ever name a mail that went out: pick among those.
        const rows = await db()
          .select({ id: invitations.id, messageId: invitations.messageId })
          .from(invitations)
          .where(and(eq(invitations.organizationId, run.owner.raw.organizationId), isNotNull(invitations.messageId)));
        const mailed = run.invitations.flatMap(({ rawId }) => rows.find((r) => r.id === rawId)?.messageId ?? []);
        const messageId = mailed[op.pick % Math.max(1, mailed.length)];
        if (!messageId) return 'nothing mailed yet';
        const event = {
          id: `evt-${randomUUID()}`,
          type: op.type,
          messageId,
          ...(op.type === 'bounced' ? { bounceType: op.hard ? 'hard' : 'soft', reason: 'mailbox says no' } : {}),
          ...(op.backdateSeconds === null ? {} : { timestamp: nowSeconds() - op.backdateSeconds }),
        };
        run.lastHook = JSON.stringify({ events: [event] });
        const answer = await postHook(run.lastHook);
        expect(answer.status, answer.body).toBe(200);
        return answer.body;
      }
      case 'sweep':
        return `swept ${await t.app.services.invitations.sweepExpired()}`;
      case 'race': {
        const [first, second] = await Promise.all([apply(run, op.first), apply(run, op.second)]);
        return `${first} | ${second}`;
      }
      case 'replayWebhook': {
        if (!run.lastHook) return 'nothing to replay';
        const answer = await postHook(run.lastHook);
        expect(answer.status, answer.body).toBe(200);
        expect(JSON.parse(answer.body)).toEqual({ applied: 0, duplicates: 1, unmatched: 0 });
        return answer.body;
      }
    }
  }

  async function expectRollupsRecount(run: Run) {
    const organizationId = run.owner.raw.organizationId;
    const stored = await storedRollups(db(), organizationId);
    const recounted = await recountedRollups(db(), organizationId);
    expect(stored, `rollups differ from a recount after:\n${run.log.join('\n')}`).toEqual(recounted);
  }

  const STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED'] as const;
  const DELIVERY_STATUSES = ['VALIDATING', 'SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'FAILED', 'REJECTED'] as const;
  const SERIES_COUNTS = ACTIVITY_COUNTS;
  type SeriesCount = (typeof SERIES_COUNTS)[number];

  const zeros = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const tally = (list: readonly { status: string; count: number }[]) =>
    Object.fromEntries(list.map((s) => [s.status, s.count]));

  /** What one timeline row counts for in the series, as the event types and their data say. */
  function seriesCountOf(type: string, data: unknown): SeriesCount | null {
    const simple: Record<string, SeriesCount> = {
      CREATED: 'invited',
      RESENT: 'resent',
      OPENED: 'opened',
      CLICKED: 'clicked',
      ACCEPTED: 'accepted',
      DECLINED: 'declined',
      CANCELLED: 'cancelled',
      EXPIRED: 'expired',
    };
    if (type in simple) return simple[type] ?? null;
    if (type !== 'DELIVERY_STATUS_CHANGED') return null;
    const to = (data as { to?: string } | null)?.to;
    const moved: Record<string, SeriesCount> = {
      SENT: 'sent',
      DELIVERED: 'delivered',
      BOUNCED: 'bounced',
      FAILED: 'failed',
      REJECTED: 'rejected',
    };
    return to && to in moved ? (moved[to] ?? null) : null;
  }

  const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  async function expectAnalyticsMatchRows(run: Run, startedAt: Date, pads: { before: number; after: number }) {
    const organizationId = run.owner.raw.organizationId;
    const rows = await db().select().from(invitations).where(eq(invitations.organizationId, organizationId));
    expect(rows).toHaveLength(run.invitations.length);
    const created = rows.map((r) => r.createdAt.getTime());
    const first = created.length ? Math.min(...created) : startedAt.getTime();
    const last = created.length ? Math.max(...created) : startedAt.getTime();
    const from = new Date(first - pads.before).toISOString();
    const to = new Date(last + pads.after).toISOString();

    const statsResult = await t.gql(
      Stats,
      { organizationId: run.owner.organizationId, from, to },
      { token: run.owner.token },
    );
    const stats = statsResult.data?.invitationStats;
    if (stats?.__typename !== 'InvitationStats') expect.fail(`invitationStats: ${JSON.stringify(statsResult)}`);
    const asOf = new Date(stats.asOf);
    const byStatus = zeros(STATUSES);
    const byDelivery = zeros(DELIVERY_STATUSES);
    for (const row of rows) {
      byStatus[effectiveStatus(row, asOf)] += 1;
      byDelivery[row.deliveryStatus] += 1;
    }
    const context = `stats over [${from}, ${to}) as of ${stats.asOf} after:\n${run.log.join('\n')}`;
    expect({ invited: stats.invited, byStatus: tally(stats.byStatus) }, context).toEqual({
      invited: rows.length,
      byStatus,
    });
    expect(tally(stats.byDeliveryStatus), context).toEqual(byDelivery);

    // The series over whole UTC days around the run: a day's margin either side also holds
    // provider events stamped a little before they were posted.
    const seriesFrom = isoDay(startedAt.getTime() - DAY_MS);
    const seriesTo = isoDay(t.clock.now().getTime() + DAY_MS);
    const seriesResult = await t.gql(
      Series,
      { organizationId: run.owner.organizationId, from: seriesFrom, to: seriesTo },
      { token: run.owner.token },
    );
    const series = seriesResult.data?.invitationAnalytics;
    if (series?.__typename !== 'InvitationAnalytics')
      expect.fail(`invitationAnalytics: ${JSON.stringify(seriesResult)}`);
    const days = (Date.parse(seriesTo) - Date.parse(seriesFrom)) / DAY_MS + 1;
    expect(series.buckets.map((b) => b.period)).toEqual(
      Array.from({ length: days }, (_, i) => isoDay(Date.parse(seriesFrom) + i * DAY_MS)),
    );
    const summed = zeros(SERIES_COUNTS);
    for (const bucket of series.buckets) for (const key of SERIES_COUNTS) summed[key] += bucket[key];
    const timeline = await db()
      .select({ type: invitationEvents.type, data: invitationEvents.data })
      .from(invitationEvents)
      .where(eq(invitationEvents.organizationId, organizationId));
    const counted = zeros(SERIES_COUNTS);
    for (const event of timeline) {
      const key = seriesCountOf(event.type, event.data);
      if (key) counted[key] += 1;
    }
    expect(summed, `series ${seriesFrom}..${seriesTo} after:\n${run.log.join('\n')}`).toEqual(counted);
  }

  async function runScenario(ops: readonly Op[], pads: { before: number; after: number }) {
    const owner = await newAccount(t, 'analytics-prop');
    const admin = await newMember(t, owner, 'ADMIN', 'analytics-prop-admin');
    const run: Run = {
      owner,
      admin,
      emails: Array.from({ length: SHARED_EMAILS }, (_, i) => uniqueEmail(`prop-${i}`)),
      invitations: [],
      lastHook: null,
      log: [],
    };
    const startedAt = t.clock.now();
    for (const op of ops) {
      const outcome = await apply(run, op);
      run.log.push(`${JSON.stringify(op)} → ${outcome}`);
      await expectRollupsRecount(run);
    }
    await expectAnalyticsMatchRows(run, startedAt, pads);
    return run;
  }

  it('keeps the rollups equal to a recount after every operation, and the analytics equal to the rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        // A few sends first, so that the operations after them mostly find something to act on.
        fc.array(sendArb, { minLength: 1, maxLength: 4 }),
        fc.array(opArb, { minLength: 4, maxLength: 20, size: 'max' }),
        padsArb,
        async (sends, ops, pads) => {
          await runScenario([...sends, ...ops], pads);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);

  it('reaches the interesting states: delivered, bounced, failed, accepted, expired, resent', async () => {
    // A fixed walk through the paths the random runs only sometimes take, so each is known to run.
    const run = await runScenario(
      [
        { kind: 'send', by: 'owner', role: 'MEMBER', email: 0, message: 'Welcome aboard', expiresInDays: 1 },
        { kind: 'send', by: 'admin', role: 'ADMIN', email: 1, message: null, expiresInDays: null },
        { kind: 'send', by: 'owner', role: 'MEMBER', email: 2, message: null, expiresInDays: null },
        { kind: 'deliver', failing: false },
        { kind: 'webhook', pick: 0, type: 'delivered', hard: false, backdateSeconds: null },
        { kind: 'webhook', pick: 0, type: 'opened', hard: false, backdateSeconds: 30 },
        { kind: 'webhook', pick: 1, type: 'bounced', hard: true, backdateSeconds: null },
        { kind: 'replayWebhook' },
        { kind: 'accept', pick: 2 },
        { kind: 'send', by: 'owner', role: 'MEMBER', email: 3, message: null, expiresInDays: null },
        { kind: 'deliver', failing: true },
        { kind: 'advance', seconds: 2 * 86_400, sweep: true },
        { kind: 'deliver', failing: true },
        { kind: 'resend', by: 'admin', pick: 0, message: null, waitCooldown: true },
        { kind: 'cancel', by: 'owner', pick: 1 },
        { kind: 'send', by: 'owner', role: 'MEMBER', email: 1, message: null, expiresInDays: null },
        { kind: 'deliver', failing: false },
      ],
      { before: 1, after: 1 },
    );
    const rows = await db()
      .select({
        id: invitations.id,
        status: invitations.status,
        deliveryStatus: invitations.deliveryStatus,
        attempts: invitations.attempts,
      })
      .from(invitations)
      .where(eq(invitations.organizationId, run.owner.raw.organizationId));
    const inOrder = run.invitations.map(({ rawId }) => {
      const { id: _id, ...row } = rows.find((r) => r.id === rawId) ?? {};
      return row;
    });
    expect(inOrder).toEqual([
      { status: 'PENDING', deliveryStatus: 'SENT', attempts: 2 },
      { status: 'CANCELLED', deliveryStatus: 'BOUNCED', attempts: 1 },
      { status: 'ACCEPTED', deliveryStatus: 'SENT', attempts: 1 },
      { status: 'PENDING', deliveryStatus: 'FAILED', attempts: 1 },
      { status: 'PENDING', deliveryStatus: 'REJECTED', attempts: 1 },
    ]);
  }, 60_000);
});
