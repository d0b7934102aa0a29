// The REST door: /api/team/* routes (routes.ts, legacy.ts), each run as its GraphQL operation
// through yoga itself, so the same context, authorisation, limits, CSRF rule, error masking and
// metrics apply as on /graphql; the OpenAPI document at /api/openapi.json and its page at
// /api/docs. Talks to nothing but yoga.
import {
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isListType,
  isNonNullType,
  type OperationDefinitionNode,
  typeFromAST,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { schema as appSchema } from '../graphql/schema.js';
import { contentSecurityPolicy } from '../http/web.js';
import { type GraphQLAnswer, type RestAnswer, type RestError, refusal, restAnswer } from './answers.js';
import { DOCS_CSS, DOCS_HTML, DOCS_JS } from './docsPage.js';
import { loadRestDocument, type RestOperation } from './document.js';
import {
  impliedOrganization,
  LEGACY_MEMBERSHIPS,
  LEGACY_PATH,
  LEGACY_SEND,
  legacyBody,
  legacyInput,
} from './legacy.js';
import { buildOpenApi } from './openapi.js';
import { matchRoute, type RestRoute, restRoutes } from './routes.js';
import { userErrorCodes } from './shapes.js';

/** The request headers the GraphQL context and plugins read, passed on as they came. */
const FORWARDED = ['authorization', 'idempotency-key', 'user-agent', 'x-forwarded-for', 'x-request-id'];

interface Yoga {
  fetch(request: Request, serverContext: unknown): Promise<Response> | Response;
}

const noStore = { 'cache-control': 'no-store' };

/** A query parameter as its variable's type reads it: numbers and booleans parsed, lists repeated. */
function queryValue(type: GraphQLInputType, values: string[]): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return values.length === 0 ? undefined : values.map((v) => queryValue(inner.ofType, [v]));
  const [value] = values;
  if (value === undefined) return undefined;
  const name = getNamedType(inner).name;
  if ((name === 'Int' || name === 'Float') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (name === 'Boolean' && (value === 'true' || value === 'false')) return value === 'true';
  // Anything else goes as written: GraphQL refuses what its type does not take.
  return value;
}

function queryVariables(schema: GraphQLSchema, definition: OperationDefinitionNode, url: URL) {
  const variables: Record<string, unknown> = {};
  for (const variable of definition.variableDefinitions ?? []) {
    const name = variable.variable.name.value;
    const type = typeFromAST(schema, variable.type as never) as GraphQLInputType;
    const value = queryValue(type, url.searchParams.getAll(name));
    if (value !== undefined) variables[name] = value;
  }
  return variables;
}

function errorResponse(status: number, body: Record<string, unknown>, retryAfter?: number) {
  const headers: Record<string, string> = { ...noStore };
  if (retryAfter !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfter)));
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  return Response.json(body, { status, headers });
}

function answerResponse(answer: RestAnswer, successStatus: number): Response {
  if (answer.ok) return Response.json(answer.value, { status: successStatus, headers: noStore });
  return errorResponse(answer.status, { error: answer.error }, answer.retryAfter);
}

export function createRestDoor(options: {
  /** The yoga server this door is a plugin of, to run each operation through its whole pipeline. */
  yoga: () => Yoga;
  schema?: GraphQLSchema;
}): Plugin {
  const schema = options.schema ?? appSchema;
  const document = loadRestDocument(schema);
  const errorTypes = new Set(userErrorCodes(schema).keys());
  const openapi = JSON.stringify(buildOpenApi(schema, document, restRoutes));

  const operation = (name: string): RestOperation => {
    const found = document.operations.get(name);
    if (!found) throw new Error(`no REST operation ${name}`);
    return found;
  };

  /** Runs one operation as a GraphQL request of its own, with the caller's credentials and address. */
  async function run(
    request: Request,
    serverContext: unknown,
    op: RestOperation,
    variables: Record<string, unknown>,
  ): Promise<GraphQLAnswer> {
    const headers = new Headers({ accept: 'application/json' });
    for (const name of FORWARDED) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    // A body's own content type, so the CSRF rule judges it as on /graphql; reads carry none.
    headers.set(
      'content-type',
      request.method === 'POST' ? (request.headers.get('content-type') ?? '') : 'application/json',
    );
    const inner = new Request(new URL('/graphql', request.url), {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: op.source, operationName: op.name, variables }),
    });
    const response = await options.yoga().fetch(inner, serverContext);
    const text = await response.text();
    let body: GraphQLAnswer['body'];
    try {
      body = JSON.parse(text) as GraphQLAnswer['body'];
    } catch {
      // A refusal before GraphQL ran (a plain-text answer of a route): its status says what it was.
      body = { errors: [{ message: text || response.statusText }] };
    }
    return { status: response.status, retryAfterHeader: response.headers.get('retry-after'), body };
  }

  async function readBody(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; error: RestError }> {
    try {
      return { ok: true, body: await request.json() };
    } catch {
      return { ok: false, error: { code: 'INVALID_JSON', message: 'The body is not valid JSON' } };
    }
  }

  async function runRoute(
    request: Request,
    url: URL,
    serverContext: unknown,
    { route, params }: { route: RestRoute; params: Record<string, string> },
  ): Promise<Response> {
    const op = operation(route.operation);
    let variables: Record<string, unknown>;
    if (route.method === 'POST') {
      const read = await readBody(request);
      if (!read.ok) return answerResponse(refusal(read.error), route.successStatus);
      variables = route.bodyVariable ? { [route.bodyVariable]: read.body } : { ...(read.body as object) };
    } else {
      variables = queryVariables(schema, op.definition, url);
    }
    Object.assign(variables, params);
    const answer = restAnswer(await run(request, serverContext, op, variables), op.rootKey, errorTypes);
    return answerResponse(answer, route.successStatus);
  }

  async function legacy(request: Request, serverContext: unknown): Promise<Response> {
    const send = (answer: RestAnswer) =>
      answer.ok
        ? Response.json(legacyBody(answer), { status: 200, headers: noStore })
        : errorResponse(answer.status, legacyBody(answer), answer.retryAfter);
    const read = await readBody(request);
    if (!read.ok) return send(refusal(read.error));
    const parsed = legacyInput(read.body);
    if (!parsed.ok) return send(refusal(parsed.error));
    let organizationId = parsed.organizationId;
    if (organizationId === undefined) {
      const memberships = operation(LEGACY_MEMBERSHIPS);
      const answer = restAnswer(await run(request, serverContext, memberships, {}), memberships.rootKey, errorTypes);
      if (!answer.ok) return send(answer);
      const implied = impliedOrganization((answer.value.memberships ?? []) as { organization: { id: string } }[]);
      if (typeof implied !== 'string') return send(refusal(implied));
      organizationId = implied;
    }
    const op = operation(LEGACY_SEND);
    const graphql = await run(request, serverContext, op, { input: { ...parsed.input, organizationId } });
    return send(restAnswer(graphql, op.rootKey, errorTypes));
  }

  return {
    onRequest({ request, url, endResponse, serverContext }) {
      if (!url.pathname.startsWith('/api/')) return;
      const method = request.method;
      if (method === 'GET' && url.pathname === '/api/openapi.json') {
        endResponse(
          new Response(openapi, { headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' } }),
        );
        return;
      }
      if (method === 'GET' && url.pathname === '/api/docs') {
        endResponse(
          new Response(DOCS_HTML, {
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-cache',
              'content-security-policy': contentSecurityPolicy(url.origin),
              'x-content-type-options': 'nosniff',
              'referrer-policy': 'no-referrer',
            },
          }),
        );
        return;
      }
      if (method === 'GET' && (url.pathname === '/api/docs.js' || url.pathname === '/api/docs.css')) {
        const js = url.pathname.endsWith('.js');
        endResponse(
          new Response(js ? DOCS_JS : DOCS_CSS, {
            headers: {
              'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
              'cache-control': 'no-cache',
              'x-content-type-options': 'nosniff',
            },
          }),
        );
        return;
      }
      if (method === 'POST' && url.pathname === LEGACY_PATH) {
        return legacy(request, serverContext).then(endResponse);
      }
      const matched = matchRoute(restRoutes, method, url.pathname);
      if (matched) return runRoute(request, url, serverContext, matched).then(endResponse);
      const other = restRoutes.filter((r) => matchRoute([r], r.method, url.pathname));
      if (other.length > 0 || url.pathname === LEGACY_PATH) {
        const allow = url.pathname === LEGACY_PATH ? 'POST' : other.map((r) => r.method).join(', ');
        endResponse(
          Response.json(
            { error: { code: 'METHOD_NOT_ALLOWED', message: `Use ${allow}` } },
            { status: 405, headers: { ...noStore, allow } },
          ),
        );
        return;
      }
      endResponse(
        Response.json({ error: { code: 'NOT_FOUND', message: 'No such route' } }, { status: 404, headers: noStore }),
      );
    },
  };
}
