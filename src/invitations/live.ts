// Live views for subscriptions: an invitation's current state then each change, and an
// organisation's stream of changes. The viewer's right to watch is checked again before every
// event, so a member removed mid-stream stops receiving. The checks and reads that every
// subscriber of an event makes in the same tick are batched into one query each (never cached).
// Talks to the database and the event bus.
import DataLoader from 'dataloader';
import { and, inArray } from 'drizzle-orm';
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
  const invitationsById = new DataLoader<string, Invitation | undefined>(
    async (ids) => {
      const rows = await db
        .select()
        .from(invitations)
        .where(inArray(invitations.id, [...new Set(ids)]));
      return ids.map((id) => rows.find((row) => row.id === id));
    },
    { cache: false },
  );
  const byId = (id: string) => invitationsById.load(id);

  /** Owners and admins watch their organisation's invitations. Key: userId and organizationId. */
  const watchers = new DataLoader<`${string} ${string}`, boolean>(
    async (keys) => {
      const pairs = [...new Set(keys)].map((key) => key.split(' ') as [string, string]);
      const rows = await db
        .select({ userId: memberships.userId, organizationId: memberships.organizationId })
        .from(memberships)
        .where(
          and(
            inArray(memberships.userId, [...new Set(pairs.map(([userId]) => userId))]),
            inArray(memberships.organizationId, [...new Set(pairs.map(([, organizationId]) => organizationId))]),
            inArray(memberships.role, ['OWNER', 'ADMIN']),
          ),
        );
      const allowed = new Set(rows.map((row) => `${row.userId} ${row.organizationId}`));
      return keys.map((key) => allowed.has(key));
    },
    { cache: false },
  );
  const mayWatch = (userId: string, organizationId: string) => watchers.load(`${userId} ${organizationId}`);

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
