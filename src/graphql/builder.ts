// The schema builder: plugins and their options only; every type lives in types/.
import SchemaBuilder from '@pothos/core';
import DrizzlePlugin from '@pothos/plugin-drizzle';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { canManage } from '../accounts/service.js';
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
    // Input validation failures become InputValidationError results. They are returned before
    // authorisation runs, which reveals only what the caller sent.
    unsafelyHandleInputErrors: true,
  },
  relay: {
    clientMutationId: 'omit',
    encodeGlobalID,
    decodeGlobalID,
    nodeQueryOptions: {
      // Another organisation's object reads exactly like a missing one: null.
      resolve: async (_root, { id }, ctx, _info, resolveNode) => ((await canSeeNode(ctx, id)) ? resolveNode(id) : null),
    },
    cursorType: 'String',
    nodesQueryOptions: false,
  },
  drizzle: {
    client: (ctx) => ctx.db,
    getTableConfig,
    relations,
  },
});
