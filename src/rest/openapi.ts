// The OpenAPI 3.1 document of the REST routes, generated from the route table, the operations'
// variables and selections (shapes.ts) and the status table: each route lists the errors its
// GraphQL field can answer, under the status each code maps to.
import { type GraphQLInputType, type GraphQLSchema, isNonNullType, typeFromAST } from 'graphql';
import type { RestDocument, RestOperation } from './document.js';
import { legacyPath } from './legacy.js';
import { responses, routeShapes, type Shapes } from './responseShapes.js';
import type { RestRoute } from './routes.js';
import { createShapes, type JsonSchema } from './shapes.js';

function parameters(schema: GraphQLSchema, shapes: Shapes, route: RestRoute, operation: RestOperation) {
  const out: Record<string, unknown>[] = [];
  for (const variable of operation.definition.variableDefinitions ?? []) {
    const name = variable.variable.name.value;
    if (route.method === 'POST' && name === route.bodyVariable) continue;
    const type = typeFromAST(schema, variable.type as never) as GraphQLInputType;
    const inPath = route.path.includes(`{${name}}`);
    const required = inPath || (isNonNullType(type) && variable.defaultValue === undefined);
    const valueSchema = shapes.input(isNonNullType(type) ? type : (type as GraphQLInputType));
    const plain = isNonNullType(type) ? valueSchema : ((valueSchema.anyOf as JsonSchema[])[0] as JsonSchema);
    out.push({
      name,
      in: inPath ? 'path' : 'query',
      required,
      schema: plain,
      ...(plain.type === 'array' ? { style: 'form', explode: true } : {}),
    });
  }
  if (route.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Same key and same body within 24 hours: the first answer again (`replayed: true`, `inviteUrl: null`), nothing new is made; the same key with another body is 409 IDEMPOTENCY_CONFLICT. A key in the body wins.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  return out;
}

export function buildOpenApi(schema: GraphQLSchema, document: RestDocument, routes: readonly RestRoute[]) {
  const shapes = createShapes(schema, document.fragments);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation = document.operations.get(route.operation);
    if (!operation) throw new Error(`route ${route.path}: no operation ${route.operation}`);
    const { success, errors } = routeShapes(schema, shapes, operation, { body: route.method === 'POST' });
    const body =
      route.method === 'POST'
        ? (operation.definition.variableDefinitions ?? []).find((v) => v.variable.name.value === route.bodyVariable)
        : undefined;
    const bodyType = body ? (typeFromAST(schema, body.type as never) as GraphQLInputType) : undefined;
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: route.operation,
        summary: route.summary,
        description: operation.rootField.description ?? undefined,
        tags: ['team'],
        parameters: parameters(schema, shapes, route, operation),
        ...(bodyType
          ? { requestBody: { required: true, content: { 'application/json': { schema: shapes.input(bodyType) } } } }
          : {}),
        responses: responses(route.successStatus, 'The answer', success, errors),
      },
    };
  }
  const legacy = legacyPath(schema, shapes, document);
  paths[legacy.path] = legacy.item;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Invitation API (REST)',
      version: '1.0.0',
      description:
        'REST routes generated from GraphQL operations over the same schema, resolvers and authorisation as /graphql. Errors answer `{ "error": { "code", "message", …fields } }`; the code is the GraphQL typed error’s `code` or the GraphQL error’s `extensions.code`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [{ name: 'team', description: 'Invitations of an organization' }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The token of signUp or logIn, as on /graphql.',
        },
      },
      schemas: shapes.components,
    },
  };
}
