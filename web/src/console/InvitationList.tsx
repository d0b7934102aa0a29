// The organization's invitations: filter by status, sort, page with cursors, the total; each row's
// status and delivery status follow invitationEvents live and are announced to screen readers.
import { useEffect, useMemo, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import type { InvitationOrder, InvitationStatus } from '../gql/graphql.js';
import { Events, Invitations } from './documents.js';
import { STATUS_WORDS } from './errors.js';
import { InvitationRow, type Row } from './InvitationRow.js';

const PAGE_SIZE = 20;
const STATUSES: InvitationStatus[] = ['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED'];
const ORDERS: { value: InvitationOrder; label: string }[] = [
  { value: 'CREATED_AT_DESC', label: 'Newest first' },
  { value: 'CREATED_AT_ASC', label: 'Oldest first' },
  { value: 'EMAIL_ASC', label: 'Email, A to Z' },
  { value: 'EXPIRES_AT_ASC', label: 'Expiring soonest' },
];

interface Feed {
  rows: Record<string, Row>;
  announcement: string;
  created: number;
}
const EMPTY_FEED: Feed = { rows: {}, announcement: '', created: 0 };

export function InvitationList({ organizationId }: { organizationId: string }) {
  const [status, setStatus] = useState<InvitationStatus | ''>('');
  const [orderBy, setOrderBy] = useState<InvitationOrder>('CREATED_AT_DESC');
  // The cursors of the pages before this one: `after` is the last of them.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1);
  // An empty page holds no Invitation, so name the type: a send or a cancel refreshes the page and its total.
  const context = useMemo(() => ({ additionalTypenames: ['Invitation'] }), []);
  const [{ data, fetching, error, operation }, refetch] = useQuery({
    query: Invitations,
    context,
    variables: {
      organizationId,
      first: PAGE_SIZE,
      orderBy,
      ...(after ? { after } : {}),
      ...(status ? { filter: { status: [status] } } : {}),
    },
  });
  // Folded event by event (several may arrive in one render): the newest word on each row, the
  // last change to announce, and how many invitations were created since the page loaded.
  // After a reconnect the feed resumes from its last event (client.ts), so changes made while the
  // connection was down still reach their rows.
  const [{ data: feed, error: feedError }, followAgain] = useSubscription(
    { query: Events, variables: { organizationId } },
    (previous: Feed = EMPTY_FEED, event): Feed => {
      const update = event.invitationEvents;
      if (!update) return previous;
      const row = update.invitation;
      return {
        rows: { ...previous.rows, [row.id]: row },
        announcement: `Invitation to ${row.email}: ${STATUS_WORDS[row.status]}, ${STATUS_WORDS[row.deliveryStatus]}.`,
        created: previous.created + (update.type === 'CREATED' ? 1 : 0),
      };
    },
  );
  const { rows: live, announcement, created } = feed ?? EMPTY_FEED;
  // A feed too far behind to resume: read the list again and follow it afresh.
  useEffect(() => {
    const codes = feedError?.graphQLErrors.map((e) => e.extensions?.code) ?? [];
    if (!codes.some((code) => code === 'CURSOR_EXPIRED' || code === 'INVALID_CURSOR')) return;
    refetch({ requestPolicy: 'network-only' });
    followAgain();
  }, [feedError, refetch, followAgain]);
  // Invitations sent elsewhere change the total and the pages: refetch once a burst of them settles.
  useEffect(() => {
    if (created === 0) return;
    const timer = setTimeout(() => refetch({ requestPolicy: 'network-only' }), 300);
    return () => clearTimeout(timer);
  }, [created, refetch]);

  const listed = data?.invitations?.edges.map((edge) => edge.node) ?? [];
  // Events are the newest word on a row; new invitations join the top of the first page of the default view.
  const fresh =
    !after && !status && orderBy === 'CREATED_AT_DESC'
      ? Object.values(live)
          .filter((row) => !listed.some((l) => l.id === row.id))
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      : [];
  const rows = [...fresh, ...listed].map((row) => live[row.id] ?? row);
  const total = data?.invitations?.totalCount;
  const page = data?.invitations?.pageInfo;
  // While another page loads, urql keeps showing the last one: the label names the page on screen
  // (one the cursors no longer hold is the page just left by Previous), and Next waits until it is
  // the page asked for.
  const shownAfter = operation?.variables.after;
  const shownIndex = shownAfter === undefined ? -1 : cursors.indexOf(shownAfter);
  const shownPage = shownAfter === undefined ? 1 : shownIndex === -1 ? cursors.length + 2 : shownIndex + 2;
  const showingRequested = shownAfter === after;

  return (
    <section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Invitations{total === undefined ? '' : ` (${total})`}</h2>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="live-announcer">
        {announcement}
      </p>
      <div className="row filters">
        <p className="field">
          <label htmlFor="filter-status">Status</label>
          <select
            id="filter-status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value as InvitationStatus | '');
              setCursors([]);
            }}
          >
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
        </p>
        <p className="field">
          <label htmlFor="sort">Sort</label>
          <select
            id="sort"
            value={orderBy}
            onChange={(e) => {
              setOrderBy(e.currentTarget.value as InvitationOrder);
              setCursors([]);
            }}
          >
            {ORDERS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </p>
      </div>
      {fetching && !data && <p role="status">Loading invitations…</p>}
      {error && <p role="alert">The invitations could not be loaded. Reload the page to try again.</p>}
      {data && rows.length === 0 && <p>{status ? 'No invitations with this status.' : 'No invitations yet.'}</p>}
      {rows.length > 0 && (
        <ul className="invitations" aria-busy={fetching}>
          {rows.map((row) => (
            <InvitationRow key={row.id} row={row} />
          ))}
        </ul>
      )}
      <nav className="row" aria-label="Pages of invitations">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </button>
        <span>
          Page {shownPage}
          {total !== undefined && ` of ${Math.max(1, Math.ceil(total / PAGE_SIZE))}`}
        </span>
        <button
          type="button"
          disabled={!showingRequested || !page?.hasNextPage || !page.endCursor}
          onClick={() => page?.endCursor && setCursors((c) => [...c, page.endCursor as string])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
