// Turns committed-with-the-change facts into webhook messages: every invitation timeline change
// (through the invitations' ChangeFollower port, so every path that writes a timeline row is
// covered), member role changes and removals (the accounts' MemberFollower port), and an endpoint
// disabled by the sender. Each message gets one delivery per enabled endpoint of its organisation
// that wants its type, inserted in the caller's transaction; a message nobody wants is not
// written. Talks to the webhooks store and reads the invitations it speaks of.
import type { MemberFollower } from '../accounts/members.js';
import type { Executor } from '../db/client.js';
import { perTransaction } from '../db/perTransaction.js';
import type { InvitationEventType, WebhookEventType } from '../db/schema/index.js';
import type { ChangeFollower } from '../invitations/changes.js';
import { invitationsByIds } from '../invitations/store.js';
import type { Clock } from '../lib/clock.js';
import { enabledEndpointsOf, insertMessages } from './store.js';

const invitationTypes: Record<InvitationEventType, WebhookEventType> = {
  CREATED: 'invitation.created',
  RESENT: 'invitation.resent',
  CANCELLED: 'invitation.cancelled',
  ACCEPTED: 'invitation.accepted',
  DECLINED: 'invitation.declined',
  EXPIRED: 'invitation.expired',
  DELIVERY_STATUS_CHANGED: 'invitation.delivery_status_changed',
  DELIVERY_DEFERRED: 'invitation.delivery_deferred',
  OPENED: 'invitation.opened',
  CLICKED: 'invitation.clicked',
};

export interface Fact {
  organizationId: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/** Wanted by an endpoint: its list is empty (everything) or names the type. */
export const wants = (eventTypes: readonly string[], type: WebhookEventType) =>
  eventTypes.length === 0 || eventTypes.includes(type);

type Enabled = Awaited<ReturnType<typeof enabledEndpointsOf>>;

/** Queues `facts` for every enabled endpoint that wants them; true when any delivery was queued. */
export async function queueFacts(
  executor: Executor,
  facts: Fact[],
  at: Date,
  /** The organisations' enabled endpoints when the caller has read them already. */
  known = new Map<string, Enabled>(),
): Promise<boolean> {
  const byOrganization = new Map<string, Fact[]>();
  for (const fact of facts)
    byOrganization.set(fact.organizationId, [...(byOrganization.get(fact.organizationId) ?? []), fact]);
  let queued = false;
  for (const [organizationId, theirs] of byOrganization) {
    const endpoints = known.get(organizationId) ?? (await enabledEndpointsOf(executor, organizationId));
    if (endpoints.length === 0) continue;
    const messages = theirs
      .map((fact) => ({
        ...fact,
        endpointIds: endpoints.filter((e) => wants(e.eventTypes, fact.type)).map((e) => e.id),
      }))
      .filter((m) => m.endpointIds.length > 0);
    await insertMessages(executor, messages, at);
    queued ||= messages.length > 0;
  }
  return queued;
}

export function createWebhookRecorder({ clock }: { clock: Clock }): ChangeFollower & MemberFollower {
  // Each open transaction's reads of enabled endpoints, by organisation.
  const reads = perTransaction<string, Promise<Enabled>>();
  const endpointsIn = (tx: Executor, organizationId: string) =>
    // A promise of its own: the query builder would run again on every then().
    reads(tx, organizationId, () => Promise.resolve(enabledEndpointsOf(tx, organizationId)));

  return {
    expect(tx, organizationId) {
      // Awaited by followChanges, or never if the work is refused: its failure is the transaction's.
      endpointsIn(tx, organizationId).catch(() => {});
    },

    async followChanges(tx, log) {
      if (log.length === 0) return false;
      // Only organisations with an endpoint pay for the read of their invitations.
      const organizations = [...new Set(log.map((c) => c.organizationId))];
      const withEndpoints = new Map<string, Enabled>();
      for (const id of organizations) {
        const endpoints = await endpointsIn(tx, id);
        if (endpoints.length > 0) withEndpoints.set(id, endpoints);
      }
      const changes = log.filter((c) => withEndpoints.has(c.organizationId));
      if (changes.length === 0) return false;
      const rows = new Map(
        (await invitationsByIds(tx, [...new Set(changes.map((c) => c.invitationId))])).map((r) => [r.id, r]),
      );
      const facts: Fact[] = changes.flatMap((change) => {
        const invitation = rows.get(change.invitationId);
        const data = {
          invitationId: change.invitationId,
          organizationId: change.organizationId,
          email: invitation?.email ?? null,
          role: invitation?.role ?? null,
          status: change.status,
          deliveryStatus: change.deliveryStatus,
          timelineSequence: change.seq,
          occurredAt: change.at,
        };
        const fact: Fact = { organizationId: change.organizationId, type: invitationTypes[change.type], data };
        if (change.type !== 'ACCEPTED' || !invitation?.acceptedById) return [fact];
        const joined: Fact = {
          organizationId: change.organizationId,
          type: 'member.joined',
          data: {
            organizationId: change.organizationId,
            userId: invitation.acceptedById,
            role: invitation.role,
            invitationId: invitation.id,
            occurredAt: change.at,
          },
        };
        return [fact, joined];
      });
      return queueFacts(tx, facts, clock.now(), withEndpoints);
    },

    followMember(tx, change) {
      const at = clock.now();
      return queueFacts(
        tx,
        [
          {
            organizationId: change.organizationId,
            type: change.type === 'ROLE_CHANGED' ? 'member.role_changed' : 'member.removed',
            data: {
              organizationId: change.organizationId,
              userId: change.userId,
              role: change.role,
              previousRole: change.previousRole,
              actorId: change.actorId,
              occurredAt: at.toISOString(),
            },
          },
        ],
        at,
      );
    },
  };
}
