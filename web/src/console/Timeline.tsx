// An invitation's history, oldest first, loaded when the person opens it.
import { useQuery } from 'urql';
import { InvitationTimeline } from './documents.js';
import { STATUS_WORDS } from './errors.js';

const EVENT_WORDS: Record<string, string> = {
  CREATED: 'Sent',
  RESENT: 'Sent again with a new link',
  DELIVERY_STATUS_CHANGED: 'Delivery',
  DELIVERY_DEFERRED: 'Delivery delayed, retrying',
  OPENED: 'Email opened',
  CLICKED: 'Link followed',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
};

/** The details worth a person's eye: a reason, or the delivery status reached. */
function detail(data: Record<string, unknown>): string {
  const parts: string[] = [];
  const status = data.deliveryStatus ?? data.to ?? data.status;
  if (typeof status === 'string') parts.push(STATUS_WORDS[status] ?? status);
  if (typeof data.reason === 'string' && data.reason) parts.push(`reason: “${data.reason}”`);
  return parts.join('; ');
}

export function Timeline({ invitationId }: { invitationId: string }) {
  const [{ data, fetching, error }] = useQuery({
    query: InvitationTimeline,
    variables: { id: invitationId },
    requestPolicy: 'cache-and-network',
  });
  if (fetching && !data) return <p role="status">Loading the history…</p>;
  if (error || !data?.invitation) return <p role="alert">The history could not be loaded.</p>;
  return (
    <ol className="timeline" aria-label="History">
      {data.invitation.timeline.map((event) => {
        const more = detail(event.data as Record<string, unknown>);
        return (
          <li key={event.id}>
            <time dateTime={event.createdAt}>
              {new Date(event.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
            </time>{' '}
            {EVENT_WORDS[event.type] ?? event.type}
            {more && `: ${more}`}
            {event.actor && ` (by ${event.actor.name || event.actor.email})`}
          </li>
        );
      })}
    </ol>
  );
}
