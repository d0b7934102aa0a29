// The predecessor's `POST /api/team/invite`: its body (email and role, roles in lower case, the
// organization implied when the viewer belongs to one) mapped onto the same sendInvitation
// operation as /api/team/invite-enhanced, and its answer mapped back to the old ServiceResponse
// shape (`success`, snake_case fields). Shapes only: every rule stays with the GraphQL field.
import type { GraphQLSchema } from 'graphql';
import type { RestAnswer, RestError } from './answers.js';
import type { RestDocument } from './document.js';
import { errorEnvelope, responses, routeShapes, type Shapes } from './responseShapes.js';
import type { JsonSchema } from './shapes.js';

export const LEGACY_PATH = '/api/team/invite';
export const LEGACY_SEND = 'RestSendInvitation';
export const LEGACY_MEMBERSHIPS = 'RestViewerMemberships';

export interface LegacyRequest {
  email: unknown;
  role: unknown;
  organizationId?: unknown;
}

/** The old body as sendInvitation's input; a body that is not even the old shape is refused here. */
export function legacyInput(
  body: unknown,
): { ok: true; input: { email: unknown; role: unknown }; organizationId?: unknown } | { ok: false; error: RestError } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'The body must be an object with email and role', issues: [] },
    };
  }
  const { email, role, organizationId } = body as LegacyRequest;
  // The old service named roles in lower case; the schema's enum is upper case. Anything else is
  // left for GraphQL to refuse.
  const mapped = typeof role === 'string' ? role.toUpperCase() : role;
  return { ok: true, input: { email, role: mapped }, organizationId };
}

/** The organization implied by the viewer's memberships: theirs when they have exactly one. */
export function impliedOrganization(memberships: { organization: { id: string } }[]): string | RestError {
  const [only, ...more] = memberships;
  if (only && more.length === 0) return only.organization.id;
  return {
    code: 'INVALID_INPUT',
    message:
      memberships.length === 0
        ? 'You belong to no organization: send organizationId'
        : 'You belong to several organizations: send organizationId',
    issues: [{ path: ['organizationId'], message: 'Required' }],
  };
}

interface SentInvitation {
  id: string;
  email: string;
  role: string;
  status: string;
  deliveryStatus: string;
  message: string | null;
  expiresAt: string;
  createdAt: string;
  invitedBy: { id: string } | null;
}

/** The old ServiceResponse: `{ success: true, data }` or `{ success: false, error }`. */
export function legacyBody(answer: RestAnswer): Record<string, unknown> {
  if (!answer.ok) return { success: false, error: answer.error };
  const invitation = answer.value.invitation as SentInvitation;
  return {
    success: true,
    data: {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role.toLowerCase(),
      status: invitation.status.toLowerCase(),
      delivery_status: invitation.deliveryStatus.toLowerCase(),
      custom_message: invitation.message,
      invited_by: invitation.invitedBy?.id ?? null,
      expires_at: invitation.expiresAt,
      created_at: invitation.createdAt,
      invite_url: answer.value.inviteUrl ?? null,
      replayed: answer.value.replayed === true,
    },
  };
}

const legacyData: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The invitation’s global id (as in GraphQL and the other routes).' },
    email: { type: 'string' },
    role: { type: 'string', enum: ['owner', 'admin', 'member'] },
    status: { type: 'string', enum: ['pending', 'accepted', 'declined', 'cancelled', 'expired'] },
    delivery_status: {
      type: 'string',
      enum: ['validating', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'rejected'],
    },
    custom_message: { type: ['string', 'null'] },
    invited_by: { type: ['string', 'null'] },
    expires_at: { type: 'string', format: 'date-time' },
    created_at: { type: 'string', format: 'date-time' },
    invite_url: {
      type: ['string', 'null'],
      description: 'The accept link with its secret token; shown once, null on an idempotent replay.',
    },
    replayed: { type: 'boolean' },
  },
  required: [
    'id',
    'email',
    'role',
    'status',
    'delivery_status',
    'custom_message',
    'invited_by',
    'expires_at',
    'created_at',
    'invite_url',
    'replayed',
  ],
  additionalProperties: false,
};

/** The legacy route's path item, with the errors of the send it runs. */
export function legacyPath(schema: GraphQLSchema, shapes: Shapes, document: RestDocument) {
  const send = document.operations.get(LEGACY_SEND);
  if (!send) throw new Error(`no operation ${LEGACY_SEND}`);
  const { errors } = routeShapes(schema, shapes, send, { body: true });
  const success: JsonSchema = {
    type: 'object',
    properties: { success: { const: true }, data: legacyData },
    required: ['success', 'data'],
    additionalProperties: false,
  };
  return {
    path: LEGACY_PATH,
    item: {
      post: {
        operationId: 'LegacyInviteTeamMember',
        summary: 'The predecessor’s invite (legacy): email and role; the same send as /api/team/invite-enhanced.',
        description:
          'Kept for clients of the service this product replaces. `role` in lower case as before (upper case works too). `organizationId` may be left out when the viewer belongs to exactly one organization. Answers the old ServiceResponse shape: `{ success: true, data }`, or `{ success: false, error: { code, message, … } }` with the same statuses as the other routes.',
        tags: ['team'],
        deprecated: true,
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'As on /api/team/invite-enhanced.',
            schema: { type: 'string', minLength: 1, maxLength: 255 },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  email: { type: 'string' },
                  role: { type: 'string', enum: ['owner', 'admin', 'member', 'OWNER', 'ADMIN', 'MEMBER'] },
                  organizationId: {
                    type: 'string',
                    description: 'Needed when the viewer belongs to several organizations.',
                  },
                },
                required: ['email', 'role'],
              },
            },
          },
        },
        responses: responses(200, 'The invitation, in the old shape', success, errors, (variants) =>
          errorEnvelope(variants, { success: { const: false } }),
        ),
      },
    },
  };
}
