// Where an organisation's feed resumes: the events after a client's cursor, read from the timeline
// in order, and the refusals of a cursor that cannot be resumed from (refetch instead). Also what
// a feed replays on its own after the bus may have missed events (Redis was away).
// Talks to the invitations store.
import type { Db } from '../db/client.js';
import type { InvitationChange } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import { DomainError, fail, ok, type Result } from '../lib/errors.js';
import { type FeedEvent, latestEventSeq, organizationEventAt, organizationEventsAfter } from './store.js';

/** The cursor's event is beyond the retention horizon, or too many events followed it: refetch. */
export class CursorExpiredError extends DomainError {
  readonly code = 'CURSOR_EXPIRED';
  constructor() {
    super('The feed cannot resume from this cursor any more: refetch, then follow without `after`.');
  }
}

/** A cursor this feed never gave out (malformed, of another organisation, or from the future). */
export class FeedCursorInvalidError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('The cursor in `after` is not one this feed gave out: refetch, then follow without `after`.');
  }
}

export type ResumeError = CursorExpiredError | FeedCursorInvalidError;

export interface ResumeLimits {
  horizonSeconds: number;
  maxEvents: number;
}

/** A timeline row as the change that was (or would have been) published for it. */
export function changeOf(
  row: FeedEvent,
  current: { status: InvitationChange['status']; deliveryStatus: InvitationChange['deliveryStatus'] },
): InvitationChange {
  return {
    seq: row.seq,
    invitationId: row.invitationId,
    organizationId: row.organizationId,
    type: row.type,
    // Rows written before the timeline recorded the state after each event: the state now.
    status: row.statusAfter ?? current.status,
    deliveryStatus: row.deliveryStatusAfter ?? current.deliveryStatus,
    at: row.createdAt.toISOString(),
  };
}

/** Whether the organisation's feed can resume after its event `seq`. */
export async function checkResumable(
  db: Db,
  clock: Clock,
  limits: ResumeLimits,
  organizationId: string,
  seq: number,
): Promise<Result<void, ResumeError>> {
  const event = await organizationEventAt(db, organizationId, seq);
  if (!event) {
    // Gone (its invitation was removed), or never one of this organisation's.
    return fail(seq > (await latestEventSeq(db)) ? new FeedCursorInvalidError() : new CursorExpiredError());
  }
  if (clock.now().getTime() - event.createdAt.getTime() > limits.horizonSeconds * 1000) {
    return fail(new CursorExpiredError());
  }
  return ok(undefined);
}

/** The organisation's events after `seq`, in order; undefined when more than `maxEvents` followed it. */
export async function backlogAfter(
  db: Db,
  limits: ResumeLimits,
  organizationId: string,
  seq: number,
): Promise<FeedEvent[] | undefined> {
  const rows = await organizationEventsAfter(db, organizationId, seq, limits.maxEvents + 1);
  return rows.length > limits.maxEvents ? undefined : rows;
}
