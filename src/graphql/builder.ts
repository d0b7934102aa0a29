// The schema builder: plugins and their options only; every type lives in types/.
import SchemaBuilder from '@pothos/core';
import DrizzlePlugin from '@pothos/plugin-drizzle';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { canManage } from '../auth/policy.js';
import type { Relations } from '../db/client.js';
import { relations } from '../db/relations.js';
import { canSeeNode } from './access.js';
import { type Context, forbidden, type SignedInContext, unauthenticated } from './context.js';
import { decodeGlobalID, encodeGlobalID } from './globalId.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  DrizzleRelations: Relations;
  AuthScopes: {
    authenticated: boolean;
    /** Any role in the organisation with this id. */
    member: string;
    /** OWNER or ADMIN in the organisation with this id. */
    admin: string;
  };
  AuthContexts: {
    authenticated: SignedInContext;
    member: SignedInContext;
    admin: SignedInContext;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, RelayPlugin, DrizzlePlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => {
      const roleIn = async (organizationId: string) =>
        (await ctx.memberships()).find((m) => m.organizationId === organizationId)?.role;
      return {
        authenticated: ctx.viewer !== null,
        member: async (organizationId) => (await roleIn(organizationId)) !== undefined,
        admin: async (organizationId) => canManage(await roleIn(organizationId)),
      };
    },
    unauthorizedError: (_parent, ctx) => (ctx.viewer ? forbidden() : unauthenticated()),
  },
  errors: {
    directResult: true,
    // `sendInvitation` answers `SendInvitationResult`: named for the field, not for its parent type.
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName[0]?.toUpperCase()}${fieldName.slice(1)}Result` },
    // Input validation failures become InputValidationError results. They are returned before
    // authorisation runs, which reveals only what the caller sent.
    unsafelyHandleInputErrors: true,
  },
  relay: {
    clientMutationId: 'omit',
    encodeGlobalID,
    decodeGlobalID,
    nodeQueryOptions: {
      description: 'Any object by its global id; null when it does not exist or the viewer may not see it.',
      args: { id: { description: 'A global id.' } },
      // Another organisation's object reads exactly like a missing one: null.
      resolve: async (_root, { id }, ctx, _info, resolveNode) => ((await canSeeNode(ctx, id)) ? resolveNode(id) : null),
    },
    cursorType: 'String',
    nodesQueryOptions: false,
    nodeTypeOptions: { description: 'An object with a global id, fetchable with the node query.' },
    idFieldOptions: { description: 'The global id: opaque, stable, and the same everywhere in this API.' },
    pageInfoTypeOptions: { description: 'Where a page sits in its connection, and the cursors to page on.' },
    hasNextPageFieldOptions: { description: 'True when more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'True when items come before this page.' },
    startCursorFieldOptions: { description: 'The first item’s cursor; null on an empty page.' },
    endCursorFieldOptions: { description: 'The last item’s cursor, for `after`; null on an empty page.' },
    pageInfoFieldOptions: { description: 'Where this page sits.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    nodesOnConnection: { description: 'The items of this page, without their cursors.' },
    cursorFieldOptions: { description: 'Where this item sits, for `after` or `before`.' },
    nodeFieldOptions: { description: 'The item.' },
    firstArgOptions: { description: 'The number of items after `after` (at most 100).' },
    afterArgOptions: { description: 'Start after the item with this cursor.' },
    lastArgOptions: { description: 'The number of items before `before` (at most 100).' },
    beforeArgOptions: { description: 'End before the item with this cursor.' },
  },
  drizzle: {
    client: (ctx) => ctx.db,
    getTableConfig,
    relations,
  },
});

/** The builder's type parameters, for helpers that build fields outside a type's own file. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
