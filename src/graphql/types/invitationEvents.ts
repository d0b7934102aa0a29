import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import type { FeedPosition, LiveUpdate } from '../../invitations/live.js';
import { isUuid } from '../../lib/uuid.js';
import { builder } from '../builder.js';
import { cursorCheck } from '../cursors.js';
import { decodeGlobalID } from '../globalId.js';
import { DeliveryStatus } from './DeliveryStatus.js';
import { Invitation } from './Invitation.js';
import { InvitationEventType } from './InvitationEvent.js';
import { InvitationStatus } from './InvitationStatus.js';

const InvitationUpdate = builder.objectRef<LiveUpdate>('InvitationUpdate').implement({
  description: 'Something happened to an invitation: what, when, where it stood right after, and how it stands now.',
  fields: (t) => ({
    type: t.field({ type: InvitationEventType, description: 'What happened.', resolve: (u) => u.change.type }),
    cursor: t.string({
      description:
        'Where this event stands in the organization’s feed: pass it as `after` to `invitationEvents` to resume after it.',
      resolve: (u) => feedCursor({ organizationId: u.change.organizationId, seq: u.change.seq }),
    }),
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (u) => u.at }),
    status: t.field({
      type: InvitationStatus,
      description: 'The status right after this event.',
      resolve: (u) => u.change.status,
    }),
    deliveryStatus: t.field({
      type: DeliveryStatus,
      description: 'The delivery status right after this event.',
      resolve: (u) => u.change.deliveryStatus,
    }),
    invitation: t.field({
      type: Invitation,
      description: 'The invitation as it stands now.',
      resolve: (u) => u.invitation,
    }),
  }),
});

/** An Organization's global id to its uuid, refused as `t.arg.globalID({ for: Organization })` would. */
function organizationUuid(globalId: string): string {
  const { typename, id } = decodeGlobalID(globalId);
  if (typename !== 'Organization') throw new PothosValidationError(`ID: ${globalId} is not of type: Organization`);
  return id;
}

// A feed cursor: base64 of `InvitationUpdate:<organization uuid>:<timeline sequence number>`.
const CURSOR = /^InvitationUpdate:([0-9a-f-]{36}):([1-9]\d{0,15})$/;

const feedCursor = (position: FeedPosition) =>
  Buffer.from(`InvitationUpdate:${position.organizationId}:${position.seq}`).toString('base64');

const refusal = (code: 'INVALID_CURSOR' | 'CURSOR_EXPIRED', message: string) =>
  new GraphQLError(message, { extensions: { code, argument: 'after' } });

/** The position in `after`, refused with INVALID_CURSOR unless it is exactly as `feedCursor` writes one. */
function feedPosition(cursor: string): FeedPosition {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const match = CURSOR.exec(text);
  const [, organizationId = '', seq = ''] = match ?? [];
  if (!match || !isUuid(organizationId) || feedCursor({ organizationId, seq: Number(seq) }) !== cursor) {
    throw refusal(
      'INVALID_CURSOR',
      'The cursor in `after` is not one this feed gave out: refetch, then follow without `after`.',
    );
  }
  return { organizationId, seq: Number(seq) };
}

builder.subscriptionField('invitationEvents', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationUpdate,
    nullable: true,
    description:
      'Every invitation event of the organization as it happens, for dashboards. Owners and admins. With `after` (an event’s `cursor`), first the events since that one, in order, then the live ones; a cursor it cannot resume from is refused with INVALID_CURSOR or CURSOR_EXPIRED (refetch, then follow without `after`). After the server lost events from other instances (its Redis was away), the events of the gap follow once it is back.',
    // A plain ID decoded here rather than t.arg.globalID: Pothos maps globalID arguments again on
    // every event's resolve, for every subscriber, and the feed resolves each event thousands of times.
    args: {
      organizationId: t.arg.id({ required: true, description: 'The organization to watch.' }),
      after: t.arg.string({
        required: false,
        description: 'Resume after this event: the `cursor` of the last event received.',
      }),
    },
    authScopes: (_root, args) => ({ admin: organizationUuid(String(args.organizationId)) }),
    extensions: cursorCheck(({ after }) => {
      if (after != null) feedPosition(String(after));
    }),
    subscribe: async (_root, { organizationId, after }, ctx) => {
      // Over SSE, a reconnecting EventSource says where it left off in `Last-Event-ID` (sseEventIds.ts).
      const resumeAfter = after ?? ctx.lastEventId ?? null;
      const result = await ctx.services.live.organizationEvents(
        ctx.viewer.user.id,
        organizationUuid(String(organizationId)),
        resumeAfter === null ? undefined : feedPosition(resumeAfter),
      );
      if (!result.ok) throw refusal(result.error.code, result.error.message);
      return result.value;
    },
    resolve: (update) => update,
  }),
);
