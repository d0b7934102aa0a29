// The analytics part of the benchmark: an organisation per size filled by seedInvitationHistory,
// then invitationStats over the last 90 days and a 90-day daily series, one request at a time,
// over HTTP against the same service call in process (the SQL over the rollups, without HTTP and
// GraphQL) as the floor.
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { seedInvitationHistory } from '../src/analytics/seed.js';
import type { AnalyticsService } from '../src/analytics/service.js';
import type { Db } from '../src/db/client.js';
import { httpRequest, percentile } from './lib.js';

export interface Latencies {
  p50Ms: number;
  p95Ms: number;
  samples: number;
}

export interface AnalyticsFigures {
  invitations: number;
  seedSeconds: number;
  stats: { api: Latencies; floor: Latencies };
  series: { api: Latencies; floor: Latencies };
}

const STATS = `query Stats($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
  invitationStats(organizationId: $organizationId, from: $from, to: $to) {
    __typename
    ... on InvitationStats {
      invited byStatus { status count } byDeliveryStatus { status count }
      rates { acceptance { value } delivery { value } bounce { value } open { value } click { value } resend { value } customMessage { value } }
      funnel { step count conversion { value } } timeToAccept { accepted medianSeconds p90Seconds }
      expiringWithin48Hours byRole { role invited accepted } byInviter { name invited accepted }
    }
    ... on UserError { code message }
  }
}`;

const SERIES = `query Series($organizationId: ID!, $from: Date!, $to: Date!) {
  invitationAnalytics(organizationId: $organizationId, from: $from, to: $to, interval: DAY, timeZone: "UTC") {
    __typename
    ... on InvitationAnalytics { buckets { period sent delivered opened clicked accepted declined cancelled expired bounced failed } }
    ... on UserError { code message }
  }
}`;

async function timed(samples: number, warmup: number, run: () => Promise<void>): Promise<Latencies> {
  for (let i = 0; i < warmup; i++) await run();
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await run();
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), samples };
}

export async function benchAnalytics(options: {
  db: Db;
  analytics: AnalyticsService;
  agent: http.Agent;
  graphqlUrl: string;
  /** A fresh organisation per size, with its owner. */
  owners: { token: string; userId: string; organizationId: string; organizationGlobalId: string }[];
  sizes: number[];
  samples: number;
  log: (message: string) => void;
}): Promise<AnalyticsFigures[]> {
  const figures: AnalyticsFigures[] = [];
  for (const [i, invitations] of options.sizes.entries()) {
    const owner = options.owners[i];
    if (!owner) throw new Error('one owner per size');
    const now = new Date();
    const seedStarted = performance.now();
    await seedInvitationHistory(options.db, {
      organizationId: owner.organizationId,
      inviterIds: [owner.userId],
      count: invitations,
      now,
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // What autovacuum does soon after a bulk load: statistics, and the visibility map.
    await options.db.execute(sql`vacuum analyze invitations, invitation_events, invitation_cohorts,
      invitation_accept_times, invitation_activity, invitation_activity_hours`);
    options.log(`seeded ${invitations} invitation histories in ${seedSeconds.toFixed(1)} s`);

    const to = new Date();
    const from = new Date(to.getTime() - 90 * 86_400_000);
    const lastDay = to.toISOString().slice(0, 10);
    const firstDay = new Date(to.getTime() - 89 * 86_400_000).toISOString().slice(0, 10);
    const overHttp = (query: string, variables: Record<string, unknown>, typename: string) => async () => {
      const { status, text } = await httpRequest(
        options.agent,
        options.graphqlUrl,
        { query, variables: { organizationId: owner.organizationGlobalId, ...variables } },
        { authorization: `Bearer ${owner.token}` },
      );
      if (status !== 200 || !text.includes(`"__typename":"${typename}"`)) {
        throw new Error(`analytics request: HTTP ${status}: ${text.slice(0, 300)}`);
      }
    };
    const succeeded = async (result: Promise<{ ok: boolean }>) => {
      if (!(await result).ok) throw new Error('analytics service call refused');
    };
    const warmup = Math.max(5, Math.round(options.samples / 10));
    const run = (fn: () => Promise<void>) => timed(options.samples, warmup, fn);
    figures.push({
      invitations,
      seedSeconds,
      stats: {
        api: await run(overHttp(STATS, { from: from.toISOString(), to: to.toISOString() }, 'InvitationStats')),
        floor: await run(() => succeeded(options.analytics.stats(owner.organizationId, { from, to }))),
      },
      series: {
        api: await run(overHttp(SERIES, { from: firstDay, to: lastDay }, 'InvitationAnalytics')),
        floor: await run(() =>
          succeeded(
            options.analytics.series(owner.organizationId, {
              from: firstDay,
              to: lastDay,
              interval: 'DAY',
              timeZone: 'UTC',
            }),
          ),
        ),
      },
    });
    const last = figures.at(-1);
    options.log(
      `analytics at ${invitations}: stats p95 ${last?.stats.api.p95Ms.toFixed(2)} ms, series p95 ${last?.series.api.p95Ms.toFixed(2)} ms`,
    );
  }
  return figures;
}
