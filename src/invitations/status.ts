// Expiry is read, not waited for: a PENDING row past its expiry is EXPIRED everywhere at once.
// The SQL builders take the table so they also work on the aliases relational queries use.
import { and, eq, gt, lte, or, type SQL } from 'drizzle-orm';
import { type InvitationStatus, invitations } from '../db/schema/index.js';

type InvitationsTable = typeof invitations;

export function effectiveStatus(row: { status: InvitationStatus; expiresAt: Date }, now: Date): InvitationStatus {
  return row.status === 'PENDING' && row.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : row.status;
}

export const pendingNow = (now: Date, t: InvitationsTable = invitations) =>
  and(eq(t.status, 'PENDING'), gt(t.expiresAt, now)) as SQL;

/** SQL for "reads as `status` at `now`". */
export function hasStatus(status: InvitationStatus, now: Date, t: InvitationsTable = invitations): SQL {
  if (status === 'PENDING') return pendingNow(now, t);
  if (status === 'EXPIRED') {
    return or(eq(t.status, 'EXPIRED'), and(eq(t.status, 'PENDING'), lte(t.expiresAt, now))) as SQL;
  }
  return eq(t.status, status);
}
