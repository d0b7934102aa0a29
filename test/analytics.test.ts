// Invitation analytics through the public API: cohort stats, the event series in a time zone, the
// typed refusals and the live stats feed. Histories are small and crafted, with expected figures
// worked out by hand; the app clock places every event at a chosen instant.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invitations } from '../src/db/schema/index.js';
import { signWebhook } from '../src/delivery/webhooks.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { type GraphQLResult, type TestApp, useTestApp, workerPass } from './helpers/app.js';
import { eventually } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { type Feed, statsFeedsSettled, subscribeSse, subscribeWs } from './helpers/live.js';
import { useMailingApp } from './helpers/mailing.js';
import { type Account, newAccount, newMember } from './helpers/seed.js';

const Stats = graphql(`
  query AnalyticsStats($organizationId: ID!, $from: DateTime!, $to: DateTime!, $topInviters: Int) {
    invitationStats(organizationId: $organizationId, from: $from, to: $to, topInviters: $topInviters) {
      __typename
      ... on InvitationStats {
        from
        to
        asOf
        invited
        byStatus { status count }
        byDeliveryStatus { status count }
        rates {
          acceptance { numerator denominator value }
          delivery { numerator denominator value }
          bounce { numerator denominator value }
          open { numerator denominator value }
          click { numerator denominator value }
          resend { numerator denominator value }
          customMessage { numerator denominator value }
        }
        funnel { step count conversion { numerator denominator value } }
        timeToAccept { accepted medianSeconds p90Seconds }
        expiringWithin48Hours
        byRole { role invited accepted acceptance { numerator denominator value } }
        byInviter { inviterId name email invited accepted acceptance { numerator denominator value } }
      }
      ... on UserError { code message }
    }
  }
`);

const Series = graphql(`
  query AnalyticsSeries(
    $organizationId: ID!
    $from: Date!
    $to: Date!
    $interval: AnalyticsInterval
    $timeZone: String
  ) {
    invitationAnalytics(organizationId: $organizationId, from: $from, to: $to, interval: $interval, timeZone: $timeZone) {
      __typename
      ... on InvitationAnalytics {
        interval
        timeZone
        buckets {
          period
          from
          to
          invited
          resent
          sent
          delivered
          opened
          clicked
          accepted
          declined
          cancelled
          expired
          bounced
          failed
          rejected
        }
      }
      ... on UserError { code message }
    }
  }
`);

const StatsLive = graphql(`
  subscription AnalyticsStatsLive($organizationId: ID!, $from: DateTime, $to: DateTime) {
    invitationStatsChanged(organizationId: $organizationId, from: $from, to: $to) {
      __typename
      ... on InvitationStats { asOf invited byStatus { status count } }
      ... on UserError { code message }
    }
  }
`);

const Accept = graphql(`
  mutation AnalyticsAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload { invitation { status } }
      ... on UserError { code message }
    }
  }
`);

const Decline = graphql(`
  mutation AnalyticsDecline($input: DeclineInvitationInput!) {
    declineInvitation(input: $input) {
      __typename
      ... on DeclineInvitationPayload { invitation { status } }
      ... on UserError { code message }
    }
  }
`);

const Cancel = graphql(`
  mutation AnalyticsCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) {
      __typename
      ... on CancelInvitationPayload { invitation { status } }
      ... on UserError { code message }
    }
  }
`);

const Resend = graphql(`
  mutation AnalyticsResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload { invitation { attempts } }
      ... on UserError { code message }
    }
  }
`);

const Tracked = graphql(`
  query AnalyticsTracked($id: ID!) {
    invitation(id: $id) { status deliveryStatus attempts openedAt clickedAt createdAt }
  }
`);

type StatsResult = GraphQLResult<{ invitationStats: { __typename: string } }>;
type SeriesResult = Awaited<ReturnType<typeof series>>;

/** Tokens outlive every clock move the tests make. */
const LONG_TOKENS = { JWT_TTL_SECONDS: String(5 * 365 * 86_400) };
const DAY_S = 86_400;

/** Moves the app clock to `iso` (forwards or back). */
function moveTo(t: TestApp, iso: string) {
  t.clock.advance((Date.parse(iso) - t.clock.now().getTime()) / 1000);
}

const rate = (numerator: number, denominator: number) => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

/** The reported time-to-accept for `seconds`: the upper edge of its 1/16-doubling bucket. */
const acceptCeiling = (seconds: number) => {
  const bucket = seconds < 1 ? 0 : Math.floor(16 * Math.log2(seconds)) + 1;
  return bucket === 0 ? 1 : Math.ceil(2 ** (bucket / 16));
};

const ZERO_ACTIVITY = {
  invited: 0,
  resent: 0,
  sent: 0,
  delivered: 0,
  opened: 0,
  clicked: 0,
  accepted: 0,
  declined: 0,
  cancelled: 0,
  expired: 0,
  bounced: 0,
  failed: 0,
  rejected: 0,
};

async function stats(t: TestApp, as: Account, organizationId: string, from: string, to: string, topInviters?: number) {
  return t.gql(Stats, { organizationId, from, to, topInviters }, { token: as.token });
}

/** The stats payload, failing the test when the answer is anything else. */
function statsOf(result: Awaited<ReturnType<typeof stats>>) {
  const payload = result.data?.invitationStats;
  if (payload?.__typename !== 'InvitationStats') expect.fail(`not stats: ${JSON.stringify(result)}`);
  return payload;
}

async function series(
  t: TestApp,
  as: Account,
  input: { from: string; to: string; interval?: 'DAY' | 'WEEK' | 'MONTH'; timeZone?: string; organizationId?: string },
) {
  return t.gql(Series, { organizationId: input.organizationId ?? as.organizationId, ...input }, { token: as.token });
}

function bucketsOf(result: SeriesResult) {
  const payload = result.data?.invitationAnalytics;
  if (payload?.__typename !== 'InvitationAnalytics') expect.fail(`not a series: ${JSON.stringify(result)}`);
  return payload.buckets;
}

/** Buckets reduced to what the edge tests look at. */
const edges = (result: SeriesResult) =>
  bucketsOf(result).map((b) => ({ period: b.period, from: b.from, to: b.to, invited: b.invited }));

const statusCounts = (counts: Partial<Record<'PENDING' | 'ACCEPTED' | 'DECLINED' | 'CANCELLED' | 'EXPIRED', number>>) =>
  (['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED'] as const).map((status) => ({
    status,
    count: counts[status] ?? 0,
  }));

const deliveryCounts = (
  counts: Partial<Record<'VALIDATING' | 'SENDING' | 'SENT' | 'DELIVERED' | 'BOUNCED' | 'FAILED' | 'REJECTED', number>>,
) =>
  (['VALIDATING', 'SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'FAILED', 'REJECTED'] as const).map((status) => ({
    status,
    count: counts[status] ?? 0,
  }));

describe('invitationStats over a crafted history, with delivery, webhooks and the sweeper', () => {
  const SECRET = 'an-analytics-webhook-secret';
  const { isolated, t } = useMailingApp((url) => ({
    ...LONG_TOKENS,
    WORKER_ENABLED: 'true',
    DELIVERY_POLL_MS: '50',
    SMTP_URL: url,
    WEBHOOK_SECRET: SECRET,
    EMAIL_TRACKING_ENABLED: 'true',
  }));

  async function hook(messageId: string, type: 'delivered' | 'bounced' | 'opened' | 'clicked') {
    const body = JSON.stringify({
      events: [{ id: `evt-${randomUUID()}`, type, messageId, ...(type === 'bounced' ? { bounceType: 'hard' } : {}) }],
    });
    const timestamp = Math.floor(t.clock.now().getTime() / 1000);
    const response = await fetch(`${t.url}/webhooks/email`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': String(timestamp),
        'x-webhook-signature': signWebhook(SECRET, timestamp, body),
      },
      body,
    });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { applied: 1, duplicates: 0, unmatched: 0 },
    });
  }

  const messageIdOf = async (invitationId: string) => {
    const [row] = await isolated.database.db
      .select({ messageId: invitations.messageId })
      .from(invitations)
      .where(eq(invitations.id, decodeGlobalID(invitationId).id));
    if (!row?.messageId) throw new Error('no message id recorded');
    return row.messageId;
  };

  const track = async (owner: Account, id: string) => {
    const read = await t.gql(Tracked, { id }, { token: owner.token });
    const invitation = read.data?.invitation;
    if (!invitation) throw new Error(`invitation not readable: ${JSON.stringify(read)}`);
    return invitation;
  };

  const sentOut = (owner: Account, id: string, attempts = 1) =>
    eventually(
      () => track(owner, id),
      (i) => i.deliveryStatus === 'SENT' && i.attempts === attempts,
      workerPass(t),
    );

  it('counts every status, delivery status, rate, funnel step, percentile and breakdown exactly', async () => {
    const T0 = '2027-02-01T08:00:00.000Z';
    moveTo(t, T0);
    const owner = await newAccount(t, 'statsowner');
    // An admin of the owner's organization (invite() sends into the account's organizationId).
    const admin = { ...(await newMember(t, owner, 'ADMIN')), organizationId: owner.organizationId };

    // Seven invitations, all created at about T0.
    const i1 = await invite(t, owner, { role: 'MEMBER', message: 'Hello there' });
    const i2 = await invite(t, owner, { role: 'ADMIN' });
    const i3 = await invite(t, admin, { role: 'MEMBER', message: 'Hi' });
    const i4 = await invite(t, admin, { role: 'MEMBER' });
    const i5 = await invite(t, owner, { role: 'MEMBER', expiresInDays: 1 });
    const i6 = await invite(t, owner, { role: 'MEMBER' });
    const i7 = await invite(t, admin, { role: 'ADMIN', message: 'Welcome', expiresInDays: 2 });
    const all = [i1, i2, i3, i4, i5, i6, i7];
    for (const sent of all) await sentOut(owner, sent.invitation.id);
    const created = new Map<string, number>();
    for (const sent of all) {
      created.set(sent.invitation.id, Date.parse((await track(owner, sent.invitation.id)).createdAt));
    }
    const createdAt = (sent: (typeof all)[number]) => created.get(sent.invitation.id) ?? Number.NaN;

    // i1: delivered, opened, clicked. i2: delivered. i3: hard bounce. i7: opened, never reported delivered.
    const m1 = await messageIdOf(i1.invitation.id);
    await hook(m1, 'delivered');
    await hook(m1, 'opened');
    await hook(m1, 'clicked');
    await hook(await messageIdOf(i2.invitation.id), 'delivered');
    await hook(await messageIdOf(i3.invitation.id), 'bounced');
    await hook(await messageIdOf(i7.invitation.id), 'opened');
    expect(await track(owner, i1.invitation.id)).toMatchObject({ deliveryStatus: 'DELIVERED' });
    expect(await track(owner, i7.invitation.id)).toMatchObject({ deliveryStatus: 'SENT' });

    // i6 resent once the cooldown (60 s by default) is over; it goes out again.
    t.clock.advance(61);
    const resent = await t.gql(Resend, { input: { invitationId: i6.invitation.id } }, { token: owner.token });
    expect(resent.data?.resendInvitation).toMatchObject({ __typename: 'ResendInvitationPayload' });
    await sentOut(owner, i6.invitation.id, 2);

    // i3 declined by its invitee, i4 withdrawn.
    const declined = await t.gql(Decline, { input: { token: i3.token } });
    expect(declined.data?.declineInvitation).toMatchObject({ invitation: { status: 'DECLINED' } });
    const cancelled = await t.gql(Cancel, { input: { invitationId: i4.invitation.id } }, { token: admin.token });
    expect(cancelled.data?.cancelInvitation).toMatchObject({ invitation: { status: 'CANCELLED' } });

    // i1 accepted an hour after it was created, i2 three hours after.
    t.clock.advance((createdAt(i1) + 3600_000 - t.clock.now().getTime()) / 1000);
    const accepted1 = await t.gql(Accept, {
      input: { token: i1.token, proof: i1.proof, name: 'One', password: 'a-good-password-1' },
    });
    expect(accepted1.data?.acceptInvitation).toMatchObject({ invitation: { status: 'ACCEPTED' } });
    t.clock.advance((createdAt(i2) + 3 * 3600_000 - t.clock.now().getTime()) / 1000);
    const accepted2 = await t.gql(Accept, {
      input: { token: i2.token, proof: i2.proof, name: 'Two', password: 'a-good-password-2' },
    });
    expect(accepted2.data?.acceptInvitation).toMatchObject({ invitation: { status: 'ACCEPTED' } });

    // A day and an hour later: i5 (one day) has expired, unswept; i7 (two days) expires within 48 hours.
    moveTo(t, '2027-02-02T09:00:00.000Z');

    // Funnel, reached at least: clicked i1 (click) i2 (accepted) = 2; opened + i7 = 3; delivered = 3;
    // sent = 3 + i3 (bounced), i4, i5, i6 (sent) = 7.
    const expected = {
      invited: 7,
      byStatus: statusCounts({ PENDING: 2, ACCEPTED: 2, DECLINED: 1, CANCELLED: 1, EXPIRED: 1 }),
      byDeliveryStatus: deliveryCounts({ SENT: 4, DELIVERED: 2, BOUNCED: 1 }),
      rates: {
        acceptance: rate(2, 7),
        delivery: rate(3, 7),
        bounce: rate(1, 7),
        open: rate(3, 3),
        click: rate(2, 3),
        resend: rate(1, 7),
        customMessage: rate(3, 7),
      },
      funnel: [
        { step: 'SENT', count: 7, conversion: rate(7, 7) },
        { step: 'DELIVERED', count: 3, conversion: rate(3, 7) },
        { step: 'OPENED', count: 3, conversion: rate(3, 3) },
        { step: 'CLICKED', count: 2, conversion: rate(2, 3) },
        { step: 'ACCEPTED', count: 2, conversion: rate(2, 2) },
      ],
      // 3600 s: bucket floor(16·log2 3600)+1 = 190, edge ceil(2^(190/16)) = 3757;
      // 10800 s: bucket 215, edge ceil(2^(215/16)) = 11095. Median rank 1, p90 rank 2.
      timeToAccept: { accepted: 2, medianSeconds: 3757, p90Seconds: 11095 },
      expiringWithin48Hours: 1,
      byRole: [
        { role: 'MEMBER', invited: 5, accepted: 1, acceptance: rate(1, 5) },
        { role: 'ADMIN', invited: 2, accepted: 1, acceptance: rate(1, 2) },
      ],
      byInviter: [
        {
          inviterId: owner.userId,
          name: 'statsowner person',
          email: owner.email,
          invited: 4,
          accepted: 2,
          acceptance: rate(2, 4),
        },
        {
          inviterId: admin.userId,
          name: 'admin person',
          email: admin.email,
          invited: 3,
          accepted: 0,
          acceptance: rate(0, 3),
        },
      ],
    };
    expect(acceptCeiling(3600)).toBe(3757);
    expect(acceptCeiling(10_800)).toBe(11_095);

    // The same answer whether the range is whole UTC days (rollups), inside one day (raw rows) or both.
    const ranges: [string, string][] = [
      ['2027-02-01T00:00:00.000Z', '2027-02-02T00:00:00.000Z'],
      ['2027-02-01T07:00:00.000Z', '2027-02-01T09:00:00.000Z'],
      ['2027-01-29T12:00:00.000Z', '2027-02-04T12:00:00.000Z'],
    ];
    for (const [from, to] of ranges) {
      const before = t.clock.now().getTime();
      const read = statsOf(await stats(t, owner, owner.organizationId, from, to));
      const after = t.clock.now().getTime();
      expect(read).toMatchObject({ from, to, ...expected });
      expect(Date.parse(read.asOf)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(read.asOf)).toBeLessThanOrEqual(after);
    }

    // The top inviter only.
    const [[dayFrom, dayTo]] = ranges as [[string, string]];
    const top = statsOf(await stats(t, owner, owner.organizationId, dayFrom, dayTo, 1));
    expect(top.byInviter).toEqual([expected.byInviter[0]]);

    // Created after T0 + 1 minute: nothing of this history.
    const later = statsOf(
      await stats(t, owner, owner.organizationId, '2027-02-01T08:01:00.000Z', '2027-02-03T00:00:00Z'),
    );
    expect(later).toMatchObject({ invited: 0, byStatus: statusCounts({}), byRole: [], byInviter: [] });

    // Series before the sweep: EXPIRED is not yet recorded as an event.
    const day1 = {
      ...ZERO_ACTIVITY,
      invited: 7,
      resent: 1,
      sent: 8,
      delivered: 2,
      opened: 2,
      clicked: 1,
      accepted: 2,
      declined: 1,
      cancelled: 1,
      bounced: 1,
    };
    const beforeSweep = bucketsOf(await series(t, owner, { from: '2027-02-01', to: '2027-02-02' }));
    expect(beforeSweep).toEqual([
      { period: '2027-02-01', from: '2027-02-01T00:00:00.000Z', to: '2027-02-02T00:00:00.000Z', ...day1 },
      { period: '2027-02-02', from: '2027-02-02T00:00:00.000Z', to: '2027-02-03T00:00:00.000Z', ...ZERO_ACTIVITY },
    ]);

    // The sweeper records i5 expired: the stats do not move, the series gains the expiry on 2 February.
    expect(await t.app.services.invitations.sweepExpired()).toBe(1);
    expect(await track(owner, i5.invitation.id)).toMatchObject({ status: 'EXPIRED' });
    for (const [from, to] of ranges) {
      expect(statsOf(await stats(t, owner, owner.organizationId, from, to))).toMatchObject(expected);
    }
    const afterSweep = bucketsOf(await series(t, owner, { from: '2027-02-01', to: '2027-02-02' }));
    expect(
      afterSweep.map(({ period, ...counts }) => ({ period, expired: counts.expired, invited: counts.invited })),
    ).toEqual([
      { period: '2027-02-01', expired: 0, invited: 7 },
      { period: '2027-02-02', expired: 1, invited: 0 },
    ]);
  });
});

describe('invitationAnalytics bucket edges', () => {
  const t = useTestApp(LONG_TOKENS);

  /** A new organization, then one invitation created at each instant (in order). */
  async function inviteAt(label: string, instants: string[]) {
    const first = instants[0];
    if (!first) throw new Error('no instants');
    moveTo(t, new Date(Date.parse(first) - 3600_000).toISOString());
    const owner = await newAccount(t, label);
    for (const instant of instants) {
      moveTo(t, instant);
      await invite(t, owner);
    }
    return owner;
  }

  it('cuts Europe/Berlin days at local midnight across the spring change (a 23-hour 29 March)', async () => {
    const owner = await inviteAt('berlin', [
      '2026-03-27T22:30:00Z', // 27 Mar 23:30 CET: before the range
      '2026-03-27T23:30:00Z', // 28 Mar 00:30 CET
      '2026-03-28T22:50:00Z', // 28 Mar 23:50 CET
      '2026-03-28T23:05:00Z', // 29 Mar 00:05 CET
      '2026-03-29T21:50:00Z', // 29 Mar 23:50 CEST
      '2026-03-29T22:10:00Z', // 30 Mar 00:10 CEST
      '2026-03-30T22:10:00Z', // 31 Mar 00:10 CEST: after the range
    ]);
    const berlin = await series(t, owner, { from: '2026-03-28', to: '2026-03-30', timeZone: 'Europe/Berlin' });
    expect(berlin.data?.invitationAnalytics).toMatchObject({ interval: 'DAY', timeZone: 'Europe/Berlin' });
    expect(edges(berlin)).toEqual([
      { period: '2026-03-28', from: '2026-03-27T23:00:00.000Z', to: '2026-03-28T23:00:00.000Z', invited: 2 },
      { period: '2026-03-29', from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z', invited: 2 },
      { period: '2026-03-30', from: '2026-03-29T22:00:00.000Z', to: '2026-03-30T22:00:00.000Z', invited: 1 },
    ]);
    const [, spring] = bucketsOf(berlin);
    expect(Date.parse(spring?.to ?? '') - Date.parse(spring?.from ?? '')).toBe(23 * 3600_000);

    // The same events in UTC days fall differently.
    const utc = await series(t, owner, { from: '2026-03-28', to: '2026-03-30' });
    expect(utc.data?.invitationAnalytics).toMatchObject({ interval: 'DAY', timeZone: 'UTC' });
    expect(edges(utc)).toEqual([
      { period: '2026-03-28', from: '2026-03-28T00:00:00.000Z', to: '2026-03-29T00:00:00.000Z', invited: 2 },
      { period: '2026-03-29', from: '2026-03-29T00:00:00.000Z', to: '2026-03-30T00:00:00.000Z', invited: 2 },
      { period: '2026-03-30', from: '2026-03-30T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', invited: 1 },
    ]);
  });

  it('gives America/New_York a 25-hour 1 November', async () => {
    const owner = await inviteAt('newyork', [
      '2026-11-01T03:50:00Z', // 31 Oct 23:50 EDT
      '2026-11-01T04:10:00Z', // 1 Nov 00:10 EDT
      '2026-11-02T04:50:00Z', // 1 Nov 23:50 EST
      '2026-11-02T05:10:00Z', // 2 Nov 00:10 EST
    ]);
    const result = await series(t, owner, { from: '2026-10-31', to: '2026-11-02', timeZone: 'America/New_York' });
    expect(edges(result)).toEqual([
      { period: '2026-10-31', from: '2026-10-31T04:00:00.000Z', to: '2026-11-01T04:00:00.000Z', invited: 1 },
      { period: '2026-11-01', from: '2026-11-01T04:00:00.000Z', to: '2026-11-02T05:00:00.000Z', invited: 2 },
      { period: '2026-11-02', from: '2026-11-02T05:00:00.000Z', to: '2026-11-03T05:00:00.000Z', invited: 1 },
    ]);
  });

  it('cuts days at 18:30 UTC in Asia/Kolkata and at 18:15 UTC in Asia/Kathmandu', async () => {
    const owner = await inviteAt('halfhour', ['2026-06-14T18:05:00Z', '2026-06-14T18:20:00Z', '2026-06-14T18:40:00Z']);
    const kolkata = await series(t, owner, { from: '2026-06-14', to: '2026-06-15', timeZone: 'Asia/Kolkata' });
    expect(edges(kolkata)).toEqual([
      { period: '2026-06-14', from: '2026-06-13T18:30:00.000Z', to: '2026-06-14T18:30:00.000Z', invited: 2 },
      { period: '2026-06-15', from: '2026-06-14T18:30:00.000Z', to: '2026-06-15T18:30:00.000Z', invited: 1 },
    ]);
    const kathmandu = await series(t, owner, { from: '2026-06-14', to: '2026-06-15', timeZone: 'Asia/Kathmandu' });
    expect(edges(kathmandu)).toEqual([
      { period: '2026-06-14', from: '2026-06-13T18:15:00.000Z', to: '2026-06-14T18:15:00.000Z', invited: 1 },
      { period: '2026-06-15', from: '2026-06-14T18:15:00.000Z', to: '2026-06-15T18:15:00.000Z', invited: 2 },
    ]);
    const utc = await series(t, owner, { from: '2026-06-14', to: '2026-06-15', timeZone: 'UTC' });
    expect(edges(utc).map((b) => b.invited)).toEqual([3, 0]);
  });

  // America/Havana leaves summer time at 01:00 CDT on Sunday 1 November 2026, back to 00:00 CST:
  // local midnight happens twice, at 04:00Z and 05:00Z. The day starts at the first one, so
  // 31 October has 24 hours and 1 November 25, and 00:30 CDT (04:30Z) belongs to 1 November.
  it('starts America/Havana’s 1 November at its first midnight, when midnight happens twice', async () => {
    const owner = await inviteAt('havana', [
      '2026-11-01T03:50:00Z', // 31 Oct 23:50 CDT
      '2026-11-01T04:30:00Z', // 1 Nov 00:30 CDT
      '2026-11-01T05:30:00Z', // 1 Nov 00:30 CST
    ]);
    const result = await series(t, owner, { from: '2026-10-31', to: '2026-11-02', timeZone: 'America/Havana' });
    expect(edges(result)).toEqual([
      { period: '2026-10-31', from: '2026-10-31T04:00:00.000Z', to: '2026-11-01T04:00:00.000Z', invited: 1 },
      { period: '2026-11-01', from: '2026-11-01T04:00:00.000Z', to: '2026-11-02T05:00:00.000Z', invited: 2 },
      { period: '2026-11-02', from: '2026-11-02T05:00:00.000Z', to: '2026-11-03T05:00:00.000Z', invited: 0 },
    ]);
  });

  it('puts an event exactly at local midnight in the day it starts, and a cohort boundary at from (included) and to (excluded)', async () => {
    // The app clock held still at chosen instants, so creation times are exact.
    const clock = t.clock as { now: () => Date };
    const running = clock.now;
    moveTo(t, '2026-03-28T20:00:00Z');
    const owner = await newAccount(t, 'exact');
    try {
      for (const instant of ['2026-03-28T22:59:59.999Z', '2026-03-28T23:00:00.000Z', '2026-03-29T00:00:00.000Z']) {
        clock.now = () => new Date(instant);
        await invite(t, owner);
      }
    } finally {
      clock.now = running;
    }
    // Berlin: 29 March starts at 23:00Z on the 28th.
    const berlin = await series(t, owner, { from: '2026-03-28', to: '2026-03-29', timeZone: 'Europe/Berlin' });
    expect(edges(berlin).map((b) => b.invited)).toEqual([1, 2]);
    const utc = await series(t, owner, { from: '2026-03-28', to: '2026-03-29' });
    expect(edges(utc).map((b) => b.invited)).toEqual([2, 1]);
    // Cohorts are [from, to): whole UTC days (rollups), partial days (raw rows), or both.
    const count = async (from: string, to: string) =>
      statsOf(await stats(t, owner, owner.organizationId, from, to)).invited;
    expect(await count('2026-03-28T00:00:00.000Z', '2026-03-29T00:00:00.000Z')).toBe(2);
    expect(await count('2026-03-29T00:00:00.000Z', '2026-03-30T00:00:00.000Z')).toBe(1);
    expect(await count('2026-03-28T23:00:00.000Z', '2026-03-29T00:00:00.000Z')).toBe(1);
    expect(await count('2026-03-28T22:59:59.999Z', '2026-03-28T23:00:00.000Z')).toBe(1);
    expect(await count('2026-03-28T23:00:00.000Z', '2026-03-28T23:00:00.000Z')).toBe(0);
    expect(await count('2026-03-28T23:00:00.001Z', '2026-03-29T00:00:00.000Z')).toBe(0);
    expect(await count('2026-03-29T00:00:00.000Z', '2026-03-29T00:00:00.001Z')).toBe(1);
    expect(await count('2026-03-27T12:00:00.000Z', '2026-03-29T00:00:00.000Z')).toBe(2);
    expect(await count('2026-03-27T12:00:00.000Z', '2026-03-29T00:00:00.001Z')).toBe(3);
    expect(await count('2026-03-28T23:00:00.000Z', '2026-03-31T12:00:00.000Z')).toBe(2);
  });

  it('starts weeks on Monday and clips the first and last week to the range', async () => {
    const owner = await inviteAt('weeks', [
      '2026-06-02T12:00:00Z', // Tuesday of the first week, before the range
      '2026-06-07T23:50:00Z', // Sunday
      '2026-06-08T00:10:00Z', // Monday
      '2026-06-17T23:50:00Z', // the last day of the range
      '2026-06-18T00:10:00Z', // after it
    ]);
    const result = await series(t, owner, { from: '2026-06-03', to: '2026-06-17', interval: 'WEEK' });
    expect(result.data?.invitationAnalytics).toMatchObject({ interval: 'WEEK' });
    expect(edges(result)).toEqual([
      { period: '2026-06-01', from: '2026-06-03T00:00:00.000Z', to: '2026-06-08T00:00:00.000Z', invited: 1 },
      { period: '2026-06-08', from: '2026-06-08T00:00:00.000Z', to: '2026-06-15T00:00:00.000Z', invited: 1 },
      { period: '2026-06-15', from: '2026-06-15T00:00:00.000Z', to: '2026-06-18T00:00:00.000Z', invited: 1 },
    ]);
  });

  it('cuts months at local midnight on the 1st, zero-filling a quiet month', async () => {
    const owner = await inviteAt('months', [
      '2025-12-14T22:50:00Z', // 14 Dec 23:50 CET: before the range
      '2026-01-31T22:50:00Z', // 31 Jan 23:50 CET
      '2026-01-31T23:10:00Z', // 1 Feb 00:10 CET
      '2026-03-10T22:50:00Z', // 10 Mar 23:50 CET
      '2026-03-10T23:10:00Z', // 11 Mar 00:10 CET: after the range
    ]);
    const result = await series(t, owner, {
      from: '2025-12-15',
      to: '2026-03-10',
      interval: 'MONTH',
      timeZone: 'Europe/Berlin',
    });
    expect(edges(result)).toEqual([
      { period: '2025-12-01', from: '2025-12-14T23:00:00.000Z', to: '2025-12-31T23:00:00.000Z', invited: 0 },
      { period: '2026-01-01', from: '2025-12-31T23:00:00.000Z', to: '2026-01-31T23:00:00.000Z', invited: 1 },
      { period: '2026-02-01', from: '2026-01-31T23:00:00.000Z', to: '2026-02-28T23:00:00.000Z', invited: 1 },
      { period: '2026-03-01', from: '2026-02-28T23:00:00.000Z', to: '2026-03-10T23:00:00.000Z', invited: 1 },
    ]);
  });

  it('counts accepts, declines, cancels and resends in the period they were recorded, not when invited', async () => {
    moveTo(t, '2026-05-04T09:00:00Z');
    const owner = await newAccount(t, 'lifecycle');
    const a = await invite(t, owner);
    const b = await invite(t, owner);
    const c = await invite(t, owner);
    const d = await invite(t, owner);
    moveTo(t, '2026-05-05T09:00:00Z');
    expect(
      (await t.gql(Accept, { input: { token: a.token, proof: a.proof, name: 'A', password: 'a-good-password-a' } }))
        .data?.acceptInvitation,
    ).toMatchObject({ invitation: { status: 'ACCEPTED' } });
    expect((await t.gql(Decline, { input: { token: b.token } })).data?.declineInvitation).toMatchObject({
      invitation: { status: 'DECLINED' },
    });
    moveTo(t, '2026-05-06T09:00:00Z');
    const cancelled = await t.gql(Cancel, { input: { invitationId: c.invitation.id } }, { token: owner.token });
    expect(cancelled.data?.cancelInvitation).toMatchObject({ invitation: { status: 'CANCELLED' } });
    const resent = await t.gql(Resend, { input: { invitationId: d.invitation.id } }, { token: owner.token });
    expect(resent.data?.resendInvitation).toMatchObject({ invitation: { attempts: 2 } });

    const buckets = bucketsOf(await series(t, owner, { from: '2026-05-03', to: '2026-05-07' }));
    expect(buckets.map(({ from: _f, to: _t, ...counts }) => counts)).toEqual([
      { ...ZERO_ACTIVITY, period: '2026-05-03' },
      { ...ZERO_ACTIVITY, period: '2026-05-04', invited: 4 },
      { ...ZERO_ACTIVITY, period: '2026-05-05', accepted: 1, declined: 1 },
      { ...ZERO_ACTIVITY, period: '2026-05-06', cancelled: 1, resent: 1 },
      { ...ZERO_ACTIVITY, period: '2026-05-07' },
    ]);

    // The cohort of 4 May, as it stands now; the accept took one day (86400 s → bucket 263).
    const cohort = statsOf(await stats(t, owner, owner.organizationId, '2026-05-04T00:00:00Z', '2026-05-05T00:00:00Z'));
    expect(cohort).toMatchObject({
      invited: 4,
      byStatus: statusCounts({ PENDING: 1, ACCEPTED: 1, DECLINED: 1, CANCELLED: 1 }),
      byDeliveryStatus: deliveryCounts({ VALIDATING: 4 }),
      // The accepted one reached every step: an accept implies the link was followed, so it was sent.
      rates: { resend: rate(1, 4), acceptance: rate(1, 4), delivery: rate(1, 1), customMessage: rate(0, 4) },
      timeToAccept: { accepted: 1, medianSeconds: acceptCeiling(DAY_S), p90Seconds: acceptCeiling(DAY_S) },
    });
    expect(acceptCeiling(DAY_S)).toBe(Math.ceil(2 ** (263 / 16)));
  });
});

describe('empty ranges and quiet periods', () => {
  const t = useTestApp(LONG_TOKENS);

  it('answers zeros and null rates for from == to and for a range without invitations', async () => {
    moveTo(t, '2026-07-01T10:00:00Z');
    const owner = await newAccount(t, 'empty');
    await invite(t, owner, { message: 'outside the ranges below' });
    const zeros = {
      invited: 0,
      byStatus: statusCounts({}),
      byDeliveryStatus: deliveryCounts({}),
      rates: {
        acceptance: rate(0, 0),
        delivery: rate(0, 0),
        bounce: rate(0, 0),
        open: rate(0, 0),
        click: rate(0, 0),
        resend: rate(0, 0),
        customMessage: rate(0, 0),
      },
      funnel: ['SENT', 'DELIVERED', 'OPENED', 'CLICKED', 'ACCEPTED'].map((step) => ({
        step,
        count: 0,
        conversion: rate(0, 0),
      })),
      timeToAccept: { accepted: 0, medianSeconds: null, p90Seconds: null },
      expiringWithin48Hours: 0,
      byRole: [],
      byInviter: [],
    };
    const instant = statsOf(
      await stats(t, owner, owner.organizationId, '2026-07-01T10:00:00Z', '2026-07-01T10:00:00Z'),
    );
    expect(instant).toEqual({
      __typename: 'InvitationStats',
      from: '2026-07-01T10:00:00.000Z',
      to: '2026-07-01T10:00:00.000Z',
      asOf: instant.asOf,
      ...zeros,
    });
    expect(instant.rates.acceptance.value).toBeNull();
    const before = statsOf(await stats(t, owner, owner.organizationId, '2026-06-01T00:00:00Z', '2026-07-01T09:00:00Z'));
    expect(before).toMatchObject(zeros);
    const after = statsOf(await stats(t, owner, owner.organizationId, '2026-07-01T11:00:00Z', '2026-07-10T00:00:00Z'));
    expect(after).toMatchObject(zeros);
    // The invitation is there, a range around it sees it.
    const around = statsOf(await stats(t, owner, owner.organizationId, '2026-07-01T09:00:00Z', '2026-07-01T11:00:00Z'));
    expect(around).toMatchObject({ invited: 1, rates: { customMessage: rate(1, 1) } });
  });

  it('returns every period of a quiet range with zeros, and one bucket when from == to', async () => {
    moveTo(t, '2026-07-01T10:00:00Z');
    const owner = await newAccount(t, 'quiet');
    await invite(t, owner);
    const february = bucketsOf(
      await series(t, owner, { from: '2026-02-01', to: '2026-02-28', timeZone: 'Asia/Tokyo' }),
    );
    expect(february).toHaveLength(28);
    february.forEach((bucket, i) => {
      const day = `2026-02-${String(i + 1).padStart(2, '0')}`;
      const start = new Date(Date.parse(`${day}T00:00:00Z`) - 9 * 3600_000);
      expect(bucket).toEqual({
        ...ZERO_ACTIVITY,
        period: day,
        from: start.toISOString(),
        to: new Date(start.getTime() + DAY_S * 1000).toISOString(),
      });
    });
    const weeks = bucketsOf(await series(t, owner, { from: '2026-02-01', to: '2026-02-28', interval: 'WEEK' }));
    expect(weeks.map((b) => [b.period, b.invited])).toEqual([
      ['2026-01-26', 0],
      ['2026-02-02', 0],
      ['2026-02-09', 0],
      ['2026-02-16', 0],
      ['2026-02-23', 0],
    ]);
    const single = bucketsOf(await series(t, owner, { from: '2026-07-01', to: '2026-07-01' }));
    expect(single).toEqual([
      {
        ...ZERO_ACTIVITY,
        period: '2026-07-01',
        from: '2026-07-01T00:00:00.000Z',
        to: '2026-07-02T00:00:00.000Z',
        invited: 1,
      },
    ]);
  });
});

describe('refusals', () => {
  const t = useTestApp(LONG_TOKENS);
  const off = useTestApp({ INVITATION_ANALYTICS_ENABLED: 'false' });

  it('refuses reversed ranges and ranges over two years with INVALID_RANGE', async () => {
    const owner = await newAccount(t, 'ranges');
    const org = owner.organizationId;
    const refusal = { __typename: 'InvalidRangeError', code: 'INVALID_RANGE' };
    expect(
      (await stats(t, owner, org, '2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z')).data?.invitationStats,
    ).toMatchObject(refusal);
    expect(
      (await stats(t, owner, org, '2024-01-01T00:00:00Z', '2026-01-01T00:00:01Z')).data?.invitationStats,
    ).toMatchObject(refusal);
    // Exactly two years is allowed.
    expect(statsOf(await stats(t, owner, org, '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).invited).toBe(0);

    expect((await series(t, owner, { from: '2026-03-02', to: '2026-03-01' })).data?.invitationAnalytics).toMatchObject(
      refusal,
    );
    expect((await series(t, owner, { from: '2024-01-01', to: '2026-01-02' })).data?.invitationAnalytics).toMatchObject(
      refusal,
    );
    expect(bucketsOf(await series(t, owner, { from: '2024-01-01', to: '2026-01-01', interval: 'MONTH' }))).toHaveLength(
      25,
    );
  });

  it('refuses names that are not IANA time zones with UNKNOWN_TIME_ZONE', async () => {
    const owner = await newAccount(t, 'zones');
    for (const timeZone of ['Mars/Olympus', '+03:00', 'UTC+3', 'Europe/Nowhere', '']) {
      const result = await series(t, owner, { from: '2026-03-01', to: '2026-03-02', timeZone });
      expect(result.data?.invitationAnalytics, timeZone).toMatchObject({
        __typename: 'UnknownTimeZoneError',
        code: 'UNKNOWN_TIME_ZONE',
      });
    }
  });

  it('answers FEATURE_DISABLED on every analytics field when the feature is off', async () => {
    const owner = await newAccount(off, 'featureoff');
    const refusal = { __typename: 'FeatureDisabledError', code: 'FEATURE_DISABLED' };
    const read = await off.gql(
      Stats,
      { organizationId: owner.organizationId, from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      { token: owner.token },
    );
    expect(read.data?.invitationStats).toMatchObject(refusal);
    const seriesRead = await off.gql(
      Series,
      { organizationId: owner.organizationId, from: '2026-01-01', to: '2026-01-31' },
      { token: owner.token },
    );
    expect(seriesRead.data?.invitationAnalytics).toMatchObject(refusal);
    const feed = subscribeWs(off.url, owner.token, StatsLive, { organizationId: owner.organizationId });
    try {
      const [first] = await feed.until((items) => items.length >= 1);
      expect(first?.invitationStatsChanged).toMatchObject(refusal);
      await eventually(
        async () => feed.completed,
        (done) => done,
        feed.changed,
      );
      expect(feed.items).toHaveLength(1);
    } finally {
      feed.close();
    }
    // The same account's peers on the app with analytics on are not refused.
    const on = await newAccount(t, 'featureon');
    expect(statsOf(await stats(t, on, on.organizationId, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).invited).toBe(
      0,
    );
  });

  it('lets an admin read, refuses a plain member with FORBIDDEN', async () => {
    const owner = await newAccount(t, 'memberrefused');
    const admin = await newMember(t, owner, 'ADMIN');
    const member = await newMember(t, owner, 'MEMBER');
    await invite(t, owner);
    const from = new Date(t.clock.now().getTime() - 3600_000).toISOString();
    const to = new Date(t.clock.now().getTime() + 3600_000).toISOString();
    expect(statsOf(await stats(t, admin, owner.organizationId, from, to)).invited).toBe(1);
    const day = t.clock.now().toISOString().slice(0, 10);

    const read = await stats(t, member, owner.organizationId, from, to);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(read.errors?.[0]?.path).toEqual(['invitationStats']);
    expect(read.data).toEqual({ invitationStats: null });
    const seriesRead = await series(t, member, { organizationId: owner.organizationId, from: day, to: day });
    expect(seriesRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(seriesRead.data).toEqual({ invitationAnalytics: null });
  });

  it('refuses another organization’s owner with FORBIDDEN and shows none of the numbers', async () => {
    const owner = await newAccount(t, 'victim');
    const stranger = await newAccount(t, 'stranger');
    await invite(t, owner, { message: 'secret' });
    const from = new Date(t.clock.now().getTime() - 3600_000).toISOString();
    const to = new Date(t.clock.now().getTime() + 3600_000).toISOString();
    const day = t.clock.now().toISOString().slice(0, 10);

    const read = (await stats(t, stranger, owner.organizationId, from, to)) as StatsResult;
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(read.data).toEqual({ invitationStats: null });
    expect(JSON.stringify(read)).not.toContain('"invited"');
    const seriesRead = await series(t, stranger, { organizationId: owner.organizationId, from: day, to: day });
    expect(seriesRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(seriesRead.data).toEqual({ invitationAnalytics: null });
    expect(JSON.stringify(seriesRead)).not.toContain('"buckets"');
    // The stranger's own organization is theirs to read, and empty.
    expect(statsOf(await stats(t, stranger, stranger.organizationId, from, to)).invited).toBe(0);
    expect(statsOf(await stats(t, owner, owner.organizationId, from, to)).invited).toBe(1);
  });
});

describe('invitationStatsChanged', () => {
  const t = useTestApp(LONG_TOKENS);

  type Pushed = { invitationStatsChanged: { __typename: string; asOf?: string; invited?: number; code?: string } };
  const invitedOf = (item: Pushed) => item.invitationStatsChanged.invited;
  const range = () => ({
    from: new Date(t.clock.now().getTime() - 3600_000).toISOString(),
    to: new Date(t.clock.now().getTime() + DAY_S * 1000).toISOString(),
  });

  it('pushes the current stats, then fresh ones after changes, at most once a second (graphql-ws)', async () => {
    const owner = await newAccount(t, 'live');
    const feed = subscribeWs(t.url, owner.token, StatsLive, {
      organizationId: owner.organizationId,
      ...range(),
    }) as Feed<Pushed>;
    try {
      const [first] = await feed.until((items) => items.length >= 1);
      expect(first?.invitationStatsChanged).toMatchObject({ __typename: 'InvitationStats', invited: 0 });

      await invite(t, owner);
      await feed.until((items) => items.some((i) => invitedOf(i) === 1));

      // A burst of five sends: fewer pushes than changes, the last showing all five.
      const beforeBurst = feed.items.length;
      for (let i = 0; i < 5; i += 1) await invite(t, owner);
      await feed.until((items) => items.some((i) => invitedOf(i) === 6));
      // Nothing further comes once the feed has caught up: it has pushed every change it saw.
      await statsFeedsSettled(t, owner.organizationId);
      const items = feed.items;
      const burst = items.slice(beforeBurst);
      expect(burst.length).toBeGreaterThanOrEqual(1);
      expect(burst.length).toBeLessThan(5);
      expect(invitedOf(items.at(-1) as Pushed)).toBe(6);
      expect(items.every((i) => i.invitationStatsChanged.__typename === 'InvitationStats')).toBe(true);
      // Counts never go backwards, and consecutive pushes are at least a second apart.
      const counts = items.map((i) => invitedOf(i) ?? -1);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      const asOf = items.map((i) => Date.parse(i.invitationStatsChanged.asOf ?? ''));
      for (let i = 1; i < asOf.length; i += 1) {
        expect((asOf[i] ?? 0) - (asOf[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
      }
      expect(feed.errors).toEqual([]);
    } finally {
      feed.close();
    }
  });

  it('works over SSE too', async () => {
    const owner = await newAccount(t, 'livesse');
    await invite(t, owner);
    const feed = subscribeSse(t.url, owner.token, StatsLive, {
      organizationId: owner.organizationId,
      ...range(),
    }) as Feed<Pushed>;
    try {
      const [first] = await feed.until((items) => items.length >= 1);
      expect(first?.invitationStatsChanged).toMatchObject({ __typename: 'InvitationStats', invited: 1 });
      await invite(t, owner);
      const items = await feed.until((all) => all.some((i) => invitedOf(i) === 2));
      expect(items.map(invitedOf)).toEqual([1, 2]);
    } finally {
      feed.close();
    }
  });

  it('refuses another organization’s owner with FORBIDDEN and pushes nothing', async () => {
    const owner = await newAccount(t, 'livevictim');
    const stranger = await newAccount(t, 'livestranger');
    await invite(t, owner);
    const feed = subscribeWs(t.url, stranger.token, StatsLive, {
      organizationId: owner.organizationId,
      ...range(),
    }) as Feed<Pushed>;
    try {
      await eventually(
        async () => feed.errors.length,
        (n) => n >= 1,
        feed.changed,
      );
      expect(JSON.stringify(feed.errors)).toContain('FORBIDDEN');
      await invite(t, owner);
      // Every stats feed of the organisation has pushed what that change caused.
      await statsFeedsSettled(t, owner.organizationId);
      expect(feed.items).toEqual([]);
    } finally {
      feed.close();
    }
  });
});
