// Stats over a cohort (the invitations created in a range, as they stand now): counts, rates, the
// funnel, time to accept, and breakdowns by role and inviter. Talks to the analytics store.
import type { Config } from '../config.js';
import type { MemberRole } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';
import { fail, ok, type Result } from '../lib/errors.js';
import { analyticsDisabled, type FeatureDisabledError, type InvalidRangeError } from './errors.js';
import { checkRange, DAY_MS } from './range.js';
import { type AnalyticsStore, COHORT_COUNTS, type CohortCounts } from './store.js';

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when nothing was counted. */
  value: number | null;
}

export interface Breakdown {
  invited: number;
  accepted: number;
  acceptance: Rate;
}

export interface InvitationStats {
  from: Date;
  to: Date;
  /** The moment pending invitations were judged expired or not. */
  asOf: Date;
  counts: CohortCounts;
  /** Status counts as everywhere else: a pending invitation past its expiry counts as expired. */
  byStatus: Record<'PENDING' | 'ACCEPTED' | 'DECLINED' | 'CANCELLED' | 'EXPIRED', number>;
  rates: Record<'acceptance' | 'delivery' | 'bounce' | 'open' | 'click' | 'resend' | 'customMessage', Rate>;
  funnel: { step: 'SENT' | 'DELIVERED' | 'OPENED' | 'CLICKED' | 'ACCEPTED'; count: number; conversion: Rate }[];
  timeToAccept: { accepted: number; medianSeconds: number | null; p90Seconds: number | null };
  expiringWithin48Hours: number;
  byRole: (Breakdown & { role: MemberRole })[];
  /** The top inviters by invitations sent; null inviter: the account is gone. */
  byInviter: (Breakdown & { inviter: { id: string; name: string; email: string } | null })[];
}

export type StatsError = FeatureDisabledError | InvalidRangeError;

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

/** The upper edge, in whole seconds, of a time-to-accept bucket (see invitation_accept_bucket). */
export const acceptBucketCeiling = (bucket: number) => (bucket === 0 ? 1 : Math.ceil(2 ** (bucket / 16)));

/** Nearest-rank percentile over a histogram of [bucket, count] sorted by bucket. */
function percentile(histogram: { bucket: number; accepted: number }[], total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (const { bucket, accepted } of histogram) {
    seen += accepted;
    if (seen >= rank) return acceptBucketCeiling(bucket);
  }
  return null;
}

export function createStatsService(deps: {
  store: AnalyticsStore;
  clock: Clock;
  config: Pick<Config, 'INVITATION_ANALYTICS_ENABLED'>;
}) {
  const { store, clock, config } = deps;

  async function computeStats(organizationId: string, from: Date, to: Date): Promise<InvitationStats> {
    const now = clock.now();
    const soon = new Date(now.getTime() + 2 * DAY_MS);
    const { groups, histogram, pending } = await store.cohort(organizationId, { from, to, now, soon });

    const byRoleRows = groups.filter((g) => g.role !== null);
    const counts = Object.fromEntries(
      COHORT_COUNTS.map((c) => [c, byRoleRows.reduce((total, g) => total + g[c], 0)]),
    ) as CohortCounts;
    const breakdown = (g: CohortCounts): Breakdown => ({
      invited: g.invited,
      accepted: g.accepted,
      acceptance: rate(g.accepted, g.invited),
    });
    const unswept = pending.expired;
    const accepted = histogram.reduce((total, h) => total + h.accepted, 0);
    const steps = [
      ['SENT', counts.reached_sent],
      ['DELIVERED', counts.reached_delivered],
      ['OPENED', counts.reached_opened],
      ['CLICKED', counts.reached_clicked],
      ['ACCEPTED', counts.accepted],
    ] as const;
    return {
      from,
      to,
      asOf: now,
      counts,
      byStatus: {
        PENDING: counts.pending - unswept,
        ACCEPTED: counts.accepted,
        DECLINED: counts.declined,
        CANCELLED: counts.cancelled,
        EXPIRED: counts.expired + unswept,
      },
      rates: {
        acceptance: rate(counts.accepted, counts.invited),
        delivery: rate(counts.reached_delivered, counts.reached_sent),
        bounce: rate(counts.bounced, counts.reached_sent),
        open: rate(counts.reached_opened, counts.reached_delivered),
        click: rate(counts.reached_clicked, counts.reached_delivered),
        resend: rate(counts.resent, counts.invited),
        customMessage: rate(counts.custom_message, counts.invited),
      },
      funnel: steps.map(([step, count], i) => ({
        step,
        count,
        conversion: rate(count, steps[i - 1]?.[1] ?? counts.invited),
      })),
      timeToAccept: {
        accepted,
        medianSeconds: percentile(histogram, accepted, 0.5),
        p90Seconds: percentile(histogram, accepted, 0.9),
      },
      expiringWithin48Hours: pending.expiring,
      byRole: byRoleRows
        .filter((g) => g.invited > 0)
        .map((g) => ({ role: g.role as MemberRole, ...breakdown(g) }))
        .sort((a, b) => b.invited - a.invited || a.role.localeCompare(b.role)),
      byInviter: groups
        .filter((g) => g.role === null && g.invited > 0)
        .sort((a, b) => b.invited - a.invited || String(a.inviter_id).localeCompare(String(b.inviter_id)))
        .map((g) => ({
          ...breakdown(g),
          inviter:
            g.inviter_id && g.inviter_name !== null && g.inviter_email !== null
              ? { id: g.inviter_id, name: g.inviter_name, email: g.inviter_email }
              : null,
        })),
    };
  }

  return {
    /** Stats of the invitations created in [from, to), as they stand now. */
    async stats(
      organizationId: string,
      range: { from: Date; to: Date; topInviters?: number | null },
    ): Promise<Result<InvitationStats, StatsError>> {
      const refused = analyticsDisabled(config) ?? checkRange(range.from, range.to);
      if (refused) return fail(refused);
      const computed = await computeStats(organizationId, range.from, range.to);
      return ok({ ...computed, byInviter: computed.byInviter.slice(0, range.topInviters ?? 10) });
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
