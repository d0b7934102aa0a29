// Instants and days at the edges of what the API holds (years 0001 to 9999, in UTC as well): every
// field that takes them answers the edges themselves, and refuses past them with a typed error,
// whether the value is a variable or a literal, in test and production settings; never an
// internal error from the database.
import { count, eq } from 'drizzle-orm';
import { print } from 'graphql';
import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { auditLog, invitations } from '../src/db/schema/index.js';
import { graphql } from './generated/index.js';
import { type TestApp, useTestApp } from './helpers/app.js';
import { invite } from './helpers/invitations.js';
import { subscribeWs } from './helpers/live.js';
import { type Account, newAccount } from './helpers/seed.js';

const t = useTestApp();
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const prod = useTestApp({ NODE_ENV: 'production', JWT_PRIVATE_KEY: await exportPKCS8(privateKey) });

const Filtered = graphql(`
  query InstantsFiltered($organizationId: ID!, $after: DateTime, $before: DateTime) {
    invitations(organizationId: $organizationId, filter: { createdAfter: $after, createdBefore: $before }) {
      totalCount
      nodes { id }
    }
  }
`);

const Stats = graphql(`
  query InstantsStats($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
    invitationStats(organizationId: $organizationId, from: $from, to: $to) {
      __typename
      ... on InvitationStats { invited }
      ... on UserError { code message }
    }
  }
`);

const Analytics = graphql(`
  query InstantsAnalytics($organizationId: ID!, $from: Date!, $to: Date!, $interval: AnalyticsInterval, $timeZone: String) {
    invitationAnalytics(organizationId: $organizationId, from: $from, to: $to, interval: $interval, timeZone: $timeZone) {
      __typename
      ... on InvitationAnalytics { buckets { period from to invited } }
      ... on UserError { code message }
    }
  }
`);

const StatsChanged = graphql(`
  subscription InstantsStatsChanged($organizationId: ID!, $from: DateTime, $to: DateTime) {
    invitationStatsChanged(organizationId: $organizationId, from: $from, to: $to) {
      __typename
      ... on InvitationStats { invited }
      ... on UserError { code message }
    }
  }
`);

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function ownerWithInvitations(app: TestApp = t) {
  const owner = await newAccount(app, 'instants');
  await invite(app, owner);
  await invite(app, owner);
  return owner;
}

async function footprint(app: TestApp, owner: Account) {
  const { db } = app.app.database;
  const id = owner.raw.organizationId;
  const [rows] = await db.select({ n: count() }).from(invitations).where(eq(invitations.organizationId, id));
  const [audits] = await db.select({ n: count() }).from(auditLog).where(eq(auditLog.organizationId, id));
  return { invitations: rows?.n, audits: audits?.n };
}

/** The same operation with `value` passed as a variable, and written in the query as a literal. */
async function bothWays(
  owner: Account,
  query: string,
  variable: string,
  variables: Record<string, unknown>,
  app: TestApp = t,
) {
  const value = variables[variable];
  const literal = query
    .replace(new RegExp(`, \\$${variable}: [A-Za-z]+!?`), '')
    .replace(new RegExp(`\\$${variable}\\b`, 'g'), JSON.stringify(value));
  const { [variable]: _, ...rest } = variables;
  const send = async (body: unknown) => (await (await app.post(body, { token: owner.token })).json()) as Body;
  return [await send({ query, variables }), await send({ query: literal, variables: rest })] as const;
}

/** Refused before anything ran, by the scalar, and saying which. */
function expectRefusedByScalar(result: Body, scalar: 'DateTime' | 'Date', value: string) {
  expect(result.data ?? null, value).toBeNull();
  expect(result.errors, value).toHaveLength(1);
  const [error] = result.errors ?? [];
  expect(error?.message, value).toContain(scalar);
  expect(error?.extensions?.code, value).toBe('BAD_USER_INPUT');
}

// Instants the API holds, at its very edges and with offsets that stay inside them.
const heldInstants = [
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00-00:01',
  '0001-01-01T09:59:59.999-14:00',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59+00:01',
  '9999-12-31T12:00:00+12:00',
  '2000-02-29T12:00:00.123456789+05:30',
];

// Not instants, or instants outside years 0001 to 9999 once read in UTC.
const refusedInstants = [
  '0001-01-01T00:00:00+00:01',
  '0001-01-01T09:59:59+14:00',
  '9999-12-31T23:59:59-00:01',
  '9999-12-31T12:00:00-12:00',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59-01:00',
  '+099999-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '10000-01-01T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:60:00Z',
  '2026-01-01T00:00:60Z',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00+99:99',
  '2026-01-01T00:00:00',
  '2026-01-01',
  '1767225600000',
  '',
];

describe('DateTime at the edges', () => {
  it.each(heldInstants)('filters invitations created after %s, as a variable and as a literal', async (instant) => {
    const owner = await ownerWithInvitations();
    const expected = Date.parse(instant) < Date.now() ? 2 : 0;
    const answers = await bothWays(owner, print(Filtered), 'after', {
      organizationId: owner.organizationId,
      after: instant,
    });
    for (const result of answers) {
      expect(result.errors, instant).toBeUndefined();
      expect(result.data?.invitations, instant).toMatchObject({ totalCount: expected });
    }
    const [before] = await bothWays(owner, print(Filtered), 'before', {
      organizationId: owner.organizationId,
      before: instant,
    });
    expect(before.data?.invitations, instant).toMatchObject({ totalCount: 2 - expected });
  });

  it.each(heldInstants)('answers stats for the empty range at %s', async (instant) => {
    const owner = await ownerWithInvitations();
    const answers = await bothWays(owner, print(Stats), 'from', {
      organizationId: owner.organizationId,
      from: instant,
      to: instant,
    });
    for (const result of answers) {
      expect(result, instant).toEqual({ data: { invitationStats: { __typename: 'InvitationStats', invited: 0 } } });
    }
  });

  it('refuses a number where an instant goes', async () => {
    const owner = await ownerWithInvitations();
    const response = await t.post(
      { query: print(Filtered), variables: { organizationId: owner.organizationId, after: 1767225600000 } },
      { token: owner.token },
    );
    expectRefusedByScalar((await response.json()) as Body, 'DateTime', 'a number');
  });

  it('answers the live stats with InvalidRangeError when their default start falls before year 0001', async () => {
    const owner = await ownerWithInvitations();
    // Without `from`, the range starts 30 days before `to`: in year 0000 here.
    const feed = subscribeWs(t.url, owner.token, StatsChanged, {
      organizationId: owner.organizationId,
      to: '0001-01-10T00:00:00Z',
    });
    try {
      const [first] = await feed.until((items) => items.length > 0);
      expect(feed.errors).toEqual([]);
      expect(first?.invitationStatsChanged).toMatchObject({ __typename: 'InvalidRangeError', code: 'INVALID_RANGE' });
    } finally {
      feed.close();
    }
    const held = subscribeWs(t.url, owner.token, StatsChanged, {
      organizationId: owner.organizationId,
      from: '0001-01-01T00:00:00Z',
      to: '0001-01-10T00:00:00Z',
    });
    try {
      const [first] = await held.until((items) => items.length > 0);
      expect(first?.invitationStatsChanged).toEqual({ __typename: 'InvitationStats', invited: 0 });
    } finally {
      held.close();
    }
  });
});

describe.each([
  ['test', t],
  ['production', prod],
])('DateTime refusals (%s settings)', (_settings, app) => {
  it.each(refusedInstants)(
    'refuses %j in filters and stats, as a variable and as a literal, and changes nothing',
    async (instant) => {
      const owner = await ownerWithInvitations(app);
      const before = await footprint(app, owner);
      const filters = await bothWays(
        owner,
        print(Filtered),
        'after',
        { organizationId: owner.organizationId, after: instant },
        app,
      );
      const stats = await bothWays(
        owner,
        print(Stats),
        'from',
        { organizationId: owner.organizationId, from: instant, to: '2026-01-01T00:00:00Z' },
        app,
      );
      for (const result of [...filters, ...stats]) expectRefusedByScalar(result, 'DateTime', instant);
      expect(await footprint(app, owner)).toEqual(before);
    },
  );
});

const RFC3339_HELD = /^(000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('Date at the edges', () => {
  const zones = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Sao_Paulo'];
  const heldRanges: [string, string, 'DAY' | 'WEEK' | 'MONTH'][] = [
    ['0001-01-02', '0001-01-04', 'DAY'],
    ['0001-01-02', '0001-01-20', 'WEEK'],
    ['0001-01-02', '0001-02-10', 'MONTH'],
    ['9999-12-28', '9999-12-30', 'DAY'],
    ['9999-12-01', '9999-12-30', 'WEEK'],
    ['9999-11-15', '9999-12-30', 'MONTH'],
  ];

  for (const timeZone of zones) {
    it.each(heldRanges)(
      `answers %s to %s by %s in ${timeZone}, every edge an instant the API holds`,
      async (from, to, interval) => {
        const owner = await ownerWithInvitations();
        const result = await t.gql(
          Analytics,
          { organizationId: owner.organizationId, from, to, interval, timeZone },
          { token: owner.token },
        );
        expect(result.errors).toBeUndefined();
        const answer = result.data?.invitationAnalytics;
        if (answer?.__typename !== 'InvitationAnalytics') expect.fail(JSON.stringify(answer));
        expect(answer.buckets.length).toBeGreaterThan(0);
        for (const bucket of answer.buckets) {
          expect(bucket.from).toMatch(RFC3339_HELD);
          expect(bucket.to).toMatch(RFC3339_HELD);
          expect(bucket.invited).toBe(0);
        }
      },
    );
  }

  it.each([
    ['0001-01-01', '0001-01-03'],
    ['9999-12-29', '9999-12-31'],
  ])(
    'answers %s to %s with InvalidRangeError: its edges leave the years 0001 to 9999 in some time zone',
    async (from, to) => {
      const owner = await ownerWithInvitations();
      for (const timeZone of zones) {
        const result = await t.gql(
          Analytics,
          { organizationId: owner.organizationId, from, to, timeZone },
          { token: owner.token },
        );
        expect(result.errors).toBeUndefined();
        expect(result.data?.invitationAnalytics).toMatchObject({
          __typename: 'InvalidRangeError',
          code: 'INVALID_RANGE',
        });
      }
    },
  );

  it.each([
    '0000-01-01',
    '10000-01-01',
    '+2026-01-01',
    '-0001-01-01',
    '2026-02-30',
    '2026-13-01',
    '2026-1-1',
    '2026-01-01T00:00:00Z',
    '',
  ])('refuses the day %j, as a variable and as a literal', async (day) => {
    const owner = await ownerWithInvitations();
    const answers = await bothWays(owner, print(Analytics), 'from', {
      organizationId: owner.organizationId,
      from: day,
      to: '2026-01-01',
    });
    for (const result of answers) expectRefusedByScalar(result, 'Date', day);
  });
});
