// The event series: what happened each day, week (from Monday) or month of a range of calendar
// days in the caller's time zone, every period present. Talks to the analytics store.
import type { Config } from '../config.js';
import { fail, ok, type Result } from '../lib/errors.js';
import {
  analyticsDisabled,
  type FeatureDisabledError,
  type InvalidRangeError,
  UnknownTimeZoneError,
} from './errors.js';
import { checkDayRange, knownTimeZone } from './range.js';
import type { ActivityCounts, AnalyticsStore, Interval } from './store.js';

export interface SeriesBucket extends ActivityCounts {
  /** The period's first day in the time zone (a Monday for weeks, the 1st for months). */
  period: string;
  /** The part of the period inside the range, as instants. */
  from: Date;
  to: Date;
}

export type SeriesError = FeatureDisabledError | InvalidRangeError | UnknownTimeZoneError;

export function createSeriesService(deps: {
  store: AnalyticsStore;
  config: Pick<Config, 'INVITATION_ANALYTICS_ENABLED'>;
}) {
  const { store, config } = deps;

  return {
    /**
     * What happened each day, week (from Monday) or month from `from` to `to` (calendar dates in
     * `timeZone`, both included), every period present.
     */
    async series(
      organizationId: string,
      input: { from: string; to: string; interval: Interval; timeZone: string },
    ): Promise<Result<SeriesBucket[], SeriesError>> {
      const refused = analyticsDisabled(config) ?? checkDayRange(input.from, input.to);
      if (refused) return fail(refused);
      if (!knownTimeZone(input.timeZone)) return fail(new UnknownTimeZoneError(input.timeZone));
      try {
        const buckets = await store.activitySeries(organizationId, input);
        return ok(
          buckets.map(({ from_ms, to_ms, ...bucket }) => ({ ...bucket, from: new Date(from_ms), to: new Date(to_ms) })),
        );
      } catch (error) {
        // A name the browser knows and PostgreSQL does not.
        if ((error as { cause?: { code?: string } }).cause?.code === '22023') {
          return fail(new UnknownTimeZoneError(input.timeZone));
        }
        throw error;
      }
    },
  };
}

export type SeriesService = ReturnType<typeof createSeriesService>;
