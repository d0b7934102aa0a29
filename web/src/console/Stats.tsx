// How the organization's invitations of the last 30 days fared (invitationStats, then each push of
// invitationStatsChanged, so the figures follow sends made elsewhere without a reload): every rate
// with its numerator and denominator, the funnel, the time to accept, and the daily series.
import { useEffect, useMemo } from 'react';
import { useQuery, useSubscription } from 'urql';
import { DailyChart } from './DailyChart.js';
import { Series, StatsChanged, Stats as StatsQuery } from './documents.js';
import { explainInline } from './errors.js';

const DAY_MS = 86_400_000;

/** [from, to): the 30 whole UTC days up to and including today. */
export function lastThirtyDays(now = Date.now()) {
  const tomorrow = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  return { from: new Date(tomorrow - 30 * DAY_MS).toISOString(), to: new Date(tomorrow).toISOString() };
}

type Rate = { numerator: number; denominator: number; value?: number | null };

const percent = (rate: Rate) => (rate.value == null ? '–' : `${Math.round(rate.value * 1000) / 10}%`);

const RATES: { key: string; label: string; of: string }[] = [
  { key: 'acceptance', label: 'Accepted', of: 'invited' },
  { key: 'delivery', label: 'Delivered', of: 'sent' },
  { key: 'bounce', label: 'Bounced', of: 'sent' },
  { key: 'open', label: 'Opened', of: 'delivered' },
  { key: 'click', label: 'Link followed', of: 'delivered' },
  { key: 'resend', label: 'Resent at least once', of: 'invited' },
  { key: 'customMessage', label: 'With a personal message', of: 'invited' },
];

const duration = (seconds: number | null | undefined) => {
  if (seconds == null) return '–';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} days`;
};

export function Stats({ organizationId }: { organizationId: string }) {
  const range = useMemo(() => lastThirtyDays(), []);
  const context = useMemo(() => ({ additionalTypenames: ['Invitation'] }), []);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: StatsQuery,
    variables: { organizationId, ...range },
    context,
    requestPolicy: 'cache-and-network',
  });
  const [{ data: pushed }] = useSubscription({ query: StatsChanged, variables: { organizationId, ...range } });
  const stats = pushed?.invitationStatsChanged ?? data?.invitationStats;
  const days = useMemo(
    () => ({ from: range.from.slice(0, 10), to: new Date(Date.parse(range.to) - DAY_MS).toISOString().slice(0, 10) }),
    [range],
  );
  const [{ data: series }, refetchSeries] = useQuery({
    query: Series,
    variables: { organizationId, ...days },
    context,
    requestPolicy: 'cache-and-network',
  });
  // Each push means invitations changed: the series is read again with it.
  useEffect(() => {
    if (pushed) refetchSeries({ requestPolicy: 'network-only' });
  }, [pushed, refetchSeries]);
  const buckets =
    series?.invitationAnalytics?.__typename === 'InvitationAnalytics' ? series.invitationAnalytics.buckets : [];
  const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
  return (
    <section aria-labelledby="stats-heading" data-from={range.from} data-to={range.to}>
      <h2 id="stats-heading">Statistics</h2>
      <p>
        Invitations sent from {day(range.from)} to {day(new Date(Date.parse(range.to) - 1).toISOString())} (UTC).{' '}
        <button
          type="button"
          className="secondary"
          disabled={fetching}
          onClick={() => {
            refetch({ requestPolicy: 'network-only' });
            refetchSeries({ requestPolicy: 'network-only' });
          }}
        >
          {fetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </p>
      {fetching && !data && <p role="status">Loading the statistics…</p>}
      {(error || (stats && stats.__typename !== 'InvitationStats')) && (
        <p role="alert">
          {stats && stats.__typename !== 'InvitationStats'
            ? explainInline(stats)
            : 'The statistics could not be loaded.'}
        </p>
      )}
      {stats?.__typename === 'InvitationStats' && (
        <>
          <p>
            <strong data-stat="invited">{stats.invited}</strong> invited;{' '}
            <span data-stat="expiring">{stats.expiringWithin48Hours}</span> pending expire within 48 hours.
          </p>
          <table className="stats">
            <caption>Rates</caption>
            <thead>
              <tr>
                <th scope="col">Rate</th>
                <th scope="col">Count</th>
                <th scope="col">Share</th>
              </tr>
            </thead>
            <tbody>
              {RATES.map(({ key, label, of }) => {
                const rate = stats.rates[key as keyof typeof stats.rates] as Rate;
                return (
                  <tr key={key} data-rate={key}>
                    <th scope="row">{label}</th>
                    <td>
                      {rate.numerator} of {rate.denominator} {of}
                    </td>
                    <td>{percent(rate)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <table className="stats">
            <caption>Funnel</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Invitations</th>
                <th scope="col">Of the step before</th>
              </tr>
            </thead>
            <tbody>
              {stats.funnel.map((stage) => (
                <tr key={stage.step}>
                  <th scope="row">{stage.step.charAt(0) + stage.step.slice(1).toLowerCase()}</th>
                  <td>{stage.count}</td>
                  <td>
                    {stage.conversion.numerator} of {stage.conversion.denominator} ({percent(stage.conversion)})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {buckets.length > 0 && <DailyChart days={buckets} />}
          <p>
            Time to accept ({stats.timeToAccept.accepted} accepted): median {duration(stats.timeToAccept.medianSeconds)}
            , 90th percentile {duration(stats.timeToAccept.p90Seconds)}.
          </p>
        </>
      )}
    </section>
  );
}
