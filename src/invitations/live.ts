// Live views for subscriptions: an invitation's current state then each change, and an
// organisation's stream of changes. The viewer's right to watch is checked again before every
// event, so a member removed mid-stream stops receiving. Talks to the database and the event bus.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { invitations, memberships } from '../db/schema/index.js';
import type { EventBus, InvitationChange } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import { effectiveStatus } from './status.js';

type Invitation = typeof invitations.$inferSelect;

export interface LiveUpdate {
  change: InvitationChange;
  invitation: Invitation;
}

export function createLiveService({ db, events, clock }: { db: Db; events: EventBus; clock: Clock }) {
  const byId = async (id: string) => (await db.select().from(invitations).where(eq(invitations.id, id)))[0];

  /** Owners and admins watch their organisation's invitations. */
  async function mayWatch(userId: string, organizationId: string): Promise<boolean> {
    const [row] = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(
        and(
          eq(memberships.userId, userId),
          eq(memberships.organizationId, organizationId),
          inArray(memberships.role, ['OWNER', 'ADMIN']),
        ),
      );
    return row !== undefined;
  }

  const isFinal = (invitation: Invitation) => effectiveStatus(invitation, clock.now()) !== 'PENDING';

  return {
    mayWatch,

    /** The invitation `id` if `userId` may watch it. */
    async watchable(userId: string, id: string): Promise<Invitation | undefined> {
      const invitation = await byId(id);
      return invitation && (await mayWatch(userId, invitation.organizationId)) ? invitation : undefined;
    },

    /** The current state first, then the state after each change; ends once the invitation is final. */
    async *invitationStatus(userId: string, invitationId: string): AsyncGenerator<Invitation> {
      const changes = events.invitationChanges(invitationId)[Symbol.asyncIterator]();
      // Listen before reading, so no change falls between the read and the subscription.
      let next = changes.next();
      try {
        let invitation = await byId(invitationId);
        if (!invitation) return;
        yield invitation;
        while (!isFinal(invitation)) {
          const { done, value: change } = await next;
          if (done) return;
          if (!(await mayWatch(userId, invitation.organizationId))) return;
          const fresh = await byId(invitationId);
          if (!fresh) return;
          // The statuses as of this change: a later change has its own message, so none is skipped.
          invitation = { ...fresh, status: change.status, deliveryStatus: change.deliveryStatus };
          yield invitation;
          next = changes.next();
        }
      } finally {
        await changes.return?.();
      }
    },

    /** Every change in the organisation, with the invitation as it stands after it. */
    async *organizationEvents(userId: string, organizationId: string): AsyncGenerator<LiveUpdate> {
      for await (const change of events.organizationChanges(organizationId)) {
        if (!(await mayWatch(userId, organizationId))) return;
        const invitation = await byId(change.invitationId);
        if (invitation && invitation.organizationId === organizationId) yield { change, invitation };
      }
    },
  };
}

export type LiveService = ReturnType<typeof createLiveService>;
