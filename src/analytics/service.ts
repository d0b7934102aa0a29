// The analytics facade, read from the rollups the database keeps (see the migrations): stats over
// a cohort (stats.ts), an event series in the caller's time zone (series.ts) and a live feed of
// fresh stats (live.ts), over one store of their SQL (store.ts) and the range rules (range.ts).
// Talks to the database and the event bus through them.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import { createLiveStatsService } from './live.js';
import { createSeriesService } from './series.js';
import { createStatsService } from './stats.js';
import { createAnalyticsStore } from './store.js';

export { rangePieces } from './range.js';
export type { SeriesBucket, SeriesError } from './series.js';
export { acceptBucketCeiling, type Breakdown, type InvitationStats, type Rate, type StatsError } from './stats.js';
export { ACTIVITY_COUNTS, type ActivityCounts, COHORT_COUNTS, type Interval } from './store.js';

export function createAnalyticsService(deps: {
  db: Db;
  clock: Clock;
  events: EventBus;
  config: Pick<Config, 'INVITATION_ANALYTICS_ENABLED'>;
}) {
  const store = createAnalyticsStore(deps.db);
  const { stats } = createStatsService({ ...deps, store });
  const { series } = createSeriesService({ ...deps, store });
  const live = createLiveStatsService({ ...deps, stats });
  return { stats, series, statsChanges: live.statsChanges, statsFeedsSettled: live.statsFeedsSettled };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
