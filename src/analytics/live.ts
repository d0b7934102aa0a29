// The live stats feed: fresh stats now, then again after the organisation's invitations change,
// at most once a second; and a signal for when every feed of an organisation has pushed what it
// has seen. Talks to the event bus and the stats.
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import type { Result } from '../lib/errors.js';
import { DAY_MS } from './range.js';
import type { InvitationStats, StatsError, StatsService } from './stats.js';

const STATS_PUSH_MS = 1000;
const DEFAULT_LIVE_RANGE_DAYS = 30;

export function createLiveStatsService(deps: { stats: StatsService['stats']; clock: Clock; events: EventBus }) {
  const { stats, clock, events } = deps;
  /** Per organisation, the feeds that owe a push (starting, or with a change not pushed yet). */
  const busy = new Map<string, Set<object>>();
  const settledWaiters = new Map<string, (() => void)[]>();

  const setBusy = (organizationId: string, feed: object, isBusy: boolean) => {
    const feeds = busy.get(organizationId) ?? new Set();
    if (isBusy) {
      feeds.add(feed);
      busy.set(organizationId, feeds);
      return;
    }
    feeds.delete(feed);
    if (feeds.size > 0) return;
    busy.delete(organizationId);
    for (const resolve of settledWaiters.get(organizationId) ?? []) resolve();
    settledWaiters.delete(organizationId);
  };

  return {
    /**
     * Fresh stats now, then again after changes, at most once a second. Without `from` the range
     * is the last 30 days; without `to` it runs to the moment of each push. Ends when the viewer
     * may no longer see the organisation's analytics.
     */
    async *statsChanges(
      organizationId: string,
      range: { from?: Date | null; to?: Date | null; topInviters?: number | null },
      mayWatch: () => Promise<boolean>,
    ): AsyncGenerator<Result<InvitationStats, StatsError>> {
      const feed = {};
      const current = () => {
        const to = range.to ?? clock.now();
        const from = range.from ?? new Date(to.getTime() - DEFAULT_LIVE_RANGE_DAYS * DAY_MS);
        return stats(organizationId, { from, to, topInviters: range.topInviters });
      };
      const changes = events.organizationChanges(organizationId)[Symbol.asyncIterator]();
      let changed = false;
      let wake: (() => void) | undefined;
      let ended = false;
      setBusy(organizationId, feed, true);
      // Drains the feed into one flag, so a burst of changes costs one recount.
      const pump = (async () => {
        for (;;) {
          const next = await changes.next();
          if (next.done) break;
          changed = true;
          setBusy(organizationId, feed, true);
          wake?.();
        }
        ended = true;
        wake?.();
      })();
      try {
        const first = await current();
        yield first;
        if (!first.ok) return;
        let lastPush = performance.now();
        for (;;) {
          if (!changed) {
            setBusy(organizationId, feed, false);
            await new Promise<void>((resolve) => (wake = resolve));
          }
          if (ended) return;
          const wait = lastPush + STATS_PUSH_MS - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          changed = false;
          if (!(await mayWatch())) return;
          yield await current();
          lastPush = performance.now();
        }
      } finally {
        setBusy(organizationId, feed, false);
        await changes.return?.();
        await pump;
      }
    },

    /**
     * Resolves once every live stats feed of the organisation on this instance has pushed the
     * changes it has received and waits for the next one (at once when there are none): after it,
     * no push is pending.
     */
    statsFeedsSettled(organizationId: string): Promise<void> {
      if (!busy.has(organizationId)) return Promise.resolve();
      return new Promise((resolve) => {
        settledWaiters.set(organizationId, [...(settledWaiters.get(organizationId) ?? []), resolve]);
      });
    },
  };
}

export type LiveStatsService = ReturnType<typeof createLiveStatsService>;
