// Filters for reading invitations, as SQL over a (possibly aliased) invitations table.
import { and, eq, gte, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { DeliveryStatus, InvitationStatus, invitations, MemberRole } from '../db/schema/index.js';
import { hasNul } from '../lib/text.js';
import { hasStatus, pendingNow } from './status.js';

export interface InvitationFilter {
  status?: InvitationStatus[] | null;
  deliveryStatus?: DeliveryStatus[] | null;
  role?: MemberRole[] | null;
  invitedById?: string | null;
  /** Case-insensitive substring of the email. */
  email?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function invitationFilterSql(
  t: typeof invitations,
  organizationId: string,
  filter: InvitationFilter | null | undefined,
  now: Date,
): SQL {
  const parts: (SQL | undefined)[] = [eq(t.organizationId, organizationId)];
  if (filter?.status?.length) parts.push(or(...filter.status.map((s) => hasStatus(s, now, t))));
  if (filter?.deliveryStatus?.length) parts.push(inArray(t.deliveryStatus, filter.deliveryStatus));
  if (filter?.role?.length) parts.push(inArray(t.role, filter.role));
  if (filter?.invitedById) parts.push(eq(t.invitedById, filter.invitedById));
  if (filter?.email) {
    // No stored email holds U+0000 (PostgreSQL cannot store it): such a filter matches nothing.
    parts.push(
      hasNul(filter.email) ? sql`false` : sql`${t.email} ilike ${`%${escapeLike(filter.email.toLowerCase())}%`}`,
    );
  }
  if (filter?.createdAfter) parts.push(gte(t.createdAt, filter.createdAfter));
  if (filter?.createdBefore) parts.push(lt(t.createdAt, filter.createdBefore));
  return and(...parts) as SQL;
}

/** Invitations addressed to `email` that are still open. */
export const pendingForEmailSql = (t: typeof invitations, email: string, now: Date) =>
  and(sql`lower(${t.email}) = ${email.toLowerCase()}`, pendingNow(now, t)) as SQL;
